package io.k3mcp.tools;

/** The tool cannot take the call now (its queue is full); the caller should retry later. */
public final class ToolBusyException extends Exception {
    public ToolBusyException(String message) {
        super(message);
    }
}
