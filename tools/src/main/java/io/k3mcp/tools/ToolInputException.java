package io.k3mcp.tools;

/** Bad tool arguments: the message names the argument and what was expected. */
public final class ToolInputException extends Exception {
    private final String argument;

    public ToolInputException(String argument, String message) {
        super(argument + ": " + message);
        this.argument = argument;
    }

    /** The offending argument's name (snake_case as in the schema). */
    public String argument() {
        return argument;
    }
}
