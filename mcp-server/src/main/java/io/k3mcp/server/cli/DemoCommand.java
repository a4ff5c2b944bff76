package io.k3mcp.server.cli;

import io.k3mcp.server.ServerWiring;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code k3mcp demo}: starts this jar's {@code serve --transport stdio} as a subprocess, talks to it with
 * the Java SDK's client, and tells what happens at each step.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "End-to-end demonstration: the real MCP server over stdio, driven by the SDK client.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(names = "--model", description = "Generation model (GGUF): adds a generate call to the demo.")
    Path model;

    @Option(names = "--embed-model", description = "Embedding model (GGUF) for the embed call.")
    Path embedModel;

    private final PrintStream out = System.out;
    private int step;
    private final List<String> failed = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (common == null || !common.verbose) {
            // The account on stdout is the demo; the SDK client's own chatter would only bury it.
            System.setProperty("org.slf4j.simpleLogger.log.io.modelcontextprotocol", "warn");
        }
        Path jar = ownJar();
        List<String> args = new ArrayList<>(List.of("-jar", jar.toString(), "serve", "--transport", "stdio"));
        if (model != null) {
            args.addAll(List.of("--model", model.toString()));
        }
        if (embedModel != null) {
            args.addAll(List.of("--embed-model", embedModel.toString()));
        }
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder(javaBinary()).args(args).build(), ServerWiring.jsonMapper());
        List<String> serverLog = new ArrayList<>();
        transport.setStdErrorHandler(line -> {
            synchronized (serverLog) {
                serverLog.add(line);
            }
        });
        say("Starting the server as a subprocess: java " + String.join(" ", args));
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(5))
                .progressConsumer(p -> out.printf("     progress %.0f%s %s%n", p.progress(),
                        p.total() == null ? "" : String.format("/%.0f", p.total()),
                        p.message() == null ? "" : p.message()))
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            say("Initialized over stdio: " + init.serverInfo().name() + " " + init.serverInfo().version()
                    + ", protocol " + init.protocolVersion());

            List<McpSchema.Tool> tools = client.listTools().tools();
            say("The server offers " + tools.size() + " tool(s):");
            for (McpSchema.Tool tool : tools) {
                out.println("     - " + tool.name() + ": " + firstSentence(tool.description()));
            }
            List<String> names = tools.stream().map(McpSchema.Tool::name).toList();
            if (names.contains("board-status")) {
                call(client, "board-status", Map.of());
            }
            if (names.contains("embed")) {
                call(client, "embed", Map.of("texts", List.of("k3mcp runs models on a RISC-V board", "A RISC-V board runs k3mcp models")));
            }
            if (names.contains("benchmark")) {
                // A random-weight model at Qwen3-0.6B's real shape, written once into the cache (first run: ~1 min).
                call(client, "benchmark", Map.of("synthetic", "qwen3-0.6b:q4_0", "n_prompt", List.of(32),
                        "n_gen", List.of(16), "repetitions", 1, "record", false));
            }
            if (names.contains("generate") && model != null) {
                call(client, "generate", Map.of("prompt", "In one sentence, what is RISC-V?", "max_tokens", 48));
            }
            say("Prompts: " + client.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList());
            say("Resources: " + client.listResources().resources().stream().map(McpSchema.Resource::uri).toList());
            McpSchema.ReadResourceResult loaded = client.readResource(new McpSchema.ReadResourceRequest("models://loaded"));
            say("models://loaded says: " + ((McpSchema.TextResourceContents) loaded.contents().get(0)).text()
                    .replaceAll("\\s+", " "));
            client.closeGracefully();
        } finally {
            if (common != null && common.verbose) {
                synchronized (serverLog) {
                    serverLog.forEach(System.err::println);
                }
            }
        }
        if (!failed.isEmpty()) {
            say("Failed: " + failed + " returned errors (see above).");
            return 1;
        }
        say("Done: the server shut down when its stdin closed.");
        return 0;
    }

    private void call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        say("Calling " + tool + " " + arguments + " (with a progress token)");
        long started = System.nanoTime();
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder(tool)
                .arguments(arguments).progressToken(tool + "-demo").build());
        long ms = (System.nanoTime() - started) / 1_000_000;
        String text = result.content().isEmpty() ? "" : ((McpSchema.TextContent) result.content().get(0)).text();
        if (Boolean.TRUE.equals(result.isError())) {
            failed.add(tool);
        }
        out.println("     " + (Boolean.TRUE.equals(result.isError()) ? "error" : "result") + " in " + ms + " ms: "
                + text.replace("\n", "\n     "));
    }

    private void say(String line) {
        out.println(++step + ". " + line);
    }

    private static String firstSentence(String text) {
        int dot = text.indexOf(". ");
        return dot < 0 ? text : text.substring(0, dot + 1);
    }

    private static String javaBinary() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    private static Path ownJar() throws URISyntaxException {
        Path location = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(location)) {
            throw new IllegalStateException("demo runs from the packaged jar (make build); found " + location);
        }
        return location;
    }
}
