package io.k3mcp.engine.grammar;

/** A JSON Schema that constrained decoding cannot enforce; the message names the path and keyword. */
public final class SchemaException extends RuntimeException {
    public SchemaException(String message) {
        super(message);
    }
}
