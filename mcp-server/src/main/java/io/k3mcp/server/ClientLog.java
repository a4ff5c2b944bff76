package io.k3mcp.server;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log lines for the client ({@code notifications/message}); the SDK drops those below the level the
 * client chose with {@code logging/setLevel} (info by default).
 */
final class ClientLog {
    private static final Logger log = LoggerFactory.getLogger(ClientLog.class);
    static final String LOGGER_NAME = "k3mcp";

    private ClientLog() {
    }

    static void send(McpAsyncServerExchange exchange, McpSchema.LoggingLevel level, String message) {
        McpSchema.LoggingMessageNotification note = McpSchema.LoggingMessageNotification.builder()
                .level(level).logger(LOGGER_NAME).data(message).build();
        exchange.loggingNotification(note).subscribe(
                done -> { },
                // best effort, as progress is: ToolAdapter logs every call's outcome to stderr itself, and
                // a client that has gone would otherwise make a warning per message
                error -> log.debug("event=client_log_not_sent error=\"{}\"", error.getMessage()));
    }
}
