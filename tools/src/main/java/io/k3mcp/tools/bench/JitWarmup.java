package io.k3mcp.tools.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JVM's part of a benchmark's warm-up. llama-bench warms up with one run; a JVM goes on compiling its hot
 * code for seconds after that, and on a machine with as many cores as workers its compiler threads take
 * the workers' cores while they do (measured: Qwen3-0.6B decode 41-48 t/s in the first two repetitions, 57-63
 * once compiled). So the warm-up repeats the test, untimed, until one run of it sees the compiler busy for
 * under {@link #SETTLED_FRACTION} of its time, for at most {@link #MAX_RUNS} runs and a time limit (a tiny
 * model's runs of a few milliseconds rarely see a compiler entirely idle).
 */
final class JitWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(JitWarmup.class);
    /** A run is warm when the JIT compiled for less than this fraction of its wall time. */
    static final double SETTLED_FRACTION = 0.02;
    static final int MAX_RUNS = 8;

    private final LongSupplier compileMs;

    JitWarmup(LongSupplier compileMs) {
        this.compileMs = compileMs;
    }

    /** The running JVM's compiler, or null when it does not report its compilation time. */
    static JitWarmup ofThisJvm() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? new JitWarmup(jit::getTotalCompilationTime) : null;
    }

    /**
     * Runs {@code run} (which returns its nanoseconds) until a run is warm, {@link #MAX_RUNS} have run or
     * {@code limitNs} have passed; returns the number of runs.
     */
    int repeat(LongSupplier run, long limitNs, String what) {
        long start = System.nanoTime();
        int runs = 0;
        while (true) {
            long jitBefore = compileMs.getAsLong();
            long ns = run.getAsLong();
            long jitMs = compileMs.getAsLong() - jitBefore;
            runs++;
            boolean warm = jitMs * 1e6 < SETTLED_FRACTION * ns;
            LOG.info("event=bench_warmup test=\"{}\" run={} ms={} jit_ms={} warm={}", what, runs, ns / 1_000_000, jitMs, warm);
            if (warm || runs == MAX_RUNS || System.nanoTime() - start >= limitNs) {
                return runs;
            }
        }
    }
}
