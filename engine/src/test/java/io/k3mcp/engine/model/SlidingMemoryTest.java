package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gemma3's sliding layers keep only their window's rows (llama.cpp's golden past the window still holds),
 * a model whose every layer slides uses its rows as a ring up to the trained context, and a full-attention
 * layer never drops a token: the sequence stops at the cache's capacity.
 */
class SlidingMemoryTest {
    private static final String NAME = "gemma3-mini-f16";

    @Test
    void gemma3SlidingLayersHoldTheirWindowAndMatchLlamaCppPastIt() throws IOException {
        Golden g = Golden.load(NAME);
        Golden.Run run = g.runs().stream().filter(r -> r.label().equals("sliding_window_run")).findFirst().orElseThrow();
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            int batch = 8;
            int total = run.promptIds().length + run.generatedIds().length;
            KvCache cache = new KvCache(c, total, GgmlType.F16, batch);
            // README: 5 sliding layers (window 128) and one global, 1 KV head of 64
            long row = 2L * 64;
            assertEquals(2 * row * (5L * (128 - 1 + batch) + total), cache.bytes());
            assertEquals(total, cache.positionLimit(), "a full-attention layer bounds the sequence by the capacity");
            Transformer tf = new Transformer(m, ReferenceKernels.INSTANCE, batch);
            GoldenTeacherForcedTest.checkRun(g, run, tf, cache);
            assertTrue(cache.firstPosition(0) > 0, "the sliding layers dropped rows the window no longer sees");
            assertEquals(0, cache.firstPosition(5), "the global layer keeps every position");
            int free = total - cache.length();
            String full = assertThrows(IllegalArgumentException.class, () -> tf.forward(cache, new int[free + 1], false)).getMessage();
            assertTrue(full.contains("context overflow: " + (free + 1) + " tokens do not fit the " + free + " free positions"), full);
        }
    }

    @Test
    void aDecodeStepReadsEveryRowUpToItsPositionAndASlidingLayerOnlyItsWindow() throws IOException {
        try (Model m = Model.load(Shared.model(Golden.load(NAME).modelFile()), ReferenceKernels.INSTANCE)) {
            // README: 5 sliding layers (window 128) and one global, 1 KV head of 64; f16 rows, keys and values
            long row = 2L * 64 * 2;
            assertEquals(6 * row * 11, KvCache.readBytes(m.config(), 10, GgmlType.F16));
            assertEquals(row * (5 * 128 + 501), KvCache.readBytes(m.config(), 500, GgmlType.F16));
        }
    }

    @Test
    void everyLayerSlidingMakesTheRowsARingUpToTheTrainedContext() throws IOException {
        ModelConfig gemma3;
        try (Model m = Model.load(Shared.model(Golden.load(NAME).modelFile()), ReferenceKernels.INSTANCE)) {
            gemma3 = m.config();
        }
        List<LayerShape> sliding = gemma3.layers().stream().map(s -> new LayerShape(s.nHead(), s.nKvHead(), s.headDim(), s.nFf(),
                s.ropeDims(), s.ropeBase(), s.freqScale(), s.ropeFreqs(), true, s.kvLayer())).toList();
        ModelConfig c = new ModelConfig(gemma3.arch(), gemma3.nVocab(), gemma3.nEmbd(), gemma3.nLayer(), gemma3.nHead(),
                gemma3.nKvHead(), gemma3.headDim(), gemma3.nFf(), gemma3.contextLength(), gemma3.normEps(), gemma3.ropeDims(),
                gemma3.ropeBase(), gemma3.ropeFreqScale(), gemma3.ropeBaseSwa(), gemma3.slidingWindow(), gemma3.swaPattern(),
                gemma3.embedScale(), gemma3.queryScale(), gemma3.attnScale(), sliding, gemma3.perLayerInput(),
                gemma3.logitSoftcap(), gemma3.experts(), gemma3.deltaNet());
        int batch = 8;
        int window = c.slidingWindow();
        KvCache ring = new KvCache(c, 64, GgmlType.F32, batch);
        assertEquals(c.contextLength(), ring.positionLimit(), "past the 64-token cache, up to the trained context");
        assertEquals(2L * 4 * 64 * c.nLayer() * (window - 1 + batch), ring.bytes());
        assertEquals(new KvCache(c, 64, GgmlType.F32).bytes(), KvCache.bytesFor(c, 64, GgmlType.F32));
        int kvDim = c.layer(0).kvDim();
        FloatBuffer k = Buffers.floats(batch * kvDim);
        FloatBuffer v = Buffers.floats(batch * kvDim);
        int[] ids = new int[batch];
        int positions = 3 * window + 5;
        for (int pos = 0; pos < positions; pos += batch) {
            int n = Math.min(batch, positions - pos);
            for (int i = 0; i < n * kvDim; i++) {
                k.put(i, pos + i / kvDim); // each row holds its position
                v.put(i, -(pos + i / kvDim));
            }
            for (int il = 0; il < c.nLayer(); il++) {
                ring.write(ReferenceKernels.INSTANCE, il, pos, k, v, n, kvDim);
            }
            ring.commit(ids, 0, n);
        }
        assertEquals(positions, ring.length());
        for (int il = 0; il < c.nLayer(); il++) {
            int first = ring.firstPosition(il);
            assertTrue(first > 0 && first <= positions - window, "layer " + il + " keeps the window, first row " + first);
            int heads = c.layer(il).nKvHead();
            int headDim = c.layer(il).headDim();
            for (int pos = positions - window + 1; pos < positions; pos++) {
                for (int h = 0; h < heads; h++) {   // head-major: head h's rows from h * headRows rows on
                    int at = (h * ring.headRows(il) + pos - first) * headDim * 4;
                    assertEquals(pos, ring.keys(il).getFloat(at), "layer " + il + " head " + h + " key row of position " + pos);
                    assertEquals(-pos, ring.values(il).getFloat(at), "layer " + il + " head " + h + " value row of position " + pos);
                }
            }
        }
        assertTrue(ring.allocatedBytes() <= ring.bytes());
    }
}
