package io.k3mcp.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collection;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The tools' check that every argument is one they take: a misspelt name is an error naming it, never silently
 * ignored (the schemas say additionalProperties: false, and the server does not validate input against them).
 */
public final class KnownArguments {
    private KnownArguments() {
    }

    /** Throws for the first name in {@code args} (a JSON object, or null) that {@code known} lacks. */
    public static void check(JsonNode args, Collection<String> known) throws ToolInputException {
        if (args == null) {
            return;
        }
        for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new ToolInputException(name, "unknown argument; expected one of " + new TreeSet<>(known));
            }
        }
    }

    /** The property names of a tool's input schema. */
    public static java.util.Set<String> of(JsonNode inputSchema) {
        java.util.Set<String> names = new TreeSet<>();
        inputSchema.get("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }
}
