package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.testing.SyntheticModel;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameters of the shared models as MODELS.md and fixtures/README.md describe them. */
class ModelConfigTest {
    @TempDir
    Path dir;

    private static ModelConfig config(String file) throws IOException {
        try (GgufFile f = GgufFile.open(Shared.model(file))) {
            return ModelConfig.fromMetadata(f.metadata(), (int) f.require("token_embd.weight").ne()[1]);
        }
    }

    @Test
    void gemma3HasItsScalesWindowAndTwoRopeBases() throws IOException {
        ModelConfig c = config("gemma3-mini-f16.gguf");
        assertEquals(Architecture.GEMMA3, c.arch());
        assertEquals(6, c.nLayer());
        assertEquals(1, c.nKvHead());
        assertEquals(64, c.headDim());
        assertEquals(16f, c.embedScale());
        assertEquals(0.125f, c.queryScale());
        assertEquals(1f, c.attnScale());
        assertEquals(1e6f, c.ropeBase());
        assertEquals(1e4f, c.ropeBaseSwa());
        assertEquals(128, c.slidingWindow());
        for (int il = 0; il < 5; il++) {
            assertTrue(c.isSlidingLayer(il), "layer " + il);
        }
        assertFalse(c.isSlidingLayer(5));
        assertTrue(c.arch().gegluFfn && c.arch().ropeNeox);
    }

    @Test
    void qwen3AndLlamaDefaults() throws IOException {
        ModelConfig q = config("qwen3-mini-f16.gguf");
        assertEquals(Architecture.QWEN3, q.arch());
        assertEquals(1e-6f, q.normEps(), 1e-12);
        assertEquals(1e6f, q.ropeBase());
        assertEquals(2, q.nKvHead());
        assertTrue(q.arch().ropeNeox);
        ModelConfig s = config("stories260K-tokmismatch.gguf");
        assertEquals(8, s.headDim());
        assertEquals(4, s.nKvHead());
        assertEquals(512, s.nVocab());
        assertEquals(1f, s.ropeFreqScale());
        assertFalse(s.arch().ropeNeox);
        // llama-2-tiny-random: rope.dimension_count 4 = head size 8 / 2 heads; no rope.freq_base key
        ModelConfig t = config("llama-2-tiny-random.gguf");
        assertEquals(4, t.ropeDims());
        assertEquals(10000f, t.ropeBase(), "absent rope.freq_base defaults to 10000");
    }

    @Test
    void optionalTensorsAreFoundByName() throws IOException {
        try (Model q = Model.load(Shared.model("qwen3-mini-f16.gguf"), ReferenceKernels.INSTANCE);
             Model l = Model.load(Shared.model("llama-mini-f32.gguf"), ReferenceKernels.INSTANCE);
             Model g = Model.load(Shared.model("gemma3-mini-q8_0.gguf"), ReferenceKernels.INSTANCE)) {
            assertNotNull(q.weights().layers().get(0).qNorm());
            assertTrue(q.weights().tiedOutput());
            assertNull(l.weights().layers().get(0).qNorm());
            assertNull(l.weights().layers().get(0).postAttnNorm());
            assertFalse(l.weights().tiedOutput());
            assertNotNull(g.weights().layers().get(5).postFfnNorm());
            assertEquals(GgmlType.Q8_0, g.weights().layers().get(0).wq().type());
        }
    }

    @Test
    void unsupportedRopeScalingIsRejectedByName() throws IOException {
        Path f = new SyntheticModel().putString("llama.rope.scaling.type", "yarn").write(dir.resolve("yarn.gguf"));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> Model.load(f, ReferenceKernels.INSTANCE));
        assertTrue(e.getMessage().contains("rope.scaling.type 'yarn' is not supported"), e.getMessage());
    }

    @Test
    void f32KvCacheStaysWithinTheGoldenTolerance() throws IOException {
        Golden g = Golden.load("llama-mini-f32");
        Golden.Run run = g.runs().get(0);
        try (Model m = Model.load(Shared.model(g.modelFile()), ReferenceKernels.INSTANCE)) {
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE);
            KvCache cache = new KvCache(m.config(), 64, GgmlType.F32);
            float[] logits = t.forward(cache, run.promptIds(), false);
            for (int s = 0; s < 4; s++) {
                GoldenTeacherForcedTest.checkStep(g, run, s, logits);
                logits = t.forward(cache, new int[] {run.generatedIds()[s]}, false);
            }
            assertEquals(run.promptIds().length + 4, cache.length());
            assertThrows(IllegalArgumentException.class, () -> new KvCache(m.config(), 8, GgmlType.Q4_1));
        }
    }
}
