package io.k3mcp.tools.bench;

import io.k3mcp.tools.Json;
import io.k3mcp.tools.ToolInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Argument validation of the benchmark tool, --cores resolution and the board reader. */
class BenchInputTest {
    @TempDir
    Path tmp;

    BenchmarkTool tool() {
        return new BenchmarkTool(new BenchRunner(new BoardReader(tmp), tmp.resolve("cpuinfo")), new BenchHistory(tmp.resolve("h.jsonl")), null);
    }

    String error(String json) {
        return assertThrows(ToolInputException.class, () -> tool().parse(Json.parse(json))).getMessage();
    }

    @Test
    void defaultsAndCommaListsParse() throws Exception {
        BenchmarkTool.Input in = tool().parse(Json.parse("{\"synthetic\": \"qwen3-0.6b:q4_k_m\", \"threads\": [1, 2], \"n_prompt\": [128, 512]}"));
        BenchConfig c = in.config();
        assertEquals(List.of(1, 2), c.threads());
        assertEquals(List.of(128, 512), c.nPrompt());
        assertEquals(List.of(64), c.nGen());
        assertEquals(3, c.repetitions());
        assertEquals(Backend.AUTO, c.backend());
        assertTrue(in.record());
        BenchConfig turn = tool().parse(Json.parse("{\"synthetic\": \"qwen3-0.6b:q4_0\", \"turn\": true}")).config();
        assertEquals(List.of(TurnBenchmark.DEFAULT_GEN), turn.nGen());
        String synthetic = tool().inputSchema().get("properties").get("synthetic").get("description").asText();
        for (String name : io.k3mcp.engine.synthetic.SyntheticShape.KNOWN.keySet()) {
            assertTrue(synthetic.contains(name), name + " missing from " + synthetic);
        }
        assertTrue(synthetic.endsWith("iq4_nl, iq4_xs") && synthetic.contains("qwen3.6-35b-a3b"), synthetic);
    }

