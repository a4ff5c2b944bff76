package io.k3mcp.evals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChecksTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final JsonNode DOC = read("""
            {"text": "{\\"a\\": 1}", "n": 3, "list": [{"k": "x"}, {"k": "y"}], "vec": [1, 0], "name": "café"}""");

    private static JsonNode read(String s) {
        try {
            return M.readTree(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Checks.Outcome check(String json) {
        Scenario s = ScenarioLoader.parse(read("{\"name\": \"t\", \"steps\": [{\"name\": \"s\", \"tool\": \"x\", \"expect\": [" + json + "]}]}"), Path.of("t.json"));
        return Checks.evaluate(s.steps().get(0).expect().get(0), DOC);
    }

    @Test
    void jsonPathSubset() {
        assertEquals("y", JsonPath.select(DOC, "$.list[-1].k").get(0).asText());
        assertEquals(2, JsonPath.select(DOC, "$.list[*].k").size());
        assertEquals(4, JsonPath.select(DOC, "$['name'].length()").get(0).asInt());
        assertTrue(JsonPath.select(DOC, "$.nope.deeper").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> JsonPath.select(DOC, "list"));
        assertThrows(IllegalArgumentException.class, () -> JsonPath.select(DOC, "$.list[x]"));
    }

    @Test
    void eachComparison() {
        assertTrue(check("{\"path\": \"$.n\", \"equals\": 3.0}").passed());
        assertFalse(check("{\"path\": \"$.n\", \"not_equals\": 3}").passed());
        assertTrue(check("{\"path\": \"$.list[*].k\", \"contains\": \"y\"}").passed());
        assertTrue(check("{\"path\": \"$.name\", \"matches\": \"^caf\"}").passed());
        assertTrue(check("{\"path\": \"$.n\", \"min\": 1, \"max\": 3}").passed());
        assertEquals("$.n = 3.0 is below the minimum 4.0", check("{\"path\": \"$.n\", \"min\": 4}").reason());
        assertTrue(check("{\"path\": \"$.missing\", \"exists\": false}").passed());
        assertEquals("$.missing selects nothing", check("{\"path\": \"$.missing\", \"equals\": 1}").reason());
        assertTrue(check("{\"path\": \"$.missing[*].t\", \"min\": 0, \"max\": 1}").passed(), "bounds over no values hold");
        assertFalse(check("{\"path\": \"$.missing\", \"min\": 0}").passed(), "a plain path must select a value");
        assertTrue(check("{\"path\": \"$.text\", \"json_schema\": {\"type\": \"object\", \"required\": [\"a\"]}}").passed());
        Checks.Outcome bad = check("{\"path\": \"$.text\", \"json_schema\": {\"type\": \"object\", \"required\": [\"b\"]}}");
        assertFalse(bad.passed());
        assertTrue(bad.reason().contains("does not validate"), bad.reason());
        assertTrue(check("{\"path\": \"$.name\", \"json_schema\": {\"type\": \"object\"}}").reason().contains("not valid JSON"));
        assertTrue(check("{\"path\": \"$.vec\", \"cosine\": {\"with\": [1, 0.01], \"min\": 0.99}}").passed());
        assertFalse(check("{\"path\": \"$.vec\", \"cosine\": {\"with\": [0, 1], \"min\": 0.5}}").passed());
        assertTrue(check("{\"path\": \"$.n\", \"message\": \"need four\", \"equals\": 4}").reason().startsWith("need four: "));
        assertTrue(check("{\"path\": \"$.vec\", \"nearest\": {\"among\": [[0, 1], [0.9, 0.1], [-1, 0]], \"index\": 1}}").passed());
        Checks.Outcome far = check("{\"path\": \"$.vec\", \"nearest\": {\"among\": [[0, 1], [0.9, 0.1]], \"index\": 0}}");
        assertFalse(far.passed());
        assertTrue(far.reason().contains("nearest to candidate 1"), far.reason());
    }

    @Test
    void variablesSubstituteWholeValuesAndText() {
        Vars v = new Vars(name -> name.equals("HOME_X") ? "/h" : null);
        v.put("vec", read("[1, 2]"));
        assertEquals(read("{\"a\": [1, 2], \"b\": \"at /h/x\"}"), v.substitute(read("{\"a\": \"${vec}\", \"b\": \"at ${env:HOME_X}/x\"}")));
        ScenarioException e = assertThrows(ScenarioException.class, () -> v.substitute(read("\"${nope}\"")));
        assertTrue(e.getMessage().contains("--var nope=VALUE"));
    }
}
