package io.k3mcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.embed.EmbedTool;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The embed tool through the real MCP server over stdio: structured content validated against its output schema. */
class EmbedOverStdioTest {
    private static final Path MODEL = Path.of(System.getProperty("k3mcp.shared", "../../shared"), "models",
            "all-minilm-l6-v2-f16.gguf");
    private StdioHarness server;

    @BeforeEach
    void start() throws Exception {
        EmbedTool tool = new EmbedTool(MODEL, () -> ReferenceKernels.INSTANCE, new LoadedModels());
        server = new StdioHarness(List.of(tool)).initialized();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void embedCallReturnsTheContractResult() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"embed\",\"arguments\":{\"texts\":[\"fan speed\",\"thermal zone\"]}}");
        JsonNode result = server.response(1).get("result");
        assertFalse(result.get("isError").asBoolean(), result.toString());
        JsonNode content = result.get("structuredContent");
        assertEquals(384, content.get("dim").asInt());
        assertEquals("mean", content.get("pooling").asText());
        assertEquals(2, content.get("embeddings").size());
        assertEquals("[4,4]", content.get("token_counts").toString());
        assertEquals(MODEL.toString(), content.get("model").asText());
    }

    @Test
    void badPoolingIsAToolErrorNamingTheArgument() throws Exception {
        server.request(1, "tools/call", "{\"name\":\"embed\",\"arguments\":{\"texts\":[\"a\"],\"pooling\":\"max\"}}");
        JsonNode result = server.response(1).get("result");
        assertTrue(result.get("isError").asBoolean(), result.toString());
        assertTrue(result.at("/content/0/text").asText().contains("pooling"), result.toString());
        server.assertPingWorks(2);
    }
}
