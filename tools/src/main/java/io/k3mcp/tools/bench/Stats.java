package io.k3mcp.tools.bench;

/** llama-bench's statistics: the mean, and the sample standard deviation (n - 1; 0 for one sample). */
public final class Stats {
    private Stats() {
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }

    public static double stddev(double[] v) {
        if (v.length <= 1) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** Tokens per second of each sample: {@code nTokens * 1e9 / ns}. */
    public static double[] tokensPerSecond(long[] samplesNs, int nTokens) {
        double[] ts = new double[samplesNs.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = nTokens * 1e9 / samplesNs[i];
        }
        return ts;
    }

    public static double[] asDoubles(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
