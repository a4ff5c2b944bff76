package io.k3mcp.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test tool that counts in steps: progress per step, cancellation between steps, optional failure.
 * It also counts its running calls and all steps taken, so a test can see calls stop even when their
 * client can no longer hear from them.
 */
public final class CountTool implements Tool<CountTool.Input, CountTool.Output> {
    /** Long enough for "promptly" to mean something, short enough to keep the suite quick. */
    private static final long STOP_WAIT_MS = 5000;
    /** Dozens of 5 ms steps: a call still running would be seen. */
    private static final long STILL_MS = 300;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong steps = new AtomicLong();

    /** partialOnCancel: a cancelled call returns its count so far, as generate returns its text with finish "cancelled". */
    public record Input(int steps, int intervalMs, boolean fail, boolean partialOnCancel) {
    }

    public record Output(int count, boolean finished) {
    }

    @Override
    public String name() {
        return "count";
    }

    @Override
    public String description() {
        return "Counts to steps, waiting interval_ms between steps.";
    }

    @Override
    public JsonNode inputSchema() {
        return Json.parse("""
                {"type":"object","properties":{
                  "steps":{"type":"integer","minimum":1,"maximum":10000,"default":3},
                  "interval_ms":{"type":"integer","minimum":0,"maximum":1000,"default":0},
                  "fail":{"type":"boolean","default":false},
                  "partial_on_cancel":{"type":"boolean","default":false}},
                 "additionalProperties":false}""");
    }

    @Override
    public JsonNode outputSchema() {
        return Json.parse("""
                {"type":"object","properties":{"count":{"type":"integer"},"finished":{"type":"boolean"}},
                 "required":["count","finished"]}""");
    }

    @Override
    public Input parse(JsonNode arguments) throws ToolInputException {
        var names = arguments.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("steps") && !name.equals("interval_ms") && !name.equals("fail") && !name.equals("partial_on_cancel")) {
                throw new ToolInputException(name, "unknown argument; expected steps, interval_ms, fail or partial_on_cancel");
            }
        }
        return new Input(integer(arguments, "steps", 3, 1, 10000), integer(arguments, "interval_ms", 0, 0, 1000),
                arguments.path("fail").asBoolean(false), arguments.path("partial_on_cancel").asBoolean(false));
    }

    private static int integer(JsonNode arguments, String name, int fallback, int min, int max)
            throws ToolInputException {
        JsonNode node = arguments.get(name);
        if (node == null) {
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            throw new ToolInputException(name, "expected an integer from " + min + " to " + max + ", got " + node);
        }
        return node.asInt();
    }

    @Override
    public Output run(Input input, Progress progress, Cancellation cancel) throws Exception {
        if (input.fail()) {
            throw new IllegalStateException("asked to fail");
        }
        running.incrementAndGet();
        try {
            for (int i = 0; i < input.steps(); i++) {
                if (input.partialOnCancel() && cancel.isCancelled()) {
                    return new Output(i, false);
                }
                cancel.check();
                Thread.sleep(input.intervalMs());
                steps.incrementAndGet();
                progress.report(i + 1, (double) input.steps(), "step " + (i + 1));
            }
            return new Output(input.steps(), true);
        } finally {
            running.decrementAndGet();
        }
    }

    /** Calls of this tool now running. */
    public int running() {
        return running.get();
    }

    /** Waits until {@code calls} calls are running (a test starts long calls, then ends their session). */
    public void awaitRunning(int calls) throws InterruptedException {
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (running.get() < calls) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("expected " + calls + " running calls, have " + running.get());
            }
            Thread.sleep(10);
        }
    }

    /**
     * Asserts that every call has stopped within {@link #STOP_WAIT_MS} (a cancelled call leaves at its next
     * step) and that no step is taken afterwards.
     */
    public void assertAllCallsStopped() throws InterruptedException {
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        while (running.get() > 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(running.get() + " calls still running after " + STOP_WAIT_MS
                        + " ms; steps taken: " + steps.get());
            }
            Thread.sleep(10);
        }
        long stoppedAt = steps.get();
        Thread.sleep(STILL_MS);
        if (steps.get() != stoppedAt) {
            throw new AssertionError("steps went on after the calls stopped: " + stoppedAt + " -> " + steps.get());
        }
    }

    @Override
    public String summarize(Output output) {
        return "counted to " + output.count();
    }
}
