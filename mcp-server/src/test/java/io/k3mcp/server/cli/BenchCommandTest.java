package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.synthetic.SyntheticModelWriter;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import io.k3mcp.tools.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code k3mcp bench}: usage errors exit 2; a run prints llama-bench rows (json: one array). */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(2, Main.run("bench", "--synthetic", "tinyllama-1.1b:q4_0", "-o", "xml"));
        assertEquals(2, Main.run("bench"));
        assertEquals(2, Main.run("bench", "--synthetic", "nope:q4_0"));
        assertEquals(2, Main.run("bench", "--model", tmp.resolve("missing.gguf").toString()));
        assertEquals(2, Main.run("bench", "--synthetic", "tinyllama-1.1b:q4_0", "-t", "0"));
        assertEquals(2, Main.run("bench", "--synthetic", "tinyllama-1.1b:q4_0", "-t", "x"));
        assertEquals(2, Main.run("bench", "--synthetic", "tinyllama-1.1b:q4_0", "--backend", "gpu"));
    }

    @Test
    void aLayerCountOutsideTheShapeIsAUsageErrorNamingTheFlag() {
        for (String layers : new String[] {"0", "49"}) {
            CliCapture.Result r = CliCapture.run("bench", "--synthetic", "qwen3-30b-a3b:q4_k_m", "--layers", layers);
            assertEquals(2, r.status(), r.stderr());
            assertTrue(r.stderr().contains("--layers:"), r.stderr());
        }
        CliCapture.Result r = CliCapture.run("bench", "--synthetic", "qwen3-30b-a3b:q4_k_m", "--layers", "49");
        assertTrue(r.stderr().contains("outside 1..48 (the layers of qwen3-30b-a3b)"), r.stderr());
    }

    private Path tinyModel() throws IOException {
        SyntheticShape shape = new SyntheticShape("cli-tiny", "llama", 256, 1, 4, 2, 64, 256, 300, 512, 10000f, 1e-5f,
                false, false, "llama", null);
        Path model = tmp.resolve("cli-tiny.gguf");
        SyntheticModelWriter.write(SyntheticPlan.of(shape, SyntheticType.Q4_0), model);
        return model;
    }

    @Test
    void depthRowsInTheTableAndCtxSizeChecked() throws Exception {
        Path model = tinyModel();
        CliCapture.Result md = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "4", "-n", "2", "-d", "0,16",
                "-r", "1", "--backend", "reference", "--no-record");
        assertEquals(0, md.status(), md.stderr());
        assertTrue(md.stdout().contains("| pp4 |") && md.stdout().contains("| tg2 @ d16 |"), md.stdout());
        CliCapture.Result q8 = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "0", "-n", "2", "-d", "8",
                "-ctk", "q8_0", "-ctv", "q8_0", "-r", "1", "--backend", "reference", "--no-record", "-o", "jsonl");
        assertEquals(0, q8.status(), q8.stderr());
        JsonNode row = Json.MAPPER.readTree(q8.stdout().lines().findFirst().orElseThrow());
        assertEquals("q8_0", row.get("type_k").asText());
        assertEquals("q8_0", row.get("type_v").asText());
        assertEquals(8, row.get("n_depth").asInt());
        assertEquals(-1, row.get("flash_attn").asInt());
        CliCapture.Result off = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "0", "-n", "2", "-d", "8",
                "-fa", "off", "-r", "1", "--backend", "native", "--no-record", "-o", "jsonl");
        assertEquals(0, off.status(), off.stderr());
        assertEquals(0, Json.MAPPER.readTree(off.stdout().lines().findFirst().orElseThrow()).get("flash_attn").asInt());
        CliCapture.Result referenceOn = CliCapture.run("bench", "--model", model.toString(), "-fa", "on", "--backend", "reference");
        assertEquals(2, referenceOn.status(), referenceOn.stderr());
        assertTrue(referenceOn.stderr().contains("-fa: the reference kernels have only the exact attention path"), referenceOn.stderr());
        CliCapture.Result badFa = CliCapture.run("bench", "--model", model.toString(), "-fa", "sometimes");
        assertEquals(2, badFa.status(), badFa.stderr());
        assertTrue(badFa.stderr().contains("-fa: flash attention must be on, off or auto, not 'sometimes'"), badFa.stderr());
        CliCapture.Result mixed = CliCapture.run("bench", "--model", model.toString(), "-ctk", "q8_0");
        assertEquals(2, mixed.status(), mixed.stderr());
        assertTrue(mixed.stderr().contains("--cache-type-v: K and V must use the same cache type, got q8_0 and f16"), mixed.stderr());
        CliCapture.Result past = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "4", "-n", "0",
                "--ctx-size", "600", "-r", "1", "--backend", "reference", "--no-record");
        assertEquals(2, past.status(), past.stderr());
        assertTrue(past.stderr().contains("--ctx-size: context size 600 is past the model's trained context of 512 tokens"),
                past.stderr());
        CliCapture.Result small = CliCapture.run("bench", "--model", model.toString(), "-p", "4", "-d", "16", "--ctx-size", "10");
        assertEquals(2, small.status(), small.stderr());
        assertTrue(small.stderr().contains("--ctx-size: 10 is below the 80 tokens"), small.stderr());
        CliCapture.Result negative = CliCapture.run("bench", "--model", model.toString(), "-d", "-1");
        assertEquals(2, negative.status(), negative.stderr());
        assertTrue(negative.stderr().contains("-d:"), negative.stderr());
    }

    @Test
    void interleaveRunsTheDepthsInTurnAndNeedsTwoOfThem() throws Exception {
        Path model = tinyModel();
        CliCapture.Result r = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "0", "-n", "2", "-d", "0,16",
                "--interleave", "-r", "2", "--backend", "reference", "--no-record", "-o", "jsonl");
        assertEquals(0, r.status(), r.stderr());
        List<JsonNode> rows = new java.util.ArrayList<>(); // jsonl: one row a line
        for (String line : r.stdout().lines().toList()) {
            rows.add(Json.MAPPER.readTree(line));
        }
        assertEquals(List.of(0, 16), rows.stream().map(n -> n.get("n_depth").asInt()).toList());
        assertTrue(rows.stream().allMatch(n -> n.get("samples_ts").size() == 2), r.stdout());
        CliCapture.Result one = CliCapture.run("bench", "--model", model.toString(), "-d", "16", "--interleave");
        assertEquals(2, one.status(), one.stderr());
        assertTrue(one.stderr().contains("--interleave: it takes the pp/tg repetitions in turn across the n_depth values"), one.stderr());
    }

    @Test
    void jsonOutputIsOneArrayWithARowPerTest() throws Exception {
        Path model = tinyModel();
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            status = Main.run("bench", "--model", model.toString(), "-t", "1", "-p", "4,8", "-n", "2", "-r", "1",
                    "--backend", "reference", "--no-record", "-o", "json", "--chart", tmp.resolve("c.svg").toString());
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, status);
        JsonNode rows = Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        assertEquals(3, rows.size());
        assertEquals("pp4", rows.get(0).get("test").asText());
        assertEquals(8, rows.get(1).get("n_prompt").asInt());
        assertEquals(2, rows.get(2).get("n_gen").asInt());
        assertTrue(rows.get(2).get("roofline_ts").isNumber());
        assertTrue(java.nio.file.Files.readString(tmp.resolve("c.svg")).startsWith("<?xml"));
    }

    @Test
    void parallelPrintsAggregateAndPerSequenceRowsAndBadValuesAreUsageErrors() throws Exception {
        SyntheticShape shape = new SyntheticShape("cli-tiny", "llama", 256, 1, 4, 2, 64, 256, 300, 512, 10000f, 1e-5f,
                false, false, "llama", null);
        Path model = tmp.resolve("cli-tiny-parallel.gguf");
        SyntheticModelWriter.write(SyntheticPlan.of(shape, SyntheticType.Q4_0), model);
        CliCapture.Result r = CliCapture.run("bench", "--model", model.toString(), "-t", "1", "-p", "4", "-n", "3",
                "--parallel", "1,2", "--backend", "reference", "--no-record");
        assertEquals(0, r.status(), r.stderr());
        assertTrue(r.stdout().contains("| tg3 x1 | 1 | 1 | 4 | 3 |") && r.stdout().contains("| tg3 x2 | 1 | 2 | 4 | 3 |"), r.stdout());
        CliCapture.Result bad = CliCapture.run("bench", "--model", model.toString(), "--parallel", "0");
        assertEquals(2, bad.status());
        assertTrue(bad.stderr().contains("--parallel:"), bad.stderr());
        CliCapture.Result specAlone = CliCapture.run("bench", "--model", model.toString(), "--spec");
        assertEquals(2, specAlone.status());
        assertTrue(specAlone.stderr().contains("--spec:") && specAlone.stderr().contains("the speculation rows time the agentic turn"), specAlone.stderr());
    }
}
