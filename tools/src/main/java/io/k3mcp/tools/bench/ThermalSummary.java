package io.k3mcp.tools.bench;

/**
 * The board during one test: hottest thermal zone, mean cpu clock and fan speed, each as min/avg/max
 * over the samples (null where the board has no such sensor).
 */
public record ThermalSummary(int samples, Range tempC, Range cpuMhz, Range fanRpm) {

    /** min/avg/max of one quantity. */
    public record Range(double min, double avg, double max) {
        static Range of(double[] v, int n) {
            if (n == 0) {
                return null;
            }
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
                sum += v[i];
            }
            return new Range(min, sum / n, max);
        }
    }
}
