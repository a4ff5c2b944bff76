package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.LayerShape;
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
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Synthetic gemma4 files: the layouts of the published configs, and a tiny one the engine loads and runs. */
class SyntheticGemma4Test {
    /** 6 layers S S F S S F; layers 3-5 share KV (3, 4 read layer 1, 5 reads 2); per-layer inputs; 4 experts of 64. */
    static final SyntheticShape TINY = new SyntheticShape("tiny-gemma4", "gemma4", 256, 6, 4, 2, 64, 256, 400,
            512, 1e6f, 1e-6f, true, true, "llama", null, new Gemma4Layout(128, 1, 8, 3, 3, 32, true, true, 4, 2, 64));

    @TempDir
    Path dir;

    @Test
    void tinyGemma4LoadsWithItsPerLayerGeometryAndRunsAlikeOnBothKernels() throws IOException {
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(TINY, SyntheticType.Q8_0));
        int[] tokens = {1, 17, 42, 99, 5, 300, 7, 8, 9, 10, 11, 12};
        float[] reference;
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            int[] kvLayer = {0, 1, 2, 1, 1, 2};
            for (int il = 0; il < 6; il++) {
                LayerShape s = c.layer(il);
                boolean full = il % 3 == 2;
                assertEquals(!full, s.sliding(), "layer " + il);
                assertEquals(full ? 128 : 64, s.headDim(), "layer " + il);
                assertEquals(full ? 1 : 2, s.nKvHead(), "layer " + il);
                assertEquals(il >= 3 ? 512 : 256, s.nFf(), "double-wide FFN on the shared layers");
                assertEquals(kvLayer[il], s.kvLayer(), "layer " + il);
            }
            assertEquals(4, c.experts().nExpert());
            assertEquals(32, c.perLayerInput());
            assertEquals(30f, c.logitSoftcap());
            // sliding layers 0 and 1 hold window - 1 + batch rows, the full layer 2 every position; 3-5 nothing
            KvCache cache = new KvCache(c, 64, GgmlType.F16, 4);
            assertEquals(2L * 2 * (2 * (8 - 1 + 4) * 2 * 64 + 64 * 128), cache.bytes());
            reference = new Transformer(m, ReferenceKernels.INSTANCE, 4).forward(cache, tokens, true);
        }
        NativeKernels nk = NativeKernels.shared(2, null, null);
        try (Model m = Model.load(p, nk)) {
            float[] fast = new Transformer(m, nk, 4).forward(new KvCache(m.config(), 64, GgmlType.F16, 4), tokens, true);
            double max = 0;
            for (int i = 0; i < fast.length; i++) {
                assertTrue(Float.isFinite(fast[i]), "logit " + i);
                max = Math.max(max, Math.abs(fast[i] - reference[i]));
            }
            assertTrue(max < 1e-2, "native vs reference logits differ by " + max);
        }
    }

    @Test
    void publishedShapesHaveTheConfigsTensors() {
        List<TensorSpec> e2b = SyntheticPlan.of(SyntheticShape.byName("gemma4-e2b"), SyntheticType.Q4_K_M).tensors();
        Set<String> names = e2b.stream().map(TensorSpec::name).collect(Collectors.toSet());
        // 35 layers, the last 20 share KV: attn_k on layers 0-14 only
        assertEquals(15, names.stream().filter(n -> n.endsWith("attn_k.weight")).count());
        assertTrue(names.contains("blk.14.attn_k.weight"));
        assertFalse(names.contains("blk.15.attn_k.weight"));
        assertArrayEquals(new long[] {1536, 12288}, tensor(e2b, "blk.15.ffn_gate.weight").ne());
        assertArrayEquals(new long[] {1536, 6144}, tensor(e2b, "blk.14.ffn_gate.weight").ne());
        assertArrayEquals(new long[] {1536, 8 * 512}, tensor(e2b, "blk.4.attn_q.weight").ne());
        assertArrayEquals(new long[] {1536, 256}, tensor(e2b, "blk.3.attn_k.weight").ne());
        assertArrayEquals(new long[] {35 * 256, 262144}, tensor(e2b, "per_layer_token_embd.weight").ne());
        assertEquals(GgmlType.F16, tensor(e2b, "per_layer_model_proj.weight").type());

        List<TensorSpec> moe = SyntheticPlan.of(SyntheticShape.byName("gemma4-26b-a4b"), SyntheticType.Q4_K_M).tensors();
        // full layers (5, 11, ...) have K = V: no attn_v, 2 KV heads of 512
        assertEquals(25, moe.stream().filter(t -> t.name().endsWith("attn_v.weight")).count());
        assertArrayEquals(new long[] {2816, 2 * 512}, tensor(moe, "blk.5.attn_k.weight").ne());
        assertArrayEquals(new long[] {2816, 8 * 256}, tensor(moe, "blk.4.attn_k.weight").ne());
        assertArrayEquals(new long[] {2816, 2 * 704, 128}, tensor(moe, "blk.0.ffn_gate_up_exps.weight").ne());
        assertArrayEquals(new long[] {704, 2816, 128}, tensor(moe, "blk.0.ffn_down_exps.weight").ne());
        assertEquals(GgmlType.F32, tensor(moe, "blk.0.ffn_gate_inp.weight").type());
        assertArrayEquals(new long[] {2816, 2112}, tensor(moe, "blk.0.ffn_up.weight").ne());
    }

    @Test
    void aCutKeepsSharedKvInProportionAndPerLayerInputsPerLayer() {
        SyntheticShape cut = SyntheticShape.byName("gemma4-e2b").withLayers(12);
        assertEquals("gemma4-e2b-12l", cut.name());
        // 15 of 35 layers have KV: 12 * 15/35 rounds to one period of 5, the other 7 share it
        assertEquals(7, cut.gemma4().sharedKv());
        List<TensorSpec> t = SyntheticPlan.of(cut, SyntheticType.Q4_K_M).tensors();
        assertEquals(5, t.stream().filter(s -> s.name().endsWith("attn_k.weight")).count());
        assertTrue(t.stream().anyMatch(s -> s.name().equals("blk.4.attn_k.weight")), "the last KV layer is full");
        assertArrayEquals(new long[] {1536, 12288}, tensor(t, "blk.5.ffn_gate.weight").ne());
        assertArrayEquals(new long[] {12 * 256, 262144}, tensor(t, "per_layer_token_embd.weight").ne());
        assertArrayEquals(new long[] {1536, 12 * 256}, tensor(t, "per_layer_model_proj.weight").ne());
        assertTrue(t.stream().anyMatch(s -> s.name().equals("blk.11.proj.weight")));

        List<TensorSpec> moe = SyntheticPlan.of(SyntheticShape.byName("gemma4-26b-a4b").withLayers(6), SyntheticType.Q4_K_M).tensors();
        assertEquals(5, moe.stream().filter(s -> s.name().endsWith("attn_v.weight")).count());
        assertEquals(6, moe.stream().filter(s -> s.name().endsWith("ffn_gate_up_exps.weight")).count());
    }

    @Test
    void aCutOfTheTinyShapeLoadsWithItsSharedLayerReadingTheLastSlidingOne() throws IOException {
        SyntheticShape cut = TINY.withLayers(4);
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(cut, SyntheticType.Q8_0));
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            assertEquals(4, c.nLayer());
            int[] kvLayer = {0, 1, 2, 1};
            for (int il = 0; il < 4; il++) {
                assertEquals(kvLayer[il], c.layer(il).kvLayer(), "layer " + il);
            }
            float[] logits = new Transformer(m, ReferenceKernels.INSTANCE, 4)
                    .forward(new KvCache(c, 16, GgmlType.F16, 4), new int[] {1, 17, 42}, false);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void aCutOutsideTheShapesLayersIsRefusedByName() {
        SyntheticShape e2b = SyntheticShape.byName("gemma4-e2b");
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> e2b.withLayers(4));
        assertTrue(tooFew.getMessage().contains("gemma4-e2b needs at least 5 layers"), tooFew.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> e2b.withLayers(36));
        assertTrue(tooMany.getMessage().contains("outside 1..35"), tooMany.getMessage());
        IllegalArgumentException moe = assertThrows(IllegalArgumentException.class,
                () -> SyntheticModels.parseSpec("gemma4-26b-a4b:q4_k_m", 3));
        assertTrue(moe.getMessage().contains("needs at least 6 layers"), moe.getMessage());
    }

    private static TensorSpec tensor(List<TensorSpec> plan, String name) {
        return plan.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " not planned"));
    }
}
