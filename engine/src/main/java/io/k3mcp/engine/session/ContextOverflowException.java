package io.k3mcp.engine.session;

/** The request does not fit the context; thrown before any work is done. */
public final class ContextOverflowException extends IllegalArgumentException {
    private final boolean promptTooLong;

    /** @param promptTooLong the prompt alone is longer than the context (else it is the prompt plus max_tokens) */
    public ContextOverflowException(boolean promptTooLong, String message) {
        super(message);
        this.promptTooLong = promptTooLong;
    }

    public boolean promptTooLong() {
        return promptTooLong;
    }
}
