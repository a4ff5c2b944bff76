package io.k3mcp.server.metrics;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scraped /metrics body: checked by Prometheus's own parser and linter ({@code promtool check
 * metrics}), then read sample by sample to compare values.
 */
public record Exposition(String body) {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");
    /** node_exporter's own memory names (MemTotal_bytes) are camelCase; promtool lints them, and only them. */
    private static final Pattern ALLOWED_LINT =
            Pattern.compile("node_memory_\\w+ metric names should be written in 'snake_case' not 'camelCase'");

    /** Runs promtool on the body; fails on a parse error or on any lint problem but the allowed one. */
    public Exposition checkedByPromtool() throws IOException, InterruptedException {
        Promtool.Result result = Promtool.run(body, "check", "metrics");
        List<String> problems = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            if (!line.isBlank() && !ALLOWED_LINT.matcher(line.trim()).matches()) {
                problems.add(line);
            }
        }
        // 0: clean; 3: lint problems only (all of them allowed ones, checked above); 1: it could not parse.
        int rc = result.exitCode();
        if ((rc != 0 && rc != 3) || !problems.isEmpty()) {
            fail("promtool check metrics exit " + rc + ": " + problems + "\n" + body);
        }
        return this;
    }

    /** The value of the sample {@code name} with exactly these labels, or null when there is none. */
    public Double value(String name, String... labels) {
        Map<String, String> want = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            want.put(labels[i], labels[i + 1]);
        }
        for (String line : body.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new LinkedHashMap<>();
            Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (l.find()) {
                have.put(l.group(1), l.group(2));
            }
            if (have.equals(want)) {
                return Double.parseDouble(m.group(3));
            }
        }
        return null;
    }

    /** How many samples of the family {@code name} the body holds. */
    public long count(String name) {
        return body.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " ")).count();
    }
}
