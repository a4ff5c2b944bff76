package io.k3mcp.tools.generate;

import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.ToolBusyException;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Generations on one model: up to {@code maxRunning} at once (the session's sequence slots, served by
 * continuous batching), the rest first come first served, with at most {@code maxWaiting} calls waiting;
 * one more is refused with a "busy" error instead of queueing without bound. A waiting call that is
 * cancelled leaves the queue.
 *
 * <p>An explicit queue of waiters, not a fair semaphore polled with a timeout: a timed-out
 * {@code tryAcquire} loses its place, so polling for cancellation would reorder the waiters.
 */
final class GenerationQueue {
    private static final long CANCEL_POLL_MS = 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> waiters = new ArrayDeque<>();
    private int running;
    private final int maxRunning;
    private final int maxWaiting;
    private final String model;

    GenerationQueue(String model, int maxWaiting) {
        this(model, 1, maxWaiting);
    }

    GenerationQueue(String model, int maxRunning, int maxWaiting) {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("maxRunning must be at least 1, got " + maxRunning);
        }
        this.model = model;
        this.maxRunning = maxRunning;
        this.maxWaiting = maxWaiting;
    }

    /** A held turn; closing it lets the next call run. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a turn; a call that must wait holds {@code waiting} (a deferred gauge) meanwhile. */
    Slot enter(Cancellation cancel, Supplier<InferenceMetrics.Span> waiting) throws ToolBusyException, InterruptedException {
        lock.lock();
        try {
            if (running < maxRunning && waiters.isEmpty()) {
                running++;
                return this::leave;
            }
            if (waiters.size() >= maxWaiting) {
                throw new ToolBusyException("busy: " + maxWaiting + " generations are already waiting for " + model
                        + " (" + maxRunning + " running); retry when one has finished");
            }
            Object me = new Object();
            waiters.addLast(me);
            boolean admitted = false;
            try (InferenceMetrics.Span deferred = waiting.get()) {
                while (running >= maxRunning || waiters.peekFirst() != me) {
                    changed.await(CANCEL_POLL_MS, TimeUnit.MILLISECONDS);
                    cancel.check();
                }
                admitted = true;
            } finally {
                waiters.remove(me);
                if (admitted) {
                    running++;
                } else {
                    changed.signalAll(); // the one behind a cancelled waiter may now be first
                }
            }
            return this::leave;
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            running--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }
}
