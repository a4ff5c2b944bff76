package io.k3mcp.board;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Min/avg/max per series over all samples, and each cpu's busy share between the first and last
 * sample (from /proc/stat; null when the tree has no /proc/stat).
 */
public record SampleSummary(
        int samples,
        long intervalMs,
        List<Stats> tempC,
        List<Stats> cpuMhz,
        List<Stats> fanRpm,
        Map<String, Double> cpuBusyPercent) {

    /** One series' statistics; avg is rounded to 0.01. */
    public record Stats(String name, double min, double avg, double max, int count) {
    }

    static SampleSummary of(List<Sample> series, long intervalMs, Map<String, Double> busy) {
        return new SampleSummary(series.size(), intervalMs, stats(series, Sample::tempC),
                stats(series, Sample::cpuMhz), stats(series, Sample::fanRpm), busy);
    }

    private static <N extends Number> List<Stats> stats(List<Sample> series,
            Function<Sample, Map<String, N>> field) {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Sample sample : series) {
            field.apply(sample).forEach((name, v) -> values.computeIfAbsent(name, k -> new ArrayList<>())
                    .add(v.doubleValue()));
        }
        List<Stats> stats = new ArrayList<>();
        values.forEach((name, list) -> {
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : list) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            stats.add(new Stats(name, min, Math.round(sum / list.size() * 100) / 100.0, max, list.size()));
        });
        return stats;
    }
}
