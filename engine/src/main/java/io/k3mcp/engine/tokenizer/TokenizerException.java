package io.k3mcp.engine.tokenizer;

/** A tokenizer that cannot be built from the GGUF metadata, or a request it cannot serve. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }
}
