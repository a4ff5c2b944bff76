package io.k3mcp.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario variables: {@code --var} values, the scenario's own {@code vars}, {@code ${env:NAME}}, and
 * values captured from earlier steps. A string that is exactly {@code "${name}"} becomes the variable's
 * JSON value (so a captured vector stays a vector); inside longer text it is replaced by its text.
 */
public final class Vars {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z0-9_.:-]+)}");
    private final Map<String, JsonNode> values = new HashMap<>();
    private final Function<String, String> env;

    public Vars(Function<String, String> env) {
        this.env = env;
    }

    public void put(String name, JsonNode value) {
        values.put(name, value);
    }

    public void putText(String name, String value) {
        values.put(name, TextNode.valueOf(value));
    }

    /** The variable's value, or null when unset ({@code env:NAME} reads the environment). */
    public JsonNode get(String name) {
        if (name.startsWith("env:")) {
            String v = env.apply(name.substring(4));
            return v == null ? null : TextNode.valueOf(v);
        }
        return values.get(name);
    }

    public boolean isSet(String name) {
        JsonNode v = get(name);
        return v != null && !(v.isTextual() && v.asText().isEmpty());
    }

    /** A deep copy of {@code node} with every reference replaced; an unset variable is an error naming it. */
    public JsonNode substitute(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return substituteText(node.asText());
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(e.getKey(), substitute(e.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(substitute(e)));
            return out;
        }
        return node;
    }

    public String substituteString(String s) {
        if (s == null) {
            return null;
        }
        JsonNode n = substituteText(s);
        return n.isTextual() ? n.asText() : n.toString();
    }

    private JsonNode substituteText(String s) {
        Matcher whole = REF.matcher(s);
        if (whole.matches()) {
            return require(whole.group(1));
        }
        Matcher m = REF.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            JsonNode v = require(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v.isTextual() ? v.asText() : v.toString()));
        }
        m.appendTail(sb);
        return TextNode.valueOf(sb.toString());
    }

    private JsonNode require(String name) {
        JsonNode v = get(name);
        if (v == null) {
            throw new ScenarioException("variable ${" + name + "} is not set (pass --var " + name + "=VALUE"
                    + (name.startsWith("env:") ? " or set the environment variable" : "") + ")");
        }
        return v;
    }
}
