package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** llama-bench semantics on a tiny synthetic model with the reference kernels (no timing assertions). */
class BenchRunnerTest {
    static BenchResult result;
    static List<String> progress = new ArrayList<>();

    @TempDir
    static Path tmp;

    static BenchRunner runner() throws IOException {
        Path cpuinfo = tmp.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Test CPU 3000\n\nprocessor\t: 1\nmodel name\t: Test CPU 3000\n");
        return new BenchRunner(new BoardReader(Files.createDirectories(tmp.resolve("no-sysfs"))), cpuinfo);
    }

    static BenchConfig config(List<Integer> threads, List<Integer> p, List<Integer> n, int reps, boolean turn) throws IOException {
        return new BenchConfig(TinyModel.q8(), null, threads, p, n, reps, null, turn, Backend.REFERENCE, 1 << 20, null, 0);
    }

    @BeforeAll
    static void runOnce() throws IOException {
        result = runner().run(config(List.of(1, 2), List.of(8, 16), List.of(4), 3, false),
                (done, total, msg) -> progress.add(done + "/" + total + " " + msg), Cancellation.none());
    }

    @Test
    void oneRowPerThreadsAndTestInLlamaBenchOrder() {
        List<String> order = result.rows().stream().map(r -> r.nThreads() + ":" + r.test()).toList();
        assertEquals(List.of("1:pp8", "1:pp16", "1:tg4", "2:pp8", "2:pp16", "2:tg4"), order);
        BenchRow pp = result.rows().get(1);
        assertEquals(16, pp.nPrompt());
        assertEquals(0, pp.nGen());
        BenchRow tg = result.rows().get(2);
        assertEquals(0, tg.nPrompt());
        assertEquals(4, tg.nGen());
    }

    @Test
    void statisticsFollowFromTheSamples() {
        for (BenchRow r : result.rows()) {
            assertEquals(3, r.samplesNs().size());
            double[] ns = r.samplesNs().stream().mapToDouble(Long::doubleValue).toArray();
            double mean = (ns[0] + ns[1] + ns[2]) / 3;
            double sd = Math.sqrt(((ns[0] - mean) * (ns[0] - mean) + (ns[1] - mean) * (ns[1] - mean)
                    + (ns[2] - mean) * (ns[2] - mean)) / 2);
            assertEquals(Math.round(mean), r.avgNs());
            assertEquals(Math.round(sd), r.stddevNs());
            for (int i = 0; i < 3; i++) {
                assertEquals(r.nTokens() * 1e9 / ns[i], r.samplesTs().get(i), 1e-9);
            }
            double tsMean = r.samplesTs().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(tsMean, r.avgTs(), 1e-9);
        }
    }

    @Test
    void rooflineOnTgRowsOnly() throws IOException {
        long perToken;
        long kvPerToken;
        try (GgufFile f = GgufFile.open(TinyModel.q8())) {
            perToken = ModelInfo.of(f).weightBytesPerToken();
            // tg4 decodes positions 0..3 on an empty f16 cache: they read 1, 2, 3, 4 key and value rows of every layer
            long layers = f.metadata().optLong("llama.block_count").orElseThrow();
            long kvDim = f.metadata().optLong("llama.attention.head_count_kv").orElseThrow()
                    * f.metadata().optLong("llama.embedding_length").orElseThrow() / f.metadata().optLong("llama.attention.head_count").orElseThrow();
            kvPerToken = layers * 2 * kvDim * 2 * (1 + 2 + 3 + 4) / 4;
            long embdRow = f.require("token_embd.weight").byteSize() / 320;
            long rest = f.tensors().stream().filter(t -> !t.name().equals("token_embd.weight")).mapToLong(t -> t.byteSize()).sum();
            assertEquals(rest + embdRow, perToken, "every tensor once, plus one embedding row");
        }
        for (BenchRow r : result.rows()) {
            assertEquals("reference", r.backend());
            assertEquals("java-fallback", r.bandwidthSource());
            assertNotNull(r.bandwidthGbs());
            if (r.nGen() > 0) {
                assertEquals(kvPerToken, r.kvBytesPerToken());
                assertEquals(r.bandwidthGbs() * 1e9 / (perToken + kvPerToken), r.rooflineTs(), 1e-6);
                assertEquals(r.avgTs() / r.rooflineTs(), r.rooflineFraction(), 1e-12);
            } else {
                assertNull(r.rooflineTs());
                assertNull(r.kvBytesPerToken());
                assertNull(r.rooflineFraction());
            }
        }
        // a tg row's bandwidth is its own: reads between its repetitions, not the best-of-five probe before the tests
        // that the pp rows carry (two timings of a streaming read agreeing to the last bit do not happen)
        BenchRow pp = result.rows().stream().filter(r -> r.nGen() == 0).findFirst().orElseThrow();
        BenchRow tg = result.rows().stream().filter(r -> r.nGen() > 0).findFirst().orElseThrow();
        assertNotEquals(pp.bandwidthGbs(), tg.bandwidthGbs(), "the tg row's bandwidth is the probe before the tests");
    }

