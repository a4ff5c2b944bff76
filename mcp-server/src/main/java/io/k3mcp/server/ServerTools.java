package io.k3mcp.server;

import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.board.BoardStatusTool;
import io.k3mcp.tools.embed.EmbedTool;
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
     */
    public static List<Tool<?, ?>> create(EngineOptions engine, LoadedModels models, BenchHistory history) {
        List<Tool<?, ?>> tools = new ArrayList<>();
        tools.add(new BoardStatusTool());
        tools.add(new EmbedTool(engine.embedModel(), engine.threads(), models));
        return tools;
    }
}
