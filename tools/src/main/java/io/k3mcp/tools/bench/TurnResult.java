package io.k3mcp.tools.bench;

/**
 * The agentic coding turn of K3.md: a ~800-token prompt (system prompt with tool definitions, a prior
 * read call and its file, a request for an edit) prefilled in one batch, then {@code completionTokens}
 * decoded one by one. overall_ts = (prompt + completion) / (prefill + decode seconds);
 * turn_seconds = prefill + decode seconds (compute only).
 */
public record TurnResult(String modelFilename, String modelType, String backend, int nThreads, String cores,
                         java.util.List<Integer> placement, int promptTokens, int completionTokens,
                         double prefillSeconds, double decodeSeconds, double prefillTs, double decodeTs,
                         double overallTs, double turnSeconds, ThermalSummary thermal) {
}
