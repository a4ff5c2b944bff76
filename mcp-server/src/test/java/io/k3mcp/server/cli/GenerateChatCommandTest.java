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

/** {@code k3mcp generate} with --messages, --tools, --json-schema and --format through the same tool as MCP. */
class GenerateChatCommandTest {
    private static final ObjectMapper M = new ObjectMapper();
    private String stdout;
    private String stderr;

    private int run(String... args) {
        CliCapture.Result r = CliCapture.run(args);
        stdout = r.stdout();
        stderr = r.stderr();
        return r.status();
    }

    private static String model(String file) {
        return CliCapture.sharedModel(file).toString();
    }

    @Test
    void messagesToolsAndSchemaFromFiles(@TempDir Path dir) throws IOException {
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"Weather in Paris?\"}]");
        Path tools = Files.writeString(dir.resolve("t.json"), "[{\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}]");
        assertEquals(0, run("generate", "--model", model("llama-mini-q8_0.gguf"), "--messages", messages.toString(),
                "--tools", tools.toString(), "--temperature", "0", "--max-tokens", "3", "--json"), stderr);
        JsonNode r = M.readTree(stdout);
        assertEquals("builtin:llama2", r.get("template_source").asText());
        assertTrue(r.get("tool_calls").isArray());

        Path schema = Files.writeString(dir.resolve("s.json"), "{\"type\": \"object\", \"properties\": {\"ok\": {\"type\": \"boolean\"}}, "
                + "\"required\": [\"ok\"], \"additionalProperties\": false}");
        assertEquals(0, run("generate", "--model", model("llama-mini-q8_0.gguf"), "--messages", messages.toString(),
                "--json-schema", schema.toString(), "--temperature", "0.9", "--seed", "7", "--max-tokens", "40", "--json"), stderr);
        JsonNode doc = M.readTree(M.readTree(stdout).get("text").asText());
        assertTrue(doc.get("ok").isBoolean(), stdout);

        assertEquals(0, run("generate", "--model", model("qwen3-mini-q8_0.gguf"), "--prompt", "JSON:", "--format", "json",
                "--seed", "3", "--max-tokens", "40", "--json"), stderr);
        M.readTree(M.readTree(stdout).get("text").asText());
    }

    @Test
    void badFilesAndValuesAreUsageErrorsNamingTheFlag(@TempDir Path dir) throws IOException {
        Path messages = Files.writeString(dir.resolve("m.json"), "[{\"role\": \"user\", \"content\": \"Hi\"}]");
        String qwen = model("qwen3-mini-q8_0.gguf");
        assertEquals(2, run("generate", "--model", qwen, "--messages", messages.toString(), "--json-schema", dir.resolve("none.json").toString()));
        assertTrue(stderr.contains("--json-schema: file not found"), stderr);
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"type\": \"string\", \"format\": \"email\"}");
        assertEquals(2, run("generate", "--model", qwen, "--messages", messages.toString(), "--json-schema", bad.toString()));
        assertTrue(stderr.contains("--json-schema"), stderr);
        assertEquals(2, run("generate", "--model", qwen, "--messages", messages.toString(), "--format", "xml"));
        assertTrue(stderr.contains("--format"), stderr);
        assertEquals(2, run("generate", "--model", qwen, "--messages", messages.toString(), "--tools",
                Files.writeString(dir.resolve("t.json"), "[{}]").toString()));
        assertTrue(stderr.contains("--tools"), stderr);
        assertEquals("", stdout);
    }
}
