package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code k3mcp tokenize} against llama.cpp's ids in ../shared/fixtures/tokenizer.json, and its exit statuses. */
class TokenizeCommandTest {
    private String stdout;
    private String stderr;

    private int run(String... args) {
        CliCapture.Result r = CliCapture.run(args);
        stdout = r.stdout();
        stderr = r.stderr();
        return r.status();
    }

    private static Path shared() {
        return CliCapture.shared();
    }

    private static String model(String file) {
        return CliCapture.sharedModel(file).toString();
    }

    /** The fixture entry for one text under one model and mode ("default" or "parse_special"). */
    private static JsonNode golden(String model, String mode, String text) throws IOException {
        JsonNode results = new ObjectMapper().readTree(shared().resolve("fixtures/tokenizer.json").toFile())
                .get("models").get(model).get(mode).get("results");
        for (JsonNode r : results) {
            if (r.get("text").asText().equals(text)) {
                return r;
            }
        }
        throw new AssertionError("no fixture for " + text);
    }

    @Test
    void jsonIdsAndPiecesMatchLlamaCpp() throws IOException {
        String[][] cases = {{"llama-2-tiny-random", "llama-2-tiny-random.gguf", "Hello world"},
            {"llama-mini", "llama-mini-f16.gguf", "\u4e2d\u6587\u5206\u8bcd\u6d4b\u8bd5"}};
        for (String[] c : cases) {
            assertEquals(0, run("tokenize", "--model", model(c[1]), "--text", c[2], "--json"), stderr);
            JsonNode doc = new ObjectMapper().readTree(stdout);
            JsonNode want = golden(c[0], "default", c[2]);
            assertEquals(want.get("ids"), doc.get("ids"), c[2]);
            // byte-fallback pieces are lone bytes: U+FFFD in both
            assertEquals(want.get("pieces"), doc.get("pieces"), c[2]);
        }
    }

    @Test
    void specialParsesControlTokens() throws IOException {
        String text = "<|im_start|>user\nHi<|im_end|>";
        assertEquals(0, run("tokenize", "--model", model("qwen3-mini-f16.gguf"), "--text", text, "--special", "--json"), stderr);
        assertEquals(golden("qwen3-mini", "parse_special", text).get("ids"), new ObjectMapper().readTree(stdout).get("ids"));
        assertEquals(0, run("tokenize", "--model", model("qwen3-mini-f16.gguf"), "--text", text, "--json"), stderr);
        assertEquals(golden("qwen3-mini", "default", text).get("ids"), new ObjectMapper().readTree(stdout).get("ids"));
    }

    @Test
    void noBosLeavesOutTheSpecialTokens() throws IOException {
        assertEquals(0, run("tokenize", "--model", model("llama-mini-f16.gguf"), "--text", "Hello world", "--no-bos", "--json"));
        JsonNode noSpecial = new ObjectMapper().readTree(shared().resolve("fixtures/tokenizer.json").toFile())
                .get("models").get("llama-mini").get("no_add_special_examples").get(0);
        assertEquals("Hello world", noSpecial.get("text").asText());
        assertEquals(noSpecial.get("ids"), new ObjectMapper().readTree(stdout).get("ids"));
    }

    @Test
    void humanOutputHasOneLinePerToken() throws IOException {
        String text = "caf\u00e9";
        assertEquals(0, run("tokenize", "--model", model("llama3-vocab.gguf"), "--text", text));
        JsonNode want = golden("llama3-vocab", "default", text);
        String[] lines = stdout.strip().split("\n");
        assertEquals(want.get("ids").size(), lines.length, stdout);
        for (int i = 0; i < lines.length; i++) {
            assertEquals(String.format("%6d -> '%s'", want.get("ids").get(i).asInt(), want.get("pieces").get(i).asText()),
                    lines[i]);
        }
    }

    @Test
    void missingModelFileIsAUsageError(@TempDir Path dir) {
        assertEquals(2, run("tokenize", "--model", dir.resolve("absent.gguf").toString(), "--text", "x"));
        assertTrue(stderr.contains("--model: no such file"), stderr);
        assertEquals("", stdout);
        assertEquals(2, run("tokenize", "--model", model("llama-mini-f16.gguf")));
        assertTrue(stderr.contains("--text"), stderr);
    }

    @Test
    void unreadableOrUnsupportedModelsAreRuntimeErrors(@TempDir Path dir) throws IOException {
        Path junk = Files.write(dir.resolve("junk.gguf"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(1, run("tokenize", "--model", junk.toString(), "--text", "x"));
        assertTrue(stderr.startsWith("k3mcp: error: ") && stderr.contains("junk.gguf"), stderr);
    }

    @Test
    void wordPieceModelsTokenizeWithClsAndSep() {
        assertEquals(0, run("tokenize", "--model", model("all-minilm-l6-v2-f16.gguf"), "--text", "Hello world", "--json"), stderr);
        assertTrue(stdout.contains("[101,7592,2088,102]"), stdout);
    }
}
