package io.k3mcp.tools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.KnownArguments;
import io.k3mcp.tools.ToolInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Typed reads of tool arguments with bounds; every error names the argument and what was expected. */
final class Args {
    private final JsonNode args;

    Args(JsonNode args, Set<String> known) throws ToolInputException {
        if (args == null || args.isNull()) {
            args = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!args.isObject()) {
            throw new ToolInputException("arguments", "expected a JSON object, got " + args.getNodeType());
        }
        KnownArguments.check(args, known);
        this.args = args;
    }

    boolean has(String name) {
        JsonNode n = args.get(name);
        return n != null && !n.isNull();
    }

    long integer(String name, long fallback, long min, long max) throws ToolInputException {
        if (!has(name)) {
            return fallback;
        }
        JsonNode n = args.get(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
            throw new ToolInputException(name, "expected an integer from " + min + " to " + max + ", got " + n);
        }
        return n.asLong();
    }

    /** A number in [min, max] (or (min, max] when {@code exclusiveMin}). */
    float number(String name, float fallback, double min, boolean exclusiveMin, double max) throws ToolInputException {
        if (!has(name)) {
            return fallback;
        }
        JsonNode n = args.get(name);
        double v = n.asDouble();
        boolean low = exclusiveMin ? v <= min : v < min;
        if (!n.isNumber() || Double.isNaN(v) || low || v > max) {
            throw new ToolInputException(name, "expected a number " + (exclusiveMin ? "> " : ">= ") + min
                    + " and <= " + max + ", got " + n);
        }
        return (float) v;
    }

    boolean bool(String name, boolean fallback) throws ToolInputException {
        if (!has(name)) {
            return fallback;
        }
        JsonNode n = args.get(name);
        if (!n.isBoolean()) {
            throw new ToolInputException(name, "expected true or false, got " + n);
        }
        return n.asBoolean();
    }

    String string(String name) throws ToolInputException {
        if (!has(name)) {
            return null;
        }
        JsonNode n = args.get(name);
        if (!n.isTextual()) {
            throw new ToolInputException(name, "expected a string, got " + n.getNodeType());
        }
        return n.asText();
    }

    /** An array of strings, each non-empty; an absent argument is an empty list. */
    List<String> strings(String name, int maxItems) throws ToolInputException {
        List<String> out = new ArrayList<>();
        if (!has(name)) {
            return out;
        }
        JsonNode n = args.get(name);
        if (!n.isArray() || n.size() > maxItems) {
            throw new ToolInputException(name, "expected an array of at most " + maxItems + " strings, got " + n);
        }
        for (JsonNode e : n) {
            if (!e.isTextual() || e.asText().isEmpty()) {
                throw new ToolInputException(name, "every entry must be a non-empty string, got " + e);
            }
            out.add(e.asText());
        }
        return out;
    }

    JsonNode node(String name) {
        return args.get(name);
    }
}
