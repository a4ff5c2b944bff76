package io.k3mcp.server.stdio;

import io.k3mcp.server.CallKeys;
import io.k3mcp.server.InFlightCalls;
import io.k3mcp.server.ToolCallParams;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * MCP over stdin/stdout, one JSON-RPC message per line. Written here rather than taken from the SDK
 * because the server must (a) answer a line that is not JSON with a JSON-RPC parse error and keep
 * serving, (b) refuse an oversized line without buffering it, and (c) see each request's id and every
 * {@code notifications/cancelled}, which the SDK does not act on. Only JSON-RPC goes to stdout.
 */
public final class StdioTransportProvider implements McpServerTransportProvider {
    private static final Logger log = LoggerFactory.getLogger(StdioTransportProvider.class);
    public static final String SESSION = "stdio";

    private final McpJsonMapper mapper;
    private final InputStream in;
    private final OutputStream out;
    private final int maxMessageBytes;
    private final InFlightCalls inFlight;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile McpServerSession session;

    public StdioTransportProvider(McpJsonMapper mapper, InputStream in, OutputStream out, int maxMessageBytes,
                                  InFlightCalls inFlight) {
        this.mapper = mapper;
        this.in = in;
        this.out = out;
        this.maxMessageBytes = maxMessageBytes;
        this.inFlight = inFlight;
    }

    @Override
    public void setSessionFactory(McpServerSession.Factory factory) {
        session = factory.create(new Transport());
        Thread reader = new Thread(this::readLoop, "k3mcp-stdio-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Blocks until stdin ends or the transport is closed. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpServerSession current = session;
        return current == null ? Mono.empty() : current.sendNotification(method, params);
    }

    /** One session on stdio: resource-updated notifications for a subscriber go to it. */
    @Override
    public Mono<Void> notifyClient(String sessionId, String method, Object params) {
        McpServerSession current = session;
        return current == null || !current.getId().equals(sessionId) ? Mono.empty()
                : current.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            closing.set(true);
            finished.countDown();
        });
    }

    private void readLoop() {
        LineReader reader = new LineReader(in, maxMessageBytes);
        String ended = "stdin closed";
        try {
            LineReader.Line line;
            while (!closing.get() && (line = reader.next()) != null) {
                if (line.tooLong()) {
                    log.warn("event=stdio_message_too_large bytes={} max={}", line.length(), maxMessageBytes);
                    writeError(OversizedMessage.id(line.head(), line.tail()), McpSchema.ErrorCodes.INVALID_REQUEST,
                            "request too large: " + line.length() + " bytes; the limit is " + maxMessageBytes
                                    + " bytes");
                } else if (!line.text().isBlank()) {
                    dispatchSafely(line.text());
                }
            }
            log.info("event=stdio_closed reason=end_of_input");
        } catch (IOException e) {
            ended = "stdin read failed: " + e.getMessage();
            if (!closing.get()) {
                log.error("event=stdio_read_failed error=\"{}\"", e.getMessage());
            }
        } finally {
            // The client is gone (or the server is closing): its calls would run for no one and hold
            // generation slots and tool threads.
            inFlight.cancelSession(SESSION, closing.get() ? "the server is closing" : ended);
            finished.countDown();
        }
    }

    /** One bad message must not stop the reader: log it and go on with the next line. */
    private void dispatchSafely(String text) {
        try {
            dispatch(text);
        } catch (RuntimeException e) {
            log.error("event=stdio_dispatch_failed error=\"{}\"", e.getMessage(), e);
            writeError(null, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error: " + e.getMessage());
        }
    }

    private void dispatch(String text) {
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(mapper, text);
        } catch (IOException e) {
            log.warn("event=stdio_parse_error error=\"{}\"", firstLine(e.getMessage()));
            if (isJson(text)) {
                writeError(null, McpSchema.ErrorCodes.INVALID_REQUEST,
                        "Invalid Request: expected one JSON-RPC 2.0 message object (batches are not supported)");
            } else {
                writeError(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not JSON");
            }
            return;
        } catch (RuntimeException e) {
            log.warn("event=stdio_invalid_message error=\"{}\"", firstLine(e.getMessage()));
            writeError(null, McpSchema.ErrorCodes.INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message");
            return;
        }
        if (message instanceof McpSchema.JSONRPCNotification note
                && "notifications/cancelled".equals(note.method())) {
            cancel(note.params());
            return;
        }
        if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
            String problem = ToolCallParams.problem(request.params());
            if (problem != null) {
                writeError(request.id(), McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + problem);
                return;
            }
        }
        Map<String, Object> context = new HashMap<>();
        context.put(CallKeys.SESSION, SESSION);
        if (message instanceof McpSchema.JSONRPCRequest request && request.id() != null) {
            context.put(CallKeys.REQUEST_ID, CallKeys.requestKey(request.id()));
        }
        McpTransportContext transportContext = McpTransportContext.create(context);
        session.handle(message)
                .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, transportContext))
                // The SDK turns a failing request into its JSON-RPC error reply itself; what reaches here failed while
                // sending (stdout is gone: writeLine has cancelled the session's calls), so no reply could follow.
                .subscribe(done -> { }, error -> log.error("event=stdio_handle_failed error=\"{}\"",
                        error.getMessage(), error));
    }

    private void cancel(Object params) {
        if (params instanceof Map<?, ?> map) {
            Object reason = map.get("reason");
            inFlight.cancel(SESSION, CallKeys.requestKey(map.get("requestId")),
                    reason == null ? null : reason.toString());
        }
    }

    /** A JSON-RPC error, its id possibly null (the SDK's response record insists on one, JSON-RPC does not). */
    private void writeError(Object id, int code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        response.put("id", id);
        response.put("error", error);
        try {
            writeLine(mapper.writeValueAsString(response));
        } catch (IOException e) {
            log.error("event=stdio_write_failed error=\"{}\"", e.getMessage());
        }
    }

    private void write(McpSchema.JSONRPCMessage message) throws IOException {
        writeLine(mapper.writeValueAsString(message));
    }

    /** One message per line: the mapper escapes newlines inside strings. */
    private void writeLine(String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            // Nothing more reaches the client, not even the results: stop the calls it started.
            inFlight.cancelSession(SESSION, "stdout write failed: " + e.getMessage());
            throw e;
        }
    }

    private boolean isJson(String text) {
        try {
            mapper.readValue(text, Object.class);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The session's side of the transport: outgoing messages as lines on stdout. */
    private final class Transport implements McpServerTransport {
        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromCallable(() -> {
                write(message);
                return true;
            }).then();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return mapper.convertValue(data, typeRef);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return StdioTransportProvider.this.closeGracefully();
        }
    }
}
