package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufException;
import io.k3mcp.engine.gguf.GgufValueType;
import io.k3mcp.engine.testing.GgufCopy;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.gguf.GgufArray;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.ExpertRoutes;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * qwen3moe: the expert keys as MODELS.md describes qwen3moe-mini, the fallback width, the refusals of
 * what is not supported, the gating's choice and weights, and batching that does not change the numbers.
 */
class MoeModelTest {
    private static final Path F16 = Shared.model("new-archs/qwen3moe-mini-f16.gguf");
    private static final int[] SEQ = {11, 438, 113, 346, 701, 265, 263, 931, 631};

    @TempDir
    Path dir;

    private String loadError(GgufCopy copy) throws IOException {
        Path f = copy.write(dir.resolve("edited.gguf"));
        return assertThrows(UnsupportedModelException.class, () -> Model.load(f, ReferenceKernels.INSTANCE)).getMessage();
    }

    @Test
    void expertKeysAndTensorsLoad() throws IOException {
        try (Model m = Model.load(F16, ReferenceKernels.INSTANCE)) {
            assertEquals(Architecture.QWEN3MOE, m.config().arch());
            assertEquals(new ExpertConfig(8, 3, 256), m.config().experts());
            assertEquals(64, m.config().headDim());
            LayerWeights l = m.weights().layers().get(1);
            assertNull(l.w1(), "a MoE layer has no dense FFN");
            MoeWeights moe = l.moe();
            assertNotNull(moe);
            assertEquals(GgmlType.F32, moe.router().type());
            assertEquals(8, moe.router().rows());
            assertEquals(8, moe.down().nExpert());
            assertEquals(256, moe.down().rows());
            assertEquals(256 * 256 * 2L, moe.gate().slabBytes(), "F16 slab of 256 x 256");
        }
    }

    @Test
    void expertWidthFallsBackToFeedForwardLengthPerUsedExpert() throws IOException {
        // feed_forward_length 768 / 3 used = 256, the width the tensors have
        Path f = GgufCopy.of(F16).remove("qwen3moe.expert_feed_forward_length").write(dir.resolve("fallback.gguf"));
        try (Model m = Model.load(f, ReferenceKernels.INSTANCE)) {
            assertEquals(256, m.config().experts().nFfExp());
        }
    }

    @Test
    void unsupportedExpertSetupsAreRefusedByName() throws IOException {
        String perLayer = loadError(GgufCopy.of(F16).put("qwen3moe.expert_used_count", GgufValueType.ARRAY,
                new GgufArray(GgufValueType.INT32, new long[] {3, 3})));
        assertTrue(perLayer.contains("qwen3moe.expert_used_count is a per-layer array"), perLayer);
        String missing = loadError(GgufCopy.of(F16).remove("qwen3moe.expert_count"));
        assertTrue(missing.contains("qwen3moe.expert_count is missing or 0"), missing);
        Path nine = GgufCopy.of(F16).put("qwen3moe.expert_used_count", GgufValueType.UINT32, 9L).write(dir.resolve("nine.gguf"));
        String tooMany = assertThrows(GgufException.class, () -> Model.load(nine, ReferenceKernels.INSTANCE)).getMessage();
        assertTrue(tooMany.contains("qwen3moe.expert_used_count") && tooMany.contains("9"), tooMany);
        String tensor = loadError(GgufCopy.of(F16).remove("blk.1.ffn_up_exps.weight"));
        assertTrue(tensor.contains("'blk.1.ffn_up_exps.weight' is missing"), tensor);
        String dense = loadError(GgufCopy.of(Shared.model("qwen3-mini-f16.gguf")).put("qwen3.expert_count", GgufValueType.UINT32, 4L));
        assertTrue(dense.contains("qwen3.expert_count is 4: mixture-of-experts layers are supported for qwen3moe, gemma4, qwen35moe, not qwen3"), dense);
    }

