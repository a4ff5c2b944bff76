package io.k3mcp.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.board.BoardStatusTool;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code k3mcp board --json --root <fixture>} end to end, against a golden file (node_exporter's e2e
 * style). Regenerate after a deliberate change with {@code -Dk3mcp.updateGolden=true}, then review
 * the diff against the fixture tree before committing.
 */
class BoardCommandTest {
    private static final Path FIXTURES = Path.of("../board/src/test/resources/fixtures");
    private static final Path GOLDEN = Path.of("src/test/resources/golden/board-k3-jupiter2.json");

    /** What one command line printed and returned. */
    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void k3FixtureMatchesTheGoldenJson() throws Exception {
        Run run = run("board", "--json", "--root", FIXTURES.resolve("k3-jupiter2").toString());
        assertEquals(0, run.status(), run.err());
        JsonNode actual = Json.MAPPER.readTree(run.out());
        if (Boolean.getBoolean("k3mcp.updateGolden")) {
            Files.writeString(GOLDEN, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
        }
        JsonNode expected = Json.MAPPER.readTree(GOLDEN.toFile());
        assertEquals(expected, actual, "board --json differs from " + GOLDEN + " (see the class comment)");
        // spot checks against the fixture tree itself, so the golden file cannot drift silently
        assertEquals("SpacemiT K3 Pico ITX", actual.at("/board/model").asText());
        assertEquals("8-11", actual.at("/cpu/clusters/0/cpu_list").asText());
        assertEquals("ai", actual.at("/cpu/clusters/0/kind").asText());
        assertEquals(67.2, actual.at("/thermal/0/temp_c").asDouble());
        assertEquals("thermal_cluster0", actual.at("/thermal/0/type").asText());
        assertEquals(3194, actual.at("/fans/1/rpm").asInt());
        assertEquals(153, actual.at("/fans/0/pwm").asInt());
        assertEquals("TY7B-128", actual.at("/storage/0/model").asText());
        assertEquals("ufs", actual.at("/storage/0/transport").asText());
        assertEquals("fast", actual.at("/kernel/flags/unaligned_vector_speed").asText());
        assertEquals(true, actual.at("/k3/ai_fence/present").asBoolean());
    }

    @Test
    void everyFixtureConformsToTheOutputSchema() throws Exception {
        JsonSchemaValidator validator = new DefaultJsonSchemaValidator();
        @SuppressWarnings("unchecked")
        Map<String, Object> schema = Json.MAPPER.convertValue(new BoardStatusTool().outputSchema(), Map.class);
        for (String fixture : new String[] {"k3-jupiter2", "x86-server", "aarch64-sbc"}) {
            Run run = run("board", "--json", "--root", FIXTURES.resolve(fixture).toString(), "--samples", "2",
                    "--interval-ms", "10");
            assertEquals(0, run.status(), run.err());
            Object document = Json.MAPPER.readValue(run.out(), Object.class);
            JsonSchemaValidator.ValidationResponse response = validator.validate(schema, document);
            assertTrue(response.valid(), fixture + ": " + response.errorMessage());
        }
    }

    @Test
    void otherFixturesReportTheirOwnValues() throws Exception {
        JsonNode x86 = Json.MAPPER.readTree(run("board", "--json", "--root", FIXTURES.resolve("x86-server").toString())
                .out());
        assertEquals("PowerEdge R650", x86.at("/board/model").asText());
        assertEquals(215.5, x86.at("/power/2/watts").asDouble());
        assertEquals(false, x86.at("/k3/detected").asBoolean());
        JsonNode sbc = Json.MAPPER.readTree(run("board", "--json", "--root", FIXTURES.resolve("aarch64-sbc").toString())
                .out());
        assertEquals("Cortex-A76", sbc.at("/cpu/clusters/0/model_name").asText());
        assertEquals(2856, sbc.at("/fans/0/rpm").asInt());
    }

    @Test
    void textReportWithoutJson() {
        Run run = run("board", "--root", FIXTURES.resolve("k3-jupiter2").toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("SpacemiT K3 Pico ITX"), run.out());
        assertTrue(run.out().contains("/soc/linlon-v5@c0500000 [arm china,linlon-v5]: present, no driver"), run.out());
        assertTrue(run.out().contains("cros_ec/fan1 3194 rpm"), run.out());
    }

    @Test
    void usageErrorsExitTwoAndNameTheFlag() {
        String k3 = FIXTURES.resolve("k3-jupiter2").toString();
        Run samples = run("board", "--root", k3, "--samples", "0");
        assertEquals(2, samples.status());
        assertTrue(samples.err().contains("--samples: must be from 1 to 600, got 0"), samples.err());
        Run interval = run("board", "--root", k3, "--samples", "2", "--interval-ms", "5");
        assertEquals(2, interval.status());
        assertTrue(interval.err().contains("--interval-ms: must be from 10 to 60000, got 5"), interval.err());
        Run notANumber = run("board", "--samples", "many");
        assertEquals(2, notANumber.status());
        assertTrue(notANumber.err().contains("--samples"), notANumber.err());
        Run missingRoot = run("board", "--root", "/no/such/root");
        assertEquals(2, missingRoot.status());
        assertTrue(missingRoot.err().contains("--root: not a directory: /no/such/root"), missingRoot.err());
        Run unknown = run("board", "--bogus");
        assertEquals(2, unknown.status());
        assertTrue(unknown.out().isEmpty(), "nothing on stdout for a usage error");
    }
}