    @Test
    void prefillOnlyRunsWithoutAProbe() throws IOException {
        // no tg test: no bandwidth probe, so the rows carry no bandwidth and no roofline (this threw on unboxing a null)
        BenchResult pp = runner().run(config(List.of(1), List.of(8), List.of(0), 1, false), (done, total, msg) -> { },
                Cancellation.none());
        assertEquals(List.of("pp8"), pp.rows().stream().map(BenchRow::test).toList());
        BenchRow r = pp.rows().get(0);
        assertTrue(r.avgTs() > 0, "a measured rate");
        assertNull(r.bandwidthGbs());
        assertNull(r.bandwidthSource());
        assertNull(r.rooflineTs());
        assertNull(r.rooflineFraction());
    }

    @Test
    void rowsCarryLlamaBenchAndK3mcpFieldNames() {
        JsonNode row = Json.tree(result.rows().get(0));
        for (String f : BenchFormats.CONTRACT_FIELDS) {
            assertTrue(row.has(f), "row lacks " + f + ": " + row);
        }
        assertEquals("bench-tiny-q8_0.gguf", row.get("model_filename").asText());
        assertEquals("llama 1M Q8_0", row.get("model_type").asText());
        assertEquals("Test CPU 3000", row.get("cpu_info").asText());
        assertEquals("f16", row.get("type_k").asText());
    }

    @Test
    void progressPerRepetitionIncludingWarmUps() {
        // 6 tests x (1 warm-up + 3 repetitions)
        assertEquals(24, progress.size());
        assertTrue(progress.get(23).startsWith("24.0/24.0"), progress.get(23));
    }

    @Test
    void turnReportsPrefillDecodeOverallAndSeconds() throws IOException {
        BenchResult r = runner().run(config(List.of(1), List.of(), List.of(3), 1, true), (d, t, m) -> { }, Cancellation.none());
        assertEquals(1, r.turns().size());
        TurnResult t = r.turns().get(0);
        assertEquals(TurnBenchmark.PROMPT_TOKENS, t.promptTokens());
        assertEquals(3, t.completionTokens());
        assertEquals(t.prefillSeconds() + t.decodeSeconds(), t.turnSeconds(), 1e-12);
        assertEquals((t.promptTokens() + 3) / t.turnSeconds(), t.overallTs(), 1e-9);
        assertEquals(t.promptTokens() / t.prefillSeconds(), t.prefillTs(), 1e-9);
        assertTrue(r.rows().isEmpty());
    }

    @Test
    void cancellationStopsBetweenRepetitions() {
        Cancellation c = new Cancellation();
        assertThrows(CancellationException.class, () -> runner().run(config(List.of(1), List.of(8), List.of(), 5, false),
                (done, total, msg) -> c.cancel("test"), c));
    }

    @Test
    void missingModelIsAClearError() {
        BenchConfig cfg = new BenchConfig(tmp.resolve("nope.gguf"), null, List.of(1), List.of(8), List.of(), 1, null, false,
                Backend.REFERENCE, 1 << 20, null, 0);
        IOException e = assertThrows(IOException.class, () -> runner().run(cfg, (d, t, m) -> { }, Cancellation.none()));
        assertTrue(e.getMessage().contains("nope.gguf"));
    }
}
