package io.k3mcp.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The JVM warm-up repeats a test until a run sees the compiler (almost) idle, within its run and time limits. */
class JitWarmupTest {
    private final AtomicLong compileMs = new AtomicLong();

    /** A run of 100 ms during which the compiler works the given milliseconds. */
    private long run(long jitMs) {
        compileMs.addAndGet(jitMs);
        return 100_000_000L;
    }

    @Test
    void stopsAtTheFirstRunWithTheCompilerUnderTwoPercentOfItsTime() {
        long[] jit = {400, 90, 30, 1, 0};
        int[] i = {0};
        int runs = new JitWarmup(compileMs::get).repeat(() -> run(jit[i[0]++]), Long.MAX_VALUE, "tg64");
        assertEquals(4, runs, "2 ms of 100 is not under 2 %, 1 ms is");
    }

    @Test
    void aCompilerThatNeverSettlesEndsAfterTheRunLimit() {
        int runs = new JitWarmup(compileMs::get).repeat(() -> run(50), Long.MAX_VALUE, "tg64");
        assertEquals(JitWarmup.MAX_RUNS, runs);
    }

    @Test
    void theTimeLimitEndsItSooner() {
        long start = System.nanoTime();
        int runs = new JitWarmup(compileMs::get).repeat(() -> run(50), 0, "tg64");
        assertEquals(1, runs, "a spent time limit still runs once");
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void thisJvmReportsItsCompilationTime() {
        assertTrue(JitWarmup.ofThisJvm() != null, "HotSpot reports compilation time; the warm-up relies on it");
    }
}
