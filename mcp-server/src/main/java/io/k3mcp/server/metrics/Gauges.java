package io.k3mcp.server.metrics;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gauge families gathered point by point during one scrape; a null value (a missing file) adds nothing. */
final class Gauges {
    private record Family(String help, List<GaugeSnapshot.GaugeDataPointSnapshot> points, Set<Labels> seen) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** @param labels name, value, name, value... */
    void add(String name, String help, Double value, String... labels) {
        if (value == null || value.isNaN()) {
            return;
        }
        Family family = families.computeIfAbsent(name, n -> new Family(help, new ArrayList<>(), new HashSet<>()));
        Labels set = Labels.of(labels);
        // Two chips at one device path would repeat a label set, which a scrape must not contain: first wins.
        if (family.seen().add(set)) {
            family.points().add(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(set).build());
        }
    }

    MetricSnapshots snapshots() {
        List<MetricSnapshot> snapshots = new ArrayList<>();
        families.forEach((name, f) -> snapshots.add(new GaugeSnapshot(
                new MetricMetadata(name, f.help()), f.points())));
        return new MetricSnapshots(snapshots);
    }
}
