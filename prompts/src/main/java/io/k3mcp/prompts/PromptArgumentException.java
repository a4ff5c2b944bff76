package io.k3mcp.prompts;

/** A prompt argument that is missing, unknown or empty; the message names it. */
public final class PromptArgumentException extends IllegalArgumentException {
    private final String argument;

    public PromptArgumentException(String argument, String message) {
        super(argument + ": " + message);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }
}
