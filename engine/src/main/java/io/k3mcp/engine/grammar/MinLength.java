package io.k3mcp.engine.grammar;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** The fewest bytes that complete a value of a schema (used to finish within the token budget). */
final class MinLength {
    private MinLength() {
    }

    static int of(Schema s) {
        if (s instanceof Schema.ObjectS o) {
            return 2 + requiredCost(o, o.required(), false);
        }
        if (s instanceof Schema.ArrayS a) {
            return 2 + (a.minItems() == 0 ? 0 : a.minItems() * of(a.items()) + a.minItems() - 1);
        }
        if (s instanceof Schema.StringS str) {
            return 2 + str.minLength();
        }
        if (s instanceof Schema.NumberS) {
            return 1;
        }
        if (s instanceof Schema.BoolS) {
            return 4;
        }
        if (s instanceof Schema.NullS) {
            return 4;
        }
        if (s instanceof Schema.LiteralS l) {
            return l.json().stream().mapToInt(j -> j.getBytes(StandardCharsets.UTF_8).length).min().orElse(0);
        }
        if (s instanceof Schema.AnyOfS a) {
            return a.options().stream().mapToInt(MinLength::of).min().orElse(0);
        }
        return 1; // AnyS: a single digit
    }

    /** Bytes for the members {@code keys}: "key":value each, joined by commas; with a leading comma each when {@code leadingCommas}. */
    static int requiredCost(Schema.ObjectS o, Collection<String> keys, boolean leadingCommas) {
        int cost = 0;
        for (String k : keys) {
            cost += member(o, k);
        }
        if (!keys.isEmpty()) {
            cost += leadingCommas ? keys.size() : keys.size() - 1;
        }
        return cost;
    }

    /** "key": plus the shortest value. */
    static int member(Schema.ObjectS o, String key) {
        return quotedLength(key) + 1 + of(o.properties().getOrDefault(key, o.additional() == null ? Schema.any() : o.additional()));
    }

    static int quotedLength(String key) {
        return Frames.jsonString(key).length;
    }
}
