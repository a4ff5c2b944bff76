package io.k3mcp.tools.generate;

import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.ToolBusyException;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Generations on one model run one at a time, first come first served, with at most
 * {@code maxWaiting} calls waiting; one more is refused with a "busy" error instead of queueing
 * without bound. A waiting call that is cancelled leaves the queue.
 */
final class GenerationQueue {
    private final Semaphore turn = new Semaphore(1, true);
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxWaiting;
    private final String model;

    GenerationQueue(String model, int maxWaiting) {
        this.model = model;
        this.maxWaiting = maxWaiting;
    }

    /** A held turn; closing it lets the next call run. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    Slot enter(Cancellation cancel) throws ToolBusyException, InterruptedException {
        if (!turn.tryAcquire()) {
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                throw new ToolBusyException("busy: " + maxWaiting + " generations are already waiting for " + model
                        + "; retry when one has finished");
            }
            try {
                while (!turn.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                    cancel.check();
                }
            } finally {
                waiting.decrementAndGet();
            }
        }
        return turn::release;
    }

    int waiting() {
        return waiting.get();
    }
}
