package io.k3mcp.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.tools.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every run appended as one JSON line to {@code $XDG_DATA_HOME/k3mcp/bench-history.jsonl}
 * (or ~/.local/share/k3mcp/...): {time, config, result}. A run's configuration key is the model, the
 * backend, the cores and the kind (tests or turn); {@link #previous} finds the last run with the same
 * key, and {@link #compare} lines its rows up with the new ones by test and thread count.
 */
public final class BenchHistory {
    /** The JSON-lines file itself, shared with the server's bench://history resource. */
    private final io.k3mcp.tools.BenchHistory store;

    public BenchHistory(Path file) {
        this.store = io.k3mcp.tools.BenchHistory.atFile(file);
    }

    public static BenchHistory inDefaultDataDir() {
        return new BenchHistory(io.k3mcp.tools.BenchHistory.defaultDataDir(System.getenv())
                .resolve(io.k3mcp.tools.BenchHistory.FILE_NAME));
    }

    public Path file() {
        return store.file();
    }

    public static String configKey(BenchConfig cfg, BenchResult r) {
        String backend = !r.rows().isEmpty() ? r.rows().get(0).backend() : !r.turns().isEmpty() ? r.turns().get(0).backend() : "";
        return cfg.modelLabel() + "|" + backend + "|cores=" + (cfg.cores() == null ? "" : cfg.cores()) + "|" + (cfg.turn() ? "turn" : "tests");
    }

    /** Appends the run (one line). */
    public void append(String key, BenchResult r) throws IOException {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("config", key);
        line.set("result", Json.tree(r));
        store.append(line);
    }

    /**
     * The comparison with the last recorded run of this key that shares at least one (test, threads)
     * with {@code current}; empty when there is none.
     */
    public List<BenchResult.Comparison> compareWithPrevious(String key, BenchResult current) throws IOException {
        List<BenchResult.Comparison> best = List.of();
        for (JsonNode run : runs(key)) {
            List<BenchResult.Comparison> c = compare(run, current);
            if (!c.isEmpty()) {
                best = c;
            }
        }
        return best;
    }

    /** The last recorded run with this key, or null. */
    public JsonNode previous(String key) throws IOException {
        List<JsonNode> all = runs(key);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Every recorded run with this key, oldest first (lines that are not JSON objects are skipped with a warning). */
    List<JsonNode> runs(String key) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode n : store.read()) {
            if (key.equals(n.path("config").asText())) {
                out.add(n);
            }
        }
        return out;
    }

    /** Per (test, threads) present in both: previous and current mean t/s and the change in percent. */
    public static List<BenchResult.Comparison> compare(JsonNode previous, BenchResult current) {
        List<BenchResult.Comparison> out = new ArrayList<>();
        if (previous == null) {
            return out;
        }
        String when = previous.path("time").asText();
        JsonNode result = previous.path("result");
        for (BenchRow row : current.rows()) {
            for (JsonNode p : result.path("rows")) {
                if (p.path("test").asText().equals(row.test()) && p.path("n_threads").asInt() == row.nThreads()) {
                    double before = p.path("avg_ts").asDouble();
                    out.add(new BenchResult.Comparison(row.test(), row.nThreads(), before, row.avgTs(),
                            before == 0 ? 0 : 100 * (row.avgTs() - before) / before, when));
                }
            }
        }
        for (TurnResult t : current.turns()) {
            for (JsonNode p : result.path("turns")) {
                if (p.path("n_threads").asInt() == t.nThreads()) {
                    double before = p.path("overall_ts").asDouble();
                    out.add(new BenchResult.Comparison("turn", t.nThreads(), before, t.overallTs(),
                            before == 0 ? 0 : 100 * (t.overallTs() - before) / before, when));
                }
            }
        }
        return out;
    }
}
