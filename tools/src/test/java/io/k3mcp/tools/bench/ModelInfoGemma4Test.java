package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.gguf.GgufTensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemma 4's per-layer embedding table is looked up, one row a token, like token_embd: the bytes per decoded
 * token count that row, not the table (on the E2B shape the table is most of the file).
 */
class ModelInfoGemma4Test {
    private static final Path MODEL = Path.of(System.getProperty("k3mcp.shared", "../../shared"),
            "models", "new-archs", "gemma4-mini-f16.gguf");

    @Test
    void thePerLayerEmbeddingTableCountsOneRow() throws IOException {
        try (GgufFile f = GgufFile.open(MODEL)) {
            GgufTensor table = f.tensor("per_layer_token_embd.weight");
            assertNotNull(table, "the oracle model has per-layer embeddings");
            assertNotNull(f.tensor("output.weight"), "this file has its own output matrix: token_embd is looked up too");
            GgufTensor embd = f.tensor("token_embd.weight");
            long all = f.tensors().stream().mapToLong(GgufTensor::byteSize).sum();
            long lookedUp = table.byteSize() / table.rows() + embd.byteSize() / embd.rows();
            assertTrue(table.rows() > 1 && embd.rows() > 1);
            assertEquals(all - table.byteSize() - embd.byteSize() + lookedUp, ModelInfo.of(f).weightBytesPerToken());
        }
    }
}
