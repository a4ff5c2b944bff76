package io.k3mcp.server;

import io.k3mcp.tools.Progress;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Progress} sent to the client as {@code notifications/progress} with the token the client gave.
 * The protocol wants progress to increase with every notification, so repeats and steps back are
 * dropped here rather than trusted to every tool.
 */
final class ClientProgress implements Progress {
    private static final Logger log = LoggerFactory.getLogger(ClientProgress.class);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private final McpAsyncServerExchange exchange;
    private final Object token;
    private double last = Double.NEGATIVE_INFINITY;

    private ClientProgress(McpAsyncServerExchange exchange, Object token) {
        this.exchange = exchange;
        this.token = token;
    }

    /** Progress for one call: notifications when the client sent a progressToken, else nothing. */
    static Progress of(McpAsyncServerExchange exchange, Object token) {
        return token == null ? Progress.NONE : new ClientProgress(exchange, token);
    }

    @Override
    public synchronized void report(double done, Double total, String message) {
        if (!(done > last)) {
            return;
        }
        last = done;
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(token, done, total, message))
                    .block(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            // The call goes on: a client that stopped listening must not stop the work it asked for.
            log.debug("event=progress_not_sent token={} error=\"{}\"", token, e.getMessage());
        }
    }
}
