package io.k3mcp.engine.model;

/** A model file that is valid GGUF but cannot be run: unknown architecture, missing or misshaped tensor, bad hyperparameter. */
public final class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
