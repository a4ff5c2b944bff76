package io.k3mcp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.Tool;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Builds the one SDK server, whatever the transport: server info, capabilities (tools, prompts,
 * subscribable resources, logging), the tools through {@link ToolAdapter}, prompts and resources.
 */
public final class ServerWiring {
    public static final String NAME = "k3mcp";
    public static final String VERSION = "0.1.0";
    /** Long calls (generation, benchmarks) must not be cut off by the SDK's default request timeout. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofHours(1);
    private static final String INSTRUCTIONS = "k3mcp runs a local model and reports on the board it runs on. "
            + "Tools: board-status (hardware state), generate and embed (local model), benchmark (speed). "
            + "Long calls report progress when given a progressToken and stop when cancelled.";

    private ServerWiring() {
    }

    /**
     * What the server offers, independent of the transport.
     *
     * @param metrics what the tools count (served at /metrics with serve --metrics)
     */
    public record Features(List<Tool<?, ?>> tools,
                           List<McpServerFeatures.AsyncPromptSpecification> prompts,
                           List<McpServerFeatures.AsyncResourceSpecification> resources,
                           List<McpServerFeatures.AsyncCompletionSpecification> completions,
                           InferenceMetrics metrics) {
        public Features {
            tools = List.copyOf(tools);
            prompts = List.copyOf(prompts);
            resources = List.copyOf(resources);
            completions = List.copyOf(completions);
            Objects.requireNonNull(metrics, "metrics");
        }

        /** Tools whose calls nothing counts (tests of the transports). */
        public Features(List<Tool<?, ?>> tools, List<McpServerFeatures.AsyncPromptSpecification> prompts,
                        List<McpServerFeatures.AsyncResourceSpecification> resources,
                        List<McpServerFeatures.AsyncCompletionSpecification> completions) {
            this(tools, prompts, resources, completions, new InferenceMetrics());
        }

        /** Tools, prompts and resources without completions. */
        public Features(List<Tool<?, ?>> tools, List<McpServerFeatures.AsyncPromptSpecification> prompts,
                        List<McpServerFeatures.AsyncResourceSpecification> resources) {
            this(tools, prompts, resources, List.of());
        }
    }

    /**
     * The JSON mapper of the protocol messages (plain names, unlike the snake_case tool results), with
     * {@link McpError} written as a JSON-RPC error rather than as an exception bean.
     */
    public static McpJsonMapper jsonMapper() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.registerModule(new SimpleModule("k3mcp-errors").addSerializer(McpError.class, new McpErrorSerializer()));
        return new JacksonMcpJsonMapper(mapper);
    }

    public static McpAsyncServer build(McpServerTransportProvider transport, Features features, ToolAdapter adapter) {
        return configure(McpServer.async(transport), features, adapter);
    }

    public static McpAsyncServer build(McpStreamableServerTransportProvider transport, Features features,
                                       ToolAdapter adapter) {
        return configure(McpServer.async(transport), features, adapter);
    }

    private static McpAsyncServer configure(McpServer.AsyncSpecification<?> spec, Features features,
                                            ToolAdapter adapter) {
        List<McpServerFeatures.AsyncToolSpecification> tools = features.tools().stream()
                .<McpServerFeatures.AsyncToolSpecification>map(adapter::specification)
                .toList();
        return spec.serverInfo(new McpSchema.Implementation(NAME, "k3mcp: local model and board tools", VERSION))
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(false)
                        .prompts(false)
                        .resources(true, false)
                        .logging()
                        .completions()
                        .build())
                .jsonMapper(jsonMapper())
                .requestTimeout(REQUEST_TIMEOUT)
                // Arguments are checked by Tool.parse, whose messages name the argument, in one code
                // path with the CLI; the SDK still validates results against each outputSchema.
                .validateToolInputs(false)
                .tools(tools)
                .prompts(features.prompts())
                .resources(features.resources())
                .completions(features.completions())
                .build();
    }
}
