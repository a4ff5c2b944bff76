package io.k3mcp.board;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Takes a snapshot and, when asked for more than one sample, a series of readings {@code intervalMs}
 * apart with min/avg/max per quantity. The caller supplies the pause (so it can stay responsive to
 * cancellation) and is told after each sample (where it reports progress, or throws to stop).
 */
public final class BoardSampler {
    /** Waits between samples. */
    @FunctionalInterface
    public interface Pacer {
        void pause(long millis) throws InterruptedException;
    }

    /** Told after each sample; may throw (e.g. CancellationException) to stop the series. */
    @FunctionalInterface
    public interface Listener {
        void sampled(int done, int total);
    }

    private final BoardProbe probe;
    private final Pacer pacer;
    private final LongSupplier clockMs;

    public BoardSampler(BoardProbe probe, Pacer pacer, LongSupplier clockMs) {
        this.probe = probe;
        this.pacer = pacer;
        this.clockMs = clockMs;
    }

    /** Real time and {@link Thread#sleep}. */
    public static BoardSampler realTime(BoardProbe probe) {
        return new BoardSampler(probe, Thread::sleep, System::currentTimeMillis);
    }

    public BoardStatus run(int samples, long intervalMs, Listener listener) throws InterruptedException {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        if (intervalMs < 0) {
            throw new IllegalArgumentException("interval_ms must not be negative, got " + intervalMs);
        }
        BoardStatus snapshot = probe.snapshot();
        if (samples == 1) {
            listener.sampled(1, 1);
            return snapshot;
        }
        long start = clockMs.getAsLong();
        CpuTimes firstTimes = probe.cpuTimes();
        List<Sample> series = new ArrayList<>();
        series.add(probe.sample(0, 0));
        listener.sampled(1, samples);
        for (int i = 1; i < samples; i++) {
            pacer.pause(intervalMs);
            series.add(probe.sample(i, clockMs.getAsLong() - start));
            listener.sampled(i + 1, samples);
        }
        var busy = probe.cpuTimes().busyPercentSince(firstTimes);
        return snapshot.withSamples(series, SampleSummary.of(series, intervalMs, busy), probe.warnings());
    }
}
