package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 4's per-layer memory (docs/ENGINE.md "Layer memory"): what each layer keeps, and the sliding layers'
 * rows dropped and moved while the llama.cpp golden that crosses the window still holds.
 */
class Gemma4MemoryTest {
    private static final String NAME = "new-archs/gemma4-mini-f16";

    @Test
    void sharedLayersHoldNothingAndSlidingLayersOnlyTheirWindowPlusABatch() throws IOException {
        Golden g = Golden.load(NAME);
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            // MODELS.md: layers 1 and 4 full (2 KV heads x 64), 0, 2, 3 sliding (2 x 32, window 32), 5-7 shared
            long fullRow = 2 * 64;
            long slidingRow = 2 * 32;
            for (GgmlType type : new GgmlType[] {GgmlType.F16, GgmlType.F32}) {
                int bytesPer = type == GgmlType.F16 ? 2 : 4;
                KvCache cache = new KvCache(m.config(), 512, type, 8);
                long expected = 2 * bytesPer * (2 * 512 * fullRow + 3 * (32 - 1 + 8) * slidingRow);
                assertEquals(expected, cache.bytes(), type.name());
            }
            // a context shorter than window + batch: the sliding layers hold the whole context
            assertEquals(2 * 2 * 20 * (2 * fullRow + 3 * slidingRow), new KvCache(m.config(), 20, GgmlType.F16).bytes());
        }
    }

    @Test
    void batchesLongerThanTheCacheWasMadeForAreRefusedByName() throws IOException {
        Golden g = Golden.load(NAME);
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            String tooLong = assertThrows(IllegalArgumentException.class, () -> new KvCache(m.config(), 64, GgmlType.F16, 513)).getMessage();
            assertTrue(tooLong.contains("maxBatch must be 1..512, not 513"), tooLong);
            String transformer = assertThrows(IllegalArgumentException.class,
                    () -> new Transformer(m, ReferenceKernels.INSTANCE, 513)).getMessage();
            assertTrue(transformer.contains("maxBatch must be 1..512, got 513"), transformer);
            // a cache made for batches of 2 cannot take 8 tokens at once once its sliding layers fill
            KvCache small = new KvCache(m.config(), 200, GgmlType.F16, 2);
            Transformer tf = new Transformer(m, ReferenceKernels.INSTANCE, 8);
            int[] eight = {1, 2, 3, 4, 5, 6, 7, 8};
            tf.forward(small, eight, false);
            tf.forward(small, eight, false);
            tf.forward(small, eight, false);
            tf.forward(small, eight, false);
            String overflow = assertThrows(IllegalArgumentException.class, () -> tf.forward(small, eight, false)).getMessage();
            assertTrue(overflow.contains("do not fit its 33 cached rows (the cache was made for batches of at most 2 tokens)"), overflow);
        }
    }

    /** Batches of 1 and 8 tokens make the sliding layers drop rows many times over the 154-token run. */
    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 8})
    void slidingWindowRunMatchesLlamaCppWithTheWindowOnlyCached(int batch) throws IOException {
        Golden g = Golden.load(NAME);
        Golden.Run run = g.runs().stream().filter(r -> r.label().equals("sliding_window_run")).findFirst().orElseThrow();
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            Transformer tf = new Transformer(m, ReferenceKernels.INSTANCE, batch);
            int total = run.promptIds().length + run.generatedIds().length;
            KvCache cache = new KvCache(m.config(), total, GgmlType.F16, batch);
            GoldenTeacherForcedTest.checkRun(g, run, tf, cache);
            int last = run.steps().size() - 1;

            int[] seq = cache.tokens();
            int length = seq.length;
            // an early prefix is gone from the sliding layers: start over rather than resume wrongly
            assertEquals(0, cache.reusablePrefix(Arrays.copyOf(seq, 100)));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.truncate(100));
            assertTrue(e.getMessage().contains("sliding-window layers"), e.getMessage());
            // one token back is still inside every window: resume there and get the same last step
            assertEquals(length, cache.reusablePrefix(seq));
            assertEquals(length - 1, cache.reusablePrefix(Arrays.copyOf(seq, length - 1)));
            cache.truncate(length - 1);
            float[] logits = tf.forward(cache, new int[] {seq[length - 1]}, false);
            GoldenTeacherForcedTest.checkStep(g, run, last, logits);
        }
    }
}
