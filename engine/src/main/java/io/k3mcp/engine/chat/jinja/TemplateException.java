package io.k3mcp.engine.chat.jinja;

/** A template that cannot be parsed or rendered; the message names the line. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(int line, String message) {
        super("template line " + line + ": " + message);
    }
}
