package io.k3mcp.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A series of readings and its min/avg/max, on a tree whose values change between samples. */
class SamplingTest {
    @TempDir
    Path root;

    private TreeBuilder tree() {
        return new TreeBuilder(root)
                .file("/sys/devices/virtual/thermal/thermal_zone0/type", "soc-thermal\n")
                .link("/sys/class/thermal/thermal_zone0", "../../devices/virtual/thermal/thermal_zone0")
                .file("/sys/devices/system/cpu/online", "0\n")
                .file("/sys/devices/system/cpu/present", "0\n")
                .file("/sys/devices/platform/fan/hwmon/hwmon0/name", "pwmfan\n")
                .link("/sys/class/hwmon/hwmon0", "../../devices/platform/fan/hwmon/hwmon0");
    }

    private void set(TreeBuilder tree, int millidegrees, int khz, int rpm, long busy, long idle) {
        tree.file("/sys/devices/virtual/thermal/thermal_zone0/temp", millidegrees + "\n")
                .file("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", khz + "\n")
                .file("/sys/devices/platform/fan/hwmon/hwmon0/fan1_input", rpm + "\n")
                .file("/proc/stat", "cpu  0 0 0 0\ncpu0 " + busy + " 0 0 " + idle + " 0 0 0 0\n");
    }

    @Test
    void seriesAndSummaryFollowTheTree() throws Exception {
        TreeBuilder tree = tree();
        set(tree, 60000, 1000000, 2000, 100, 900);
        int[][] next = {{62000, 1600000, 2600, 150, 950}, {70000, 2400000, 3200, 400, 1000}};
        AtomicInteger step = new AtomicInteger();
        AtomicLong clock = new AtomicLong(1000);
        List<String> progress = new ArrayList<>();
        BoardSampler sampler = new BoardSampler(new BoardProbe(root), millis -> {
            int[] v = next[step.getAndIncrement()];
            set(tree, v[0], v[1], v[2], v[3], v[4]);
            clock.addAndGet(millis);
        }, clock::get);

        BoardStatus status = sampler.run(3, 500, (done, total) -> progress.add(done + "/" + total));

        assertEquals(List.of("1/3", "2/3", "3/3"), progress);
        List<Sample> samples = status.samples();
        assertEquals(new Sample(0, 0, Map.of("soc-thermal", 60.0), Map.of("cpu0", 1000.0),
                Map.of("pwmfan/fan1", 2000L)), samples.get(0));
        assertEquals(new Sample(2, 1000, Map.of("soc-thermal", 70.0), Map.of("cpu0", 2400.0),
                Map.of("pwmfan/fan1", 3200L)), samples.get(2));
        SampleSummary summary = status.summary();
        assertEquals(3, summary.samples());
        assertEquals(500, summary.intervalMs());
        assertEquals(List.of(new SampleSummary.Stats("soc-thermal", 60.0, 64.0, 70.0, 3)), summary.tempC());
        assertEquals(List.of(new SampleSummary.Stats("cpu0", 1000.0, 1666.67, 2400.0, 3)), summary.cpuMhz());
        assertEquals(List.of(new SampleSummary.Stats("pwmfan/fan1", 2000.0, 2600.0, 3200.0, 3)), summary.fanRpm());
        // busy 100 -> 400 of total 1000 -> 1400: 300 of 400 jiffies
        assertEquals(Map.of("cpu0", 75.0), summary.cpuBusyPercent());
        assertEquals(60.0, status.thermal().get(0).tempC(), "the snapshot is the first reading");
    }

    @Test
    void oneSampleIsAPlainSnapshot() throws Exception {
        set(tree(), 60000, 1000000, 2000, 1, 1);
        BoardStatus status = new BoardSampler(new BoardProbe(root), millis -> {
            throw new AssertionError("no pause for one sample");
        }, () -> 0).run(1, 1000, (d, t) -> { });
        assertNull(status.samples());
        assertNull(status.summary());
    }

    @Test
    void aListenerCanStopTheSeries() {
        set(tree(), 60000, 1000000, 2000, 1, 1);
        BoardSampler sampler = new BoardSampler(new BoardProbe(root), millis -> { }, () -> 0);
        assertThrows(CancellationException.class, () -> sampler.run(5, 10, (done, total) -> {
            if (done == 2) {
                throw new CancellationException("cancelled");
            }
        }));
    }

    @Test
    void badCountsAreRejected() {
        BoardSampler sampler = new BoardSampler(new BoardProbe(root), millis -> { }, () -> 0);
        assertThrows(IllegalArgumentException.class, () -> sampler.run(0, 10, (d, t) -> { }));
        assertThrows(IllegalArgumentException.class, () -> sampler.run(2, -1, (d, t) -> { }));
    }
}
