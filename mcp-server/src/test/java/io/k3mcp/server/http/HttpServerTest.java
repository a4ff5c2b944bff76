package io.k3mcp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.server.CountTool;
import io.k3mcp.server.EngineOptions;
import io.k3mcp.server.ServerLauncher;
import io.k3mcp.server.ServerWiring;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server over Streamable HTTP and legacy SSE, driven by the Java SDK client and by raw HTTP. */
class HttpServerTest {
    private static final String TOKEN = "s3cret-token";
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    private static ServerLauncher.Running start(ServerLauncher.Transport transport, String token) throws Exception {
        return ServerLauncher.start(new ServerLauncher.Config(transport,
                        new HttpOptions("127.0.0.1", 0, token, HttpOptions.DEFAULT_MAX_REQUEST_BYTES),
                        EngineOptions.none(), ServerLauncher.Config.DEFAULT_RESOURCE_UPDATES),
                new ServerWiring.Features(List.of(new CountTool()), List.of(), List.of()),
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
    }

    static McpSyncClient client(ServerLauncher.Transport transport, int port, String token,
                                        List<McpSchema.ProgressNotification> progress) {
        String base = "http://127.0.0.1:" + port;
        McpClientTransport clientTransport = transport == ServerLauncher.Transport.HTTP
                ? HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build()
                : HttpClientSseClientTransport.builder(base).sseEndpoint("/sse")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        McpSyncClient client = McpClient.sync(clientTransport).requestTimeout(Duration.ofSeconds(20))
                .progressConsumer(progress::add).build();
        client.initialize();
        return client;
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void sdkClientListsCallsAndGetsProgress(ServerLauncher.Transport transport) throws Exception {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (ServerLauncher.Running server = start(transport, TOKEN);
             McpSyncClient client = client(transport, server.port(), TOKEN, progress)) {
            McpSchema.Tool tool = client.listTools().tools().get(0);
            assertEquals("count", tool.name());
            assertEquals("object", tool.outputSchema().get("type"));

            McpSchema.CallToolResult ok = client.callTool(McpSchema.CallToolRequest.builder("count")
                    .arguments(Map.of("steps", 3)).progressToken("tok").build());
            assertFalse(ok.isError());
            assertEquals(Map.of("count", 3, "finished", true), ok.structuredContent());
            // The client hands notifications to its consumer on another thread than the response.
            for (int i = 0; i < 500 && progress.size() < 3; i++) {
                Thread.sleep(10);
            }
            assertEquals(3, progress.size());
            assertEquals("tok", progress.get(2).progressToken());

            McpSchema.CallToolResult bad = client.callTool(new McpSchema.CallToolRequest("count",
                    Map.of("interval_ms", 5000)));
            assertTrue(bad.isError());
            assertTrue(((McpSchema.TextContent) bad.content().get(0)).text().contains("interval_ms"));

            McpError unknown = assertThrows(McpError.class,
                    () -> client.callTool(new McpSchema.CallToolRequest("nope", Map.of())));
            assertEquals(-32602, unknown.getJsonRpcError().code());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void eightConcurrentCalls(ServerLauncher.Transport transport) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (ServerLauncher.Running server = start(transport, null);
             McpSyncClient client = client(transport, server.port(), "unused", new ArrayList<>())) {
            List<Future<McpSchema.CallToolResult>> calls = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                int steps = i;
                calls.add(pool.submit(() -> client.callTool(new McpSchema.CallToolRequest("count",
                        Map.of("steps", steps, "interval_ms", 20)))));
            }
            for (int i = 1; i <= 8; i++) {
                assertEquals(i, ((Map<?, ?>) calls.get(i - 1).get().structuredContent()).get("count"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerLauncher.Transport.class, names = {"HTTP", "SSE"})
    void guardsRefuseAndTheServerSurvives(ServerLauncher.Transport transport) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (ServerLauncher.Running server = start(transport, TOKEN)) {
            URI uri = URI.create("http://127.0.0.1:" + server.port()
                    + (transport == ServerLauncher.Transport.HTTP ? "/mcp" : "/message?sessionId=x"));
            HttpResponse<String> missing = http.send(post(uri, INIT).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, missing.statusCode());
            assertEquals("Bearer realm=\"k3mcp\"", missing.headers().firstValue("WWW-Authenticate").orElse(""));

            HttpResponse<String> wrong = http.send(post(uri, INIT).header("Authorization", "Bearer nope").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));

            HttpResponse<String> foreign = http.send(post(uri, INIT).header("Authorization", "Bearer " + TOKEN)
                    .header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, foreign.statusCode());

            // The SDK's own refusals (here: not JSON, or no such session) come back as JSON-RPC errors.
            HttpResponse<String> garbage = http.send(post(uri, "garbage").header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            // Streamable HTTP: a body that is not JSON; legacy SSE: sessionId=x names no session, found first
            assertEquals(transport == ServerLauncher.Transport.HTTP ? 400 : 404, garbage.statusCode(), garbage.toString());
            assertTrue(garbage.body().startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32"),
                    garbage.body());
            assertFalse(garbage.body().contains("stackTrace"), garbage.body());

            String big = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"pad\":\""
                    + "x".repeat(5_000_000) + "\"}}";
            HttpResponse<String> tooLarge = http.send(post(uri, big).header("Authorization", "Bearer " + TOKEN)
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooLarge.statusCode());
            assertTrue(tooLarge.body().contains("request too large"), tooLarge.body());

            try (McpSyncClient client = client(transport, server.port(), TOKEN, new ArrayList<>())) {
                McpSchema.CallToolResult ok = client.callTool(new McpSchema.CallToolRequest("count", Map.of()));
                assertFalse(ok.isError());
            }
        }
    }

    private static HttpRequest.Builder post(URI uri, String body) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
