package io.k3mcp.tools.board;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.board.BoardStatus;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class BoardStatusToolTest {
    private static final Path K3 = Path.of("../board/src/test/resources/fixtures/k3-jupiter2");
    private final BoardStatusTool tool = new BoardStatusTool();

    private BoardStatusInput parse(String json) throws ToolInputException {
        return tool.parse(Json.parse(json));
    }

    private static List<String> keys(JsonNode node) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    @Test
    void defaults() throws Exception {
        assertEquals(new BoardStatusInput(Path.of("/"), 1, 1000), parse("{}"));
        assertEquals(new BoardStatusInput(Path.of("/"), 1, 1000), tool.parse(null));
        assertEquals(new BoardStatusInput(K3, 600, 10),
                parse("{\"root\": \"" + K3 + "\", \"samples\": 600, \"interval_ms\": 10}"));
    }

    @Test
    void badArgumentsAreNamed() {
        assertArgument("samples", "{\"samples\": 0}", "from 1 to 600");
        assertArgument("samples", "{\"samples\": 601}", "from 1 to 600");
        assertArgument("samples", "{\"samples\": \"3\"}", "expected an integer");
        assertArgument("samples", "{\"samples\": 1.5}", "expected an integer");
        assertArgument("interval_ms", "{\"interval_ms\": 9}", "from 10 to 60000");
        assertArgument("interval_ms", "{\"interval_ms\": 60001}", "from 10 to 60000");
        assertArgument("root", "{\"root\": \"/no/such/dir\"}", "not a directory: /no/such/dir");
        assertArgument("root", "{\"root\": 5}", "expected a non-empty string");
        assertArgument("root", "{\"root\": \"\"}", "expected a non-empty string");
        assertArgument("sample", "{\"sample\": 2}", "unknown argument");
        assertArgument("arguments", "[1]", "expected an object");
    }

    private void assertArgument(String argument, String json, String message) {
        ToolInputException e = assertThrows(ToolInputException.class, () -> parse(json), json);
        assertEquals(argument, e.argument());
        assertTrue(e.getMessage().startsWith(argument + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void schemasCarryBoundsAndDefaults() {
        JsonNode props = tool.inputSchema().get("properties");
        assertEquals(1, props.get("samples").get("minimum").asInt());
        assertEquals(600, props.get("samples").get("maximum").asInt());
        assertEquals(1000, props.get("interval_ms").get("default").asInt());
        assertEquals("/", props.get("root").get("default").asText());
        assertEquals(List.of("board", "cpu", "memory", "thermal", "fans", "power", "accelerators", "storage",
                "kernel", "k3", "warnings"), Json.MAPPER.convertValue(tool.outputSchema().get("required"), List.class));
        assertEquals("board-status", tool.name());
    }

    @Test
    void oneSampleGivesExactlyTheContractKeys() throws Exception {
        BoardStatus status = tool.run(parse("{\"root\": \"" + K3 + "\"}"), Progress.NONE, Cancellation.none());
        JsonNode json = Json.tree(status);
        assertEquals(List.of("board", "cpu", "memory", "thermal", "fans", "power", "accelerators", "storage",
                "kernel", "k3", "warnings"), keys(json));
        assertEquals(67.2, json.get("thermal").get(0).get("temp_c").asDouble());
        assertEquals(3194, json.get("fans").get(1).get("rpm").asInt());
        assertEquals("present, no driver", json.get("accelerators").get("npus").get(0).get("state").asText());
        String summary = tool.summarize(status);
        assertTrue(summary.startsWith("SpacemiT K3 Pico ITX (SpacemiT K3), riscv64, 16/16 cpus online"), summary);
        assertTrue(summary.contains("cluster 0 [ai] cpus 8-11 Spacemit(R) A100 at 2000 MHz"), summary);
        assertTrue(summary.contains("cros_ec/fan1 3194 rpm"), summary);
        assertTrue(summary.contains("pwmfan/pwm1 pwm 153 (60 %) manual"), summary);
        assertTrue(summary.contains("hottest thermal_cluster0 67.2 C"), summary);
    }

    @Test
    void samplingReportsProgressAndAddsSeries() throws Exception {
        List<String> progress = new ArrayList<>();
        BoardStatus status = tool.run(parse("{\"root\": \"" + K3 + "\", \"samples\": 3, \"interval_ms\": 10}"),
                (done, total, message) -> progress.add(message), Cancellation.none());
        assertEquals(List.of("sample 1/3", "sample 2/3", "sample 3/3"), progress);
        JsonNode json = Json.tree(status);
        assertTrue(json.has("samples") && json.has("summary"));
        assertEquals(3, json.get("samples").size());
        JsonNode cluster0 = json.get("summary").get("temp_c").get(0);
        assertEquals("thermal_cluster0", cluster0.get("name").asText());
        assertEquals(67.2, cluster0.get("max").asDouble());
        assertEquals(List.of("board", "cpu", "memory", "thermal", "fans", "power", "accelerators", "storage",
                "kernel", "k3", "warnings", "samples", "summary"), keys(json));
        assertTrue(tool.summarize(status).contains("3 samples every 10 ms"));
    }

    @Test
    void cancellationStopsBetweenSamples() throws Exception {
        BoardStatusInput input = parse("{\"root\": \"" + K3 + "\", \"samples\": 5, \"interval_ms\": 10}");
        Cancellation cancel = new Cancellation();
        List<Double> done = new ArrayList<>();
        CancellationException e = assertThrows(CancellationException.class, () -> tool.run(input,
                (d, total, message) -> {
                    done.add(d);
                    cancel.cancel("client went away");
                }, cancel));
        assertEquals(List.of(1.0), done);
        assertTrue(e.getMessage().contains("client went away"));
        Cancellation already = new Cancellation();
        already.cancel("before start");
        assertThrows(CancellationException.class, () -> tool.run(input, Progress.NONE, already));
    }

    @Test
    void liveRootRuns() throws Exception {
        BoardStatus status = tool.run(parse("{}"), Progress.NONE, Cancellation.none());
        assertTrue(status.cpu().countOnline() >= 1);
        assertTrue(!tool.summarize(status).isBlank());
        assertTrue(!BoardText.report(status).isBlank());
    }
}
