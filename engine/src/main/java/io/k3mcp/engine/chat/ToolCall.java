package io.k3mcp.engine.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One tool call found in a reply: a function name and its arguments (a JSON object), or, when the model
 * wrote something that looks like a call but does not parse, the reason and the raw text.
 *
 * @param name       the function name; null when the call did not parse
 * @param arguments  the arguments object; null when the call did not parse
 * @param parseError why the call could not be read; null for a good call
 * @param raw        the text of a call that did not parse; null for a good call
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(String name, JsonNode arguments, String parseError, String raw) {

    public static ToolCall of(String name, JsonNode arguments) {
        return new ToolCall(name, arguments, null, null);
    }

    public static ToolCall malformed(String why, String raw) {
        return new ToolCall(null, null, why, raw);
    }

    public boolean ok() {
        return parseError == null;
    }
}
