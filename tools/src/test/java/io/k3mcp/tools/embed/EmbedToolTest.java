package io.k3mcp.tools.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModel;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.ToolInputException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embed tool end to end on the bundled model and the shared oracles, and every argument error. */
class EmbedToolTest {
    private static final LoadedModels LOADED = new LoadedModels();
    private static final EmbedTool TOOL = new EmbedTool(null, () -> ReferenceKernels.INSTANCE, LOADED);

    static Path shared(String dir, String file) {
        String root = System.getProperty("k3mcp.shared", "../../shared");
        return Path.of(root, dir, file);
    }

    private static JsonNode args(String json) {
        return Json.parse(json);
    }

    private static ToolInputException rejects(String json) {
        return assertThrows(ToolInputException.class, () -> TOOL.parse(args(json)));
    }

    @Test
    void bundledModelByDefaultGivesTheContractJsonAndTheGoldenVectors() throws Exception {
        JsonNode golden = Json.MAPPER.readTree(shared("models", "all-minilm-l6-v2.golden.json").toFile()).get("sentences");
        ObjectNode a = Json.MAPPER.createObjectNode();
        ArrayNode texts = a.putArray("texts");
        texts.add(golden.get(0).get("text").asText());
        texts.add(golden.get(4).get("text").asText());
        List<Double> reported = new ArrayList<>();
        EmbedOutput out = TOOL.run(TOOL.parse(a), (done, total, msg) -> reported.add(done), Cancellation.none());
        JsonNode json = Json.tree(out);
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertEquals(List.of("model", "dim", "pooling", "normalized", "embeddings", "token_counts"), keys);
        assertEquals("bundled:all-minilm-l6-v2-f16.gguf", json.get("model").asText());
        assertEquals(384, json.get("dim").asInt());
        assertEquals("mean", json.get("pooling").asText());
        assertTrue(json.get("normalized").asBoolean());
        assertEquals(List.of(12, 2), out.tokenCounts());
        assertEquals(List.of(1.0, 2.0), reported);
        for (int i = 0; i < 2; i++) {
            JsonNode g = golden.get(i == 0 ? 0 : 4).get("embedding");
            JsonNode v = json.get("embeddings").get(i);
            double dot = 0;
            for (int k = 0; k < 384; k++) {
                dot += g.get(k).asDouble() * v.get(k).asDouble();
            }
            assertTrue(dot >= 0.9999, "cosine to the ONNX golden " + dot);
        }
        assertTrue(TOOL.summarize(out).contains("2 text(s)"), TOOL.summarize(out));
    }

    @Test
    void explicitModelPoolingAndNoNormalisation() throws Exception {
        Path model = shared("models", "all-minilm-l6-v2-f16.gguf");
        EmbedInput in = TOOL.parse(args("{\"model\": \"" + model + "\", \"texts\": [\"fan\"], \"pooling\": \"none\", \"normalize\": false}"));
        EmbedOutput out = TOOL.run(in, Progress.NONE, Cancellation.none());
        assertEquals(model.toString(), out.model());
        assertEquals("none", out.pooling());
        assertFalse(out.normalized());
        assertEquals(3, out.embeddings().size(), "[CLS] fan [SEP]: one vector per token");
        double norm = 0;
        for (float x : out.embeddings().get(0)) {
            norm += x * x;
        }
        assertTrue(Math.abs(Math.sqrt(norm) - 1) > 0.01, "not normalised: |v| = " + Math.sqrt(norm));
    }

    @Test
    void decoderEmbeddingModelUsesItsOwnLastTokenPooling() throws Exception {
        Path model = shared("models", "qwen3-embed-mini-f16.gguf");
        EmbedOutput out = TOOL.run(TOOL.parse(args("{\"model\": \"" + model + "\", \"texts\": [\"Once upon a time\"]}")),
                Progress.NONE, Cancellation.none());
        assertEquals("last", out.pooling());
        assertEquals(256, out.dim());
        assertEquals(List.of(7), out.tokenCounts());
        LoadedModel listed = LOADED.list().stream().filter(m -> m.path().endsWith("qwen3-embed-mini-f16.gguf")).findFirst().orElseThrow();
        assertEquals("embed", listed.purpose());
        assertEquals("qwen3", listed.details().get("architecture"));
        JsonNode golden = Json.MAPPER.readTree(shared("fixtures", "embed.json").toFile())
                .get("qwen3-embed-mini-f16").get("results").get(1);
        assertEquals("Once upon a time", golden.get("text").asText());
        double dot = 0;
        for (int k = 0; k < 256; k++) {
            dot += golden.get("embedding").get(k).asDouble() * out.embeddings().get(0)[k];
        }
        assertTrue(dot >= 0.999, "cosine to llama.cpp " + dot);
    }

