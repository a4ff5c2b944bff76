package io.k3mcp.engine.grammar;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON Schema compiled into what constrained decoding enforces byte by byte. Supported: type
 * (object, array, string, number, integer, boolean, null, or a list of them), properties, required,
 * additionalProperties (false, true or a schema), items, minItems, maxItems, minLength, maxLength,
 * enum, const, anyOf/oneOf of alternatives that start differently, description/title/default/$schema
 * (ignored: they do not constrain). Anything else is rejected by name: a constraint we cannot
 * guarantee is never silently dropped.
 */
public sealed interface Schema {
    int MAX_ANY_DEPTH = 8;

    record ObjectS(Map<String, Schema> properties, Set<String> required, Schema additional) implements Schema { }

    record ArrayS(Schema items, int minItems, int maxItems) implements Schema { }

    record StringS(int minLength, int maxLength) implements Schema { }

    record NumberS(boolean integer) implements Schema { }

    record BoolS() implements Schema { }

    record NullS() implements Schema { }

    /** One of these JSON texts exactly (enum / const, each written as compact JSON). */
    record LiteralS(List<String> json) implements Schema { }

    /** Any of these; they must be told apart by their first byte. */
    record AnyOfS(List<Schema> options) implements Schema { }

    /** Any JSON value (format "json"), nested at most {@code depth} more levels. */
    record AnyS(int depth) implements Schema { }

    Set<String> IGNORED = Set.of("description", "title", "default", "$schema", "$id", "examples", "$comment");

    static Schema compile(JsonNode schema) {
        return compile(schema, "$");
    }

    static Schema any() {
        return new AnyS(MAX_ANY_DEPTH);
    }

    private static Schema compile(JsonNode s, String at) {
        if (s == null || s.isBoolean() && s.asBoolean()) {
            return any();
        }
        if (!s.isObject()) {
            throw new SchemaException(at + ": a schema must be an object");
        }
        Set<String> unsupported = new TreeSet<>();
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!IGNORED.contains(f) && !Set.of("type", "properties", "required", "additionalProperties", "items",
                    "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "oneOf").contains(f)) {
                unsupported.add(f);
            }
        }
        if (!unsupported.isEmpty()) {
            throw new SchemaException(at + ": unsupported schema keyword(s) " + unsupported
                    + " (constrained decoding cannot guarantee them)");
        }
        if (s.has("const")) {
            return new LiteralS(List.of(s.get("const").toString()));
        }
        if (s.has("enum")) {
            JsonNode e = s.get("enum");
            if (!e.isArray() || e.isEmpty()) {
                throw new SchemaException(at + ".enum: must be a non-empty array");
            }
            List<String> values = new ArrayList<>();
            e.forEach(v -> values.add(v.toString()));
            return new LiteralS(values);
        }
        for (String alt : List.of("anyOf", "oneOf")) {
            if (s.has(alt)) {
                List<Schema> options = new ArrayList<>();
                JsonNode a = s.get(alt);
                for (int i = 0; i < a.size(); i++) {
                    options.add(compile(a.get(i), at + "." + alt + "[" + i + "]"));
                }
                return anyOf(options, at);
            }
        }
        JsonNode type = s.get("type");
        if (type == null) {
            if (s.has("properties")) {
                return object(s, at);
            }
            return any();
        }
        if (type.isArray()) {
            List<Schema> options = new ArrayList<>();
            for (JsonNode t : type) {
                options.add(ofType(t.asText(), s, at));
            }
            return anyOf(options, at);
        }
        return ofType(type.asText(), s, at);
    }

    private static Schema ofType(String type, JsonNode s, String at) {
        return switch (type) {
            case "object" -> object(s, at);
            case "array" -> {
                int min = intOr(s, "minItems", 0, at);
                int max = intOr(s, "maxItems", Integer.MAX_VALUE, at);
                if (min > max) {
                    throw new SchemaException(at + ": minItems > maxItems");
                }
                yield new ArrayS(s.has("items") ? compile(s.get("items"), at + ".items") : any(), min, max);
            }
            case "string" -> {
                int min = intOr(s, "minLength", 0, at);
                int max = intOr(s, "maxLength", Integer.MAX_VALUE, at);
                if (min > max) {
                    throw new SchemaException(at + ": minLength > maxLength");
                }
                yield new StringS(min, max);
            }
            case "number" -> new NumberS(false);
            case "integer" -> new NumberS(true);
            case "boolean" -> new BoolS();
            case "null" -> new NullS();
            default -> throw new SchemaException(at + ".type: unknown type '" + type + "'");
        };
    }

    private static Schema object(JsonNode s, String at) {
        Map<String, Schema> props = new LinkedHashMap<>();
        JsonNode p = s.get("properties");
        if (p != null) {
            if (!p.isObject()) {
                throw new SchemaException(at + ".properties: must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                props.put(e.getKey(), compile(e.getValue(), at + ".properties." + e.getKey()));
            }
        }
        Set<String> required = new java.util.LinkedHashSet<>();
        if (s.has("required")) {
            for (JsonNode r : s.get("required")) {
                if (!props.containsKey(r.asText()) && props.size() > 0 && isFalse(s.get("additionalProperties"))) {
                    throw new SchemaException(at + ".required: '" + r.asText() + "' is not a declared property");
                }
                required.add(r.asText());
                props.putIfAbsent(r.asText(), any());
            }
        }
        JsonNode add = s.get("additionalProperties");
        // Without properties an object is free-form; with them, only declared keys are generated unless
        // additionalProperties names a schema (generating undeclared keys is never needed to validate).
        Schema additional = props.isEmpty() ? (add == null || add.isBoolean() ? any() : compile(add, at + ".additionalProperties"))
                : (add != null && add.isObject() ? compile(add, at + ".additionalProperties") : null);
        return new ObjectS(props, required, additional);
    }

    private static boolean isFalse(JsonNode n) {
        return n != null && n.isBoolean() && !n.asBoolean();
    }

    private static int intOr(JsonNode s, String field, int fallback, String at) {
        JsonNode v = s.get(field);
        if (v == null) {
            return fallback;
        }
        if (!v.canConvertToInt() || v.asInt() < 0) {
            throw new SchemaException(at + "." + field + ": must be a non-negative integer");
        }
        return v.asInt();
    }

    private static Schema anyOf(List<Schema> options, String at) {
        if (options.size() == 1) {
            return options.get(0);
        }
        Set<Integer> seen = new java.util.HashSet<>();
        for (Schema o : options) {
            for (int b : FirstBytes.of(o)) {
                if (!seen.add(b)) {
                    throw new SchemaException(at + ": anyOf/oneOf alternatives must start differently (both can start with '"
                            + (char) b + "')");
                }
            }
        }
        return new AnyOfS(options);
    }
}
