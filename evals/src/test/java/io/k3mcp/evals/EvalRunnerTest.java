package io.k3mcp.evals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner drives a real stdio MCP server (FakeServer in a child JVM) through the Java SDK client. */
class EvalRunnerTest {
    @TempDir
    Path tmp;

    private static List<String> fakeServerCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), FakeServer.class.getName());
    }

    private Results.Report run(String scenarioJson, Map<String, String> vars) throws IOException {
        Path f = tmp.resolve("s.json");
        Files.writeString(f, scenarioJson);
        EvalRunner runner = new EvalRunner(new EvalRunner.Options(fakeServerCommand(), null, null, vars, System::getenv),
                (s, step) -> { });
        return runner.run(ScenarioLoader.load(List.of(f)));
    }

    @Test
    void passingScenarioRecordsMetricsAndCaptures() throws IOException {
        Results.Report r = run("""
                {"name": "echo", "steps": [
                  {"name": "list", "list": "tools", "expect": [{"path": "$.tools[*].name", "contains": "echo"}]},
                  {"name": "call", "tool": "echo", "arguments": {"v": [1, 0, 0], "s": "${greeting} world"},
                   "capture": {"vec": "$.v"},
                   "expect": [{"path": "$.s", "equals": "hello world"}, {"path": "$.completion_tokens", "min": 1, "max": 10},
                              {"path": "$.v.length()", "equals": 3}]},
                  {"name": "same vector", "tool": "echo", "arguments": {"v": [2, 0.1, 0]},
                   "expect": [{"path": "$.v", "cosine": {"with": "${vec}", "min": 0.99}}]},
                  {"name": "refused", "tool": "fail", "expect_error": {"matches": "texts: .*empty"}},
                  {"name": "unknown tool", "tool": "nope", "expect_error": {"matches": "(?i)unknown|not found|nope"}}
                ]}""", Map.of("greeting", "hello"));
        Results.ScenarioResult s = r.scenarios().get(0);
        assertEquals("passed", s.status(), Reports.markdown(r));
        assertTrue(r.ok());
        assertEquals(5, s.steps().size());
        assertEquals(10, s.steps().get(1).tokens());
        assertNull(s.steps().get(1).reason());
    }

    @Test
    void failingChecksAreReportedWithTheReasonAndFailuresFirst() throws IOException {
        Results.Report r = run("""
                {"name": "broken", "steps": [
                  {"name": "wrong value", "tool": "echo", "arguments": {"n": 5}, "expect": [{"path": "$.n", "max": 3}]},
                  {"name": "expected failure that succeeds", "tool": "echo", "expect_error": {"matches": "x"}},
                  {"name": "fine", "tool": "echo", "arguments": {"n": 1}, "expect": [{"path": "$.n", "equals": 1}]}
                ]}""", Map.of());
        assertFalse(r.ok());
        Results.ScenarioResult s = r.scenarios().get(0);
        assertEquals("failed", s.status());
        assertEquals("$.n = 5.0 is above the maximum 3.0", s.steps().get(0).reason());
        assertTrue(s.steps().get(1).reason().startsWith("expected an error, but the call succeeded"));
        assertTrue(s.steps().get(2).passed());
        String md = Reports.markdown(r);
        assertTrue(md.contains("**FAIL**"), md);
        assertTrue(md.indexOf("| wrong value | FAIL") < md.indexOf("| fine | pass"), md);
        assertTrue(Reports.json(r).contains("\"status\" : \"failed\""));
    }

    @Test
    void aTimedOutStepIsCancelledSoTheNextStepIsNotStuckBehindIt() throws IOException {
        // "list" keeps the default 60 s timeout, which is also the client's own request timeout: without
        // the cancellation, "fast" would queue behind the stuck "slow" call past its 10 s and time out too.
        Results.Report r = run("""
                {"name": "slow then fast", "steps": [
                  {"name": "list", "list": "tools", "expect": [{"path": "$.tools[*].name", "contains": "slow"}]},
                  {"name": "slow", "tool": "slow", "arguments": {"ms": 60000}, "timeout_ms": 300},
                  {"name": "fast", "tool": "echo", "arguments": {"n": 1}, "timeout_ms": 10000,
                   "expect": [{"path": "$.n", "equals": 1}]}
                ]}""", Map.of());
        Results.ScenarioResult s = r.scenarios().get(0);
        assertEquals(List.of("list", "slow", "fast"), s.steps().stream().map(Results.StepResult::name).toList());
        assertTrue(s.steps().get(0).passed(), Reports.markdown(r));
        assertFalse(s.steps().get(1).passed());
        assertEquals("timed out after 300 ms", s.steps().get(1).reason());
        assertTrue(s.steps().get(2).passed(), Reports.markdown(r));
        assertTrue(s.reason().startsWith("1 of 3 steps failed"), s.reason());
    }

    @Test
    void aClientCallThatThrowsFailsItsStepAsAClientFailure() throws IOException {
        // The fake server offers no resources, so the SDK client refuses the read without sending it: that
        // is the client's failure, not the server's error, and must not satisfy expect_error.
        Results.Report r = run("""
                {"name": "client refuses", "steps": [
                  {"name": "read", "read": "file:///x", "expect_error": {"matches": "resources"}},
                  {"name": "after", "tool": "echo", "arguments": {"n": 1}, "expect": [{"path": "$.n", "equals": 1}]}
                ]}""", Map.of());
        Results.ScenarioResult s = r.scenarios().get(0);
        assertEquals("failed", s.status());
        assertEquals(List.of("read", "after"), s.steps().stream().map(Results.StepResult::name).toList());
        assertFalse(s.steps().get(0).passed());
        assertEquals("client failure: Server does not provide the resources capability", s.steps().get(0).reason());
        assertTrue(s.steps().get(1).passed(), Reports.markdown(r));
    }

    @Test
    void aStepThatFailsInsideTheRunnerIsThatStepsFailureNotTheClose() throws IOException {
        Results.Report r = run("""
                {"name": "bad capture", "steps": [
                  {"name": "capture", "tool": "echo", "arguments": {"n": 1}, "capture": {"x": "n"}},
                  {"name": "after", "tool": "echo", "arguments": {"n": 1}, "expect": [{"path": "$.n", "equals": 1}]}
                ]}""", Map.of());
        Results.ScenarioResult s = r.scenarios().get(0);
        assertEquals(List.of("capture", "after"), s.steps().stream().map(Results.StepResult::name).toList());
        assertEquals("could not run the step: JSON path must start with '$': n", s.steps().get(0).reason());
        assertTrue(s.steps().get(1).passed(), Reports.markdown(r));
    }

    @Test
    void aListenerFailureEndsTheRunRatherThanPosingAsACloseFailure() throws IOException {
        Path f = tmp.resolve("s.json");
        Files.writeString(f, "{\"name\": \"x\", \"steps\": [{\"name\": \"x\", \"tool\": \"echo\"}]}");
        IllegalStateException broken = new IllegalStateException("progress output broke");
        EvalRunner runner = new EvalRunner(new EvalRunner.Options(fakeServerCommand(), null, null, Map.of(), System::getenv),
                (s, step) -> {
                    throw broken;
                });
        List<Scenario> scenarios = ScenarioLoader.load(List.of(f));
        assertSame(broken, assertThrows(IllegalStateException.class, () -> runner.run(scenarios)));
    }

    @Test
    void missingRequiredVariableSkipsWithAReason() throws IOException {
        Results.Report r = run("""
                {"name": "needs model", "requires": ["model"], "steps": [{"name": "x", "tool": "echo"}]}""", Map.of());
        assertEquals("skipped", r.scenarios().get(0).status());
        assertTrue(r.scenarios().get(0).reason().contains("--var model="));
        assertTrue(r.ok());
    }

    @Test
    void serverThatCannotStartIsAnErrorNotACrash() throws IOException {
        Path f = tmp.resolve("s.json");
        Files.writeString(f, "{\"name\": \"x\", \"steps\": [{\"name\": \"x\", \"tool\": \"echo\"}]}");
        EvalRunner runner = new EvalRunner(new EvalRunner.Options(List.of(tmp.resolve("no-such-binary").toString()),
                null, null, Map.of(), System::getenv), (s, step) -> { });
        Results.Report r = runner.run(ScenarioLoader.load(List.of(f)));
        assertEquals("error", r.scenarios().get(0).status());
        assertFalse(r.ok());
    }
}
