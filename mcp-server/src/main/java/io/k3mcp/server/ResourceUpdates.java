package io.k3mcp.server;

import io.k3mcp.server.resources.ResourceSpecs;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells subscribers of {@code board://status} to read it again, periodically: the board changes all
 * the time (temperatures, clocks, memory), so there is no single change event to wait for. The SDK
 * keeps the subscriptions and sends each notification only to subscribed sessions.
 */
final class ResourceUpdates {
    private static final Logger log = LoggerFactory.getLogger(ResourceUpdates.class);

    private ResourceUpdates() {
    }

    static AutoCloseable start(McpAsyncServer server, ServerWiring.Features features, Duration every) {
        boolean hasBoard = features.resources().stream()
                .anyMatch(r -> ResourceSpecs.BOARD_STATUS.equals(r.resource().uri()));
        if (!hasBoard) {
            return () -> { };
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "k3mcp-resource-updates");
            thread.setDaemon(true);
            return thread;
        });
        long ms = Math.max(100, every.toMillis());
        timer.scheduleAtFixedRate(() -> server.notifyResourcesUpdated(
                        new McpSchema.ResourcesUpdatedNotification(ResourceSpecs.BOARD_STATUS))
                .subscribe(done -> { }, e -> log.debug("event=resource_update_not_sent error=\"{}\"", e.getMessage())),
                ms, ms, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    }
}
