package io.k3mcp.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Prometheus's own command-line checker, {@code promtool} (Debian package prometheus). */
final class Promtool {
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Runs {@code promtool ARGS} with {@code stdin} (may be empty) and returns its exit code and output. */
    static Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("promtool not found on PATH: install the Debian package prometheus "
                    + "(scripts/test-tools.sh does): " + e.getMessage(), e);
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool " + args[0] + " did not finish");
        return new Result(p.exitValue(), out);
    }
}
