package io.k3mcp.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A small JSONPath subset for scenario checks: {@code $}, {@code .key}, {@code ['key']}, {@code [n]}
 * (negative counts from the end), {@code [*]} / {@code .*} (every element), and a final
 * {@code .length()} giving the size of an array, object or string.
 */
public final class JsonPath {
    private JsonPath() {
    }

    /** Every node the path selects (empty when nothing matches); throws on a malformed path. */
    public static List<JsonNode> select(JsonNode root, String path) {
        if (path == null || !path.startsWith("$")) {
            throw new IllegalArgumentException("JSON path must start with '$': " + path);
        }
        List<JsonNode> current = new ArrayList<>();
        if (root != null) {
            current.add(root);
        }
        int i = 1;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (path.startsWith(".length()", i) && i + 9 == path.length()) {
                List<JsonNode> sizes = new ArrayList<>();
                for (JsonNode n : current) {
                    sizes.add(IntNode.valueOf(n.isTextual() ? n.asText().codePointCount(0, n.asText().length()) : n.size()));
                }
                return sizes;
            } else if (c == '.') {
                int end = i + 1;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                String key = path.substring(i + 1, end);
                if (key.isEmpty()) {
                    throw new IllegalArgumentException("empty key at position " + i + " in JSON path " + path);
                }
                current = key.equals("*") ? children(current) : field(current, key);
                i = end;
            } else if (c == '[') {
                int end = path.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '[' at position " + i + " in JSON path " + path);
                }
                String inside = path.substring(i + 1, end).trim();
                if (inside.equals("*")) {
                    current = children(current);
                } else if (inside.startsWith("'") && inside.endsWith("'") && inside.length() >= 2) {
                    current = field(current, inside.substring(1, inside.length() - 1));
                } else {
                    current = index(current, parseIndex(inside, path));
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at position " + i + " in JSON path " + path);
            }
        }
        return current;
    }

    private static int parseIndex(String s, String path) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad index [" + s + "] in JSON path " + path, e);
        }
    }

    private static List<JsonNode> field(List<JsonNode> nodes, String key) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.isObject() && n.has(key)) {
                out.add(n.get(key));
            }
        }
        return out;
    }

    private static List<JsonNode> index(List<JsonNode> nodes, int idx) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.isArray()) {
                int k = idx < 0 ? n.size() + idx : idx;
                if (k >= 0 && k < n.size()) {
                    out.add(n.get(k));
                }
            }
        }
        return out;
    }

    private static List<JsonNode> children(List<JsonNode> nodes) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : nodes) {
            if (n.isArray() || n.isObject()) {
                n.elements().forEachRemaining(out::add);
            }
        }
        return out;
    }
}
