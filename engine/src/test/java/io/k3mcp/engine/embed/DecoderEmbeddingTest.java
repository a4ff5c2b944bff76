package io.k3mcp.engine.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qwen3 with last-token pooling through the engine's decoder, against llama.cpp's vectors (fixtures/embed.json). */
class DecoderEmbeddingTest {
    private static final Logger LOG = LoggerFactory.getLogger(DecoderEmbeddingTest.class);

    @Test
    void qwen3LastTokenPoolingMatchesLlamaCpp() throws IOException {
        JsonNode fixture = Golden.embedFixture().get("qwen3-embed-mini-f16");
        double tol = fixture.get("recommended_abs_tol").asDouble();
        List<Golden.Sentence> expected = Golden.sentences(fixture.get("results"), "ids");
        try (EmbeddingModel model = EmbeddingModel.open(Shared.model("qwen3-embed-mini-f16.gguf"), ReferenceKernels.INSTANCE)) {
            assertEquals(Pooling.LAST, model.defaultPooling());
            assertEquals(256, model.dim());
            EmbedResult r = model.embed(expected.stream().map(Golden.Sentence::text).toList(), EmbedOptions.DEFAULTS);
            for (int i = 0; i < expected.size(); i++) {
                Golden.Sentence s = expected.get(i);
                assertArrayEquals(s.ids(), model.tokens(i, s.text(), false), "ids of " + s.text());
                double cos = Golden.cosine(s.embedding(), r.vectors().get(i));
                double diff = Golden.maxAbsDiff(s.embedding(), r.vectors().get(i));
                LOG.info("qwen3 sentence={} cosine={} max_abs_diff={} tol={}", i, cos, diff, tol);
                assertTrue(cos >= 0.999, "cosine " + cos + " for '" + s.text() + "'");
                assertTrue(diff <= tol, "max abs diff " + diff + " > " + tol + " for '" + s.text() + "'");
            }
        }
    }

    @Test
    void emptyTextWithoutSpecialTokensIsAClearError() throws IOException {
        try (EmbeddingModel model = EmbeddingModel.open(Shared.model("qwen3-embed-mini-f16.gguf"), ReferenceKernels.INSTANCE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.embed(List.of("ok", ""), EmbedOptions.DEFAULTS));
            assertTrue(e.getMessage().contains("text 1 gives no tokens"), e.getMessage());
        }
    }

    @Test
    void generationModelWithoutPoolingTypeIsRefused() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> EmbeddingModel.open(Shared.model("qwen3-mini-f16.gguf"), ReferenceKernels.INSTANCE));
        assertTrue(e.getMessage().contains("qwen3-mini-f16.gguf") && e.getMessage().contains("pooling_type"), e.getMessage());
    }
}
