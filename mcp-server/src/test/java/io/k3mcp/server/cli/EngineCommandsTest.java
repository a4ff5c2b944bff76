package io.k3mcp.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code generate} and {@code score} through Main, as scripts call them (CONTRACT.md). */
class EngineCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static Path shared(String sub, String file) {
        return Path.of(System.getProperty("k3mcp.shared", "../../shared")).resolve(sub).resolve(file);
    }

    private record Run(int status, String stdout, String stderr) {
    }

    private static Run run(String... args) {
        return runWithStdout(StandardCharsets.UTF_8, args);
    }

    /** Main with System.out encoding text in {@code stdoutCharset} (a JVM started in another locale); stdout read as UTF-8. */
    private static Run runWithStdout(Charset stdoutCharset, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, stdoutCharset));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void generateJsonGivesLlamaCppsGreedyTokens() throws IOException {
        JsonNode golden = JSON.readTree(shared("fixtures", "generate-llama-mini-f32.json").toFile()).get("prompts").get(0);
        Run r = run("generate", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--prompt", "Once upon a time",
                "--temperature", "0", "--max-tokens", "5", "--json");
        assertEquals(0, r.status(), r.stderr());
        JsonNode doc = JSON.readTree(r.stdout());
        for (int i = 0; i < 5; i++) {
            assertEquals(golden.get("generated_ids").get(i).asInt(), doc.get("tokens").get(i).asInt());
        }
        assertEquals(golden.get("prompt_ids").size(), doc.get("prompt_tokens").asInt());
        assertEquals("length", doc.get("finish_reason").asText());
        assertTrue(doc.get("timings").has("decode_tps"));
    }

    @Test
    void generatePrintsUtf8WhateverTheJvmsOwnEncoding() throws IOException {
        // the schema forces the text, so a random-weight model writes non-ASCII through its byte tokens
        Path schema = Files.writeString(dir.resolve("s.json"), "{\"enum\": [\"caf\u00e9 \u2615\"]}", StandardCharsets.UTF_8);
        for (boolean json : new boolean[] {false, true}) {
            Run r = runWithStdout(StandardCharsets.US_ASCII, json
                ? new String[] {"generate", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--prompt", "Coffee:",
                    "--json-schema", schema.toString(), "--temperature", "0", "--max-tokens", "40", "--json"}
                : new String[] {"generate", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--prompt", "Coffee:",
                    "--json-schema", schema.toString(), "--temperature", "0", "--max-tokens", "40"});
            assertEquals(0, r.status(), r.stderr());
            String text = (json ? JSON.readTree(r.stdout()).get("text").asText() : r.stdout()).strip();
            assertEquals("\"caf\u00e9 \u2615\"", text, "json=" + json);
        }
    }

    @Test
    void generateFromAMessagesFile() throws IOException {
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\":\"user\",\"content\":\"Hi\"}]");
        Run r = run("generate", "--model", shared("models", "qwen3-mini-f16.gguf").toString(), "--messages", messages.toString(),
                "--temperature", "0", "--max-tokens", "3", "--json");
        assertEquals(0, r.status(), r.stderr());
        assertTrue(JSON.readTree(r.stdout()).get("prompt_tokens").asInt() > 5);
    }

    @Test
    void generateUsageErrorsNameTheFlag() {
        Run both = run("generate", "--model", shared("models", "llama-mini-f32.gguf").toString());
        assertEquals(2, both.status());
        assertTrue(both.stderr().contains("--prompt"), both.stderr());
        Run bad = run("generate", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--prompt", "x", "--top-p", "2");
        assertEquals(2, bad.status());
        assertTrue(bad.stderr().contains("--top-p"), bad.stderr());
        Run missing = run("generate", "--model", dir.resolve("none.gguf").toString(), "--prompt", "x");
        assertEquals(2, missing.status());
        assertTrue(missing.stderr().contains("--model"), missing.stderr());
        Run overflow = run("generate", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--prompt", "x", "--max-tokens", "1000");
        assertEquals(2, overflow.status());
        assertTrue(overflow.stderr().contains("context overflow"), overflow.stderr());
        assertEquals("", overflow.stdout());
    }

    @Test
    void kvCacheTypesAreUsedAndCheckedByFlag() throws IOException {
        String model = shared("models", "llama-mini-f16.gguf").toString();
        Run q8 = run("generate", "--model", model, "--prompt", "Once upon a time", "--temperature", "0", "--max-tokens", "4",
                "--cache-type-k", "q8_0", "--cache-type-v", "q8_0", "--json");
        assertEquals(0, q8.status(), q8.stderr());
        assertEquals(4, JSON.readTree(q8.stdout()).get("tokens").size());
        Run unknown = run("generate", "--model", model, "--prompt", "x", "--cache-type-k", "q5_1", "--cache-type-v", "q5_1");
        assertEquals(2, unknown.status());
        assertTrue(unknown.stderr().contains("--cache-type-k: unknown KV cache type 'q5_1'; supported: f16, q8_0, q4_0, f32"),
                unknown.stderr());
        Run mixed = run("score", "--model", model, "--tokens", "1,2", "-ctk", "q8_0", "-ctv", "q4_0");
        assertEquals(2, mixed.status());
        assertTrue(mixed.stderr().contains("--cache-type-v: q4_0 differs from --cache-type-k q8_0"), mixed.stderr());
        // llama-2-tiny-random: 2 heads of 4 values, less than one 32-value block
        Run ragged = run("generate", "--model", shared("models", "llama-2-tiny-random.gguf").toString(), "--prompt", "x",
                "-ctk", "q4_0", "-ctv", "q4_0");
        assertEquals(2, ragged.status());
        assertTrue(ragged.stderr().contains("--cache-type-k/--cache-type-v: KV cache type q4_0 stores blocks of 32 values, "
                + "but layer 0's head size 4 is not a multiple of it"), ragged.stderr());
    }

    @Test
    void contextSizeIsHonouredAndChecked() {
        String model = shared("models", "llama-mini-f32.gguf").toString();
        Run small = run("generate", "--model", model, "--prompt", "Once upon a time", "--ctx-size", "10", "--max-tokens", "3", "--json");
        assertEquals(2, small.status());
        assertTrue(small.stderr().contains("exceed the context of 10 tokens"), small.stderr());
        Run negative = run("score", "--model", model, "--tokens", "1,2", "--ctx-size", "-1");
        assertEquals(2, negative.status());
        assertTrue(negative.stderr().contains("--ctx-size: must be >= 0"), negative.stderr());
        Run tooBig = run("score", "--model", model, "--tokens", "1,2", "--ctx-size", "100000");
        assertEquals(2, tooBig.status());
        assertTrue(tooBig.stderr().contains("--ctx-size: context size 100000 is past the model's trained context of 512 tokens"),
                tooBig.stderr());
        Run generateTooBig = run("generate", "--model", model, "--prompt", "x", "--ctx-size", "513");
        assertEquals(2, generateTooBig.status());
        assertTrue(generateTooBig.stderr().contains("--ctx-size: context size 513 is past the model's trained context of 512"),
                generateTooBig.stderr());
        Run longPrompt = run("generate", "--model", model, "--prompt", "Once upon a time", "--ctx-size", "3", "--max-tokens", "1");
        assertEquals(2, longPrompt.status());
        assertTrue(longPrompt.stderr().matches("(?s).*--prompt: the prompt has \\d+ tokens, more than the context of 3 tokens.*"),
                longPrompt.stderr());
    }

    @Test
    void scoreJsonHasOnePositionPerTokenAndThePerplexity() throws IOException {
        Run r = run("score", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--tokens", "1,438,113,346",
                "--top-logits", "2", "--json");
        assertEquals(0, r.status(), r.stderr());
        JsonNode doc = JSON.readTree(r.stdout());
        assertEquals(4, doc.get("tokens").size());
        assertEquals(4, doc.get("positions").size());
        assertEquals(438, doc.get("positions").get(0).get("token").asInt());
        assertTrue(doc.get("positions").get(3).get("token").isNull());
        assertEquals(2, doc.get("positions").get(0).get("top_logits").size());
        double nll = 0;
        for (int i = 0; i < 3; i++) {
            nll -= doc.get("positions").get(i).get("logprob").asDouble();
        }
        assertEquals(Math.exp(nll / 3), doc.get("perplexity").asDouble(), 1e-9);
    }

    @Test
    void scoreTextAddsBosAndRejectsBadTokens() throws IOException {
        Run r = run("score", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--text", "Once upon a time", "--json");
        assertEquals(0, r.status(), r.stderr());
        assertEquals(1, JSON.readTree(r.stdout()).get("tokens").get(0).asInt());
        Run bad = run("score", "--model", shared("models", "llama-mini-f32.gguf").toString(), "--tokens", "1,99999");
        assertEquals(2, bad.status());
        assertTrue(bad.stderr().contains("99999"), bad.stderr());
    }
}
