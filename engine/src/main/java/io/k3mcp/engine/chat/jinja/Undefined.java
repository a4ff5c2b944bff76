package io.k3mcp.engine.chat.jinja;

/** Jinja's Undefined: falsy, renders as empty, and remembers what was missing for error messages. */
record Undefined(String name) {
    @Override
    public String toString() {
        return "";
    }
}
