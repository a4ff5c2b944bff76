package io.k3mcp.evals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Evaluates one {@link Scenario.Check} against a step's result; a failure says what was expected and what was found. */
public final class Checks {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaValidator SCHEMAS = new DefaultJsonSchemaValidator(MAPPER);

    /** The outcome of one check: null reason when it passed. */
    public record Outcome(boolean passed, String reason) {
        static Outcome pass() {
            return new Outcome(true, null);
        }

        static Outcome fail(String why) {
            return new Outcome(false, why);
        }
    }

    private Checks() {
    }

    public static Outcome evaluate(Scenario.Check check, JsonNode result) {
        String path = check.path() == null ? "$" : check.path();
        List<JsonNode> selected;
        try {
            selected = JsonPath.select(result, path);
        } catch (IllegalArgumentException e) {
            return Outcome.fail(e.getMessage());
        }
        Outcome o = evaluateSelected(check, path, selected);
        if (!o.passed() && check.message() != null) {
            return Outcome.fail(check.message() + ": " + o.reason());
        }
        return o;
    }

    private static Outcome evaluateSelected(Scenario.Check c, String path, List<JsonNode> selected) {
        if (c.exists() != null) {
            boolean present = !selected.isEmpty() && !selected.get(0).isNull();
            return present == c.exists() ? Outcome.pass()
                    : Outcome.fail(path + (c.exists() ? " is absent" : " is present: " + brief(selected.get(0))));
        }
        if (selected.isEmpty()) {
            // min/max over a wildcard means "every selected value": vacuously true when there are none
            // (a board without thermal zones); a plain path that selects nothing is a failure.
            boolean wildcard = path.contains("[*]") || path.contains(".*");
            if (wildcard && (c.min() != null || c.max() != null)) {
                return Outcome.pass();
            }
            return Outcome.fail(path + " selects nothing");
        }
        JsonNode value = selected.size() == 1 ? selected.get(0) : MAPPER.createArrayNode().addAll(selected);
        if (c.equals() != null) {
            return same(value, c.equals()) ? Outcome.pass()
                    : Outcome.fail(path + " = " + brief(value) + ", expected " + brief(c.equals()));
        }
        if (c.notEquals() != null) {
            return !same(value, c.notEquals()) ? Outcome.pass() : Outcome.fail(path + " should not be " + brief(c.notEquals()));
        }
        if (c.matches() != null) {
            return matches(path, value, c.matches());
        }
        if (c.contains() != null) {
            return contains(path, value, c.contains());
        }
        if (c.min() != null || c.max() != null) {
            return bounds(path, value, c.min(), c.max());
        }
        if (c.jsonSchema() != null) {
            return schema(path, value, c.jsonSchema());
        }
        if (c.cosine() != null) {
            return cosine(path, value, c.cosine());
        }
        if (c.nearest() != null) {
            return nearest(path, value, c.nearest());
        }
        return Outcome.fail("check on " + path + " has no comparison (equals, matches, contains, min/max, exists, json_schema, cosine, nearest)");
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static Outcome matches(String path, JsonNode value, String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex, Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            return Outcome.fail("bad regex " + regex + ": " + e.getDescription());
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        return p.matcher(text).find() ? Outcome.pass() : Outcome.fail(path + " = " + brief(value) + " does not match /" + regex + "/");
    }

    private static Outcome contains(String path, JsonNode value, JsonNode wanted) {
        if (value.isArray()) {
            for (JsonNode e : value) {
                if (same(e, wanted)) {
                    return Outcome.pass();
                }
            }
            return Outcome.fail(path + " = " + brief(value) + " does not contain " + brief(wanted));
        }
        if (value.isTextual() && wanted.isTextual()) {
            return value.asText().contains(wanted.asText()) ? Outcome.pass()
                    : Outcome.fail(path + " = " + brief(value) + " does not contain " + brief(wanted));
        }
        return Outcome.fail(path + " is " + value.getNodeType() + "; 'contains' needs an array or a string");
    }

    private static Outcome bounds(String path, JsonNode value, Double min, Double max) {
        Iterable<JsonNode> values = value.isArray() ? value : List.of(value);
        for (JsonNode v : values) {
            if (!v.isNumber()) {
                return Outcome.fail(path + " = " + brief(v) + " is not a number");
            }
            double d = v.asDouble();
            if (min != null && d < min) {
                return Outcome.fail(path + " = " + d + " is below the minimum " + min);
            }
            if (max != null && d > max) {
                return Outcome.fail(path + " = " + d + " is above the maximum " + max);
            }
        }
        return Outcome.pass();
    }

    private static Outcome schema(String path, JsonNode value, JsonNode schema) {
        JsonNode instance = value;
        if (value.isTextual()) {
            try {
                instance = MAPPER.readTree(value.asText());
            } catch (JsonProcessingException e) {
                return Outcome.fail(path + " is not valid JSON: " + e.getOriginalMessage());
            }
            if (instance == null || instance.isMissingNode()) {
                return Outcome.fail(path + " is empty, not JSON");
            }
        }
        Map<String, Object> schemaMap = MAPPER.convertValue(schema, new TypeReference<Map<String, Object>>() { });
        JsonSchemaValidator.ValidationResponse r = SCHEMAS.validate(schemaMap, MAPPER.convertValue(instance, Object.class));
        return r.valid() ? Outcome.pass() : Outcome.fail(path + " does not validate against the schema: " + r.errorMessage());
    }

    private static Outcome cosine(String path, JsonNode value, Scenario.Cosine c) {
        if (!value.isArray() || c.with() == null || !c.with().isArray()) {
            return Outcome.fail("cosine needs two numeric arrays: " + path + " is " + value.getNodeType()
                    + ", 'with' is " + (c.with() == null ? "missing" : c.with().getNodeType()));
        }
        if (value.size() != c.with().size() || value.size() == 0) {
            return Outcome.fail("cosine of vectors of length " + value.size() + " and " + c.with().size());
        }
        double cos = cos(value, c.with());
        return cos >= c.min() ? Outcome.pass()
                : Outcome.fail(String.format("cosine(%s, with) = %.4f, below %.4f", path, cos, c.min()));
    }

    private static Outcome nearest(String path, JsonNode value, Scenario.Nearest n) {
        JsonNode among = n.among();
        if (!value.isArray() || among == null || !among.isArray() || n.index() < 0 || n.index() >= among.size()) {
            return Outcome.fail("nearest needs a vector at " + path + " and 'among' vectors containing index " + n.index());
        }
        int best = -1;
        double bestCos = -2;
        for (int i = 0; i < among.size(); i++) {
            if (!among.get(i).isArray() || among.get(i).size() != value.size()) {
                return Outcome.fail("nearest: candidate " + i + " is not a vector of length " + value.size());
            }
            double c = cos(value, among.get(i));
            if (c > bestCos) {
                bestCos = c;
                best = i;
            }
        }
        return best == n.index() ? Outcome.pass() : Outcome.fail(String.format(
                "%s is nearest to candidate %d (cosine %.4f), not %d (cosine %.4f)", path, best, bestCos, n.index(), cos(value, among.get(n.index()))));
    }

    private static double cos(JsonNode a, JsonNode b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }

    static String brief(JsonNode n) {
        String s = n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }
}
