package io.k3mcp.server.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.models.ModelCatalog;
import io.k3mcp.tools.models.ModelsDirException;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The server's resources, each JSON: {@code board://status} (subscribable; the server announces
 * updates while a client is subscribed), {@code models://loaded}, {@code bench://history} and, with models
 * directories, {@code models://available}.
 */
public final class ResourceSpecs {
    private static final Logger log = LoggerFactory.getLogger(ResourceSpecs.class);
    public static final String BOARD_STATUS = "board://status";
    public static final String MODELS_LOADED = "models://loaded";
    public static final String BENCH_HISTORY = "bench://history";
    public static final String MODELS_AVAILABLE = "models://available";
    private static final String JSON_TYPE = "application/json";

    private ResourceSpecs() {
    }

    /**
     * @param boardStatus reads the board now (the board-status tool with default arguments); null leaves
     *     board://status out
     * @param models the models the engine has loaded
     * @param history past benchmark results
     */
    public static List<McpServerFeatures.AsyncResourceSpecification> create(Callable<Object> boardStatus,
                                                                            LoadedModels models,
                                                                            BenchHistory history) {
        return create(boardStatus, models, history, null);
    }

    /** @param catalog the models by name; null leaves models://available out */
    public static List<McpServerFeatures.AsyncResourceSpecification> create(Callable<Object> boardStatus,
                                                                            LoadedModels models,
                                                                            BenchHistory history,
                                                                            ModelCatalog catalog) {
        List<McpServerFeatures.AsyncResourceSpecification> specs = new ArrayList<>();
        if (boardStatus != null) {
            specs.add(spec(BOARD_STATUS, "board-status", "Board status",
                    "The board's current state (the board-status tool's result). Subscribe to be told when "
                            + "to read it again.", () -> Json.tree(boardStatus.call())));
        }
        specs.addAll(List.of(
                spec(MODELS_LOADED, "models-loaded", "Loaded models",
                        "Models loaded in the server and shared between calls, as a JSON array (empty until a "
                                + "tool loads one).", () -> Json.tree(models.list())),
                spec(BENCH_HISTORY, "bench-history", "Benchmark history",
                        "Past benchmark results as a JSON array, oldest first, from " + history.file() + ".",
                        history::read)));
        if (catalog != null) {
            specs.add(spec(MODELS_AVAILABLE, "models-available", "Available models",
                    "The models the tools take by name (from " + catalog.dirs() + "), as a JSON array: name, aliases, "
                            + "path, architecture, size_bytes, quantization, context_length, loaded, usable and error "
                            + "(why an unusable file cannot be loaded).", () -> Json.tree(available(catalog, models))));
        }
        return specs;
    }

    private static List<java.util.Map<String, Object>> available(ModelCatalog catalog, LoadedModels models)
            throws ModelsDirException {
        catalog.refresh(); // a model pulled since start-up shows up
        java.util.Set<String> loaded = new java.util.HashSet<>();
        models.list().forEach(m -> loaded.add(m.path()));
        return catalog.available(path -> loaded.contains(path.toString()));
    }

    private static McpServerFeatures.AsyncResourceSpecification spec(String uri, String name, String title,
                                                                     String description, Callable<JsonNode> read) {
        McpSchema.Resource resource = McpSchema.Resource.builder().uri(uri).name(name).title(title)
                .description(description).mimeType(JSON_TYPE).build();
        return new McpServerFeatures.AsyncResourceSpecification(resource, (exchange, request) -> Mono.fromCallable(() -> {
            try {
                String text = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(read.call());
                return new McpSchema.ReadResourceResult(List.of(
                        new McpSchema.TextResourceContents(uri, JSON_TYPE, text)));
            } catch (Exception e) {
                log.error("event=resource_read_failed uri={}", uri, e);
                throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                        .message("cannot read " + uri + ": " + e.getMessage()).build();
            }
        }).subscribeOn(Schedulers.boundedElastic()));
    }
}
