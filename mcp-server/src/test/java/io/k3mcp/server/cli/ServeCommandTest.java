package io.k3mcp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k3mcp.server.metrics.MetricsOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag combinations serve refuses before binding anything: exit status 2 and a message naming the flag. */
class ServeCommandTest {
    private String stderr;

    private int run(String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return Main.run(args);
        } finally {
            System.setErr(saved);
            stderr = err.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void nonLoopbackHostWithoutTokenIsRefused() {
        assertEquals(2, run("serve", "--transport", "http", "--host", "0.0.0.0"));
        assertTrue(stderr.contains("--host 0.0.0.0 is not a loopback address"), stderr);
    }

    @Test
    void unknownTransportIsAUsageError() {
        assertEquals(2, run("serve", "--transport", "carrier-pigeon"));
        assertTrue(stderr.contains("--transport"), stderr);
    }

    @Test
    void missingTokenFileAndBothTokenFlagsAreRefused(@TempDir Path dir) throws Exception {
        assertEquals(2, run("serve", "--transport", "http", "--token-file", dir.resolve("absent").toString()));
        assertTrue(stderr.contains("--token-file: cannot read"), stderr);
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals(2, run("serve", "--transport", "http", "--token-file", empty.toString()));
        assertTrue(stderr.contains("is empty"), stderr);
        assertEquals(2, run("serve", "--token", "a", "--token-file", empty.toString()));
        assertTrue(stderr.contains("give one, not both"), stderr);
    }

    @Test
    void badPortAndMissingModelAreRefused(@TempDir Path dir) {
        assertEquals(2, run("serve", "--transport", "http", "--port", "70000"));
        assertTrue(stderr.contains("--port"), stderr);
        assertEquals(2, run("serve", "--model", dir.resolve("none.gguf").toString()));
        assertTrue(stderr.contains("--model: no such file"), stderr);
    }
    @Test
    void negativeOrAbsurdCacheRamIsAUsageErrorNamingTheFlag() {
        for (String bad : new String[] {"-1", "1048577", "99999999999"}) {
            assertEquals(2, run("serve", "--cache-ram", bad));
            assertTrue(stderr.contains("--cache-ram: " + bad + " MiB; give 0 (off) .. 1048576"), stderr);
        }
    }

    @Test
    void parallelOutsideOneToSixtyFourIsAUsageErrorNamingTheFlag() {
        for (String bad : new String[] {"0", "-2", "65"}) {
            assertEquals(2, run("serve", "--parallel", bad));
            assertTrue(stderr.contains("--parallel: " + bad + " sequence slots; give 1..64"), stderr);
        }
    }

    @Test
    void metricsFlagsAreCheckedAgainstTheTransport() {
        assertEquals(2, run("serve", "--metrics"));
        assertTrue(stderr.contains("--metrics: a stdio server has no HTTP port; give --metrics-port"), stderr);
        assertEquals(2, run("serve", "--transport", "http", "--metrics-port", "9100"));
        assertTrue(stderr.contains("--metrics-port: only for --transport stdio"), stderr);
        assertEquals(2, run("serve", "--metrics-port", "-1"));
        assertTrue(stderr.contains("--metrics-port: -1 is not a TCP port"), stderr);
        assertEquals(2, run("serve", "--metrics-port", "9100", "--host", "0.0.0.0"));
        assertTrue(stderr.contains("--host 0.0.0.0 is not a loopback address"), stderr);
    }
    @Test
    void metricsRideOnTheHttpPortOrGetTheirOwnOnStdio() {
        ServeCommand http = new ServeCommand();
        new picocli.CommandLine(http).parseArgs("--transport", "http", "--metrics");
        assertEquals(new MetricsOptions(true, null, Path.of("/")), http.config().metrics());
        ServeCommand stdio = new ServeCommand();
        new picocli.CommandLine(stdio).parseArgs("--metrics-port", "9464");
        assertEquals(new MetricsOptions(true, 9464, Path.of("/")), stdio.config().metrics());
        ServeCommand plain = new ServeCommand();
        new picocli.CommandLine(plain).parseArgs("--transport", "sse");
        assertEquals(MetricsOptions.off(), plain.config().metrics());
    }
}
