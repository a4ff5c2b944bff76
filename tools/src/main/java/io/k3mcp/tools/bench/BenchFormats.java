package io.k3mcp.tools.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.k3mcp.tools.Json;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The four outputs of {@code bench -o}: md (llama-bench's table plus k3mcp's columns), json (one array
 * of rows), jsonl (one row per line) and csv (a header of every field, one line per row).
 */
public final class BenchFormats {
    private BenchFormats() {
    }

    public static String format(String kind, BenchResult r) {
        List<?> rows = !r.serving().isEmpty() ? r.serving() : r.turns().isEmpty() ? r.rows() : r.turns();
        return switch (kind) {
            case "md" -> !r.serving().isEmpty() ? servingMarkdown(r.serving()) : r.turns().isEmpty() ? markdown(r.rows()) : turnMarkdown(r.turns());
            case "json" -> json(rows);
            case "jsonl" -> jsonl(rows);
            case "csv" -> csv(rows);
            default -> throw new IllegalArgumentException("output format must be md, json, jsonl or csv, not '" + kind + "'");
        };
    }

    public static String markdown(List<BenchRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | size | params | backend | threads | cores | test | t/s | bw GB/s | roofline t/s | of roofline |\n");
        sb.append("| --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (BenchRow r : rows) {
            sb.append("| ").append(r.modelType())
                    .append(" | ").append(size(r.modelSize()))
                    .append(" | ").append(params(r.modelNParams()))
                    .append(" | ").append(r.backend())
                    .append(" | ").append(r.nThreads())
                    .append(" | ").append(placementLabel(r.cores(), r.placement(), r.placementOk()))
                    .append(" | ").append(r.test())
                    .append(" | ").append(String.format(Locale.ROOT, "%.2f ± %.2f", r.avgTs(), r.stddevTs()))
                    .append(" | ").append(r.bandwidthGbs() == null ? "" : String.format(Locale.ROOT, "%.1f", r.bandwidthGbs()))
                    .append(" | ").append(r.rooflineTs() == null ? "" : String.format(Locale.ROOT, "%.2f", r.rooflineTs()))
                    .append(" | ").append(r.rooflineFraction() == null ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * r.rooflineFraction()))
                    .append(" |\n");
        }
        return sb.toString();
    }

    public static String turnMarkdown(List<TurnResult> turns) {
        StringBuilder sb = new StringBuilder();
        sb.append("| model | backend | threads | prompt | completion | prefill t/s | decode t/s | overall t/s | turn s |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (TurnResult t : turns) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f |%n", t.modelType(),
                    t.backend(), t.nThreads(), t.promptTokens(), t.completionTokens(), t.prefillTs(), t.decodeTs(),
                    t.overallTs(), t.turnSeconds()));
        }
        return sb.toString();
    }

    public static String servingMarkdown(List<ServingBench.Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| test | threads | sequences | prompt | gen | decode s | aggregate t/s | per sequence t/s | drafts accepted |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (ServingBench.Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %.3f | %.2f | %.2f | %s |%n", r.test(), r.nThreads(),
                    r.sequences(), r.nPrompt(), r.nGen(), r.decodeSeconds(), r.aggregateTs(), r.perSequenceTs(),
                    r.accepted() == null ? "" : String.format(Locale.ROOT, "%.0f %%", 100 * r.accepted())));
        }
        return sb.toString();
    }

    public static String json(List<?> rows) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render rows as JSON", e);
        }
    }

    public static String jsonl(List<?> rows) {
        StringBuilder sb = new StringBuilder();
        for (Object row : rows) {
            sb.append(Json.tree(row).toString()).append('\n');
        }
        return sb.toString();
    }

    /** Nested values (samples, placement, thermal) are written as their JSON text in one quoted cell. */
    public static String csv(List<?> rows) {
        StringBuilder sb = new StringBuilder();
        ArrayNode all = Json.MAPPER.valueToTree(rows);
        if (all.isEmpty()) {
            return "";
        }
        Iterator<String> names = all.get(0).fieldNames();
        List<String> header = new java.util.ArrayList<>();
        names.forEachRemaining(header::add);
        sb.append(String.join(",", header)).append('\n');
        for (JsonNode row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < header.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                JsonNode v = row.get(header.get(i));
                line.append(v == null || v.isNull() ? "" : v.isValueNode() && !v.isTextual() ? v.asText() : quote(v.isTextual() ? v.asText() : v.toString()));
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.2f MiB", bytes / (double) (1L << 20));
    }

    static String params(long n) {
        return n >= 1_000_000_000L ? String.format(Locale.ROOT, "%.2f B", n / 1e9) : String.format(Locale.ROOT, "%.2f M", n / 1e6);
    }

    static String placementLabel(String cores, List<Integer> placement, boolean ok) {
        if (placement.isEmpty()) {
            return cores.isEmpty() ? "-" : cores;
        }
        String where = placement.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        return (cores.isEmpty() ? "" : cores + " -> ") + where + (ok ? "" : " (not as asked)");
    }

    /** The names the CONTRACT requires of every row. */
    public static final List<String> CONTRACT_FIELDS = List.of("model_filename", "model_type", "model_size",
            "model_n_params", "n_threads", "n_prompt", "n_gen", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts",
            "samples_ns", "samples_ts", "cpu_info", "type_k", "type_v", "cores", "backend", "bandwidth_gbs",
            "roofline_ts", "roofline_fraction");
}
