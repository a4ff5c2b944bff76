package io.k3mcp.engine.model;

import io.k3mcp.engine.testing.SyntheticModel;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading synthetic models: the config read from metadata, and every way a model can be unusable. */
class ModelLoadErrorsTest {
    @TempDir
    Path dir;

    private static String loadError(Path file) {
        return assertThrows(UnsupportedModelException.class, () -> Model.load(file, ReferenceKernels.INSTANCE)).getMessage();
    }

    @Test
    void aCompleteModelLoadsItsConfigAndRunsOneStep() throws IOException {
        Path f = new SyntheticModel().write(dir.resolve("ok.gguf"));
        try (Model m = Model.load(f, ReferenceKernels.INSTANCE)) {
            ModelConfig c = m.config();
            assertEquals(Architecture.LLAMA, c.arch());
            assertEquals(64, c.nEmbd());
            assertEquals(16, c.headDim());
            assertEquals(2, c.nKvHead());
            assertEquals(16, c.ropeDims());
            assertEquals(256, c.nVocab());
            assertEquals(0.25f, c.attnScale());
            assertFalse(m.weights().tiedOutput());
            assertFalse(c.isSlidingLayer(0));
            Transformer t = new Transformer(m, ReferenceKernels.INSTANCE);
            float[] logits = t.forward(new KvCache(c, 4, GgmlType.F32), new int[] {1, 2}, false);
            assertEquals(256, logits.length);
            assertTrue(Float.isFinite(logits[0]));
        }
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        Path f = new SyntheticModel().omit("blk.0.attn_k.weight").write(dir.resolve("missing.gguf"));
        String m = loadError(f);
        assertTrue(m.contains("'blk.0.attn_k.weight' is missing"), m);
        assertTrue(m.contains("missing.gguf"), m);
    }

    @Test
    void misshapedTensorIsNamedWithBothShapes() throws IOException {
        Path f = new SyntheticModel().misshape("blk.0.ffn_down.weight").write(dir.resolve("shape.gguf"));
        String m = loadError(f);
        assertTrue(m.contains("'blk.0.ffn_down.weight' has shape [64, 128], expected [128, 64]"), m);
        Path norm = new SyntheticModel().misshape("output_norm.weight").write(dir.resolve("norm.gguf"));
        assertTrue(loadError(norm).contains("'output_norm.weight' has shape [65], expected [64]"));
    }

    @Test
    void unknownArchitectureIsRejectedByName() throws IOException {
        Path f = new SyntheticModel().arch("mamba").write(dir.resolve("mamba.gguf"));
        String m = loadError(f);
        assertTrue(m.contains("architecture 'mamba' is not supported"), m);
        assertTrue(m.contains("(supported: llama, qwen2, qwen3, gemma3") && m.contains("qwen3moe"), m);
    }

    @Test
    void inconsistentHyperparametersAreRejected() throws IOException {
        Path f = new SyntheticModel().shape(64, 1, 4, 3, 128, 256, 128).write(dir.resolve("gqa.gguf"));
        assertTrue(loadError(f).contains("head_count 4 is not a multiple of head_count_kv 3"));
    }

    @Test
    void missingFileIsReported() {
        assertThrows(NoSuchFileException.class, () -> Model.load(dir.resolve("absent.gguf"), ReferenceKernels.INSTANCE));
    }

    @Test
    void tiedOutputUsesTheEmbedding() throws IOException {
        Path f = new SyntheticModel().omit("output.weight").write(dir.resolve("tied.gguf"));
        try (Model m = Model.load(f, ReferenceKernels.INSTANCE)) {
            assertTrue(m.weights().tiedOutput());
            assertEquals(m.weights().tokenEmbedding(), m.weights().output());
        }
    }
}
