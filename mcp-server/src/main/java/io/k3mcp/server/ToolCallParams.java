package io.k3mcp.server;

import java.util.List;
import java.util.Map;

/**
 * Checks the shape of a tools/call request's params before the SDK reads them: the SDK answers a
 * missing name or non-object arguments with an internal error quoting Java, where the protocol wants
 * invalid params (-32602) and a message naming the field.
 */
public final class ToolCallParams {
    private ToolCallParams() {
    }

    /** What is wrong with {@code params} (as parsed: maps, lists, strings, numbers), or null when nothing is. */
    public static String problem(Object params) {
        if (!(params instanceof Map<?, ?> map)) {
            return "params: expected an object with \"name\" and \"arguments\", got " + kind(params);
        }
        Object name = map.get("name");
        if (!(name instanceof String text) || text.isBlank()) {
            return "params.name: expected the tool name as a string, got " + kind(name);
        }
        Object arguments = map.get("arguments");
        if (arguments != null && !(arguments instanceof Map)) {
            return "params.arguments: expected an object, got " + kind(arguments);
        }
        return null;
    }

    private static String kind(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value.getClass().getSimpleName();
    }
}
