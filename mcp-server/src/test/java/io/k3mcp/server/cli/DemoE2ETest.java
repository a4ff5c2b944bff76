package io.k3mcp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code k3mcp demo} from the packaged jar: a real server subprocess driven by the SDK client. */
class DemoE2ETest {
    @Test
    void demoWalksThroughTheServerAndExitsZero() throws Exception {
        Path jar = Path.of("target/k3mcp.jar").toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: this test runs after the package phase");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "demo").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "demo finished");
        assertEquals(0, demo.exitValue(), out);
        assertTrue(out.startsWith("1. Starting the server as a subprocess: "), out);
        assertTrue(out.contains("Initialized over stdio: k3mcp 0.1.0"), out);
        assertTrue(out.contains("- board-status: Reports the board"), out);
        assertTrue(out.contains("Calling board-status {} (with a progress token)"), out);
        assertTrue(out.contains("progress 1/1") && out.contains("result in "), out);
        assertTrue(out.contains("Prompts: [") && out.contains("summarise-file"), out);
        assertTrue(out.contains("board://status"), out);
        assertTrue(out.contains("models://loaded says: [") && out.contains("\"purpose\" : \"embed\""), out);
        assertTrue(out.contains("Done: the server shut down when its stdin closed."), out);
    }
}
