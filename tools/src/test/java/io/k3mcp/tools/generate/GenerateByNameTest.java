package io.k3mcp.tools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModel;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.models.ModelCatalog;
import io.k3mcp.tools.models.TestModelsDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generate with models by name from a models directory, under --max-loaded 1 with a call in flight. */
class GenerateByNameTest {
    private static final String ARGS = "{\"model\": \"%s\", \"prompt\": \"Once upon a time\", \"max_tokens\": 6, \"temperature\": 0}";

    private static JsonNode call(GenerateTool tool, String model, Progress progress) throws Exception {
        return Json.tree(tool.run(tool.parse(Json.parse(ARGS.formatted(model))), progress, Cancellation.none()));
    }

    private static List<String> loadedPaths(LoadedModels listed) {
        return listed.list().stream().map(LoadedModel::path).toList();
    }

    @Test
    void aModelInUseIsNotEvictedByACallLoadingAnotherUnderMaxLoadedOne(@TempDir Path root) throws Exception {
        Path dir = TestModelsDir.create(root);
        ModelCatalog catalog = ModelCatalog.open(List.of(dir), false);
        JsonNode expected;
        try (ModelRegistry unlimited = new ModelRegistry(ReferenceKernels.INSTANCE, 64)) {
            expected = call(new GenerateTool(unlimited, null, null), TestModelsDir.shared("llama-mini-q4_k_m.gguf").toString(),
                    Progress.NONE);
        }
        LoadedModels listed = new LoadedModels();
        try (ModelRegistry registry = new ModelRegistry(ReferenceKernels.INSTANCE, 64, new ModelRegistry.Limits(1, 0))) {
            GenerateTool tool = new GenerateTool(registry, null, listed, catalog, new io.k3mcp.tools.InferenceMetrics());
            List<Path> evicted = new java.util.concurrent.CopyOnWriteArrayList<>();
            registry.onEviction(evicted::add);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // progress counts prompt tokens first, then generated ones ("token 1", ...)
            Progress holdAtFirstToken = (done, total, message) -> {
                if (message.equals("token 1")) {
                    started.countDown();
                    await(release);
                }
            };
            CompletableFuture<JsonNode> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return call(tool, "llama-mini-q4_k_m", holdAtFirstToken);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(started.await(60, TimeUnit.SECONDS), "the first call started generating");
            JsonNode other = call(tool, "qwen3-mini-q8_0", Progress.NONE);
            assertEquals(6, other.get("completion_tokens").asInt());
            String llama = dir.resolve("Llama-Mini-Q4_K_M.gguf").toString();
            String qwen = dir.resolve("qwen/qwen3-mini-q8_0.gguf").toString();
            // llama, the least recently used, is held by the call in flight: qwen's load went over the limit
            // rather than close it, and qwen, unused once its call ended, was the one to go.
            assertEquals(List.of(Path.of(qwen)), evicted);
            assertEquals(List.of(llama), registry.loaded().stream().map(ModelRegistry.Info::path).toList());
            assertEquals(List.of(llama), loadedPaths(listed));
            release.countDown();
            JsonNode first = inFlight.get(60, TimeUnit.SECONDS);
            assertEquals(expected.get("tokens"), first.get("tokens"));
            assertEquals(expected.get("text"), first.get("text"));
            assertEquals(List.of(Path.of(qwen)), evicted);
        }
    }

    @Test
    void namesResolveAndPathsOutsideTheDirectoriesAreRefusedWhenUntrusted(@TempDir Path root) throws Exception {
        Path dir = TestModelsDir.create(root);
        try (ModelRegistry registry = new ModelRegistry(ReferenceKernels.INSTANCE, 64)) {
            GenerateTool http = new GenerateTool(registry, null, null, ModelCatalog.open(List.of(dir), false), new io.k3mcp.tools.InferenceMetrics());
            assertTrue(http.description().contains("qwen3-mini-q8_0 (qwen3, Q8_0"), http.description());
            assertEquals(dir.resolve("qwen/qwen3-mini-q8_0.gguf"), http.parse(Json.parse(ARGS.formatted("qwen3-mini-q8_0"))).model());
            String outside = TestModelsDir.shared("llama-mini-q4_0.gguf").toString();
            ToolInputException e = assertThrows(ToolInputException.class, () -> http.parse(Json.parse(ARGS.formatted(outside))));
            assertEquals("model", e.argument());
            assertTrue(e.getMessage().contains("outside the models directories"), e.getMessage());
            GenerateTool stdio = new GenerateTool(registry, null, null, ModelCatalog.open(List.of(dir), true), new io.k3mcp.tools.InferenceMetrics());
            assertEquals(Path.of(outside), stdio.parse(Json.parse(ARGS.formatted(outside))).model());
            ToolInputException unknown = assertThrows(ToolInputException.class, () -> stdio.parse(Json.parse(ARGS.formatted("llama"))));
            assertTrue(unknown.getMessage().contains("available: llama-mini-q4_k_m, qwen3-mini-q8_0"), unknown.getMessage());
            assertFalse(unknown.getMessage().contains("broken"));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the call in flight");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
