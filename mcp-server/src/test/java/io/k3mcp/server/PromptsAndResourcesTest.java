package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.prompts.PromptCatalog;
import io.k3mcp.server.resources.ResourceSpecs;
import io.k3mcp.tools.BenchHistory;
import io.k3mcp.tools.LoadedModel;
import io.k3mcp.tools.LoadedModels;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompts and resources through the real server over stdio. */
class PromptsAndResourcesTest {
    @TempDir
    Path dataDir;
    private final LoadedModels models = new LoadedModels();
    private StdioHarness server;

    @BeforeEach
    void start() throws Exception {
        BenchHistory history = BenchHistory.inDataDir(dataDir);
        history.append(Map.of("model_filename", "tiny.gguf", "avg_ts", 42.5));
        PromptCatalog catalog = PromptCatalog.load();
        server = new StdioHarness(new ServerWiring.Features(List.of(new CountTool()), PromptSpecs.from(catalog),
                ResourceSpecs.create(() -> Map.of("board", Map.of("model", "test board")), models, history),
                PromptSpecs.completions(catalog)))
                .initialized();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void promptsAreListedWithArgumentsAndRendered() throws Exception {
        server.request(1, "prompts/list", "{}");
        JsonNode prompts = server.response(1).at("/result/prompts");
        assertEquals(List.of("benchmark-comparison", "board-health-report", "summarise-file"),
                prompts.findValuesAsText("name").stream().filter(n -> n.contains("-")).sorted().toList());
        JsonNode file = null;
        for (JsonNode prompt : prompts) {
            file = "summarise-file".equals(prompt.get("name").asText()) ? prompt : file;
        }
        assertEquals("path", file.at("/arguments/0/name").asText());
        assertTrue(file.at("/arguments/0/required").asBoolean());

        server.request(2, "prompts/get", "{\"name\":\"summarise-file\",\"arguments\":{\"path\":\"README.md\"}}");
        JsonNode message = server.response(2).at("/result/messages/0");
        assertEquals("user", message.get("role").asText());
        assertTrue(message.at("/content/text").asText().startsWith("Summarise the file README.md for"));
    }

    @Test
    void promptWithoutItsRequiredArgumentIsAnInvalidParamsError() throws Exception {
        server.request(1, "prompts/get", "{\"name\":\"benchmark-comparison\",\"arguments\":{\"baseline\":\"a\"}}");
        JsonNode error = server.response(1).get("error");
        assertEquals(-32602, error.get("code").asInt());
        assertTrue(error.get("message").asText().startsWith("candidate: required"), error.toString());
    }

    @Test
    void promptArgumentsComplete() throws Exception {
        server.request(1, "completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"board-health-report\"},"
                + "\"argument\":{\"name\":\"focus\",\"value\":\"the\"}}");
        assertEquals("[\"thermal\"]", server.response(1).at("/result/completion/values").toString());
    }

    @Test
    void resourcesReadAsJson() throws Exception {
        server.request(1, "resources/list", "{}");
        List<String> uris = server.response(1).at("/result/resources").findValuesAsText("uri");
        assertTrue(uris.containsAll(List.of("board://status", "models://loaded", "bench://history")), uris.toString());

        assertEquals("[ ]", read(2, "models://loaded"));
        models.register(new LoadedModel("tiny", "/m/tiny.gguf", "generate", Map.of("architecture", "llama")));
        JsonNode loaded = StdioHarness.JSON.readTree(read(3, "models://loaded"));
        assertEquals("llama", loaded.at("/0/details/architecture").asText());

        JsonNode history = StdioHarness.JSON.readTree(read(4, "bench://history"));
        assertEquals(42.5, history.at("/0/avg_ts").asDouble());
        assertEquals("test board", StdioHarness.JSON.readTree(read(5, "board://status")).at("/board/model").asText());
    }

    @Test
    void subscribersOfBoardStatusAreToldToReadItAgain() throws Exception {
        server.request(1, "resources/subscribe", "{\"uri\":\"board://status\"}");
        server.response(1);
        JsonNode update = server.next(m -> "notifications/resources/updated".equals(m.path("method").asText()));
        assertEquals("board://status", update.at("/params/uri").asText());
    }

    private String read(int id, String uri) throws Exception {
        server.request(id, "resources/read", "{\"uri\":\"" + uri + "\"}");
        JsonNode contents = server.response(id).at("/result/contents/0");
        assertEquals("application/json", contents.get("mimeType").asText());
        return contents.get("text").asText();
    }
}
