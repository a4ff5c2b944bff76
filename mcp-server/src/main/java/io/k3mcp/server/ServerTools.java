package io.k3mcp.server;

import io.k3mcp.tools.Tool;
import java.util.ArrayList;
import java.util.List;

/** The tools the server offers, one line each: adding a tool is adding its line here. */
public final class ServerTools {
    private ServerTools() {
    }

    public static List<Tool<?, ?>> create(EngineOptions engine) {
        List<Tool<?, ?>> tools = new ArrayList<>();
        tools.add(io.k3mcp.tools.bench.BenchmarkTool.onThisMachine(engine.model()));
        return tools;
    }
}
