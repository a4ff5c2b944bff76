package io.k3mcp.engine.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chat messages and tool definitions as a chat template sees them: plain maps and lists converted from
 * JSON after checking the shape every template relies on (a role on every message; a function name on
 * every tool). Other fields (tool_calls, tool_call_id, reasoning_content, content parts) pass through
 * unchanged, as Hugging Face passes them.
 */
public final class ChatMessages {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "ipython");

    private ChatMessages() {
    }

    /** The messages as template data; rejects anything but a non-empty array of {role, content} objects. */
    public static List<Object> messages(JsonNode messages) {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new ChatInputException("messages", "expected a non-empty array of {role, content} objects");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "message " + i;
            if (!m.isObject()) {
                throw new ChatInputException("messages", at + " must be an object, got " + m.getNodeType());
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw new ChatInputException("messages", at + ": role must be one of " + ROLES + ", got " + role);
            }
            JsonNode content = m.get("content");
            boolean hasCalls = m.has("tool_calls") && !m.get("tool_calls").isNull();
            if (content == null || content.isNull()) {
                if (!hasCalls) {
                    throw new ChatInputException("messages", at + " (" + role.asText() + ") has no content");
                }
            } else if (!content.isTextual() && !content.isArray() && !content.isObject()) {
                throw new ChatInputException("messages", at + ": content must be a string (or content parts), got "
                        + content.getNodeType());
            }
            if (hasCalls) {
                toolCalls(m.get("tool_calls"), at);
            }
        }
        return MAPPER.convertValue(messages, List.class);
    }

    private static void toolCalls(JsonNode calls, String at) {
        if (!calls.isArray()) {
            throw new ChatInputException("messages", at + ": tool_calls must be an array");
        }
        for (int j = 0; j < calls.size(); j++) {
            JsonNode c = calls.get(j);
            JsonNode f = c.has("function") ? c.get("function") : c;
            if (!f.isObject() || !f.path("name").isTextual()) {
                throw new ChatInputException("messages", at + ": tool_calls[" + j + "] needs {\"function\": {\"name\", \"arguments\"}}");
            }
        }
    }

    /**
     * Tool definitions as Hugging Face passes them to templates: {"type": "function", "function": {name,
     * description, parameters}}. A bare {name, description, parameters} is wrapped the same way. Null or
     * an empty array means no tools (null for the template, as HF passes it).
     */
    public static List<Object> tools(JsonNode tools) {
        if (tools == null || tools.isNull() || (tools.isArray() && tools.isEmpty())) {
            return null;
        }
        if (!tools.isArray()) {
            throw new ChatInputException("tools", "expected an array of function definitions, got " + tools.getNodeType());
        }
        List<Object> out = new java.util.ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            JsonNode f = t.has("function") ? t.get("function") : t;
            if (!f.isObject() || !f.path("name").isTextual() || f.get("name").asText().isEmpty()) {
                throw new ChatInputException("tools", "tool " + i + " needs a function name: "
                        + "{\"type\": \"function\", \"function\": {\"name\", \"description\", \"parameters\"}}");
            }
            JsonNode params = f.get("parameters");
            if (params != null && !params.isObject()) {
                throw new ChatInputException("tools", "tool " + i + " (" + f.get("name").asText()
                        + "): parameters must be a JSON Schema object");
            }
            Map<String, Object> fn = MAPPER.convertValue(f, Map.class);
            if (t.has("function")) {
                out.add(MAPPER.convertValue(t, Map.class));
            } else {
                Map<String, Object> wrapped = new LinkedHashMap<>();
                wrapped.put("type", "function");
                wrapped.put("function", fn);
                out.add(wrapped);
            }
        }
        return out;
    }
}