    @Test
    void defaultsOfOptionalArguments() throws Exception {
        EmbedInput in = TOOL.parse(args("{\"texts\": [\"\"]}"));
        assertNull(in.model());
        assertNull(in.pooling());
        assertTrue(in.normalize());
        assertFalse(in.truncate());
    }

    @Test
    void argumentErrorsNameTheArgument() {
        assertEquals("texts", rejects("{}").argument());
        assertEquals("texts", rejects("{\"texts\": []}").argument());
        assertEquals("texts", rejects("{\"texts\": [1]}").argument());
        assertEquals("texts", rejects("{\"texts\": \"one\"}").argument());
        ArrayNode many = Json.MAPPER.createArrayNode();
        for (int i = 0; i <= EmbedTool.MAX_TEXTS; i++) {
            many.add("t");
        }
        ToolInputException tooMany = assertThrows(ToolInputException.class,
                () -> TOOL.parse(Json.MAPPER.createObjectNode().set("texts", many)));
        assertTrue(tooMany.getMessage().contains("257 items"), tooMany.getMessage());
        ObjectNode huge = Json.MAPPER.createObjectNode();
        huge.putArray("texts").add("x".repeat(EmbedTool.MAX_TEXT_CHARS + 1));
        assertEquals("texts", assertThrows(ToolInputException.class, () -> TOOL.parse(huge)).argument());
        ToolInputException pooling = rejects("{\"texts\": [\"a\"], \"pooling\": \"max\"}");
        assertEquals("pooling", pooling.argument());
        assertTrue(pooling.getMessage().contains("mean, cls, last, none"), pooling.getMessage());
        assertEquals("normalize", rejects("{\"texts\": [\"a\"], \"normalize\": \"yes\"}").argument());
        assertEquals("truncate", rejects("{\"texts\": [\"a\"], \"truncate\": 1}").argument());
        assertEquals("model", rejects("{\"texts\": [\"a\"], \"model\": \"\"}").argument());
        assertEquals("temperature", rejects("{\"texts\": [\"a\"], \"temperature\": 0}").argument());
    }

    @Test
    void runErrorsNameTheArgument() {
        ToolInputException missing = assertThrows(ToolInputException.class, () -> TOOL.run(
                TOOL.parse(args("{\"model\": \"/nonexistent/m.gguf\", \"texts\": [\"a\"]}")), Progress.NONE, Cancellation.none()));
        assertEquals("model", missing.argument());
        ToolInputException tooLong = assertThrows(ToolInputException.class, () -> TOOL.run(
                TOOL.parse(args("{\"texts\": [\"ok\", \"" + "word ".repeat(600) + "\"]}")), Progress.NONE, Cancellation.none()));
        assertEquals("texts", tooLong.argument());
        assertTrue(tooLong.getMessage().contains("text 1") && tooLong.getMessage().contains("512"), tooLong.getMessage());
        Path notEmbedding = shared("models", "llama-2-tiny-random.gguf");
        ToolInputException wrong = assertThrows(ToolInputException.class, () -> TOOL.run(
                TOOL.parse(args("{\"model\": \"" + notEmbedding + "\", \"texts\": [\"a\"]}")), Progress.NONE, Cancellation.none()));
        assertEquals("model", wrong.argument());
    }

    @Test
    void cancelledCallStopsBeforeEmbedding() {
        Cancellation cancel = new Cancellation();
        cancel.cancel("client went away");
        CancellationException e = assertThrows(CancellationException.class,
                () -> TOOL.run(TOOL.parse(args("{\"texts\": [\"a\"]}")), Progress.NONE, cancel));
        assertTrue(e.getMessage().contains("client went away"));
    }

    @Test
    void schemasDescribeTheContract() {
        assertEquals("embed", TOOL.name());
        assertEquals(256, TOOL.inputSchema().at("/properties/texts/maxItems").asInt());
        assertTrue(TOOL.outputSchema().get("required").toString().contains("token_counts"));
    }
}
