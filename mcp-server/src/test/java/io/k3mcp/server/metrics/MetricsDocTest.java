package io.k3mcp.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/METRICS.md's scrape config and dashboard queries are what Prometheus accepts. */
class MetricsDocTest {
    private static final Path DOC = Path.of("../docs/METRICS.md");

    @Test
    void theScrapeConfigIsValid(@TempDir Path dir) throws Exception {
        String doc = Files.readString(DOC);
        Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertTrue(yaml.find(), "no yaml block in " + DOC);
        // promtool checks that the credentials file exists: point it at one made here.
        Path token = Files.writeString(dir.resolve("token"), "t\n");
        Path config = Files.writeString(dir.resolve("prometheus.yml"),
                yaml.group(1).replace("/etc/prometheus/k3mcp-token", token.toString()));
        Promtool.Result r = Promtool.run("", "check", "config", config.toString());
        assertEquals(0, r.exitCode(), r.output());
    }

    @Test
    void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
        String queries = Files.readString(DOC).split("## Dashboard queries")[1];
        List<String> exprs = new ArrayList<>();
        Matcher code = Pattern.compile("`([^`\n]+)`").matcher(queries);
        while (code.find()) {
            exprs.add(code.group(1));
        }
        assertTrue(exprs.size() >= 8, "queries found: " + exprs);
        StringBuilder rules = new StringBuilder("groups:\n- name: metrics-doc\n  rules:\n");
        for (int i = 0; i < exprs.size(); i++) {
            rules.append("  - record: doc:query").append(i).append("\n    expr: '").append(exprs.get(i)).append("'\n");
        }
        Path file = Files.writeString(dir.resolve("rules.yml"), rules);
        Promtool.Result r = Promtool.run("", "check", "rules", file.toString());
        assertEquals(0, r.exitCode(), exprs + "\n" + r.output());
    }
}
