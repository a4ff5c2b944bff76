package io.k3mcp.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads tool calls run on, off the transport threads, so a quick call (board status) answers
 * while a long one runs. Bounded: past {@link #MAX_CONCURRENT_CALLS} running calls a new call is
 * refused with a "busy" error rather than queued without limit.
 */
public final class ToolExecutor {
    public static final int MAX_CONCURRENT_CALLS = 32;

    private ToolExecutor() {
    }

    public static ExecutorService create() {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX_CONCURRENT_CALLS, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "k3mcp-tool-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        return pool;
    }
}
