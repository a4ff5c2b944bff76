package io.k3mcp.engine.model;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import io.k3mcp.engine.gguf.GgufWriter;
import io.k3mcp.engine.testing.GgufCopy;
import io.k3mcp.engine.testing.SyntheticModel;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static io.k3mcp.engine.testing.Bytes.indexOf;
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

    /** A complete synthetic model whose token_embd.weight is F32 zeros of shape {@code ne}, written last. */
    private Path withEmbedding(String name, long... ne) throws IOException {
        Path base = new SyntheticModel().write(dir.resolve("base.gguf"));
        Path out = dir.resolve(name);
        try (GgufFile f = GgufFile.open(base)) {
            GgufWriter w = new GgufWriter();
            f.metadata().asMap().forEach((k, v) -> w.put(k, v.type(), v.value()));
            for (GgufTensor t : f.tensors()) {
                if (!t.name().equals("token_embd.weight")) {
                    w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
                }
            }
            long n = 1;
            for (long d : ne) {
                n *= d;
            }
            w.addTensor("token_embd.weight", GgmlType.F32, ne, Buffers.bytes(4 * n));
            w.write(out);
        }
        return out;
    }

    @Test
    void missingTokenEmbeddingIsNamedByLoadAndByReadConfig() throws IOException {
        Path f = new SyntheticModel().omit("token_embd.weight").write(dir.resolve("no-embd.gguf"));
        assertEquals("no-embd.gguf: tensor 'token_embd.weight' is missing", loadError(f));
        assertEquals("no-embd.gguf: tensor 'token_embd.weight' is missing",
                assertThrows(UnsupportedModelException.class, () -> Model.readConfig(f)).getMessage());
    }

    @Test
    void tokenEmbeddingThatIsNotAMatrixIsRejectedWithItsShape() throws IOException {
        assertEquals("flat.gguf: tensor 'token_embd.weight' is of shape [64], expected [n_embd, n_vocab]",
                loadError(withEmbedding("flat.gguf", 64)));
        assertEquals("cube.gguf: tensor 'token_embd.weight' is of shape [64, 256, 2], expected [n_embd, n_vocab]",
                loadError(withEmbedding("cube.gguf", 64, 256, 2)));
    }

    @Test
    void vocabularyPastTheIntRangeIsRejectedByItsRowCount() throws IOException {
        Path f = withEmbedding("huge-vocab.gguf", 1, 1);
        long start;
        try (GgufFile g = GgufFile.open(f)) {
            start = g.require("token_embd.weight").fileOffset();
        }
        byte[] b = Files.readAllBytes(f);
        int name = indexOf(b, "token_embd.weight");
        long rows = 1L << 31;
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(name + "token_embd.weight".length() + 4 + 8, rows); // n_dims, ne[0]
        Files.write(f, b);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(start + 4 * rows); // sparse: the 8 GiB of F32 rows are never written
        }
        assertEquals("huge-vocab.gguf: tensor 'token_embd.weight' has 2147483648 rows (n_vocab), more than the 2147483647 token ids can address",
                loadError(f));
    }

    @Test
    void q8_1WeightIsRefusedAsAnActivationType() throws IOException {
        Path base = new SyntheticModel().write(dir.resolve("base.gguf"));
        Path f = GgufCopy.of(base).retype("blk.0.attn_q.weight", GgmlType.Q8_1).write(dir.resolve("q8_1.gguf"));
        assertEquals("q8_1.gguf: tensor 'blk.0.attn_q.weight' has type Q8_1, which is an activation type, not a weight type", loadError(f));
    }
}
