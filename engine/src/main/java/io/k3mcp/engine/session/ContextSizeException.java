package io.k3mcp.engine.session;

/** A context size that cannot be had: past the trained context or the free memory. The CLI reports it as --ctx-size's. */
public final class ContextSizeException extends IllegalArgumentException {
    public ContextSizeException(String message) {
        super(message);
    }
}
