package io.k3mcp.evals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

import java.util.List;
import java.util.Map;

/**
 * A tiny stdio MCP server used only by the runner's tests: an "echo" tool that returns its arguments as
 * structured content plus fake token counts, a "fail" tool that always reports isError, and a "slow" tool
 * that answers like echo after {@code ms} milliseconds (a call stuck in the server). It offers no resources.
 */
public final class FakeServer {
    private FakeServer() {
    }

    public static void main(String[] args) throws InterruptedException {
        JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
        McpSchema.Tool echo = McpSchema.Tool.builder().name("echo").description("echoes its arguments")
                .inputSchema(json, "{\"type\":\"object\"}").build();
        McpSchema.Tool fail = McpSchema.Tool.builder().name("fail").description("always fails")
                .inputSchema(json, "{\"type\":\"object\"}").build();
        McpSchema.Tool slow = McpSchema.Tool.builder().name("slow").description("echoes after ms milliseconds")
                .inputSchema(json, "{\"type\":\"object\"}").build();
        java.util.concurrent.CountDownLatch eof = new java.util.concurrent.CountDownLatch(1);
        java.io.InputStream in = new java.io.FilterInputStream(System.in) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    eof.countDown();
                }
                return n;
            }
        };
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(json, in, System.out))
                .serverInfo("fake", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(List.of(
                        McpServerFeatures.SyncToolSpecification.builder().tool(echo).callHandler((ex, req) -> {
                            Map<String, Object> out = new java.util.HashMap<>(req.arguments());
                            out.put("completion_tokens", 10);
                            return McpSchema.CallToolResult.builder().structuredContent(out)
                                    .content(List.of(new McpSchema.TextContent("echo"))).build();
                        }).build(),
                        McpServerFeatures.SyncToolSpecification.builder().tool(slow).callHandler((ex, req) -> {
                            Object ms = req.arguments().getOrDefault("ms", 60_000);
                            try {
                                Thread.sleep(((Number) ms).longValue());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                throw new IllegalStateException("slow: interrupted", e);
                            }
                            return McpSchema.CallToolResult.builder().structuredContent(req.arguments())
                                    .content(List.of(new McpSchema.TextContent("slow"))).build();
                        }).build(),
                        McpServerFeatures.SyncToolSpecification.builder().tool(fail).callHandler((ex, req) ->
                                McpSchema.CallToolResult.builder().isError(true)
                                        .content(List.of(new McpSchema.TextContent("texts: must not be empty"))).build()).build()))
                .build();
        eof.await(60, java.util.concurrent.TimeUnit.SECONDS); // the client closed our stdin: done
        server.close();
        System.exit(0);
    }
}
