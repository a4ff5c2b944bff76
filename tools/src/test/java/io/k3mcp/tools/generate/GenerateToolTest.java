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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generate tool end to end on the shared mini models, and its argument errors. */
class GenerateToolTest {
    private static ModelRegistry registry;
    private static GenerateTool tool;
    private static JsonNode golden;

    private static Path shared(String dir, String file) {
        return Path.of(System.getProperty("k3mcp.shared", "../../shared")).resolve(dir).resolve(file);
    }

    @BeforeAll
    static void setUp() throws IOException {
        registry = new ModelRegistry(ReferenceKernels.INSTANCE, 0);
        tool = new GenerateTool(registry, shared("models", "llama-mini-f32.gguf"));
        golden = new ObjectMapper().readTree(shared("fixtures", "generate-llama-mini-f32.json").toFile()).get("prompts").get(0);
    }

    @AfterAll
    static void tearDown() throws IOException {
        registry.close();
    }

    private static JsonNode call(String args) throws Exception {
        return Json.tree(tool.run(tool.parse(Json.parse(args)), Progress.NONE, Cancellation.none()));
    }

    private static String argumentOf(String args) {
        ToolInputException e = assertThrows(ToolInputException.class, () -> tool.run(tool.parse(Json.parse(args)),
                Progress.NONE, Cancellation.none()));
        return e.argument();
    }

