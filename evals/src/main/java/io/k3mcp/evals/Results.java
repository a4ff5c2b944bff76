package io.k3mcp.evals;

import java.util.List;

/** Plain result records of an evaluation run (serialised as the JSON report). */
public final class Results {
    private Results() {
    }

    /** One step: pass/fail with the reason, and the metrics a person compares. */
    public record StepResult(String name, boolean passed, String reason, long latencyMs, Integer tokens,
                             Double tokensPerSecond) {
    }

    /** One scenario: status is passed, failed, skipped (a required variable is unset) or error (could not run). */
    public record ScenarioResult(String name, String source, String status, String reason, long durationMs,
                                 List<StepResult> steps) {
        public long failedSteps() {
            return steps.stream().filter(s -> !s.passed()).count();
        }
    }

    /** The whole run. */
    public record Report(String startedAt, long durationMs, int passed, int failed, int skipped,
                         List<ScenarioResult> scenarios) {
        public boolean ok() {
            return failed == 0;
        }
    }
}
