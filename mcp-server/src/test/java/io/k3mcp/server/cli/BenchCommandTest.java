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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

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

    @Test
    void jsonOutputIsOneArrayWithARowPerTest() throws Exception {
        SyntheticShape shape = new SyntheticShape("cli-tiny", "llama", 256, 1, 4, 2, 64, 256, 300, 512, 10000f, 1e-5f,
                false, false, "llama", null);
        Path model = tmp.resolve("cli-tiny.gguf");
        SyntheticModelWriter.write(SyntheticPlan.of(shape, SyntheticType.Q4_0), model);
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