    @Test
    void greedyPromptGivesLlamaCppsTokensWithTheContractFields() throws Exception {
        int n = golden.get("decisive_steps").asInt();
        List<String> progress = new ArrayList<>();
        GenerateOutput out = tool.run(tool.parse(Json.parse("{\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":" + n + "}")),
                (done, total, msg) -> progress.add(done + "/" + total + " " + msg), Cancellation.none());
        JsonNode r = Json.tree(out);
        assertEquals(golden.get("prompt_ids").size(), r.get("prompt_tokens").asInt());
        for (int i = 0; i < n; i++) {
            assertEquals(golden.get("generated_ids").get(i).asInt(), r.get("tokens").get(i).asInt(), "token " + i);
        }
        assertEquals("length", r.get("finish_reason").asText());
        assertEquals(n, r.get("completion_tokens").asInt());
        // one prefill batch, then one notification per token, counting on from the prompt
        int p = golden.get("prompt_ids").size();
        assertEquals(n + 1, progress.size());
        assertEquals(p + ".0/" + (p + n) + ".0 prefill " + p + "/" + p + " tokens", progress.get(0));
        assertEquals((p + n) + ".0/" + (p + n) + ".0 token " + n, progress.get(n));
        assertEquals(Set.of("text", "tokens", "prompt_tokens", "completion_tokens", "finish_reason", "timings", "context_length"), keys(r));
        assertEquals(512, r.get("context_length").asInt(), "llama-mini's trained context (the default when memory allows)");
        assertEquals(Set.of("prefill_ms", "decode_ms", "prefill_tps", "decode_tps"), keys(r.get("timings")));
        assertFalse(r.get("text").asText().isEmpty());
    }

    @Test
    void topLogitsArePresentOnlyWhenAskedFor() throws Exception {
        JsonNode r = call("{\"prompt\":\"Once upon a time\",\"temperature\":0,\"max_tokens\":2,\"top_logits\":3}");
        assertEquals(2, r.get("top_logits").size());
        JsonNode first = r.get("top_logits").get(0);
        assertEquals(3, first.size());
        JsonNode step0 = golden.get("steps").get(0).get("top5");
        assertEquals(step0.get(0).get(0).asInt(), first.get(0).get("id").asInt());
        assertEquals(step0.get(0).get(1).asDouble(), first.get(0).get("logit").asDouble(), 0.065);
    }

    @Test
    void sameSeedSameOutput() throws Exception {
        String args = "{\"prompt\":\"Once upon a time\",\"temperature\":1.5,\"top_k\":0,\"top_p\":1,\"min_p\":0,\"max_tokens\":12,\"seed\":%d}";
        JsonNode a = call(String.format(args, 1234));
        JsonNode b = call(String.format(args, 1234));
        assertEquals(a.get("tokens"), b.get("tokens"));
        JsonNode c = call(String.format(args, 99));
        assertFalse(a.get("tokens").equals(c.get("tokens")), "another seed should draw other tokens");
    }

    @Test
    void chatMessagesUseTheArchitecturesFormat() throws Exception {
        JsonNode r = call("{\"model\":\"" + shared("models", "qwen3-mini-f16.gguf") + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":0,\"max_tokens\":4}");
        // <|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n: 3 x im_start (1017)
        assertTrue(r.get("prompt_tokens").asInt() > 10);
        assertTrue(r.get("completion_tokens").asInt() >= 1);
    }

    @Test
    void cancelledBeforeTheFirstTokenGivesNoTokens() throws Exception {
        Cancellation cancel = new Cancellation();
        cancel.cancel("test");
        GenerateOutput out = tool.run(tool.parse(Json.parse("{\"prompt\":\"Once\",\"max_tokens\":5}")), Progress.NONE, cancel);
        assertEquals("cancelled", out.finishReason().wire());
        assertEquals(0, out.completionTokens());
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedByItsArgumentWithBothNumbers() throws Exception {
        String words = "once upon a time ".repeat(200);
        ToolInputException prompt = assertThrows(ToolInputException.class,
                () -> tool.run(tool.parse(Json.parse("{\"prompt\":\"" + words + "\",\"max_tokens\":1}")), Progress.NONE, Cancellation.none()));
        assertEquals("prompt", prompt.argument());
        assertTrue(prompt.getMessage().matches("(?s).*the prompt has \\d+ tokens, more than the context of 512 tokens.*"), prompt.getMessage());
        ToolInputException messages = assertThrows(ToolInputException.class, () -> tool.run(tool.parse(Json.parse(
                "{\"model\":\"" + shared("models", "qwen3-mini-f16.gguf") + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + words + "\"}],\"max_tokens\":1}")), Progress.NONE, Cancellation.none()));
        assertEquals("messages", messages.argument());
        assertTrue(messages.getMessage().contains("more than the context of 512 tokens"), messages.getMessage());
        // a prompt that fits but leaves no room for max_tokens is max_tokens' error
        assertEquals("max_tokens", argumentOf("{\"prompt\":\"Once\",\"max_tokens\":600}"));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("colour", argumentOf("{\"prompt\":\"x\",\"colour\":1}"));
        assertEquals("prompt", argumentOf("{}"));
        assertEquals("messages", argumentOf("{\"prompt\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"y\"}]}"));
        assertEquals("max_tokens", argumentOf("{\"prompt\":\"x\",\"max_tokens\":0}"));
        assertEquals("max_tokens", argumentOf("{\"prompt\":\"x\",\"max_tokens\":\"many\"}"));
        assertEquals("temperature", argumentOf("{\"prompt\":\"x\",\"temperature\":-0.5}"));
        assertEquals("top_p", argumentOf("{\"prompt\":\"x\",\"top_p\":0}"));
        assertEquals("min_p", argumentOf("{\"prompt\":\"x\",\"min_p\":2}"));
        assertEquals("repeat_penalty", argumentOf("{\"prompt\":\"x\",\"repeat_penalty\":0}"));
        assertEquals("seed", argumentOf("{\"prompt\":\"x\",\"seed\":-1}"));
        assertEquals("stop", argumentOf("{\"prompt\":\"x\",\"stop\":[\"\"]}"));
        assertEquals("top_logits", argumentOf("{\"prompt\":\"x\",\"top_logits\":1000}"));
        assertEquals("messages", argumentOf("{\"messages\":[{\"role\":\"robot\",\"content\":\"y\"}]}"));
        assertEquals("messages", argumentOf("{\"messages\":[]}"));
        assertEquals("model", argumentOf("{\"prompt\":\"x\",\"model\":\"/no/such/model.gguf\"}"));
        assertEquals("max_tokens", argumentOf("{\"prompt\":\"x\",\"max_tokens\":600}"));
        assertThrows(ToolInputException.class, () -> new GenerateTool(registry, null).parse(Json.parse("{\"prompt\":\"x\"}")));
    }

    @Test
    void schemasAreObjects() {
        assertEquals("object", tool.inputSchema().get("type").asText());
        assertTrue(tool.inputSchema().get("properties").has("max_tokens"));
        assertEquals("object", tool.outputSchema().get("type").asText());
        assertEquals("generate", tool.name());
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> s = new HashSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            s.add(it.next());
        }
        return s;
    }
}
