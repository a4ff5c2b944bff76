package io.k3mcp.tools;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one labelled data point out of an {@link InferenceMetrics} registry, as a scrape would see it. */
public final class MetricReading {
    private MetricReading() {
    }

    /** A counter's or gauge's value, a histogram's count; null when no such data point exists. */
    public static Double value(InferenceMetrics metrics, String name, String model, String tool) {
        DataPointSnapshot p = point(metrics, name, model, tool);
        if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
            return c.getValue();
        }
        if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
            return g.getValue();
        }
        return p instanceof HistogramSnapshot.HistogramDataPointSnapshot h ? (double) h.getCount() : null;
    }

    /** A histogram's sum of observations; null when no such data point exists. */
    public static Double sum(InferenceMetrics metrics, String name, String model, String tool) {
        return point(metrics, name, model, tool) instanceof HistogramSnapshot.HistogramDataPointSnapshot h ? h.getSum() : null;
    }

    private static DataPointSnapshot point(InferenceMetrics metrics, String name, String model, String tool) {
        for (MetricSnapshot s : metrics.registry().scrape()) {
            String family = s.getMetadata().getPrometheusName();
            if (family.equals(name) || (family + "_total").equals(name)) {
                for (DataPointSnapshot p : s.getDataPoints()) {
                    if (model.equals(p.getLabels().get("model")) && tool.equals(p.getLabels().get("tool"))) {
                        return p;
                    }
                }
            }
        }
        return null;
    }
}
