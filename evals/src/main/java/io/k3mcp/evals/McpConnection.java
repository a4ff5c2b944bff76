package io.k3mcp.evals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A real MCP client (the Java SDK's) connected to the server under evaluation, over stdio (a command
 * it starts) or Streamable HTTP (a URL). Keeps the server's last stderr lines for failure reports.
 */
final class McpConnection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(McpConnection.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int STDERR_LINES = 20;

    private final McpSyncClient client;
    private final Deque<String> stderr = new ArrayDeque<>();

    /** The outcome of one request: either a result document or an error message. */
    record Response(JsonNode result, String error) {
    }

    private McpConnection(McpClientTransport transport, Duration requestTimeout, boolean stdio) {
        if (stdio) {
            ((StdioClientTransport) transport).setStdErrorHandler(this::keepStderr);
        }
        this.client = McpClient.sync(transport)
                .requestTimeout(requestTimeout)
                .initializationTimeout(Duration.ofSeconds(120))
                .clientInfo(new McpSchema.Implementation("k3mcp-eval", "0.1.0"))
                .build();
        client.initialize();
    }

    static McpConnection stdio(List<String> command, Map<String, String> env, Duration requestTimeout) {
        requireExecutable(command.get(0));
        ServerParameters params = ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .env(env)
                .build();
        return new McpConnection(new StdioClientTransport(params, new JacksonMcpJsonMapper(MAPPER)), requestTimeout, true);
    }

    /** The SDK only notices a missing program at its initialisation timeout; say so at once instead. */
    private static void requireExecutable(String program) {
        java.nio.file.Path p = java.nio.file.Path.of(program);
        if (program.contains("/")) {
            if (!java.nio.file.Files.isExecutable(p)) {
                throw new ScenarioException("server command not found or not executable: " + program);
            }
            return;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return;
            }
        }
        throw new ScenarioException("server command not found on PATH: " + program);
    }

    static McpConnection http(String url, String token, Duration requestTimeout) {
        java.net.URI uri = java.net.URI.create(url);
        String base = uri.getScheme() + "://" + uri.getAuthority();
        String endpoint = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/mcp" : uri.getRawPath();
        HttpRequest.Builder req = HttpRequest.newBuilder();
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpClientStreamableHttpTransport t = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .requestBuilder(req)
                .jsonMapper(new JacksonMcpJsonMapper(MAPPER))
                .build();
        return new McpConnection(t, requestTimeout, false);
    }

    private synchronized void keepStderr(String line) {
        log.debug("server stderr: {}", line);
        if (stderr.size() == STDERR_LINES) {
            stderr.removeFirst();
        }
        stderr.addLast(line);
    }

    synchronized String stderrTail() {
        return String.join("\n", stderr);
    }

    /** Calls a tool: the result document is structuredContent (or the text, parsed as JSON when it is JSON). */
    Response callTool(String name, JsonNode arguments) {
        Map<String, Object> args = arguments == null ? Map.of()
                : MAPPER.convertValue(arguments, new TypeReference<Map<String, Object>>() { });
        McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(name, args));
        String text = textOf(r.content());
        if (Boolean.TRUE.equals(r.isError())) {
            return new Response(null, text.isEmpty() ? "tool returned isError without a message" : text);
        }
        if (r.structuredContent() != null) {
            return new Response(MAPPER.valueToTree(r.structuredContent()), null);
        }
        return new Response(parseOrText(text), null);
    }

    Response list(String what) {
        Object r = switch (what) {
            case "tools" -> client.listTools();
            case "prompts" -> client.listPrompts();
            case "resources" -> client.listResources();
            default -> throw new ScenarioException("cannot list " + what);
        };
        return new Response(MAPPER.valueToTree(r), null);
    }

    Response read(String uri) {
        McpSchema.ReadResourceResult r = client.readResource(new McpSchema.ReadResourceRequest(uri));
        StringBuilder sb = new StringBuilder();
        for (McpSchema.ResourceContents c : r.contents()) {
            if (c instanceof McpSchema.TextResourceContents t) {
                sb.append(t.text());
            }
        }
        return new Response(parseOrText(sb.toString()), null);
    }

    private static String textOf(List<McpSchema.Content> content) {
        StringBuilder sb = new StringBuilder();
        if (content != null) {
            for (McpSchema.Content c : content) {
                if (c instanceof McpSchema.TextContent t) {
                    if (sb.length() > 0) {
                        sb.append('\n');
                    }
                    sb.append(t.text());
                }
            }
        }
        return sb.toString();
    }

    private static JsonNode parseOrText(String text) {
        String t = text.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            try {
                return MAPPER.readTree(t);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                log.debug("result text is not JSON ({}); checking it as text", e.getOriginalMessage());
            }
        }
        return MAPPER.getNodeFactory().textNode(text);
    }

    @Override
    public void close() {
        if (!client.closeGracefully()) {
            log.warn("server did not close gracefully; closing the connection");
            client.close();
        }
    }
}
