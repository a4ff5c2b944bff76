package io.k3mcp.engine.embed;

import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * all-MiniLM-L6-v2 against ONNX Runtime's goldens and llama.cpp's vectors; one subclass per GGUF (the shared
 * file, the one k3mcp's build imports, one imported at F32).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MiniLmGoldenChecks {
    private static final Logger LOG = LoggerFactory.getLogger(MiniLmGoldenChecks.class);
    private EmbeddingModel model;
    private List<Golden.Sentence> golden;
    private EmbedResult result;

    /** The GGUF under test. */
    abstract Path modelPath() throws IOException;

    @BeforeAll
    void embedGoldenSentences() throws IOException {
        model = EmbeddingModel.open(modelPath(), ReferenceKernels.INSTANCE);
        golden = Golden.miniLm();
        result = model.embed(golden.stream().map(Golden.Sentence::text).toList(), EmbedOptions.DEFAULTS);
    }

    @AfterAll
    void close() throws IOException {
        model.close();
    }

    @Test
    void matchesOnnxRuntimeGoldens() {
        assertEquals(Pooling.MEAN, result.pooling());
        assertEquals(384, result.dim());
        for (int i = 0; i < golden.size(); i++) {
            Golden.Sentence s = golden.get(i);
            assertArrayEquals(s.ids(), model.tokens(i, s.text(), false), "ids of " + s.text());
            assertEquals(s.ids().length, result.tokenCounts().get(i));
            double cos = Golden.cosine(s.embedding(), result.vectors().get(i));
            LOG.info("model={} golden sentence={} cosine={} max_abs_diff={}", model.name(), i, cos, Golden.maxAbsDiff(s.embedding(), result.vectors().get(i)));
            assertTrue(cos >= 0.9999, "cosine " + cos + " for '" + s.text() + "'");
        }
    }

    @Test
    void matchesLlamaCppVectors() {
        List<Golden.Sentence> llama = Golden.sentences(
                Golden.embedFixture().get("all-minilm-l6-v2-f16").get("results"), "ids");
        for (int i = 0; i < llama.size(); i++) {
            double cos = Golden.cosine(llama.get(i).embedding(), result.vectors().get(i));
            LOG.info("model={} llama.cpp sentence={} cosine={} max_abs_diff={}", model.name(), i, cos,
                    Golden.maxAbsDiff(llama.get(i).embedding(), result.vectors().get(i)));
            assertTrue(cos >= 0.999, "cosine " + cos + " vs llama.cpp for '" + llama.get(i).text() + "'");
        }
    }

    @Test
    void paraphrasePairScoresAboveUnrelatedPairs() {
        List<float[]> v = result.vectors();
        double paraphrase = Golden.cosine(v.get(0), v.get(1));
        for (int other = 2; other < 4; other++) {
            assertTrue(paraphrase > Golden.cosine(v.get(0), v.get(other)), "fox pair vs sentence " + other);
            assertTrue(paraphrase > Golden.cosine(v.get(1), v.get(other)), "fox pair vs sentence " + other);
        }
    }

    @Test
    void vectorsAreUnitLength() {
        for (float[] v : result.vectors()) {
            assertEquals(1.0, Math.sqrt(dot(v, v)), 1e-5);
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