    @Test
    void badArgumentsNameTheArgument() throws ToolInputException {
        assertTrue(error("{}").startsWith("model:"));
        assertTrue(error("{\"model\": \"a.gguf\", \"synthetic\": \"tinyllama-1.1b:q4_0\"}").startsWith("synthetic:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q9\"}").contains("q9"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"threads\": [0]}").startsWith("threads:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"threads\": []}").startsWith("threads:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"n_prompt\": [99999]}").startsWith("n_prompt:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"repetitions\": 0}").startsWith("repetitions:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"backend\": \"gpu\"}").startsWith("backend:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"turn\": \"yes\"}").startsWith("turn:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"n_prompt\": [0], \"n_gen\": [0]}").startsWith("n_prompt:"));
        assertTrue(error("{\"model\": 3}").startsWith("model:"));
        String typo = error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"n_ctx\": 4096}");
        assertTrue(typo.startsWith("n_ctx: unknown argument; expected one of [backend, cores, ctx_size, flash_attn, interleave,"), typo);
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"interleave\": true}").startsWith("interleave: it takes the pp/tg"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"interleave\": true, \"turn\": true}").startsWith("interleave:"));
        assertTrue(error("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"interleave\": 1, \"n_depth\": [0, 8]}").startsWith("interleave:"));
        assertTrue(tool().parse(Json.parse("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"interleave\": true, \"n_depth\": [0, 8]}"))
                .config().interleave());
        assertTrue(!tool().parse(Json.parse("{\"synthetic\": \"tinyllama-1.1b:q4_0\", \"n_depth\": [0, 8]}")).config().interleave());
    }

    @Test
    void layersCutASyntheticModelWithinItsShape() throws Exception {
        BenchConfig c = tool().parse(Json.parse("{\"synthetic\": \"qwen3-30b-a3b:q4_k_m\", \"layers\": 6}")).config();
        assertEquals(6, c.layers());
        assertEquals("synthetic:qwen3-30b-a3b:q4_k_m layers 6", c.modelLabel());
        assertEquals(0, tool().parse(Json.parse("{\"synthetic\": \"qwen3-30b-a3b:q4_k_m\"}")).config().layers());
        String many = error("{\"synthetic\": \"qwen3-30b-a3b:q4_k_m\", \"layers\": 49}");
        assertTrue(many.startsWith("layers:") && many.contains("outside 1..48"), many);
        assertTrue(error("{\"synthetic\": \"qwen3-30b-a3b:q4_k_m\", \"layers\": 0}").startsWith("layers:"));
        assertTrue(error("{\"model\": \"a.gguf\", \"layers\": 2}").startsWith("layers:"));
    }

    @Test
    void schemasAreObjects() {
        assertEquals("object", tool().inputSchema().get("type").asText());
        assertTrue(tool().outputSchema().get("required").toString().contains("rows"));
        assertEquals("benchmark", tool().name());
    }

    @Test
    void cpuListsAndK3CoreKinds() throws Exception {
        assertArrayEquals(new int[] {0, 1, 2, 3, 6}, CpuList.resolve("0-3,6", tmp));
        assertArrayEquals(new int[0], CpuList.resolve(null, tmp));
        assertEquals("0-3,6,8-9", CpuList.format(new int[] {0, 1, 2, 3, 6, 8, 9}));
        assertThrows(IllegalArgumentException.class, () -> CpuList.resolve("3-1", tmp));
        assertThrows(IllegalArgumentException.class, () -> CpuList.resolve("a,b", tmp));
        Path cpuinfo = tmp.resolve("cpuinfo");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append("processor\t: ").append(i).append("\nmodel name\t: Spacemit(R) ").append(i < 8 ? "X100" : "A100").append("\n\n");
        }
        Files.writeString(cpuinfo, sb.toString());
        assertArrayEquals(new int[] {8, 9, 10, 11, 12, 13, 14, 15}, CpuList.resolve("a100", cpuinfo));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, CpuList.resolve("X100", cpuinfo));
        Files.writeString(cpuinfo, "processor\t: 0\nmodel name\t: AMD EPYC\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CpuList.resolve("a100", cpuinfo)).getMessage().contains("K3"));
        assertThrows(IllegalArgumentException.class, () -> CpuList.resolve("x100", tmp.resolve("missing")));
    }

    @Test
    void boardReaderTakesTheHottestZoneMeanClockAndFan() throws Exception {
        Files.createDirectories(tmp.resolve("sys/class/thermal/thermal_zone0"));
        Files.createDirectories(tmp.resolve("sys/class/thermal/thermal_zone1"));
        Files.writeString(tmp.resolve("sys/class/thermal/thermal_zone0/temp"), "59000\n");
        Files.writeString(tmp.resolve("sys/class/thermal/thermal_zone1/temp"), "64500\n");
        for (int c = 0; c < 2; c++) {
            Files.createDirectories(tmp.resolve("sys/devices/system/cpu/cpu" + c + "/cpufreq"));
            Files.writeString(tmp.resolve("sys/devices/system/cpu/cpu" + c + "/cpufreq/scaling_cur_freq"), c == 0 ? "2400000\n" : "2000000\n");
        }
        Files.createDirectories(tmp.resolve("sys/class/hwmon/hwmon0"));
        Files.writeString(tmp.resolve("sys/class/hwmon/hwmon0/fan1_input"), "2335\n");
        BoardReader.Reading r = new BoardReader(tmp).read();
        assertEquals(64.5, r.maxTempC(), 1e-9);
        assertEquals(2200, r.cpuMhz(), 1e-9);
        assertEquals(2335, r.fanRpm(), 1e-9);
        BoardReader.Reading none = new BoardReader(Files.createDirectories(tmp.resolve("empty"))).read();
        assertTrue(Double.isNaN(none.maxTempC()) && Double.isNaN(none.cpuMhz()) && Double.isNaN(none.fanRpm()));
    }
}