    @Test
    void softmaxGatingPicksTheTopKWithTiesToTheLowerIndexAndRenormalises() {
        ExpertGating g = new ExpertGating.SoftmaxTopK(true);
        int[] ids = new int[4];
        float[] w = new float[4];
        g.route(new float[] {1f, 3f, 0f, 3f, 2f}, 2, ids, w, 2);
        assertArrayEquals(new int[] {0, 0, 1, 3}, ids, "equal logits: the lower index first");
        assertEquals(0.5f, w[2], 1e-7f);
        assertEquals(0.5f, w[3], 1e-7f);
        g.route(new float[] {0f, 2f, 1f}, 2, ids, w, 0);
        double e0 = 1, e1 = Math.exp(1), sum = e0 + e1;
        assertArrayEquals(new int[] {1, 2}, Arrays.copyOf(ids, 2));
        assertEquals(e1 / sum, w[0], 1e-6, "softmax of the chosen logits");
        assertEquals(e0 / sum, w[1], 1e-6);
        new ExpertGating.SoftmaxTopK(false).route(new float[] {0f, 0f, 0f, 0f}, 1, ids, w, 0);
        assertEquals(0.25f, w[0], 1e-7f, "without renormalisation the weight is the probability");
    }

    @Test
    void expertSlabsArePackedForTheNativeKernelsAndMultiplyAsTheReference() throws IOException {
        NativeKernels nk = NativeKernels.shared(2, null, null);
        try (Model m = Model.load(Shared.model("new-archs/qwen3moe-mini-q4_k_m.gguf"), ReferenceKernels.INSTANCE)) {
            Set<GgmlType> layouts = Set.of(GgmlType.Q4_0, GgmlType.Q8_0, GgmlType.Q4_K, GgmlType.Q6_K);
            for (LayerWeights lw : m.weightsFor(nk).layers()) {
                assertNull(lw.moe().router().packed(), "the F32 router has no packed layout");
                for (ExpertMatrix x : List.of(lw.moe().gate(), lw.moe().up(), lw.moe().down())) {
                    assertEquals(layouts.contains(x.type()), x.packed() != null, x.name() + " " + x.type());
                }
            }
            assertNull(m.weights().layers().get(0).moe().gate().packed(), "the file's weights stay as they are");
            ExpertMatrix down = m.weightsFor(nk).layers().get(1).moe().down();
            ExpertRoutes routes = new ExpertRoutes(new int[] {7, 0, 3, 3, 1, 7}, 3, 2);
            FloatBuffer x = Buffers.floats(6 * down.cols());
            for (int i = 0; i < 6 * down.cols(); i++) {
                x.put(i, (float) Math.sin(i * 0.37));
            }
            FloatBuffer viaPacked = Buffers.floats(6 * down.rows());
            FloatBuffer viaFile = Buffers.floats(6 * down.rows());
            down.multiply(nk, x, true, routes, viaPacked);
            down.multiply(ReferenceKernels.INSTANCE, x, true, routes, viaFile);
            float scale = 0;
            for (int i = 0; i < 6 * down.rows(); i++) {
                scale = Math.max(scale, Math.abs(viaFile.get(i)));
            }
            for (int i = 0; i < 6 * down.rows(); i++) {
                assertEquals(viaFile.get(i), viaPacked.get(i), 2e-5f * scale, "pair " + i / down.rows() + " row " + i % down.rows());
            }
        }
    }

    /**
     * Grouping a batch's tokens by expert reads each expert once; it must not change any number. Exact on
     * the reference and for Q8_0; the Q4_K_M file's Q6_K matrices take the file-layout kernel for one token
     * and the packed one for a batch (another float summation order), as dense products do.
     */
    @Test
    void batchedPrefillGivesTheSameLogitsAsOneTokenAtATime() throws IOException {
        NativeKernels nk = NativeKernels.shared(2, null, null);
        for (String file : new String[] {"new-archs/qwen3moe-mini-q8_0.gguf", "new-archs/qwen3moe-mini-q4_k_m.gguf"}) {
            try (Model m = Model.load(Shared.model(file), nk)) {
                for (Kernels kernels : new Kernels[] {ReferenceKernels.INSTANCE, nk}) {
                    float[] batch = new Transformer(m, kernels).forward(new KvCache(m.config(), 16, GgmlType.F16), SEQ, true);
                    Transformer t = new Transformer(m, kernels);
                    KvCache cache = new KvCache(m.config(), 16, GgmlType.F16);
                    int v = m.config().nVocab();
                    for (int i = 0; i < SEQ.length; i++) {
                        float[] one = t.forward(cache, new int[] {SEQ[i]}, false);
                        float tol = kernels == nk && file.contains("q4_k_m") ? 1e-4f : 0f;
                        assertArrayEquals(Arrays.copyOfRange(batch, i * v, (i + 1) * v), one, tol, file + " " + kernels.name() + " token " + i);
                    }
                }
            }
        }
    }
}
