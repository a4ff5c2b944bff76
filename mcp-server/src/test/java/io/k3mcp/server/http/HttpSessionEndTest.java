package io.k3mcp.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.k3mcp.server.CountTool;
import io.k3mcp.server.EngineOptions;
import io.k3mcp.server.ServerLauncher;
import io.k3mcp.server.ServerWiring;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * When an HTTP session ends (Streamable HTTP: the client DELETEs it; legacy SSE: its stream closes), its
 * calls are cancelled, and the server goes on serving new sessions.
 */
class HttpSessionEndTest {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    /** With a progress token the server writes to the SSE stream every step, so it notices a closed one. */
    private static final String LONG_CALL = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
            + "\"name\":\"count\",\"arguments\":{\"steps\":10000,\"interval_ms\":5},\"_meta\":{\"progressToken\":\"p\"}}}";
    private static final Pattern SSE_ENDPOINT = Pattern.compile("data: (\\S*sessionId=\\S+)");

    private final CountTool tool = new CountTool();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void deletingAStreamableHttpSessionCancelsItsCalls() throws Exception {
        try (ServerLauncher.Running server = start(ServerLauncher.Transport.HTTP)) {
            URI mcp = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
            HttpResponse<String> init = http.send(post(mcp, null, INIT), HttpResponse.BodyHandlers.ofString());
            String session = init.headers().firstValue("Mcp-Session-Id").orElse(null);
            assertNotNull(session, init.toString());
            assertEquals(202, http.send(post(mcp, session, INITIALIZED), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            // The call's response stream stays open while it runs; the client never reads it.
            http.sendAsync(post(mcp, session, LONG_CALL), HttpResponse.BodyHandlers.discarding());
            tool.awaitRunning(1);

            HttpResponse<String> deleted = http.send(withHeaders(HttpRequest.newBuilder(mcp), session).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, deleted.statusCode(), deleted.body());
            tool.assertAllCallsStopped();
            assertNewSessionIsServed(ServerLauncher.Transport.HTTP, server);
        }
    }

    @Test
    void closingALegacySseStreamCancelsItsCalls() throws Exception {
        try (ServerLauncher.Running server = start(ServerLauncher.Transport.SSE)) {
            try (Socket stream = new Socket("127.0.0.1", server.port())) {
                OutputStream out = stream.getOutputStream();
                out.write(("GET /sse HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                URI messages = URI.create("http://127.0.0.1:" + server.port() + endpoint(stream));
                for (String message : List.of(INIT, INITIALIZED)) {
                    HttpResponse<String> posted = http.send(post(messages, null, message),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, posted.statusCode(), posted.body());
                }
                // The SDK answers a message's POST once it is handled: for this call, when it ends.
                http.sendAsync(post(messages, null, LONG_CALL), HttpResponse.BodyHandlers.discarding());
                tool.awaitRunning(1);
            }
            tool.assertAllCallsStopped();
            assertNewSessionIsServed(ServerLauncher.Transport.SSE, server);
        }
    }

    private ServerLauncher.Running start(ServerLauncher.Transport transport) throws Exception {
        return ServerLauncher.start(new ServerLauncher.Config(transport,
                        new HttpOptions("127.0.0.1", 0, null, HttpOptions.DEFAULT_MAX_REQUEST_BYTES),
                        EngineOptions.none(), ServerLauncher.Config.DEFAULT_RESOURCE_UPDATES),
                new ServerWiring.Features(List.of(tool), List.of(), List.of()),
                new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream());
    }

    /** The message URL that the SSE stream's endpoint event names (the stream's body is chunked: lines between). */
    private static String endpoint(Socket stream) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            Matcher matcher = SSE_ENDPOINT.matcher(line);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        throw new AssertionError("the SSE stream ended without an endpoint event");
    }

    private static void assertNewSessionIsServed(ServerLauncher.Transport transport, ServerLauncher.Running server) {
        try (McpSyncClient client = HttpServerTest.client(transport, server.port(), "unused", new ArrayList<>())) {
            McpSchema.CallToolResult ok = client.callTool(new McpSchema.CallToolRequest("count", Map.of("steps", 2)));
            assertFalse(ok.isError());
            assertEquals(2, ((Map<?, ?>) ok.structuredContent()).get("count"));
        }
    }

    private static HttpRequest post(URI uri, String session, String body) {
        return withHeaders(HttpRequest.newBuilder(uri), session).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String session) {
        request.header("Accept", "application/json, text/event-stream");
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return request;
    }
}
