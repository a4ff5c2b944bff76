package io.k3mcp.server;

import java.util.List;

/** Assembles what the server offers: tools, prompts and resources. */
public final class ServerFeatures {
    private ServerFeatures() {
    }

    public static ServerWiring.Features create(EngineOptions engine) {
        return new ServerWiring.Features(ServerTools.create(engine), List.of(),
                BenchResources.all(io.k3mcp.tools.bench.BenchHistory.inDefaultDataDir()));
    }
}
