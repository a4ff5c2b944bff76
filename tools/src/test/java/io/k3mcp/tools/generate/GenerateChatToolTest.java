package io.k3mcp.tools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** generate with chat messages, tools, json_schema and format on the shared mini models, and their argument errors. */
class GenerateChatToolTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static ModelRegistry registry;
    private static GenerateTool tool;
    private static String qwen;

    @BeforeAll
    static void setUp() {
        registry = new ModelRegistry(ReferenceKernels.INSTANCE, 0);
        qwen = Path.of(System.getProperty("k3mcp.shared", "../../shared")).resolve("models/qwen3-mini-q8_0.gguf").toString();
        tool = new GenerateTool(registry, Path.of(qwen));
    }

    @AfterAll
    static void tearDown() throws IOException {
        registry.close();
    }

    private static JsonNode call(String args) throws Exception {
        return Json.tree(tool.run(tool.parse(Json.parse(args)), Progress.NONE, Cancellation.none()));
    }

    private static ToolInputException error(String args) {
        return assertThrows(ToolInputException.class, () -> tool.run(tool.parse(Json.parse(args)), Progress.NONE, Cancellation.none()));
    }

    private static final String CHAT = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    @Test
    void chatWithToolsReportsTheTemplateAndTheParsedReply() throws Exception {
        JsonNode r = call("{" + CHAT + "," + TOOLS + ",\"temperature\":0,\"max_tokens\":4}");
        assertEquals("builtin:chatml", r.get("template_source").asText());
        assertTrue(r.get("tool_calls").isArray());
        assertTrue(r.has("content"));
        // the rendered prompt carries the tool definitions: far longer than the question alone
        JsonNode plain = call("{" + CHAT + ",\"temperature\":0,\"max_tokens\":1}");
        assertTrue(r.get("prompt_tokens").asInt() > plain.get("prompt_tokens").asInt() + 20);
    }

    @Test
    void toolRoundTripMessagesAreAccepted() throws Exception {
        JsonNode r = call("{\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Paris\"}}}]},"
                + "{\"role\":\"tool\",\"content\":\"21 C\"}]," + TOOLS + ",\"temperature\":0,\"max_tokens\":2}");
        assertEquals(2, r.get("completion_tokens").asInt());
    }

    @Test
    void jsonSchemaOutputParsesAndHasTheRequiredFields() throws Exception {
        String schema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"maxLength\":8},"
                + "\"temp\":{\"type\":\"integer\"}},\"required\":[\"city\",\"temp\"],\"additionalProperties\":false}";
        for (int seed = 0; seed < 5; seed++) {
            JsonNode r = call("{" + CHAT + ",\"json_schema\":" + schema + ",\"temperature\":1.0,\"seed\":" + seed + ",\"max_tokens\":80}");
            JsonNode doc = M.readTree(r.get("text").asText());
            assertTrue(doc.get("city").isTextual() && doc.get("temp").isIntegralNumber(), r.get("text").asText());
            assertEquals(2, doc.size(), r.get("text").asText());
            assertEquals(r.get("text").asText(), r.get("content").asText());
            assertEquals(0, r.get("tool_calls").size());
        }
    }

    @Test
    void formatJsonOnARawPromptParses() throws Exception {
        for (int seed = 0; seed < 5; seed++) {
            JsonNode r = call("{\"prompt\":\"JSON:\",\"format\":\"json\",\"temperature\":1.0,\"seed\":" + seed + ",\"max_tokens\":48}");
            M.readTree(r.get("text").asText());
            assertFalse(r.has("template_source"));
            assertFalse(r.has("tool_calls"));
        }
    }

    @Test
    void badChatAndSchemaArgumentsAreNamed() {
        assertEquals("tools", error("{\"prompt\":\"x\"," + TOOLS + "}").argument());
        assertEquals("tools", error("{" + CHAT + ",\"tools\":[{\"description\":\"no name\"}]}").argument());
        assertEquals("messages", error("{\"messages\":[{\"role\":\"user\"}]}").argument());
        assertEquals("json_schema", error("{" + CHAT + ",\"json_schema\":{\"type\":\"string\",\"pattern\":\"a+\"}}").argument());
        assertEquals("json_schema", error("{" + CHAT + ",\"json_schema\":\"object\"}").argument());
        assertEquals("format", error("{" + CHAT + ",\"format\":\"yaml\"}").argument());
        assertEquals("format", error("{" + CHAT + ",\"format\":\"json\",\"json_schema\":{\"type\":\"object\"}}").argument());
        assertEquals("json_schema", error("{" + CHAT + "," + TOOLS + ",\"json_schema\":{\"type\":\"object\"}}").argument());
        assertEquals("stop", error("{" + CHAT + ",\"format\":\"json\",\"stop\":[\"}\"]}").argument());
        ToolInputException small = error("{" + CHAT + ",\"json_schema\":{\"type\":\"object\",\"properties\":{\"a_long_key\":"
                + "{\"type\":\"string\"}},\"required\":[\"a_long_key\"]},\"max_tokens\":3}");
        assertEquals("max_tokens", small.argument());
        assertTrue(small.getMessage().contains("shortest output"), small.getMessage());
    }

    @Test
    void aTemplateRejectingTheConversationIsABadMessagesArgument() {
        // the built-in chatml takes string content only; content parts are for templates that know them
        ToolInputException e = error("{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
        assertEquals("messages", e.argument());
        assertTrue(e.getMessage().contains("builtin:chatml"), e.getMessage());
    }
}
