package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.tools.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code k3mcp embed} through Main: the --json document is the tool's JSON; bad flags exit 2 naming the flag. */
class EmbedCommandTest {
    private static final String MODEL = Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models",
            "all-minilm-l6-v2-f16.gguf").toString();

    /** Runs the CLI with stdout and stderr captured; returns {status, stdout, stderr}. */
    private static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            status = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {Integer.toString(status), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void jsonDocumentFollowsTheContract() {
        String[] r = run("embed", "--model", MODEL, "--text", "fan speed", "--text", "", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode json = Json.parse(r[1]);
        assertEquals(MODEL, json.get("model").asText());
        assertEquals(384, json.get("dim").asInt());
        assertEquals("mean", json.get("pooling").asText());
        assertTrue(json.get("normalized").asBoolean());
        assertEquals(2, json.get("embeddings").size());
        assertEquals(384, json.get("embeddings").get(0).size());
        assertEquals("[4,2]", json.get("token_counts").toString());
    }

    @Test
    void noNormalizeAndPoolingFlagsReachTheTool() {
        String[] r = run("embed", "--model", MODEL, "--text", "fan", "--pooling", "cls", "--no-normalize", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode json = Json.parse(r[1]);
        assertEquals("cls", json.get("pooling").asText());
        assertTrue(!json.get("normalized").asBoolean());
    }

    @Test
    void usageErrorsExitTwoNamingTheFlag() {
        String[] pooling = run("embed", "--model", MODEL, "--text", "a", "--pooling", "max");
        assertEquals("2", pooling[0]);
        assertTrue(pooling[2].contains("--pooling") && pooling[2].contains("'max'"), pooling[2]);
        assertEquals("", pooling[1], "nothing on stdout");
        String[] missing = run("embed", "--model", "/nonexistent/m.gguf", "--text", "a");
        assertEquals("2", missing[0]);
        assertTrue(missing[2].contains("--model") && missing[2].contains("/nonexistent/m.gguf"), missing[2]);
        assertEquals("2", run("embed", "--model", MODEL)[0], "--text is required");
        String[] threads = run("embed", "--model", MODEL, "--text", "a", "--threads", "0");
        assertEquals("2", threads[0]);
        assertTrue(threads[2].contains("--threads"), threads[2]);
    }
}
