package io.k3mcp.server;

import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.board.BoardStatusTool;
import io.k3mcp.tools.embed.EmbedTool;
import io.k3mcp.tools.generate.GenerateTool;
import java.util.ArrayList;
import java.util.List;

/** The tools the server offers, one line each: adding a tool is adding its line here. */
public final class ServerTools {
    private ServerTools() {
    }

    /**
     * @param engine the model and thread options given to serve
     * @param models where engine-backed tools register the models they load
     * @param history where the benchmark tool appends its results
     * @param metrics where the engine-backed tools count tokens, timings and calls
     */
    public static List<Tool<?, ?>> create(EngineOptions engine, LoadedModels models, BenchHistory history,
                                          InferenceMetrics metrics) {
        // One kernel pool for the whole process, shared by every engine-backed tool.
        Kernels kernels = KernelsChoice.pick(engine.threads() == null ? 0 : engine.threads(),
                KernelsChoice.parseCpuList(engine.cores()));
        ModelRegistry registry = new ModelRegistry(kernels, engine.ctxSize(), engine.limits(), engine.kvType(), engine.parallel(),
                engine.prefixCacheBytes());
        ModelResolver names = engine.catalog() != null ? engine.catalog() : ModelResolver.PATHS;
        if (engine.model() != null) {
            checkCapacity(registry, engine.model());
        }
        List<Tool<?, ?>> tools = new ArrayList<>();
        tools.add(new GenerateTool(registry, engine.model(), models, names, metrics));
        tools.add(new EmbedTool(engine.embedModel(), () -> kernels, models, names, engine.limits(), metrics));
        tools.add(new BoardStatusTool());
        tools.add(io.k3mcp.tools.bench.BenchmarkTool.onThisMachine(engine.model(), history.file(), names, metrics));
        return tools;
    }

    /** Slots that cannot fit are refused at start, with the numbers; a file that does not load is left to the first call to report
     * (serve's command line refuses one before this). */
    private static void checkCapacity(ModelRegistry registry, java.nio.file.Path model) {
        try {
            registry.checkCapacity(model);
        } catch (java.io.IOException | io.k3mcp.engine.model.UnsupportedModelException e) {
            org.slf4j.LoggerFactory.getLogger(ServerTools.class).warn("event=capacity_check_skipped model={} error={}", model, e.toString());
        }
    }
}
