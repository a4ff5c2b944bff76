package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged server driven by a client someone else wrote: the official TypeScript SDK, from npm,
 * over stdio, Streamable HTTP and SSE (src/test/node/tests). Skipped only when node is not installed.
 */
class NodeClientE2ETest {
    private static final Path NODE_PROJECT = Path.of("src/test/node").toAbsolutePath();
    private static final Path JAR = Path.of("target/k3mcp.jar").toAbsolutePath();
    private static final Path LOG = Path.of("target/node-e2e.log").toAbsolutePath();

    @Test
    void officialTypeScriptClientPassesTheSuite() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"),
                "node/npm not installed: skipping the TypeScript SDK end-to-end tests (.ci/run installs nodejs npm)");
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: these tests run after the package phase");
        Files.deleteIfExists(LOG);
        assertEquals(0, run(List.of("npm", "ci", "--no-audit", "--no-fund"), 600), "npm ci failed:\n" + tail());
        int status = run(List.of("node", "--test", "--test-concurrency=1", "tests/"), 900);
        assertEquals(0, status, "TypeScript SDK end-to-end tests failed:\n" + tail());
    }

    private static int run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(NODE_PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        builder.environment().put("K3MCP_JAR", JAR.toString());
        builder.environment().put("K3MCP_REPO", NODE_PROJECT.resolve("../../../..").normalize().toString());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static String tail() throws IOException {
        List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 120), lines.size()));
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
