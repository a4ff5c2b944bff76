package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic qwen35moe files: the published 35B-A3B layout, and a tiny hybrid the engine loads and runs. */
class SyntheticQwen35Test {
    /** 4 layers D D D A; S 32, 4 K / 8 V heads; attention 4 / 2 heads of 64; 8 experts of 128 (2 used) + shared 128. */
    static final SyntheticShape TINY = new SyntheticShape("tiny-qwen35moe", "qwen35moe", 256, 4, 4, 2, 64, 128, 400, 512,
            1e7f, 1e-6f, false, new SyntheticShape.Experts(8, 2, 128), new Qwen35Layout(4, 32, 4, 8, 4, 16, 128));

    @TempDir
    Path dir;

    @Test
    void tinyHybridLoadsAsDeltaNetLayersAndRunsAlikeOnBothKernels() throws IOException {
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(TINY, SyntheticType.Q8_0));
        int[] tokens = {1, 17, 42, 99, 5, 300, 7, 8, 9, 10, 11, 12};
        float[] reference;
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            assertArrayEquals(new boolean[] {true, true, true, false}, c.deltaNet().recurrent());
            assertEquals(32, c.deltaNet().stateSize());
            assertEquals(8, c.deltaNet().nVHeads());
            assertEquals(8, c.experts().nExpert());
            reference = new Transformer(m, ReferenceKernels.INSTANCE).forward(new KvCache(c, 64, GgmlType.F16), tokens, true);
        }
        NativeKernels nk = NativeKernels.shared(2, null, null);
        try (Model m = Model.load(p, nk)) {
            float[] fast = new Transformer(m, nk).forward(new KvCache(m.config(), 64, GgmlType.F16), tokens, true);
            double max = 0;
            for (int i = 0; i < fast.length; i++) {
                assertTrue(Float.isFinite(reference[i]) && Float.isFinite(fast[i]), "logit " + i);
                max = Math.max(max, Math.abs(fast[i] - reference[i]));
            }
            assertTrue(max < 1e-2, "native vs reference logits differ by " + max);
        }
    }

    @Test
    void qwen36ShapeHasTheConfigsTensorsAndLlamaQuantizeTypes() {
        List<TensorSpec> t = SyntheticPlan.of(SyntheticShape.byName("qwen3.6-35b-a3b").withLayers(4), SyntheticType.Q4_K_M).tensors();
        // delta-net layer: q|k (16 heads of 128 each) and v (32 heads of 128) through one projection, conv over those 8192 channels
        assertArrayEquals(new long[] {2048, 8192}, tensor(t, "blk.0.attn_qkv.weight").ne());
        assertArrayEquals(new long[] {4, 8192}, tensor(t, "blk.0.ssm_conv1d.weight").ne());
        assertEquals(GgmlType.F32, tensor(t, "blk.0.ssm_conv1d.weight").type());
        assertArrayEquals(new long[] {2048, 32}, tensor(t, "blk.1.ssm_alpha.weight").ne());
        assertArrayEquals(new long[] {4096, 2048}, tensor(t, "blk.2.ssm_out.weight").ne());
        // layer 3: full attention, attn_q holds q and its gate (16 heads of 256 each)
        assertArrayEquals(new long[] {2048, 8192}, tensor(t, "blk.3.attn_q.weight").ne());
        assertArrayEquals(new long[] {2048, 512}, tensor(t, "blk.3.attn_k.weight").ne());
        assertArrayEquals(new long[] {2048, 512, 256}, tensor(t, "blk.3.ffn_gate_exps.weight").ne());
        assertEquals(GgmlType.F32, tensor(t, "blk.3.ffn_gate_inp.weight").type());
        // Q4_K_M: attn_qkv / attn_v Q6_K on the use_more_bits layers of 4 (2, 3), ffn_down_* on those of 8 ffn_down
        // tensors (0, 3)
        assertEquals(GgmlType.Q4_K, tensor(t, "blk.0.attn_qkv.weight").type());
        assertEquals(GgmlType.Q6_K, tensor(t, "blk.2.attn_qkv.weight").type());
        assertEquals(GgmlType.Q6_K, tensor(t, "blk.0.ffn_down_exps.weight").type());
        assertEquals(GgmlType.Q6_K, tensor(t, "blk.3.attn_v.weight").type());
        assertEquals(GgmlType.Q6_K, tensor(t, "blk.3.ffn_down_shexp.weight").type());
        assertEquals(GgmlType.Q4_K, tensor(t, "blk.1.ffn_down_exps.weight").type());
        assertEquals(GgmlType.Q6_K, tensor(t, "output.weight").type());
    }

    @Test
    void denseQwen35ShapeHasAnFfnPerLayerAndATiedOutput() throws IOException {
        SyntheticShape twoB = SyntheticShape.byName("qwen3.5-2b");
        List<TensorSpec> t = SyntheticPlan.of(twoB, SyntheticType.Q4_K_M).tensors();
        assertArrayEquals(new long[] {2048, 6144}, tensor(t, "blk.0.ffn_gate.weight").ne());
        assertArrayEquals(new long[] {2048, 2048}, tensor(t, "blk.0.attn_gate.weight").ne()); // 16 V heads of 128
        assertArrayEquals(new long[] {2048, 4096}, tensor(t, "blk.3.attn_q.weight").ne());   // 8 heads of 256, q and gate
        assertTrue(t.stream().noneMatch(x -> x.name().equals("output.weight")));
        assertEquals(GgmlType.Q6_K, tensor(t, "token_embd.weight").type(), "the tied output's type");
        // a tiny dense hybrid loads as qwen35 and its logits are finite
        SyntheticShape tiny = new SyntheticShape("tiny-qwen35", "qwen35", 256, 4, 4, 2, 64, 512, 400, 512, 1e7f, 1e-6f,
                true, null, new Qwen35Layout(4, 32, 4, 4, 4, 16, 0));
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(tiny, SyntheticType.Q8_0));
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            assertEquals(512, m.config().nFf());
            float[] logits = new Transformer(m, ReferenceKernels.INSTANCE).forward(new KvCache(m.config(), 16, GgmlType.F16),
                    new int[] {1, 2, 3, 4, 5}, false);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void layoutsLlamaCppCannotLoadAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Qwen35Layout(4, 32, 3, 8, 4, 16, 128));
        assertTrue(e.getMessage().contains("V heads 8 not a multiple of K heads 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Qwen35Layout(4, 0, 4, 8, 4, 16, 128));
        assertTrue(e.getMessage().contains("must be positive"), e.getMessage());
    }

    private static TensorSpec tensor(List<TensorSpec> t, String name) {
        return t.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }
}
