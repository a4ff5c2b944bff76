package io.k3mcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Turns a transport-free {@link Tool} into an SDK tool specification. Two tiers of errors: bad
 * arguments ({@link ToolInputException}) and refusals become a result with {@code isError} and a
 * message naming the argument, so the model can correct itself; anything unexpected is logged and
 * becomes a JSON-RPC error. Calls run on the tool executor, never on a transport thread.
 */
public final class ToolAdapter {
    private static final Logger log = LoggerFactory.getLogger(ToolAdapter.class);

    private final ExecutorService executor;
    private final InFlightCalls inFlight;

    public ToolAdapter(ExecutorService executor, InFlightCalls inFlight) {
        this.executor = executor;
        this.inFlight = inFlight;
    }

    /** The SDK specification of one tool: definition with both schemas, and the call handler. */
    public <I, O> McpServerFeatures.AsyncToolSpecification specification(Tool<I, O> tool) {
        McpSchema.Tool definition = McpSchema.Tool.builder()
                .name(tool.name())
                .description(tool.description())
                .inputSchema(asMap(tool.inputSchema()))
                .outputSchema(asMap(tool.outputSchema()))
                .build();
        return McpServerFeatures.AsyncToolSpecification.builder()
                .tool(definition)
                .callHandler((exchange, request) -> call(tool, exchange, request))
                .build();
    }

    private <I, O> Mono<CallToolResult> call(Tool<I, O> tool, McpAsyncServerExchange exchange,
                                             McpSchema.CallToolRequest request) {
        return Mono.defer(() -> {
            try {
                // A cancelled call completes empty: the protocol says not to answer a cancelled request.
                return Mono.fromFuture(CompletableFuture.supplyAsync(
                        () -> execute(tool, exchange, request), executor));
            } catch (RejectedExecutionException e) {
                log.warn("event=tool_busy tool={} running={}", tool.name(), ToolExecutor.MAX_CONCURRENT_CALLS);
                return Mono.just(error("busy: " + ToolExecutor.MAX_CONCURRENT_CALLS
                        + " tool calls are already running; retry when one has finished"));
            }
        }).onErrorMap(e -> e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e);
    }

    /** The result, or null when the client cancelled the call (it gets no response then). */
    private <I, O> CallToolResult execute(Tool<I, O> tool, McpAsyncServerExchange exchange,
                                          McpSchema.CallToolRequest request) {
        McpTransportContext context = exchange.transportContext();
        String session = context == null ? null : (String) context.get(CallKeys.SESSION);
        String requestKey = context == null ? null : (String) context.get(CallKeys.REQUEST_ID);
        Cancellation cancel = inFlight.open(session, requestKey);
        long started = System.nanoTime();
        ClientProgress clientProgress = ClientProgress.of(exchange, request.progressToken());
        try {
            I input = tool.parse(arguments(request));
            Progress progress = clientProgress == null ? Progress.NONE : clientProgress;
            ClientLog.send(exchange, McpSchema.LoggingLevel.DEBUG, tool.name() + ": started");
            O output = tool.run(input, progress, cancel);
            if (cancel.isCancelled()) {
                // a tool may end a cancelled call with what it has (generate: finish "cancelled"); no answer all the same
                throw new CancellationException(cancel.reason());
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            log.info("event=tool_call tool={} ms={} outcome=ok", tool.name(), ms);
            ClientLog.send(exchange, McpSchema.LoggingLevel.DEBUG, tool.name() + ": finished in " + ms + " ms");
            return success(tool, output);
        } catch (ToolInputException e) {
            log.info("event=tool_call tool={} outcome=bad_arguments argument={} message=\"{}\"",
                    tool.name(), e.argument(), e.getMessage());
            return error("invalid arguments for " + tool.name() + ": " + e.getMessage());
        } catch (io.k3mcp.tools.ToolBusyException e) {
            log.warn("event=tool_call tool={} outcome=busy message=\"{}\"", tool.name(), e.getMessage());
            return error(tool.name() + " " + e.getMessage());
        } catch (CancellationException e) {
            log.info("event=tool_call tool={} outcome=cancelled reason=\"{}\"", tool.name(), cancel.reason());
            ClientLog.send(exchange, McpSchema.LoggingLevel.INFO, tool.name() + ": cancelled");
            return cancel.isCancelled() ? null : error(tool.name() + " " + e.getMessage());
        } catch (Exception e) {
            log.error("event=tool_call tool={} outcome=failed", tool.name(), e);
            ClientLog.send(exchange, McpSchema.LoggingLevel.ERROR, tool.name() + " failed: " + e.getMessage());
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                    .message(tool.name() + " failed: " + (e.getMessage() == null
                            ? e.getClass().getSimpleName() : e.getMessage()))
                    .build();
        } finally {
            inFlight.close(session, requestKey, cancel);
            flush(clientProgress);
        }
    }

    /** The call's last progress notification goes out before its result (none may follow it). */
    private static void flush(ClientProgress progress) {
        if (progress == null) {
            return;
        }
        try {
            progress.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode arguments(McpSchema.CallToolRequest request) {
        Map<String, Object> args = request.arguments();
        return args == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(args);
    }

    private static <I, O> CallToolResult success(Tool<I, O> tool, O output) {
        JsonNode tree = Json.tree(output);
        String summary = tool.summarize(output);
        return CallToolResult.builder()
                .structuredContent(asMap(tree))
                .content(List.of(new McpSchema.TextContent(summary), new McpSchema.TextContent(tree.toString())))
                .isError(false)
                .build();
    }

    static CallToolResult error(String message) {
        return CallToolResult.builder()
                .content(List.of(new McpSchema.TextContent(message)))
                .isError(true)
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode node) {
        if (!(node instanceof ObjectNode)) {
            throw new IllegalArgumentException("expected a JSON object, got " + node);
        }
        return Json.MAPPER.convertValue(node, Map.class);
    }
}
