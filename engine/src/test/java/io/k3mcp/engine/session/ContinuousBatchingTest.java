package io.k3mcp.engine.session;

import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent calls on one session share the forward passes (continuous batching) and each gets what it
 * gets alone: greedy tokens equal, on a dense model, a sliding-window one and a recurrent hybrid. A call
 * cancelled or failing mid-batch leaves the others unchanged; more calls than slots wait for one.
 */
class ContinuousBatchingTest {
    private static final int TOKENS = 24;

    private record Fixture(Golden golden, Model model) implements AutoCloseable {
        static Fixture load(String name) throws IOException {
            Golden g = Golden.load(name);
            return new Fixture(g, Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE));
        }

        Session session(int parallel) {
            return session(parallel, ReferenceKernels.INSTANCE);
        }

        Session session(int parallel, Kernels kernels) {
            String[] tokens = model.file().metadata().stringArray("tokenizer.ggml.tokens");
            return new Session(model, kernels, FixedText.noEog(tokens), 512, GgmlType.F16, parallel, Long.MAX_VALUE, 0);
        }

        int[] prompt(int i) {
            return golden.runs().get(i % golden.runs().size()).promptIds();
        }

        @Override
        public void close() throws IOException {
            model.close();
        }
    }

    private static GenerationRequest greedy(int[] prompt, int max, java.util.function.BooleanSupplier cancel, TokenListener listener) {
        return new GenerationRequest(prompt, max, SamplerConfig.greedy(), List.of(), 0, cancel, listener);
    }

    /** Runs the calls on their own threads, all released at once; each future holds its result or failure. */
    private static List<Future<GenerationResult>> together(Session s, int calls, IntFunction<GenerationRequest> request) {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<GenerationResult>> out = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            GenerationRequest r = request.apply(i);
            out.add(pool.submit(() -> {
                start.await();
                return s.generate(r);
            }));
        }
        start.countDown();
        pool.shutdown();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-mini-q8_0", "gemma3-mini-f16", "new-archs/qwen35-mini-f16", "new-archs/gemma4-moe-mini-f16"})
    void fourConcurrentCallsEqualEachAloneAndShareSteps(String name) throws Exception {
        try (Fixture f = Fixture.load(name)) {
            Session alone = f.session(1);
            int[][] expected = new int[4][];
            for (int i = 0; i < 4; i++) {
                expected[i] = alone.generate(greedy(f.prompt(i), TOKENS, null, null)).tokens();
            }
            Golden.Run first = f.golden().runs().get(0);
            int decisive = Math.min(TOKENS, first.decisiveSteps());
            assertArrayEquals(Arrays.copyOf(first.generatedIds(), decisive), Arrays.copyOf(expected[0], decisive), "alone vs llama.cpp");
            Session batched = f.session(4);
            List<Future<GenerationResult>> results = together(batched, 4, i -> greedy(f.prompt(i), TOKENS, null, null));
            for (int i = 0; i < 4; i++) {
                GenerationResult r = results.get(i).get();
                assertArrayEquals(expected[i], r.tokens(), name + " call " + i);
                assertEquals(FinishReason.LENGTH, r.finishReason());
            }
            assertTrue(batched.peakSequencesPerStep() > 1, "the calls never shared a forward pass");
        }
    }

    @Test
    void cancelledAndFailingCallsMidBatchLeaveTheOthersUnchanged() throws Exception {
        try (Fixture f = Fixture.load("llama-mini-f32")) {
            Session alone = f.session(1);
            int[][] expected = new int[4][];
            for (int i = 0; i < 4; i++) {
                expected[i] = alone.generate(greedy(f.prompt(i), TOKENS, null, null)).tokens();
            }
            Session batched = f.session(4);
            AtomicInteger seen = new AtomicInteger();
            List<Future<GenerationResult>> results = together(batched, 4, i -> switch (i) {
                case 1 -> greedy(f.prompt(i), TOKENS, () -> seen.get() >= 5, (k, id, d) -> seen.incrementAndGet());
                case 2 -> greedy(f.prompt(i), TOKENS, null, (k, id, d) -> {
                    if (k == 3) {
                        throw new IllegalStateException("listener of call 2 fails at token 3");
                    }
                });
                default -> greedy(f.prompt(i), TOKENS, null, null);
            });
            GenerationResult cancelled = results.get(1).get();
            assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
            assertArrayEquals(Arrays.copyOf(expected[1], 5), cancelled.tokens());
            Exception failed = assertThrows(Exception.class, () -> results.get(2).get());
            assertTrue(failed.getCause() instanceof IllegalStateException && failed.getCause().getMessage().contains("token 3"), failed.toString());
            assertArrayEquals(expected[0], results.get(0).get().tokens());
            assertArrayEquals(expected[3], results.get(3).get().tokens());
            assertTrue(batched.peakSequencesPerStep() > 1, "the calls never shared a forward pass");
            // the freed slots serve again
            assertArrayEquals(expected[2], batched.generate(greedy(f.prompt(2), TOKENS, null, null)).tokens());
        }
    }

    /**
     * The reference kernels, except that the first swiglu once {@code armed} is set throws {@code failure}: in the
     * first layer's feed-forward, after its attention stored K/V rows (or its recurrent layer updated its state).
     */
    private static Kernels failingOnceArmed(AtomicBoolean armed, RuntimeException failure) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (proxy, m, args) -> {
            if (m.getName().equals("swiglu") && armed.compareAndSet(true, false)) {
                throw failure;
            }
            try {
                return m.invoke(ReferenceKernels.INSTANCE, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-mini-f32", "new-archs/qwen35-mini-f16"})
    void aFailingForwardPassFailsEveryCallInItWithItsExceptionAndTheSlotsServeOn(String name) throws Exception {
        int calls = 3;
        try (Fixture f = Fixture.load(name)) {
            AtomicBoolean armed = new AtomicBoolean();
            RuntimeException failure = new IllegalStateException("kernel fails mid-decode");
            Session batched = f.session(calls, failingOnceArmed(armed, failure));
            List<List<Integer>> emitted = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                emitted.add(new CopyOnWriteArrayList<>());
            }
            AtomicInteger decoding = new AtomicInteger();
            // up to the whole context: no call ends in the few steps the others take to join
            List<Future<GenerationResult>> failed = together(batched, calls, i -> greedy(f.prompt(i), 512 - f.prompt(i).length, null,
                    (k, id, d) -> {
                        emitted.get(i).add(id);
                        if (k == 0 && decoding.incrementAndGet() == calls) {
                            armed.set(true);   // every call has its first token: the next pass decodes all of them
                        }
                    }));
            for (int i = 0; i < calls; i++) {
                Future<GenerationResult> call = failed.get(i);
                ExecutionException e = assertThrows(ExecutionException.class, call::get, name + " call " + i);
                assertSame(failure, e.getCause(), name + " call " + i);
            }
            assertEquals(calls, batched.peakSequencesPerStep());

            // each call again, its prompt now extended by the tokens it had and one more: a slot that kept the failed
            // pass's memory would resume from it, half a layer of it written
            Session clean = f.session(1);
            int[][] next = new int[calls][];
            int[][] expected = new int[calls][];
            for (int i = 0; i < calls; i++) {
                int[] prompt = f.prompt(i);
                next[i] = Arrays.copyOf(prompt, prompt.length + emitted.get(i).size() + 1);
                for (int j = 0; j < emitted.get(i).size(); j++) {
                    next[i][prompt.length + j] = emitted.get(i).get(j);
                }
                next[i][next[i].length - 1] = emitted.get(i).get(0);
                expected[i] = clean.generate(greedy(next[i], TOKENS, null, null)).tokens();
            }
            List<Future<GenerationResult>> again = together(batched, calls, i -> greedy(next[i], TOKENS, null, null));
            for (int i = 0; i < calls; i++) {
                assertArrayEquals(expected[i], again.get(i).get().tokens(), name + " call " + i + " after the failure");
            }
        }
    }

    @Test
    void moreCallsThanSlotsWaitForOne() throws Exception {
        try (Fixture f = Fixture.load("llama-mini-f32")) {
            Session alone = f.session(1);
            Session two = f.session(2);
            List<Future<GenerationResult>> results = together(two, 6, i -> greedy(f.prompt(i), 8, null, null));
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(alone.generate(greedy(f.prompt(i), 8, null, null)).tokens(), results.get(i).get().tokens(), "call " + i);
            }
            assertEquals(2, two.peakSequencesPerStep(), "two slots run at most two sequences per step");
        }
    }

    @Test
    void slotMemoryIsMemAvailableCappedByTheJvmsLimit() {
        // MemAvailable parsing is FreeMemory's (ContextSizeTest); the slots also stay within the JVM's direct-buffer limit
        long available = SystemMemory.available();
        assertTrue(available > 0);
        assertTrue(available <= Runtime.getRuntime().maxMemory(), available + " bytes past the JVM's limit");
    }

    @Test
    void slotCountsAndMemoryAreChecked() throws IOException {
        try (Fixture f = Fixture.load("llama-mini-f32")) {
            String[] tokens = f.model().file().metadata().stringArray("tokenizer.ggml.tokens");
            for (int bad : new int[] {0, -1, BatchScheduler.MAX_PARALLEL + 1}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                        new Session(f.model(), ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 512, GgmlType.F16, bad, Long.MAX_VALUE, 0));
                assertTrue(e.getMessage().contains("parallel must be 1..64") && e.getMessage().contains("got " + bad), e.getMessage());
            }
            long oneSlot = f.session(1).kvCacheBytes();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    new Session(f.model(), ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 512, GgmlType.F16, 4, 3 * oneSlot, 0));
            String mib = String.format(java.util.Locale.ROOT, "%.1f MiB", oneSlot / (double) (1 << 20));
            assertTrue(e.getMessage().contains("4 sequence slots") && e.getMessage().contains("512-token context")
                    && e.getMessage().contains("4 x " + mib), e.getMessage());
            assertEquals(oneSlot, new Session(f.model(), ReferenceKernels.INSTANCE, FixedText.noEog(tokens), 512, GgmlType.F16, 4,
                    4 * oneSlot, 0).kvCacheBytes(), "four slots fit in exactly their bytes; one cache is made at start, the others on first use");
        }
    }
}
