package io.k3mcp.server.pull;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a download's body stream when no byte has arrived for the idle limit: java.net.http has no read
 * timeout for a streamed body, and a stalled connection would otherwise block the read forever.
 */
final class IdleWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdleWatch.class);

    private final AtomicLong last = new AtomicLong(System.nanoTime());
    private final ScheduledExecutorService timer;

    IdleWatch(InputStream body, Duration limit) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "k3mcp-pull-idle");
            t.setDaemon(true);
            return t;
        });
        long check = Math.max(50, limit.toMillis() / 4);
        timer.scheduleAtFixedRate(() -> {
            if (System.nanoTime() - last.get() > limit.toNanos()) {
                log.warn("event=pull_stalled idle_limit_s={} (closing the connection)", limit.toSeconds());
                try {
                    body.close();
                } catch (IOException e) {
                    log.warn("event=pull_close_failed error={}", e.toString());
                }
                timer.shutdown();
            }
        }, check, check, TimeUnit.MILLISECONDS);
    }

    void touch() {
        last.set(System.nanoTime());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
