package io.k3mcp.server;

import io.k3mcp.prompts.PromptCatalog;
import io.k3mcp.server.resources.ResourceSpecs;
import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** Assembles what the server offers: tools, prompts and resources. */
public final class ServerFeatures {
    public static final String BOARD_TOOL = "board-status";

    private ServerFeatures() {
    }

    public static ServerWiring.Features create(EngineOptions engine, Path dataDir) {
        LoadedModels models = new LoadedModels();
        BenchHistory history = BenchHistory.inDataDir(dataDir);
        InferenceMetrics metrics = new InferenceMetrics();
        List<Tool<?, ?>> tools = ServerTools.create(engine, models, history, metrics);
        PromptCatalog prompts = PromptCatalog.load();
        return new ServerWiring.Features(tools, PromptSpecs.from(prompts),
                ResourceSpecs.create(boardStatus(tools), models, history, engine.catalog()), PromptSpecs.completions(prompts), metrics);
    }

    /**
     * Reads the board through the board-status tool with its default arguments (one code path), or
     * null when the build has no such tool.
     */
    static Callable<Object> boardStatus(List<Tool<?, ?>> tools) {
        Tool<?, ?> board = tools.stream().filter(t -> t.name().equals(BOARD_TOOL)).findFirst().orElse(null);
        return board == null ? null : () -> runWithDefaults(board);
    }

    private static <I, O> Object runWithDefaults(Tool<I, O> tool) throws Exception {
        return tool.run(tool.parse(Json.MAPPER.createObjectNode()), Progress.NONE, Cancellation.none());
    }
}
