package io.k3mcp.evals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Renders a run as a Markdown summary for people (failures first) and as JSON for machines. */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {
    }

    public static String json(Results.Report report) {
        try {
            return JSON.writeValueAsString(report) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report", e);
        }
    }

    public static String markdown(Results.Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# k3mcp eval report\n\n");
        long steps = r.scenarios().stream().mapToLong(s -> s.steps().size()).sum();
        sb.append(String.format(Locale.ROOT, "**%s** - %d scenarios: %d passed, %d failed, %d skipped; %d steps; %.1f s%n%n",
                r.ok() ? "PASS" : "FAIL", r.scenarios().size(), r.passed(), r.failed(), r.skipped(), steps, r.durationMs() / 1000.0));
        sb.append("| scenario | status | steps failed | time s | detail |\n|---|---|---|---|---|\n");
        List<Results.ScenarioResult> ordered = new ArrayList<>(r.scenarios());
        ordered.sort(Comparator.comparingInt(Reports::rank));
        for (Results.ScenarioResult s : ordered) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d/%d | %.1f | %s |%n", cell(s.name()), s.status().toUpperCase(Locale.ROOT),
                    s.failedSteps(), s.steps().size(), s.durationMs() / 1000.0, cell(firstLine(s.reason()))));
        }
        for (Results.ScenarioResult s : ordered) {
            sb.append("\n## ").append(s.name()).append(" - ").append(s.status().toUpperCase(Locale.ROOT)).append("\n\n");
            if (!s.source().isEmpty()) {
                sb.append("Source: `").append(s.source()).append("`\n\n");
            }
            if (s.reason() != null && !s.status().equals("failed")) {
                sb.append(s.reason()).append("\n\n");
            }
            if (s.steps().isEmpty()) {
                continue;
            }
            sb.append("| step | result | latency ms | tokens | tok/s | detail |\n|---|---|---|---|---|---|\n");
            List<Results.StepResult> st = new ArrayList<>(s.steps());
            st.sort(Comparator.comparing(Results.StepResult::passed));
            for (Results.StepResult x : st) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s |%n", cell(x.name()), x.passed() ? "pass" : "FAIL",
                        x.latencyMs(), x.tokens() == null ? "" : x.tokens().toString(),
                        x.tokensPerSecond() == null ? "" : String.format(Locale.ROOT, "%.1f", x.tokensPerSecond()),
                        cell(x.reason() == null ? "" : x.reason())));
            }
            if (s.status().equals("failed") && s.reason() != null && s.reason().contains("\n")) {
                sb.append("\n```\n").append(s.reason().substring(s.reason().indexOf('\n') + 1)).append("\n```\n");
            }
        }
        return sb.toString();
    }

    private static int rank(Results.ScenarioResult s) {
        return switch (s.status()) {
            case "failed" -> 0;
            case "error" -> 1;
            case "skipped" -> 3;
            default -> 2;
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String cell(String s) {
        String t = s.replace("|", "\\|").replace("\n", " ");
        return t.length() > 200 ? t.substring(0, 197) + "..." : t;
    }
}
