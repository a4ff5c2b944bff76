package io.k3mcp.tools.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModel;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.Progress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Embedding models under --max-loaded 1: the idle one goes, the one a call in flight holds stays. */
class EmbedEvictionTest {
    private static final String QWEN = EmbedToolTest.shared("models", "qwen3-embed-mini-f16.gguf").toAbsolutePath().normalize().toString();
    private static final String MINILM = EmbedToolTest.shared("models", "all-minilm-l6-v2-f16.gguf").toAbsolutePath().normalize().toString();

    private static JsonNode embed(EmbedTool tool, String model, Progress progress) throws Exception {
        String args = "{\"model\": \"" + model + "\", \"texts\": [\"the first text\", \"and a second one\"]}";
        return Json.tree(tool.run(tool.parse(Json.parse(args)), progress, Cancellation.none()));
    }

    private static List<String> listed(LoadedModels models) {
        return models.list().stream().map(LoadedModel::path).toList();
    }

    @Test
    void aModelInUseStaysOpenWhileAnotherCallLoadsPastTheLimit() throws Exception {
        JsonNode expected = embed(new EmbedTool(null, () -> ReferenceKernels.INSTANCE, new LoadedModels()), QWEN, Progress.NONE);
        LoadedModels models = new LoadedModels();
        EmbedTool tool = new EmbedTool(null, () -> ReferenceKernels.INSTANCE, models, ModelResolver.PATHS,
                new ModelRegistry.Limits(1, 0), new io.k3mcp.tools.InferenceMetrics());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Progress holdAfterTheFirstText = (done, total, message) -> {
            if (done == 1) {
                started.countDown();
                try {
                    assertTrue(release.await(60, TimeUnit.SECONDS), "the test never released the call in flight");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        };
        CompletableFuture<JsonNode> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return embed(tool, QWEN, holdAfterTheFirstText);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(started.await(60, TimeUnit.SECONDS));
        assertEquals(384, embed(tool, MINILM, Progress.NONE).get("dim").asInt());
        // qwen is held by the call in flight: minilm went over the limit, then was the idle one to close.
        assertEquals(List.of(QWEN), listed(models));
        release.countDown();
        JsonNode first = inFlight.get(60, TimeUnit.SECONDS);
        assertEquals(expected.get("embeddings"), first.get("embeddings"));
        assertEquals(List.of(QWEN), listed(models));
        // The next model loaded closes qwen, idle now.
        embed(tool, MINILM, Progress.NONE);
        assertEquals(List.of(MINILM), listed(models));
    }
}
