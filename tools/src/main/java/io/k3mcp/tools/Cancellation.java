package io.k3mcp.tools;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/** A cancellation flag set by the transport (notifications/cancelled) and polled between steps. */
public final class Cancellation {
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile String reason = "";

    public void cancel(String why) {
        reason = why == null ? "" : why;
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public String reason() {
        return reason;
    }

    /** Throws {@link CancellationException} when cancelled; call between units of work. */
    public void check() {
        if (cancelled.get()) {
            throw new CancellationException("cancelled" + (reason.isEmpty() ? "" : ": " + reason));
        }
    }

    /** A token that is never cancelled (CLI use). */
    public static Cancellation none() {
        return new Cancellation();
    }
}
