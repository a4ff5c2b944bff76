package io.k3mcp.engine.session;

/** One chat message: role (system, user, assistant) and its text. */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        if (role == null || role.isBlank()) {
            throw new IllegalArgumentException("a chat message needs a role");
        }
        if (content == null) {
            throw new IllegalArgumentException("chat message with role '" + role + "' has no content");
        }
    }
}
