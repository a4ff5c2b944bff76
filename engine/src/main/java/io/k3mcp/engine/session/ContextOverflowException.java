package io.k3mcp.engine.session;

/** The request does not fit the context; thrown before any work is done. */
public final class ContextOverflowException extends IllegalArgumentException {
    public ContextOverflowException(String message) {
        super(message);
    }
}
