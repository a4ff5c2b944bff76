package io.k3mcp.server;

import io.k3mcp.tools.Progress;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@link Progress} sent to the client as {@code notifications/progress} with the token the client gave.
 * The protocol wants progress to increase with every notification, so repeats and steps back are
 * dropped here rather than trusted to every tool.
 *
 * <p>{@link #report} never waits for the client: generate reports from inside the batched decode step, where a
 * client slow to read would stall every call in the batch. One notification is in flight at a time, on its own
 * thread, the others queue in order; past {@link #MAX_QUEUED} waiting, the newest replaces the last one queued (a
 * client that far behind gets fewer steps, never stale ones). {@link #flush} waits for the queue, so no progress
 * follows the call's result.
 */
final class ClientProgress implements Progress {
    private static final Logger log = LoggerFactory.getLogger(ClientProgress.class);
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    static final int MAX_QUEUED = 64;

    private final Function<McpSchema.ProgressNotification, Mono<Void>> send;
    private final Object token;
    private double last = Double.NEGATIVE_INFINITY;
    private final java.util.ArrayDeque<McpSchema.ProgressNotification> pending = new java.util.ArrayDeque<>();
    private boolean sending;

    ClientProgress(Function<McpSchema.ProgressNotification, Mono<Void>> send, Object token) {
        this.send = send;
        this.token = token;
    }

    /** Progress for one call: notifications when the client sent a progressToken, else null (nothing to send). */
    static ClientProgress of(McpAsyncServerExchange exchange, Object token) {
        return token == null ? null : new ClientProgress(exchange::progressNotification, token);
    }

    @Override
    public synchronized void report(double done, Double total, String message) {
        if (!(done > last)) {
            return;
        }
        last = done;
        if (pending.size() >= MAX_QUEUED) {
            pending.pollLast();
        }
        pending.addLast(new McpSchema.ProgressNotification(token, done, total, message));
        if (!sending) {
            sendNext();
        }
    }

    private synchronized void sendNext() {
        McpSchema.ProgressNotification next = pending.pollFirst();
        sending = next != null;
        if (next == null) {
            notifyAll();
            return;
        }
        send.apply(next)
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(SEND_TIMEOUT)
                .onErrorResume(e -> {
                    // The call goes on: a client that stopped listening must not stop the work it asked for.
                    log.debug("event=progress_not_sent token={} error=\"{}\"", token, e.getMessage());
                    return Mono.empty();
                })
                .doFinally(signal -> sendNext())
                .subscribe();
    }

    /** Waits, at most {@link #SEND_TIMEOUT}, until every progress reported so far has been sent or given up. */
    synchronized void flush() throws InterruptedException {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos();
        while (sending) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                log.debug("event=progress_flush_timeout token={}", token);
                return;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
