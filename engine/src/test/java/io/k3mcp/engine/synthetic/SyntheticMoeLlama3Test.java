package io.k3mcp.engine.synthetic;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mixture-of-experts and Llama 3.x synthetic shapes: qwen3-30b-a3b cut to 6 layers has the tensor
 * count, parameters and Q4_K_M type mix of the llama.cpp-quantised file MODELS.md describes;
 * llama-3.2-1b's rope_freqs equal the converter's table in llama32-mini; a tiny MoE shape loads and runs.
 */
class SyntheticMoeLlama3Test {
    static final SyntheticShape TINY_MOE = new SyntheticShape("tiny-moe", "qwen3moe", 256, 2, 4, 2, 64, 768, 600,
            256, 1e6f, 1e-6f, false, true, "gpt2", "qwen2", new SyntheticShape.Experts(8, 2, 256), null);

    @TempDir
    Path dir;

    @Test
    void qwen3With30bA3bWidthsCutToSixLayersMatchesTheQuantisedReferenceFile() {
        SyntheticPlan plan = SyntheticModels.parseSpec("qwen3-30b-a3b:q4_k_m", 6);
        assertEquals("qwen3-30b-a3b-6l", plan.shape().name());
        // MODELS.md, qwen3moe-a3b-6l-Q4_K_M.gguf: 4,361,055,744 parameters, 75 tensors
        assertEquals(75, plan.tensors().size());
        assertEquals(4_361_055_744L, plan.shape().parameterCount());
        assertEquals(4_361_055_744L, plan.tensors().stream().mapToLong(t -> t.rowLength() * t.rows()).sum());
        int q4k = 0;
        int q6k = 0;
        int f32 = 0;
        for (TensorSpec t : plan.tensors()) {
            q4k += t.type() == GgmlType.Q4_K ? 1 : 0;
            q6k += t.type() == GgmlType.Q6_K ? 1 : 0;
            f32 += t.type() == GgmlType.F32 ? 1 : 0;
        }
        assertEquals(39, q4k, "token_embd, attn_q/k/output, attn_v of layers 0,1,3,4, gate/up experts, down experts of 0,1,3,4");
        assertEquals(5, q6k, "output, attn_v and ffn_down_exps of layers 2 and 5");
        assertEquals(31, f32, "norms and routers");
        TensorSpec down = plan.tensors().stream().filter(t -> t.name().equals("blk.2.ffn_down_exps.weight")).findFirst().orElseThrow();
        assertArrayEquals(new long[] {768, 2048, 128}, down.ne());
    }

    @Test
    void layerCutsOutsideTheShapeAreRefusedNamingTheRange() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> SyntheticModels.parseSpec("qwen3-30b-a3b:q4_k_m", -1));
        assertTrue(zero.getMessage().contains("layers -1 is outside 1..48 (the layers of qwen3-30b-a3b)"), zero.getMessage());
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class,
                () -> SyntheticShape.byName("llama-3.2-1b").withLayers(17));
        assertTrue(many.getMessage().contains("outside 1..16"), many.getMessage());
        assertEquals(SyntheticShape.byName("llama-3.2-1b"), SyntheticShape.byName("llama-3.2-1b").withLayers(16));
    }

    @Test
    void llama32RopeFactorsAreTheConvertersTable() throws IOException {
        SyntheticPlan plan = SyntheticModels.parseSpec("llama-3.2-1b:q8_0");
        TensorSpec freqs = plan.tensors().get(0);
        assertEquals("rope_freqs.weight", freqs.name());
        assertArrayEquals(new long[] {32}, freqs.ne());
        // llama32-mini carries Llama-3.2-1B's own table (theta 5e5, 64 dims, factor 32, 1..4, 8192)
        try (GgufFile f = GgufFile.open(Shared.model("new-archs/llama32-mini-f16.gguf"))) {
            GgufTensor t = f.require("rope_freqs.weight");
            FloatBuffer want = f.data(t).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < 32; i++) {
                assertEquals(want.get(i), freqs.values()[i], 1e-6f * want.get(i), "pair " + i);
            }
        }
        assertNull(plan.tensors().stream().filter(t -> t.name().equals("output.weight")).findFirst().orElse(null), "tied");
    }

    @Test
    void aTinyMixtureOfExpertsShapeLoadsAndRuns() throws IOException {
        Path p = new SyntheticModels(dir).ensure(SyntheticPlan.of(TINY_MOE, SyntheticType.Q4_K_M));
        try (Model m = Model.load(p, ReferenceKernels.INSTANCE)) {
            assertEquals(8, m.config().experts().nExpert());
            assertEquals(GgmlType.F32, m.weights().layers().get(1).moe().router().type());
            assertEquals(GgmlType.Q6_K, m.weights().layers().get(1).moe().down().type(), "use_more_bits on the last layer");
            float[] logits = new Transformer(m, ReferenceKernels.INSTANCE).forward(new KvCache(m.config(), 4, GgmlType.F16),
                    new int[] {5, 6, 7}, false);
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
    }
}
