package io.k3mcp.engine.embed;

import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling variants, truncation and the error paths of {@link EmbeddingModel}. */
class EmbeddingModelTest {
    private static EmbeddingModel model;

    @BeforeAll
    static void open() throws IOException {
        model = EmbeddingModel.open(Shared.model("all-minilm-l6-v2-f16.gguf"), ReferenceKernels.INSTANCE);
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
    }

    @Test
    void poolingNoneGivesOneVectorPerTokenWhoseMeanIsMeanPooling() {
        List<String> texts = List.of("Thermal zones stay below 68 degrees.", "fan");
        EmbedResult none = model.embed(texts, new EmbedOptions(Pooling.NONE, false, false));
        EmbedResult mean = model.embed(texts, new EmbedOptions(Pooling.MEAN, false, false));
        EmbedResult cls = model.embed(texts, new EmbedOptions(Pooling.CLS, false, false));
        EmbedResult last = model.embed(texts, new EmbedOptions(Pooling.LAST, false, false));
        int n0 = none.tokenCounts().get(0);
        int n1 = none.tokenCounts().get(1);
        assertEquals(n0 + n1, none.vectors().size());
        assertEquals(3, n1, "[CLS] fan [SEP]");
        for (int i = 0; i < 384; i++) {
            double sum = 0;
            for (int t = 0; t < n0; t++) {
                sum += none.vectors().get(t)[i];
            }
            assertEquals(sum / n0, mean.vectors().get(0)[i], 1e-5);
        }
        assertArrayEquals(none.vectors().get(0), cls.vectors().get(0));
        assertArrayEquals(none.vectors().get(n0 - 1), last.vectors().get(0));
        assertArrayEquals(none.vectors().get(n0), cls.vectors().get(1));
    }

    @Test
    void eachTextIsItsOwnSequence() {
        float[] alone = model.embed(List.of("fan speed"), EmbedOptions.DEFAULTS).vectors().get(0);
        EmbedResult batch = model.embed(List.of("a much longer first text about thermal zones", "fan speed"), EmbedOptions.DEFAULTS);
        assertTrue(Golden.cosine(alone, batch.vectors().get(1)) > 0.999999);
    }

    @Test
    void emptyBatchIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.embed(List.of(), EmbedOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("at least one"), e.getMessage());
    }

    @Test
    void tooLongTextNamesTheLimitUnlessTruncationIsAsked() {
        String text = "word ".repeat(600);
        TextTooLongException e = assertThrows(TextTooLongException.class,
                () -> model.embed(List.of("short", text), EmbedOptions.DEFAULTS));
        assertEquals(1, e.index());
        assertTrue(e.getMessage().contains("602 tokens") && e.getMessage().contains("at most 512"), e.getMessage());

        int[] cut = model.tokens(0, text, true);
        assertEquals(512, cut.length);
        assertEquals(101, cut[0]);
        assertEquals(102, cut[511]);
        // (embedding a full 512-token sequence on the reference kernels takes about a minute, so only the ids here)
    }

    @Test
    void unknownPoolingNameIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pooling.parse("max"));
        assertTrue(e.getMessage().contains("'max'") && e.getMessage().contains("mean, cls, last, none"), e.getMessage());
        assertEquals(Pooling.LAST, Pooling.parse("last"));
        assertEquals(null, Pooling.fromGguf(4));
    }

    @Test
    void missingFileAndNonEmbeddingArchitectureAreClearErrors() {
        assertThrows(NoSuchFileException.class, () -> EmbeddingModel.open(Path.of("/nonexistent/model.gguf"), ReferenceKernels.INSTANCE));
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> EmbeddingModel.open(Shared.model("llama-2-tiny-random.gguf"), ReferenceKernels.INSTANCE));
        assertTrue(e.getMessage().contains("llama-2-tiny-random.gguf") && e.getMessage().contains("embeddings"), e.getMessage());
    }
}
