package io.k3mcp.evals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.spec.McpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs scenarios against a server as a black box, one fresh server (or connection) per scenario, and
 * records per step: pass/fail with the reason, latency, tokens and tokens/s.
 */
public final class EvalRunner {
    private static final Logger log = LoggerFactory.getLogger(EvalRunner.class);

    /**
     * @param serverCommand overrides every scenario's server command when not empty
     * @param url           overrides with a running Streamable HTTP server when not null
     * @param vars          --var values
     */
    public record Options(List<String> serverCommand, String url, String token, Map<String, String> vars,
                          Function<String, String> env) {
    }

    /**
     * Progress of the run, for the CLI's stderr. An exception it throws is the caller's own: it ends the
     * run (after the scenario's connection is closed) rather than being reported as a step's failure.
     */
    public interface Listener {
        void step(Scenario scenario, Results.StepResult step);
    }

    private final Options options;
    private final Listener listener;

    public EvalRunner(Options options, Listener listener) {
        this.options = options;
        this.listener = listener;
    }

    public Results.Report run(List<Scenario> scenarios) {
        Instant start = Instant.now();
        List<Results.ScenarioResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            results.add(runScenario(s));
        }
        int passed = (int) results.stream().filter(r -> r.status().equals("passed")).count();
        int skipped = (int) results.stream().filter(r -> r.status().equals("skipped")).count();
        return new Results.Report(start.toString(), Duration.between(start, Instant.now()).toMillis(),
                passed, results.size() - passed - skipped, skipped, results);
    }

    Results.ScenarioResult runScenario(Scenario s) {
        long t0 = System.nanoTime();
        String source = s.source() == null ? "" : s.source().toString();
        Vars vars = new Vars(options.env());
        s.vars().forEach(vars::putText);
        options.vars().forEach(vars::putText);
        for (String r : s.requires()) {
            if (!vars.isSet(r)) {
                return new Results.ScenarioResult(s.name(), source, "skipped",
                        "requires ${" + r + "}: pass --var " + r + "=...", 0, List.of());
            }
        }
        long maxTimeout = s.steps().stream().mapToLong(Scenario.Step::timeoutMs).max().orElse(60_000);
        List<Results.StepResult> steps = new ArrayList<>();
        McpConnection conn;
        try {
            conn = connect(s, vars, Duration.ofMillis(maxTimeout));
        } catch (RuntimeException e) {
            log.error("scenario={} could not connect: {}", s.name(), e.toString());
            return new Results.ScenarioResult(s.name(), source, "error", "could not start or reach the server: "
                    + message(e), ms(t0), steps);
        }
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "eval-step");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Scenario.Step step : s.steps()) {
                Results.StepResult r = runGuarded(s, step, conn, vars, exec);
                steps.add(r);
                listener.step(s, r);
            }
        } finally {
            exec.shutdownNow();
            close(s, conn, steps);
        }
        boolean ok = steps.stream().allMatch(Results.StepResult::passed);
        String reason = ok ? null : steps.stream().filter(x -> !x.passed()).count() + " of " + steps.size() + " steps failed";
        if (!ok && !conn.stderrTail().isEmpty()) {
            reason += "; server stderr tail:\n" + conn.stderrTail();
        }
        return new Results.ScenarioResult(s.name(), source, ok ? "passed" : "failed", reason, ms(t0), steps);
    }

    /** A step that fails inside the runner (a malformed capture path, say) fails as itself; the rest still run. */
    private Results.StepResult runGuarded(Scenario s, Scenario.Step step, McpConnection conn, Vars vars,
                                          ExecutorService exec) {
        long t0 = System.nanoTime();
        try {
            return runStep(step, conn, vars, exec);
        } catch (RuntimeException e) {
            log.error("scenario={} step={} could not be run", s.name(), step.name(), e);
            return new Results.StepResult(step.name(), false, "could not run the step: " + message(e), ms(t0), null, null);
        }
    }

    /** Only a failure of the close itself is reported as the "(close connection)" step. */
    private static void close(Scenario s, McpConnection conn, List<Results.StepResult> steps) {
        try {
            conn.close();
        } catch (RuntimeException e) {
            log.error("scenario={} closing the connection failed: {}", s.name(), e.toString());
            steps.add(new Results.StepResult("(close connection)", false, message(e), 0, null, null));
        }
    }

    private McpConnection connect(Scenario s, Vars vars, Duration timeout) {
        if (options.url() != null || (options.serverCommand().isEmpty() && s.server().url() != null)) {
            String url = options.url() != null ? options.url() : vars.substituteString(s.server().url());
            String token = options.token();
            if (token == null && s.server().tokenEnv() != null) {
                token = options.env().apply(s.server().tokenEnv());
            }
            return McpConnection.http(url, token, timeout);
        }
        List<String> cmd = options.serverCommand().isEmpty() ? s.server().command() : options.serverCommand();
        if (cmd.isEmpty()) {
            throw new ScenarioException(s.name() + ": no server: give --server \"<command>\" or --url, or a 'server' in the scenario");
        }
        List<String> resolved = cmd.stream().map(vars::substituteString).toList();
        return McpConnection.stdio(resolved, Map.of(), timeout);
    }

    private Results.StepResult runStep(Scenario.Step step, McpConnection conn, Vars vars, ExecutorService exec) {
        long t0 = System.nanoTime();
        McpConnection.Response resp;
        try {
            JsonNode args = vars.substitute(step.arguments());
            Future<McpConnection.Response> f = exec.submit(() -> {
                if (step.tool() != null) {
                    return conn.callTool(step.tool(), args);
                }
                return step.list() != null ? conn.list(step.list()) : conn.read(vars.substituteString(step.read()));
            });
            try {
                resp = f.get(step.timeoutMs(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // The one step thread would stay blocked in the call, and every later step would queue
                // behind it and time out too: interrupt it (the SDK's blocking call ends on interruption).
                f.cancel(true);
                log.warn("step={} timed out after {} ms; its call is cancelled", step.name(), step.timeoutMs());
                return new Results.StepResult(step.name(), false, "timed out after " + step.timeoutMs() + " ms", ms(t0), null, null);
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                return new Results.StepResult(step.name(), false, "interrupted", ms(t0), null, null);
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (!(cause instanceof McpError)) {
                // not the server's answer (that is an McpError or an isError result) but the client's own
                // failure, e.g. a request it refuses to send: never counts as an expected error
                log.warn("step={} client failure: {}", step.name(), cause.toString());
                return new Results.StepResult(step.name(), false, "client failure: " + message(cause), ms(t0), null, null);
            }
            resp = new McpConnection.Response(null, message(cause));
        } catch (ScenarioException e) {
            return new Results.StepResult(step.name(), false, e.getMessage(), ms(t0), null, null);
        }
        long latency = ms(t0);
        return judge(step, resp, vars, latency);
    }

    static Results.StepResult judge(Scenario.Step step, McpConnection.Response resp, Vars vars, long latency) {
        if (step.expectError() != null) {
            if (resp.error() == null) {
                return new Results.StepResult(step.name(), false, "expected an error, but the call succeeded: "
                        + Checks.brief(resp.result()), latency, null, null);
            }
            JsonNode msg = com.fasterxml.jackson.databind.node.TextNode.valueOf(resp.error());
            Checks.Outcome o = Checks.evaluate(resolve(step.expectError(), vars), msg);
            return new Results.StepResult(step.name(), o.passed(), o.passed() ? null : "error message: " + o.reason(), latency, null, null);
        }
        if (resp.error() != null) {
            return new Results.StepResult(step.name(), false, "call failed: " + resp.error(), latency, null, null);
        }
        JsonNode result = resp.result();
        for (Map.Entry<String, String> c : step.capture().entrySet()) {
            List<JsonNode> sel = JsonPath.select(result, c.getValue());
            if (sel.isEmpty()) {
                return new Results.StepResult(step.name(), false, "capture " + c.getKey() + ": " + c.getValue() + " selects nothing", latency, null, null);
            }
            vars.put(c.getKey(), sel.get(0));
        }
        Integer tokens = result.has("completion_tokens") ? result.get("completion_tokens").asInt() : null;
        Double tps = null;
        if (result.path("timings").has("decode_tps")) {
            tps = result.path("timings").get("decode_tps").asDouble();
        } else if (tokens != null && latency > 0) {
            tps = tokens * 1000.0 / latency;
        }
        for (Scenario.Check check : step.expect()) {
            if (check.when() != null && !truthy(vars.get(check.when()))) {
                continue; // a conditional check whose variable is unset or false
            }
            Checks.Outcome o;
            try {
                o = Checks.evaluate(resolve(check, vars), result);
            } catch (ScenarioException e) {
                o = new Checks.Outcome(false, e.getMessage());
            }
            if (!o.passed()) {
                return new Results.StepResult(step.name(), false, o.reason(), latency, tokens, tps);
            }
        }
        return new Results.StepResult(step.name(), true, null, latency, tokens, tps);
    }

    private static boolean truthy(JsonNode v) {
        return v != null && !v.isNull() && !(v.isBoolean() && !v.asBoolean())
                && !(v.isTextual() && (v.asText().isEmpty() || v.asText().equals("false") || v.asText().equals("0")));
    }

    /** The check with ${var} references in its expected values replaced. */
    private static Scenario.Check resolve(Scenario.Check c, Vars v) {
        Scenario.Cosine cos = c.cosine() == null ? null : new Scenario.Cosine(v.substitute(c.cosine().with()), c.cosine().min());
        Scenario.Nearest near = c.nearest() == null ? null : new Scenario.Nearest(v.substitute(c.nearest().among()), c.nearest().index());
        return new Scenario.Check(c.path(), v.substitute(c.equals()), v.substitute(c.notEquals()),
                v.substituteString(c.matches()), v.substitute(c.contains()), c.min(), c.max(), c.exists(),
                c.jsonSchema(), cos, near, c.when(), c.message());
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
