package io.k3mcp.engine.chat;

/** Chat messages or tool definitions that cannot be rendered; the message names the entry and field. */
public final class ChatInputException extends IllegalArgumentException {
    /** The argument at fault: "messages" or "tools". */
    private final String argument;

    public ChatInputException(String argument, String message) {
        super(message);
        this.argument = argument;
    }

    /** With the error that made the input unusable (a template's own exception), kept for the logs. */
    public ChatInputException(String argument, String message, Throwable cause) {
        super(message, cause);
        this.argument = argument;
    }

    public String argument() {
        return argument;
    }
}
