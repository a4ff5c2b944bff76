package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.Transformer;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The scheduler when claiming a slot or a forward pass throws, or a call is cancelled before it gets a slot: the
 * lock, the slots and their permits come back, no half-written memory (rows, a recurrent state) is resumed from
 * a slot or the prefix cache, and the next call gets what a new session gives. Waits are bounded, so a lock or
 * permit that is never given back fails the test instead of hanging it.
 */
class SlotFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long PREFIX_BUDGET = 64L << 20;

    private static Model load(Golden g) throws IOException {
        return Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE);
    }

    private static FixedText text(Model m) {
        return FixedText.noEog(m.file().metadata().stringArray("tokenizer.ggml.tokens"));
    }

    private static Session session(Model m, Kernels k, int parallel, long prefixBytes) {
        return new Session(m, k, text(m), 256, GgmlType.F16, parallel, Long.MAX_VALUE, prefixBytes);
    }

    private static GenerationRequest greedy(int[] prompt, int max, BooleanSupplier cancel, TokenListener listener) {
        return new GenerationRequest(prompt, max, SamplerConfig.greedy(), List.of(), 0, cancel, listener);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The reference kernels, except that a call for which {@code when(method, args)} holds throws {@code failure}. */
    private static Kernels throwing(BiPredicate<String, Object[]> when, Throwable failure) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (proxy, m, args) -> {
            if (when.test(m.getName(), args)) {
                throw failure;
            }
            try {
                return m.invoke(ReferenceKernels.INSTANCE, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aSlotWhoseMemoryCannotBeMadeGivesBackTheLockAndItsPermit() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        try (Model m = load(g)) {
            AtomicBoolean failing = new AtomicBoolean();
            OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve direct buffer memory (test)");
            BatchScheduler two = new BatchScheduler(new Transformer(m, ReferenceKernels.INSTANCE), 2, Long.MAX_VALUE, 0, () -> {
                if (failing.get()) {
                    throw oom;
                }
                return new KvCache(m.config(), 256, GgmlType.F16);
            });
            two.generate(GenerationRequest.greedy(g.runs().get(0).promptIds(), 6), text(m));   // the first slot, made at start
            // without BOS it shares nothing with the first slot's memory: the second slot (least recently used) is claimed
            int[] other = Arrays.copyOfRange(g.runs().get(1).promptIds(), 1, g.runs().get(1).promptIds().length);
            failing.set(true);
            // each call on its own thread (assertTimeoutPreemptively's): a lock kept by a thread that has ended blocks all others
            assertSame(oom, assertTimeoutPreemptively(WAIT, () -> assertThrows(OutOfMemoryError.class,
                    () -> two.exclusive(KvCache::length))), "score");
            for (int i = 0; i < 2; i++) {   // two permits lost would leave none
                assertSame(oom, assertTimeoutPreemptively(WAIT, () -> assertThrows(OutOfMemoryError.class,
                        () -> two.generate(GenerationRequest.greedy(other, 6), text(m)))), "generate " + i);
            }
            failing.set(false);
            int[] expected = session(m, ReferenceKernels.INSTANCE, 1, 0).generate(GenerationRequest.greedy(other, 6)).tokens();
            assertArrayEquals(expected, assertTimeoutPreemptively(WAIT, () -> two.generate(GenerationRequest.greedy(other, 6), text(m))).tokens());
            assertEquals(2 * KvCache.bytesFor(m.config(), 256, GgmlType.F16), two.bytes(), "each slot's memory counted once, when made");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama-mini-f32", "new-archs/qwen35-mini-f16"})
    void anErrorInAForwardPassFailsEveryCallInItAndNoneOfItsMemoryIsResumed(String name) throws Exception {
        Golden g = Golden.load(name);
        int calls = 2;
        try (Model m = load(g)) {
            AtomicBoolean armed = new AtomicBoolean();
            OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve direct buffer memory (test)");
            // the first layer's feed-forward: its attention stored K/V rows (or its recurrent layer updated its state) first
            Session batched = session(m, throwing((method, args) -> method.equals("swiglu") && armed.compareAndSet(true, false), oom),
                    calls, PREFIX_BUDGET);
            List<List<Integer>> emitted = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            AtomicInteger decoding = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(calls);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<GenerationResult>> failed = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                int call = i;
                // up to the whole context: no call ends in the steps the other takes to join
                GenerationRequest r = greedy(g.runs().get(i).promptIds(), 256 - g.runs().get(i).promptIds().length, null, (k, id, d) -> {
                    emitted.get(call).add(id);
                    if (k == 0 && decoding.incrementAndGet() == calls) {
                        armed.set(true);   // both calls have their first token: the next pass decodes both
                    }
                });
                failed.add(pool.submit(() -> {
                    start.await();
                    return batched.generate(r);
                }));
            }
            start.countDown();
            pool.shutdown();
            for (int i = 0; i < calls; i++) {
                Future<GenerationResult> f = failed.get(i);
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS), "call " + i);
                assertSame(oom, e.getCause(), "call " + i);
            }
            assertEquals(calls, batched.peakSequencesPerStep());

            // each prompt again, extended by its call's tokens: neither a slot nor the prefix cache may resume the failed
            // pass's memory, so the session reuses exactly what a new one does after the same calls, and gives its tokens
            Session fresh = session(m, ReferenceKernels.INSTANCE, calls, PREFIX_BUDGET);
            for (int i = 0; i < calls; i++) {
                int[] prompt = g.runs().get(i).promptIds();
                int[] next = Arrays.copyOf(prompt, prompt.length + emitted.get(i).size() + 1);
                for (int j = 0; j < emitted.get(i).size(); j++) {
                    next[prompt.length + j] = emitted.get(i).get(j);
                }
                next[next.length - 1] = emitted.get(i).get(0);
                GenerationResult expected = fresh.generate(GenerationRequest.greedy(next, 8));
                GenerationResult again = batched.generate(GenerationRequest.greedy(next, 8));
                assertEquals(expected.timings().promptReused(), again.timings().promptReused(), name + " call " + i + " reused");
                assertArrayEquals(expected.tokens(), again.tokens(), name + " call " + i + " after the failure");
            }
        }
    }

    @Test
    void anErrorWhileScoringAHybridLeavesNoRecurrentStateForTheNextCall() throws IOException {
        Golden g = Golden.load("new-archs/qwen35-mini-f16");
        int[] tokens = new int[0];
        while (tokens.length < 100) {
            for (Golden.Run run : g.runs()) {
                tokens = concat(tokens, run.promptIds());
            }
        }
        int[] scored = Arrays.copyOf(tokens, 100);   // two passes: 64 tokens, then 36
        try (Model m = load(g)) {
            AtomicBoolean armed = new AtomicBoolean();
            OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve direct buffer memory (test)");
            // the second pass fails in the first layer's feed-forward, after its delta-net layer updated the state in place
            Session s = session(m, throwing((method, args) -> {
                if (method.equals("causalConv") && (Integer) args[4] == 36) {
                    armed.set(true);
                }
                return method.equals("swiglu") && armed.compareAndSet(true, false);
            }, oom), 1, 0);
            assertSame(oom, assertThrows(OutOfMemoryError.class, () -> s.score(scored, 0)));
            // a prompt starting with the first pass's 64 tokens: a slot that kept them would resume that broken state
            int[] prompt = Arrays.copyOf(scored, 70);
            GenerationResult expected = session(m, ReferenceKernels.INSTANCE, 1, 0).generate(GenerationRequest.greedy(prompt, 8));
            assertArrayEquals(expected.tokens(), s.generate(GenerationRequest.greedy(prompt, 8)).tokens());
        }
    }

    @Test
    void aCallCancelledWhileWaitingForASlotLeavesTheSlotsMemoryAlone() throws Exception {
        Golden g = Golden.load("llama-mini-f32");
        int[] p1 = g.runs().get(0).promptIds();
        int[] p2 = g.runs().get(1).promptIds();
        try (Model m = load(g)) {
            Session one = session(m, ReferenceKernels.INSTANCE, 1, 0);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            AtomicReference<Future<GenerationResult>> waiting = new AtomicReference<>();
            // the second call starts while the first holds the only slot, and is cancelled before it gets one
            GenerationResult first = one.generate(greedy(p1, 6, null, (k, id, d) -> {
                if (k == 0) {
                    waiting.set(pool.submit(() -> one.generate(greedy(p2, 6, () -> true, null))));
                }
            }));
            pool.shutdown();
            GenerationResult cancelled = waiting.get().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(FinishReason.CANCELLED, cancelled.finishReason());
            assertEquals(0, cancelled.completionTokens());
            assertEquals(0, cancelled.timings().promptReused());
            // the slot still holds the first call's prompt and output: the next turn runs only its last token
            int[] turn2 = concat(p1, first.tokens());
            GenerationResult next = one.generate(GenerationRequest.greedy(turn2, 4));
            assertEquals(turn2.length - 1, next.timings().promptReused());
            assertArrayEquals(session(m, ReferenceKernels.INSTANCE, 1, 0).generate(GenerationRequest.greedy(turn2, 4)).tokens(), next.tokens());
        }
    }
}
