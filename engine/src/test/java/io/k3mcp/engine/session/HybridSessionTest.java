package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions over a qwen35 hybrid, whose delta-net state cannot be truncated: turn 2 of the golden
 * two_turn_run resumes from the state turn 1 left (only the new suffix runs) and matches llama.cpp; a
 * prompt that leaves the cached tokens between checkpoints resumes from the last checkpoint before it
 * and gives exactly what a fresh session gives.
 */
class HybridSessionTest {
    /** The kernels, counting the tokens the delta-net layers' convolutions see (each layer sees every token a forward pass runs). */
    private static Kernels counting(Kernels inner, AtomicInteger convTokens) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("causalConv")) {
                        convTokens.addAndGet((Integer) args[4]);
                    }
                    try {
                        return m.invoke(inner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Kernels kernels(String which) {
        return which.equals("native") ? NativeKernels.shared(2, null, null) : ReferenceKernels.INSTANCE;
    }

    private static Session session(Model m, Kernels k) {
        return new Session(m, k, FixedText.noEog(m.file().metadata().stringArray("tokenizer.ggml.tokens")), 256, GgmlType.F16);
    }

    /** A generation that also records how many prompt tokens ran before the first token was sampled. */
    private record Turn(GenerationResult result, int prefilled) {
    }

    private static int recurrentLayers(Model m) {
        int n = 0;
        for (boolean r : m.config().deltaNet().recurrent()) {
            n += r ? 1 : 0;
        }
        return n;
    }

    private static Turn generate(Session s, Model m, AtomicInteger convTokens, int[] prompt, int n, int topLogits) {
        int layers = recurrentLayers(m);
        int before = convTokens.get();
        AtomicInteger prefilled = new AtomicInteger(-1);
        TokenListener firstToken = (index, token, text) -> {
            if (index == 0) {
                prefilled.set((convTokens.get() - before) / layers);
            }
        };
        GenerationResult r = s.generate(new GenerationRequest(prompt, n, SamplerConfig.greedy(), List.of(), topLogits, null, firstToken));
        return new Turn(r, prefilled.get());
    }

    /**
     * Turn 1 runs free (greedy) where every turn-1 step of the golden is decisive for the model; otherwise
     * ({@code forced}) its prompt is the golden's turn-1 prompt plus all but the last generated token, which
     * leaves the same tokens in the state as llama.cpp's turn 1 without depending on non-decisive steps.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"qwen35-mini-f16, reference, free", "qwen35-mini-q8_0, reference, free", "qwen35-mini-f16, native, free",
        "qwen35-mini-q8_0, native, free", "qwen35moe-mini-f16, reference, forced", "qwen35moe-mini-q8_0, reference, forced",
        "qwen35moe-mini-f16, native, forced", "qwen35moe-mini-q8_0, native, forced"})
    void turnTwoResumesFromTurnOnesStateAndMatchesLlamaCpp(String name, String which, String turn1) throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + name);
        Golden.TwoTurn tt = g.twoTurn();
        assertTrue(tt.turn2ExtendsTurn1(), "the golden's turn 2 extends turn 1");
        Kernels k = kernels(which);
        AtomicInteger convTokens = new AtomicInteger();
        try (Model m = Model.load(Shared.model(g.modelFile()), k)) {
            Session s = session(m, counting(k, convTokens));
            int[] p1 = tt.turn1().promptIds();
            int n1 = tt.turn1().generatedIds().length;
            if (turn1.equals("free")) {
                Turn t1 = generate(s, m, convTokens, p1, n1, 0);
                assertEquals(p1.length, t1.prefilled());
                assertArrayEquals(tt.turn1().generatedIds(), t1.result().tokens(), name + " turn 1");
            } else {
                int[] forced = Arrays.copyOf(p1, p1.length + n1 - 1);
                System.arraycopy(tt.turn1().generatedIds(), 0, forced, p1.length, n1 - 1);
                assertEquals(forced.length, generate(s, m, convTokens, forced, 1, 0).prefilled());
            }

            // the state holds turn-1's prompt and all but the last generated token (sampled, never decoded)
            int cached = p1.length + n1 - 1;
            int vocab = m.config().nVocab();
            Golden.Run run2 = tt.turn2();
            int n2 = run2.generatedIds().length;
            Turn t2 = generate(s, m, convTokens, run2.promptIds(), n2, vocab);
            assertEquals(run2.promptIds().length - cached, t2.prefilled(), "turn 2 runs only the tokens after the cached state");
            int decisive = run2.decisiveSteps();
            assertArrayEquals(Arrays.copyOf(run2.generatedIds(), decisive), Arrays.copyOf(t2.result().tokens(), decisive), name + " turn 2");
            for (int step = 0; step < decisive; step++) {
                float[] logits = new float[vocab];
                for (TokenLogit tl : t2.result().topLogits().get(step)) {
                    logits[tl.id()] = tl.logit();
                }
                Golden.Step want = run2.steps().get(step);
                for (int j = 0; j < want.topIds().length; j++) {
                    double diff = Math.abs(logits[want.topIds()[j]] - want.topLogits()[j]);
                    int at = step;
                    assertTrue(diff <= g.tol(), () -> name + " turn 2 step " + at + ": logit differs by " + diff + " > tol " + g.tol());
                }
            }
        }
    }

    @Test
    void aPromptLeavingTheCacheBetweenCheckpointsResumesFromTheLastOneExactly() throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35-mini-f16");
        Golden.TwoTurn tt = g.twoTurn();
        int[] p1 = tt.turn1().promptIds();
        int[] diverging = tt.turn2().promptIds().clone();
        int at = p1.length + 4;          // inside turn 1's output: no checkpoint there
        diverging[at] = (diverging[at] + 1) % 1000;
        AtomicInteger convTokens = new AtomicInteger();
        Kernels k = ReferenceKernels.INSTANCE;
        try (Model m = Model.load(Shared.model(g.modelFile()), k)) {
            Session resumed = session(m, counting(k, convTokens));
            generate(resumed, m, convTokens, p1, tt.turn1().generatedIds().length, 0);
            Turn second = generate(resumed, m, convTokens, diverging, 8, 16);
            assertEquals(diverging.length - p1.length, second.prefilled(), "resumes from the checkpoint at the end of turn 1's prompt");

            Turn fresh = generate(session(m, counting(k, convTokens)), m, convTokens, diverging, 8, 16);
            assertEquals(diverging.length, fresh.prefilled());
            assertArrayEquals(fresh.result().tokens(), second.result().tokens());
            assertEquals(fresh.result().topLogits(), second.result().topLogits(), "the same logits, bit for bit");
        }
    }

    @Test
    void recurrentMemoryTruncatesOnlyToCheckpoints() throws IOException {
        Golden g = Golden.load(Golden.NEW_ARCHS + "qwen35-mini-f16");
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            KvCache cache = new KvCache(m.config(), 32, GgmlType.F16);
            Transformer tf = new Transformer(m, ReferenceKernels.INSTANCE);
            tf.forward(cache, new int[] {1, 2, 3}, false);
            cache.checkpoint();
            tf.forward(cache, new int[] {4, 5}, false);
            assertEquals(5, cache.reusablePrefix(new int[] {1, 2, 3, 4, 5, 6}), "the current end is always exact");
            assertEquals(3, cache.reusablePrefix(new int[] {1, 2, 3, 4, 9}), "else the checkpoint inside the common prefix");
            assertEquals(0, cache.reusablePrefix(new int[] {1, 2, 7}), "else nothing");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.truncate(4));
            assertTrue(e.getMessage().contains("no checkpoint at 4 tokens (held: [3])"), e.getMessage());
            float[] afterRestore = restoredThenRun(cache, tf);
            KvCache fresh = new KvCache(m.config(), 32, GgmlType.F16);
            tf.forward(fresh, new int[] {1, 2, 3}, false);
            assertArrayEquals(tf.forward(fresh, new int[] {8}, false), afterRestore, "restored state = the state after 3 tokens");
        }
    }

    private static float[] restoredThenRun(KvCache cache, Transformer tf) {
        cache.truncate(3);
        return tf.forward(cache, new int[] {8}, false);
    }
}
