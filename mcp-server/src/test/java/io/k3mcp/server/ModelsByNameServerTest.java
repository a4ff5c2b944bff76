package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.server.cli.ServeCommand;
import io.k3mcp.tools.Json;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import picocli.CommandLine;

/**
 * serve --models-dir end to end, configured by the real flags: models by name and models://available on every
 * transport; a model path outside the models directories refused over Streamable HTTP and SSE, allowed over stdio.
 */
class ModelsByNameServerTest {
    private static final int TOKENS = 3;
    @TempDir
    Path root;
    private Path dir;
    private Path outside;
    private JsonNode golden;

    private static Path shared(String... parts) {
        return Path.of(System.getProperty("k3mcp.shared", "../../shared"), parts).toAbsolutePath();
    }

    @BeforeEach
    void modelsDir() throws Exception {
        dir = Files.createDirectories(root.resolve("models"));
        Files.createSymbolicLink(dir.resolve("Llama-Mini-F32.gguf"), shared("models", "llama-mini-f32.gguf"));
        Files.write(dir.resolve("broken.gguf"), new byte[] {'G', 'G', 'U', 'F', 1});
        outside = shared("models", "llama-mini-f32.gguf");
        golden = Json.MAPPER.readTree(shared("fixtures", "generate-llama-mini-f32.json").toFile()).get("prompts").get(0);
    }

    private ServerLauncher.Config config(String transport) throws Exception {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs("--transport", transport, "--port", "0",
                "--models-dir", dir.toString(), "--max-loaded", "1", "--memory-budget", "0");
        return serve.config();
    }

    private static String generate(String model) {
        return "{\"model\":\"" + model + "\",\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":" + TOKENS + "}";
    }

    private void assertGoldenTokens(JsonNode result) {
        for (int i = 0; i < TOKENS; i++) {
            assertEquals(golden.get("generated_ids").get(i).asInt(), result.get("tokens").get(i).asInt(), "token " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void overHttpNamesWorkAndPathsOutsideTheDirectoryAreRefused(ServerLauncher.Transport transport) throws Exception {
        ServerLauncher.Config config = config(transport.name().toLowerCase(java.util.Locale.ROOT));
        try (ServerLauncher.Running server = ServerLauncher.start(config, ServerFeatures.create(config.engine(), root),
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
             McpSyncClient client = client(transport, server.port())) {
            String description = client.listTools().tools().stream().filter(t -> t.name().equals("generate"))
                    .findFirst().orElseThrow().description();
            assertTrue(description.contains("llama-mini-f32 (llama, all F32"), description);

            McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("generate",
                    Json.MAPPER.convertValue(Json.parse(generate(outside.toString())), Map.class)));
            assertTrue(refused.isError());
            String message = ((McpSchema.TextContent) refused.content().get(0)).text();
            assertTrue(message.contains("is a path outside the models directories"), message);
            McpSchema.CallToolResult dotted = client.callTool(new McpSchema.CallToolRequest("generate",
                    Json.MAPPER.convertValue(Json.parse(generate(dir + "/../../" + outside)), Map.class)));
            assertTrue(dotted.isError());
            // embed and benchmark take their model through the same rule.
            for (Map<String, Object> call : List.of(Map.<String, Object>of("model", outside.toString(), "texts", List.of("a")),
                    Map.<String, Object>of("model", outside.toString(), "n_prompt", List.of(1), "n_gen", List.of(0)))) {
                McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(
                        call.containsKey("texts") ? "embed" : "benchmark", call));
                assertTrue(r.isError(), r.toString());
                assertTrue(((McpSchema.TextContent) r.content().get(0)).text().contains("outside the models directories"));
            }

            McpSchema.CallToolResult named = client.callTool(new McpSchema.CallToolRequest("generate",
                    Json.MAPPER.convertValue(Json.parse(generate("llama-mini-f32")), Map.class)));
            assertFalse(named.isError(), named.toString());
            assertGoldenTokens(Json.MAPPER.valueToTree(named.structuredContent()));

            String text = ((McpSchema.TextResourceContents) client.readResource(
                    new McpSchema.ReadResourceRequest("models://available")).contents().get(0)).text();
            JsonNode available = Json.parse(text);
            assertEquals(2, available.size());
            for (JsonNode m : available) {
                boolean llama = m.get("name").asText().equals("llama-mini-f32");
                assertEquals(llama, m.get("loaded").asBoolean(), m.toString());
                assertEquals(llama, m.get("usable").asBoolean(), m.toString());
                assertEquals(llama ? "llama" : null, m.get("architecture").isNull() ? null : m.get("architecture").asText());
            }
        }
    }

    @Test
    void overStdioAPathOutsideTheDirectoryIsTheUsersOwnChoice() throws Exception {
        ServerLauncher.Config config = config("stdio");
        try (StdioHarness server = new StdioHarness(ServerFeatures.create(config.engine(), root)).initialized()) {
            server.request(1, "tools/call", "{\"name\":\"generate\",\"arguments\":" + generate(outside.toString()) + "}");
            JsonNode result = server.response(1).get("result");
            assertFalse(result.get("isError").asBoolean(), result.toString());
            assertGoldenTokens(result.get("structuredContent"));
            server.request(2, "tools/call", "{\"name\":\"generate\",\"arguments\":" + generate("nope") + "}");
            String message = server.response(2).at("/result/content/0/text").asText();
            assertTrue(message.contains("unknown model \"nope\"; available: llama-mini-f32"), message);
        }
    }

    private static McpSyncClient client(ServerLauncher.Transport transport, int port) {
        String base = "http://127.0.0.1:" + port;
        var clientTransport = transport == ServerLauncher.Transport.HTTP
                ? HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp").build()
                : HttpClientSseClientTransport.builder(base).sseEndpoint("/sse").build();
        McpSyncClient client = McpClient.sync(clientTransport).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }
}
