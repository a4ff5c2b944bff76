package io.k3mcp.tools.bench;

import java.util.List;

/**
 * A benchmark run: the rows (pp/tg tests, or none with --turn), the agentic turns (one per thread
 * count, only with --turn), the serving rows (only with --parallel or --spec), and where the run was recorded.
 */
public record BenchResult(String model, List<BenchRow> rows, List<TurnResult> turns, String historyFile,
                          List<Comparison> comparison, List<ServingBench.Row> serving) {

    public BenchResult(String model, List<BenchRow> rows, List<TurnResult> turns, String historyFile, List<Comparison> comparison) {
        this(model, rows, turns, historyFile, comparison, List.of());
    }

    /** The change of one row's tokens/s against the previous run of the same configuration. */
    public record Comparison(String test, int nThreads, double previousTs, double currentTs, double changePercent,
                             String previousTime) {
    }

    public BenchResult withHistory(String file, List<Comparison> cmp) {
        return new BenchResult(model, rows, turns, file, cmp, serving);
    }
}
