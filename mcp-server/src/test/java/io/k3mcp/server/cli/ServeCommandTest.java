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
    void coresThatDoNotResolveAreAUsageErrorAndK3CoreKindsResolveFromCpuinfo(@TempDir Path dir) throws Exception {
        assertEquals(2, run("serve", "--cores", "3-1"));
        assertTrue(stderr.contains("--cores: range '3-1' must be ascending cpu ids"), stderr);
        assertEquals(2, run("serve", "--cores", "fast"));
        assertTrue(stderr.contains("--cores: 'fast' is not a cpu id or range (expected e.g. 0-3,6, x100 or a100)"), stderr);
        Path k3 = Files.writeString(dir.resolve("cpuinfo"), "processor\t: 0\nmodel name\t: Spacemit(R) X100\n\n"
                + "processor\t: 1\nmodel name\t: Spacemit(R) X100\n\nprocessor\t: 8\nmodel name\t: Spacemit(R) A100\n");
        assertEquals(java.util.List.of(0, 1), java.util.Arrays.stream(CoreOption.resolve("x100", k3)).boxed().toList());
        assertEquals(java.util.List.of(8), java.util.Arrays.stream(CoreOption.resolve("A100", k3)).boxed().toList());
        assertEquals(null, CoreOption.resolve(" ", k3));
        Path x86 = Files.writeString(dir.resolve("x86"), "processor\t: 0\nmodel name\t: AMD EPYC\n");
        String none = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> CoreOption.resolve("x100", x86))
                .getMessage();
        assertTrue(none.startsWith("--cores: no X100 cores in " + x86), none);
        ServeCommand ok = new ServeCommand();
        new picocli.CommandLine(ok).parseArgs("--cores", "1,0,2");
        assertEquals("0-2", ok.config().engine().cores(), "serve passes the resolved list on");
    }

    @Test
    void aModelFileThatDoesNotLoadIsARuntimeErrorNamingIt(@TempDir Path dir) throws Exception {
        Path junk = Files.write(dir.resolve("junk.gguf"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(1, run("serve", "--model", junk.toString()));
        assertTrue(stderr.startsWith("k3mcp: error: cannot load model " + junk + ": "), stderr);
    }

    @Test
    void ctxSizeIsCheckedAgainstTheModelBeforeServing() throws Exception {
        String model = Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models", "llama-mini-f32.gguf").toString();
        assertEquals(2, run("serve", "--model", model, "--ctx-size", "100000"));
        assertTrue(stderr.contains("--ctx-size: context size 100000 is past the model's trained context of 512 tokens"), stderr);
        assertEquals(2, run("serve", "--ctx-size", "-5"));
        assertTrue(stderr.contains("--ctx-size: must be >= 0"), stderr);
        ServeCommand ok = new ServeCommand();
        new picocli.CommandLine(ok).parseArgs("--model", model, "--ctx-size", "256", "-ctk", "q8_0", "-ctv", "q8_0");
        assertEquals(256, ok.config().engine().ctxSize());
        assertEquals(io.k3mcp.kernels.GgmlType.Q8_0, ok.config().engine().kvType());
        String tiny = Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models", "llama-2-tiny-random.gguf").toString();
        assertEquals(2, run("serve", "--model", tiny, "--cache-type-k", "q8_0", "--cache-type-v", "q8_0"));
        assertTrue(stderr.contains("--cache-type-k/--cache-type-v: KV cache type q8_0 stores blocks of 32 values"), stderr);
        assertEquals(2, run("serve", "--cache-type-k", "iq4_nl"));
        assertTrue(stderr.contains("--cache-type-k: unknown KV cache type 'iq4_nl'"), stderr);
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
    void metricsRideOnTheHttpPortOrGetTheirOwnOnStdio() throws Exception {
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

    @Test
    void aMissingModelsDirIsAUsageErrorNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("no-models");
        assertEquals(2, run("serve", "--models-dir", missing.toString()));
        assertTrue(stderr.contains("--models-dir: models directory " + missing + " does not exist"), stderr);
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertEquals(2, run("serve", "--models-dir", dir.toString(), "--models-dir", file.toString()));
        assertTrue(stderr.contains("--models-dir: models directory " + file + " is not a directory"), stderr);
    }

    @Test
    void aWrongModelsJsonIsARuntimeErrorNamingTheFileAndAlias(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("models.json"), "{\"aliases\": {\"fast\": \"missing-model\"}}");
        assertEquals(1, run("serve", "--models-dir", dir.toString()));
        assertTrue(stderr.contains("k3mcp: error: " + dir.resolve("models.json") + ": alias \"fast\": no model named "
                + "\"missing-model\""), stderr);
    }

    @Test
    void badEvictionLimitsAreUsageErrors(@TempDir Path dir) {
        assertEquals(2, run("serve", "--models-dir", dir.toString(), "--max-loaded", "-1"));
        assertTrue(stderr.contains("--max-loaded: -1 must be 0 (no limit) or more"), stderr);
        assertEquals(2, run("serve", "--models-dir", dir.toString(), "--memory-budget", "lots"));
        assertTrue(stderr.contains("--memory-budget: \"lots\" is not a size"), stderr);
        assertEquals(2, run("serve", "--models-dir", dir.toString(), "--memory-budget", "99999999999T"));
        assertTrue(stderr.contains("--memory-budget: \"99999999999T\" is too large"), stderr);
    }

    @Test
    void memoryBudgetSizesUseBinarySuffixes() {
        assertEquals(8L << 30, ModelOptions.parseSize("8G"));
        assertEquals(512L << 20, ModelOptions.parseSize("512m"));
        assertEquals(1536, ModelOptions.parseSize("1536"));
        assertEquals(0, ModelOptions.parseSize("0"));
    }
}
