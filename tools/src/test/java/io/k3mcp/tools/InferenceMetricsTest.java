package io.k3mcp.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.embed.EmbedOutput;
import io.k3mcp.tools.embed.EmbedTool;
import io.k3mcp.tools.generate.GenerateOutput;
import io.k3mcp.tools.generate.GenerateTool;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The inference counters move with real generate and embed calls on the shared mini models. */
class InferenceMetricsTest {
    private static Path model(String file) {
        return Path.of(System.getProperty("k3mcp.shared", "../../shared")).resolve("models").resolve(file);
    }

    @Test
    void aGenerationCountsItsTokensAndTimings() throws Exception {
        InferenceMetrics metrics = new InferenceMetrics();
        try (ModelRegistry registry = new ModelRegistry(ReferenceKernels.INSTANCE, 0)) {
            GenerateTool tool = new GenerateTool(registry, model("llama-mini-q8_0.gguf"), null, ModelResolver.PATHS, metrics);
            String m = "llama-mini-q8_0";
            assertNull(MetricReading.value(metrics, "k3mcp_prompt_tokens_total", m, "generate"), "nothing before a call");
            GenerateOutput first = tool.run(tool.parse(Json.parse("{\"prompt\":\"Once upon a time\",\"temperature\":0,"
                    + "\"max_tokens\":5}")), Progress.NONE, Cancellation.none());
            GenerateOutput second = tool.run(tool.parse(Json.parse("{\"prompt\":\"The cat\",\"temperature\":0,"
                    + "\"max_tokens\":3}")), Progress.NONE, Cancellation.none());

            assertEquals(first.promptTokens() + second.promptTokens(),
                    MetricReading.value(metrics, "k3mcp_prompt_tokens_total", m, "generate"));
            assertEquals(first.completionTokens() + second.completionTokens(),
                    MetricReading.value(metrics, "k3mcp_tokens_predicted_total", m, "generate"));
            assertEquals(2.0, MetricReading.value(metrics, "k3mcp_requests_total", m, "generate"));
            assertEquals(0.0, MetricReading.value(metrics, "k3mcp_requests_processing", m, "generate"));
            assertEquals(2.0, MetricReading.value(metrics, "k3mcp_prefill_seconds", m, "generate"));
            assertEquals(2.0, MetricReading.value(metrics, "k3mcp_decode_seconds", m, "generate"));
            assertEquals((first.timings().decodeMs() + second.timings().decodeMs()) / 1000,
                    MetricReading.sum(metrics, "k3mcp_decode_seconds", m, "generate"), 1e-9);
            assertEquals((first.timings().prefillMs() + second.timings().prefillMs()) / 1000,
                    MetricReading.sum(metrics, "k3mcp_prefill_seconds", m, "generate"), 1e-9);
        }
    }

    @Test
    void anEmbeddingCountsItsTokensAsPrompt() throws Exception {
        InferenceMetrics metrics = new InferenceMetrics();
        EmbedTool tool = new EmbedTool(model("all-minilm-l6-v2-f16.gguf"), () -> ReferenceKernels.INSTANCE,
                new LoadedModels(), ModelResolver.PATHS, io.k3mcp.engine.session.ModelRegistry.Limits.NONE, metrics);
        EmbedOutput out = tool.run(tool.parse(Json.parse("{\"texts\":[\"a small board\",\"watched by Prometheus\"]}")),
                Progress.NONE, Cancellation.none());
        String m = "all-minilm-l6-v2-f16";
        assertEquals(out.tokenCounts().stream().mapToInt(Integer::intValue).sum(),
                MetricReading.value(metrics, "k3mcp_prompt_tokens_total", m, "embed"));
        assertEquals(1.0, MetricReading.value(metrics, "k3mcp_requests_total", m, "embed"));
        assertEquals(1.0, MetricReading.value(metrics, "k3mcp_prefill_seconds", m, "embed"));
        assertTrue(MetricReading.sum(metrics, "k3mcp_prefill_seconds", m, "embed") > 0);
        assertNull(MetricReading.value(metrics, "k3mcp_tokens_predicted_total", m, "embed"), "an encoder predicts nothing");
    }

    @Test
    void modelLabelsAreLowerCaseFileNamesWithoutTheExtension() {
        assertEquals("qwen3-0.6b-q4_k_m", InferenceMetrics.modelLabel(Path.of("/models/Qwen3-0.6B-Q4_K_M.gguf")));
        assertEquals("model.bin", InferenceMetrics.modelLabel(Path.of("model.bin")));
    }
}
