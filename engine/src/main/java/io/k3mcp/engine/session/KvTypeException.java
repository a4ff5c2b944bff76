package io.k3mcp.engine.session;

/** A KV cache type that is unknown or cannot hold this model's heads. The CLI reports it as --cache-type-k/-v's. */
public final class KvTypeException extends IllegalArgumentException {
    public KvTypeException(String message) {
        super(message);
    }
}
