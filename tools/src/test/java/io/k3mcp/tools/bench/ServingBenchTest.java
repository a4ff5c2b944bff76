package io.k3mcp.tools.bench;

import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.ToolInputException;
import io.k3mcp.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench --parallel and --turn --spec run and print their rows; their counts and draft fractions are what was asked. */
class ServingBenchTest {
    @TempDir
    Path tmp;

    private BenchRunner runner() throws IOException {
        Path cpuinfo = tmp.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: Test CPU 3000\n");
        return new BenchRunner(new BoardReader(Files.createDirectories(tmp.resolve("no-sysfs"))), cpuinfo);
    }

    private static BenchConfig config(List<Integer> parallel, boolean turn, boolean spec) throws IOException {
        return new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(6), 1, null, turn, Backend.REFERENCE, 1 << 20,
                null, 0, parallel, spec);
    }

    @Test
    void parallelRowsGiveAggregateAndPerSequenceRates() throws IOException {
        BenchResult r = runner().run(config(List.of(1, 2, 4), false, false), (d, t, m) -> { }, Cancellation.none());
        assertEquals(List.of("tg6 x1", "tg6 x2", "tg6 x4"), r.serving().stream().map(ServingBench.Row::test).toList());
        for (ServingBench.Row row : r.serving()) {
            assertEquals(6, row.nGen());
            assertEquals(8, row.nPrompt());
            assertEquals(row.sequences() * 6 / row.decodeSeconds(), row.aggregateTs(), 1e-6 * row.aggregateTs());
            assertEquals(6 / row.decodeSeconds(), row.perSequenceTs(), 1e-6 * row.perSequenceTs());
        }
        String md = BenchFormats.format("md", r);
        assertTrue(md.contains("| aggregate t/s | per sequence t/s |") && md.contains("| tg6 x4 | 1 | 4 | 8 | 6 |"), md);
    }

    @Test
    void specRowsTimeTheTurnWithNoWrongAndRightDrafts() throws IOException {
        BenchResult r = runner().run(config(List.of(), true, true), (d, t, m) -> { }, Cancellation.none());
        assertEquals(List.of("spec-off", "spec-wrong", "spec-own", "spec-lookup"), r.serving().stream().map(ServingBench.Row::test).toList());
        assertNull(r.serving().get(0).accepted());
        assertEquals(0.0, r.serving().get(1).accepted(), "always-wrong drafts are all rejected");
        assertEquals(1.0, r.serving().get(2).accepted(), "the model's own continuation is all accepted");
        for (ServingBench.Row row : r.serving()) {
            assertEquals(TurnBenchmark.PROMPT_TOKENS, row.nPrompt());
            assertEquals(6, row.nGen());
        }
    }

    @Test
    void servingRowsRunOnTheRequestedKvType() throws IOException {
        BenchConfig q8 = new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(6), 1, null, true, Backend.REFERENCE,
                1 << 20, null, 0, List.of(0), 0, io.k3mcp.kernels.GgmlType.Q8_0, io.k3mcp.kernels.FlashAttention.AUTO, List.of(), true, false);
        BenchResult r = runner().run(q8, (d, t, m) -> { }, Cancellation.none());
        // the own-continuation drafts come from a Q8_0 (rotated) session too, so every one is accepted
        assertEquals(1.0, r.serving().get(2).accepted(), "own continuation on a Q8_0 cache");
        assertEquals(0.0, r.serving().get(1).accepted());
        BenchConfig q4 = new BenchConfig(TinyModel.q8(), null, List.of(1), List.of(8), List.of(6), 1, null, false, Backend.REFERENCE,
                1 << 20, null, 0, List.of(0), 0, io.k3mcp.kernels.GgmlType.Q4_0, io.k3mcp.kernels.FlashAttention.AUTO, List.of(2), false, false);
        assertEquals(List.of("tg6 x2"), runner().run(q4, (d, t, m) -> { }, Cancellation.none()).serving().stream()
                .map(ServingBench.Row::test).toList());
    }

    @Test
    void badServingOptionsAreRefusedByName() {
        BenchmarkTool tool = BenchmarkTool.onThisMachine(null, tmp.resolve("h.jsonl"));
        String model = "\"synthetic\":\"tinyllama-1.1b:q4_0\"";
        assertEquals("spec", assertThrows(ToolInputException.class, () -> tool.parse(Json.parse("{" + model + ",\"spec\":true}"))).argument());
        assertEquals("spec", assertThrows(ToolInputException.class,
                () -> tool.parse(Json.parse("{" + model + ",\"turn\":true,\"spec\":true,\"parallel\":[2]}"))).argument());
        assertEquals("parallel", assertThrows(ToolInputException.class, () -> tool.parse(Json.parse("{" + model + ",\"parallel\":[0]}"))).argument());
        assertEquals("parallel", assertThrows(ToolInputException.class, () -> tool.parse(Json.parse("{" + model + ",\"parallel\":[65]}"))).argument());
    }
}
