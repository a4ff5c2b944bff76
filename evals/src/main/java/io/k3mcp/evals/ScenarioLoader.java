package io.k3mcp.evals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads scenario files (JSON; see evals/README.md) from files or folders, rejecting unknown fields and
 * malformed steps with a message naming the file, the step and the field.
 */
public final class ScenarioLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> SCENARIO_FIELDS = Set.of("name", "description", "server", "requires", "vars", "steps");
    private static final Set<String> SERVER_FIELDS = Set.of("command", "url", "token_env");
    private static final Set<String> STEP_FIELDS = Set.of("name", "tool", "arguments", "list", "read", "timeout_ms",
            "capture", "expect", "expect_error");
    private static final Set<String> CHECK_FIELDS = Set.of("path", "equals", "not_equals", "matches", "contains", "min",
            "max", "exists", "json_schema", "cosine", "nearest", "when", "message");
    private static final long DEFAULT_TIMEOUT_MS = 60_000;

    private ScenarioLoader() {
    }

    /** Every *.json scenario in the given files and folders (folders sorted by name, not recursive). */
    public static List<Scenario> load(List<Path> paths) throws IOException {
        List<Scenario> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    for (Path f : s.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                        out.add(loadFile(f));
                    }
                }
            } else if (Files.isRegularFile(p)) {
                out.add(loadFile(p));
            } else {
                throw new NoSuchFileException(p.toString(), null, "no scenario file or folder");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no scenario files (*.json) in " + paths);
        }
        return out;
    }

    public static Scenario loadFile(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ScenarioException(file + ": not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ")");
        }
        return parse(root, file);
    }

    static Scenario parse(JsonNode root, Path file) {
        String where = file.getFileName().toString();
        requireObject(root, where);
        unknown(root, SCENARIO_FIELDS, where);
        String name = text(root, "name", where, true);
        JsonNode stepsNode = root.get("steps");
        if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
            throw new ScenarioException(where + ": 'steps' must be a non-empty array");
        }
        List<Scenario.Step> steps = new ArrayList<>();
        for (int i = 0; i < stepsNode.size(); i++) {
            steps.add(step(stepsNode.get(i), where + ": step " + (i + 1)));
        }
        return new Scenario(name, text(root, "description", where, false), server(root.get("server"), where),
                strings(root.get("requires"), where + ": requires"), stringMap(root.get("vars"), where + ": vars"),
                steps, file);
    }

    private static Scenario.Server server(JsonNode n, String where) {
        if (n == null) {
            return new Scenario.Server(List.of(), null, null);
        }
        requireObject(n, where + ": server");
        unknown(n, SERVER_FIELDS, where + ": server");
        return new Scenario.Server(strings(n.get("command"), where + ": server.command"),
                text(n, "url", where + ": server", false), text(n, "token_env", where + ": server", false));
    }

    private static Scenario.Step step(JsonNode n, String where) {
        requireObject(n, where);
        String name = text(n, "name", where, true);
        where = where + " ('" + name + "')";
        unknown(n, STEP_FIELDS, where);
        String tool = text(n, "tool", where, false);
        String list = text(n, "list", where, false);
        String read = text(n, "read", where, false);
        int actions = (tool != null ? 1 : 0) + (list != null ? 1 : 0) + (read != null ? 1 : 0);
        if (actions != 1) {
            throw new ScenarioException(where + ": needs exactly one of 'tool', 'list' or 'read'");
        }
        if (list != null && !Set.of("tools", "prompts", "resources").contains(list)) {
            throw new ScenarioException(where + ": 'list' must be tools, prompts or resources, not " + list);
        }
        JsonNode args = n.get("arguments");
        if (args != null && !args.isObject()) {
            throw new ScenarioException(where + ": 'arguments' must be an object");
        }
        long timeout = DEFAULT_TIMEOUT_MS;
        if (n.has("timeout_ms")) {
            JsonNode t = n.get("timeout_ms");
            if (!t.canConvertToLong() || t.asLong() <= 0 || t.asLong() > 3_600_000) {
                throw new ScenarioException(where + ": 'timeout_ms' must be an integer in 1..3600000");
            }
            timeout = t.asLong();
        }
        List<Scenario.Check> checks = new ArrayList<>();
        JsonNode expect = n.get("expect");
        if (expect != null) {
            if (!expect.isArray()) {
                throw new ScenarioException(where + ": 'expect' must be an array of checks");
            }
            for (int i = 0; i < expect.size(); i++) {
                checks.add(check(expect.get(i), where + ": expect[" + i + "]"));
            }
        }
        Scenario.Check expectError = n.has("expect_error") ? check(n.get("expect_error"), where + ": expect_error") : null;
        return new Scenario.Step(name, tool, args, list, read, timeout, stringMap(n.get("capture"), where + ": capture"),
                checks, expectError);
    }

    private static Scenario.Check check(JsonNode n, String where) {
        requireObject(n, where);
        unknown(n, CHECK_FIELDS, where);
        Scenario.Cosine cosine = null;
        if (n.has("cosine")) {
            JsonNode c = n.get("cosine");
            if (!c.isObject() || !c.has("with") || !c.has("min") || !c.get("min").isNumber()) {
                throw new ScenarioException(where + ": 'cosine' must be {\"with\": vector or \"${var}\", \"min\": number}");
            }
            cosine = new Scenario.Cosine(c.get("with"), c.get("min").asDouble());
        }
        Scenario.Nearest nearest = null;
        if (n.has("nearest")) {
            JsonNode c = n.get("nearest");
            if (!c.isObject() || !c.has("among") || !c.has("index") || !c.get("index").canConvertToInt()) {
                throw new ScenarioException(where + ": 'nearest' must be {\"among\": vectors or \"${var}\", \"index\": n}");
            }
            nearest = new Scenario.Nearest(c.get("among"), c.get("index").asInt());
        }
        return new Scenario.Check(text(n, "path", where, false), n.get("equals"), n.get("not_equals"),
                text(n, "matches", where, false), n.get("contains"), number(n, "min", where), number(n, "max", where),
                n.has("exists") ? n.get("exists").asBoolean() : null, n.get("json_schema"), cosine, nearest,
                text(n, "when", where, false), text(n, "message", where, false));
    }

    private static Double number(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw new ScenarioException(where + ": '" + field + "' must be a number");
        }
        return v.asDouble();
    }

    private static String text(JsonNode n, String field, String where, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new ScenarioException(where + ": '" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new ScenarioException(where + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode n, String where) {
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (!n.isArray()) {
            throw new ScenarioException(where + " must be an array of strings");
        }
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new ScenarioException(where + " must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    private static Map<String, String> stringMap(JsonNode n, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!n.isObject()) {
            throw new ScenarioException(where + " must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ScenarioException(where + "." + e.getKey() + " must be a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static void requireObject(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new ScenarioException(where + ": must be a JSON object");
        }
    }

    private static void unknown(JsonNode n, Set<String> allowed, String where) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new ScenarioException(where + ": unknown field '" + f + "' (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }
}
