package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.testing.SyntheticModel;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How tokens are batched does not change the numbers; biases (qwen2) take part; bad calls are refused. */
class TransformerBatchingTest {
    @TempDir
    Path dir;

    private static final int[] SEQ = {1, 438, 113, 346, 701, 265, 263, 931, 631, 603, 803, 631, 718, 5, 77};

    @Test
    void smallBatchesGiveBitIdenticalLogitsToOneBatch() throws IOException {
        try (Model m = Model.load(Shared.model("gemma3-mini-q8_0.gguf"), ReferenceKernels.INSTANCE)) {
            float[] one = new Transformer(m, ReferenceKernels.INSTANCE).forward(new KvCache(m.config(), 32, GgmlType.F16), SEQ, true);
            float[] fours = new Transformer(m, ReferenceKernels.INSTANCE, 4).forward(new KvCache(m.config(), 32, GgmlType.F16), SEQ, true);
            assertArrayEquals(one, fours);
            // token by token: the last logits equal the batched run's last row
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE);
            KvCache cache = new KvCache(m.config(), 32, GgmlType.F16);
            float[] last = null;
            for (int id : SEQ) {
                last = t.forward(cache, new int[] {id}, false);
            }
            int v = m.config().nVocab();
            assertArrayEquals(Arrays.copyOfRange(one, (SEQ.length - 1) * v, SEQ.length * v), last);
            assertArrayEquals(SEQ, cache.tokens());
        }
    }

    @Test
    void qwen2BiasesAreLoadedAndApplied() throws IOException {
        Path plain = new SyntheticModel().arch("qwen2").write(dir.resolve("plain.gguf"));
        Path biased = new SyntheticModel().arch("qwen2").withBiases().write(dir.resolve("biased.gguf"));
        try (Model a = Model.load(plain, ReferenceKernels.INSTANCE); Model b = Model.load(biased, ReferenceKernels.INSTANCE)) {
            assertNotNull(b.weights().layers().get(0).bq());
            assertTrue(b.config().arch().ropeNeox);
            float[] la = new Transformer(a, ReferenceKernels.INSTANCE).forward(new KvCache(a.config(), 4, GgmlType.F16), new int[] {3, 4}, false);
            float[] lb = new Transformer(b, ReferenceKernels.INSTANCE).forward(new KvCache(b.config(), 4, GgmlType.F16), new int[] {3, 4}, false);
            assertFalse(Arrays.equals(la, lb), "a bias of ones must change the logits");
        }
    }

    @Test
    void overflowingTheCacheAndBadIdsAreRefused() throws IOException {
        try (Model m = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE);
            KvCache cache = new KvCache(m.config(), 4, GgmlType.F16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.forward(cache, new int[] {1, 2, 3, 4, 5}, false));
            assertTrue(e.getMessage().contains("context overflow"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> t.forward(cache, new int[] {1024}, false));
            assertThrows(IllegalArgumentException.class, () -> t.forward(cache, new int[0], false));
            assertEquals(0, cache.length());
            t.forward(cache, new int[] {1, 2, 3}, false);
            assertEquals(2, cache.commonPrefix(new int[] {1, 2, 9}));
            cache.truncate(1);
            assertArrayEquals(new int[] {1}, cache.tokens());
            assertThrows(IllegalArgumentException.class, () -> cache.truncate(2));
            assertThrows(IllegalArgumentException.class, () -> new Transformer(m, ReferenceKernels.INSTANCE, 0));
        }
    }
}
