package io.k3mcp.engine.chat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.chat.jinja.JinjaTemplate;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {
    private static final ObjectMapper M = new ObjectMapper();

    static ChatTemplate open(Path model) throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            return ChatTemplate.of(f.metadata(), Tokenizers.fromGguf(f.metadata()));
        }
    }

    static JsonNode json(String s) throws IOException {
        return M.readTree(s);
    }

    static final String CHAT = """
            [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"},
             {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"}]""";

    /** Renders {@code messages} with a published fixture template and the given special-token strings. */
    static String published(String name, String messages, boolean gen, String bos, String eos) throws IOException {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("messages", M.readValue(messages, new TypeReference<List<Object>>() { }));
        ctx.put("add_generation_prompt", gen);
        ctx.put("bos_token", bos);
        ctx.put("eos_token", eos);
        ctx.put("tools", null);
        return JinjaTemplate.compile(TemplateModels.fixtureTemplate(name)).render(ctx);
    }

    @Test
    void sharedModelsCarryNoTemplateSoTheBuiltinIsChosenByArchitecture() throws IOException {
        assertEquals("builtin:chatml", open(Shared.model("qwen3-mini-q8_0.gguf")).source());
        assertEquals("builtin:gemma", open(Shared.model("gemma3-mini-q8_0.gguf")).source());
        assertEquals("builtin:llama2", open(Shared.model("llama-mini-q8_0.gguf")).source());
        assertEquals("builtin:llama3", open(Shared.model("llama3-vocab.gguf")).source());
    }

    @Test
    void aConversationTheTemplateRejectsIsAMessagesErrorKeepingTheTemplatesOwn() throws IOException {
        ChatTemplate t = open(Shared.model("qwen3-mini-q8_0.gguf"));
        List<Object> messages = List.of(Map.of("role", "user", "content", List.of(1, 2)));
        ChatInputException e = assertThrows(ChatInputException.class, () -> t.render(messages, null, true));
        assertEquals("messages", e.argument());
        assertEquals("the chat template (builtin:chatml) rejects the conversation: template raised: the built-in chatml "
                + "template takes string content only", e.getMessage());
        assertTrue(e.getCause() instanceof io.k3mcp.engine.chat.jinja.TemplateException, String.valueOf(e.getCause()));
    }

    @Test
    void builtinChatmlRendersPlainChatsLikeQwen3sPublishedTemplate() throws IOException {
        ChatTemplate t = open(Shared.model("qwen3-mini-q8_0.gguf"));
        for (boolean gen : new boolean[] {true, false}) {
            String ours = t.render(ChatMessages.messages(json(CHAT)), null, gen).text();
            assertEquals(published("qwen3", CHAT, gen, "", "<|im_end|>"), ours);
        }
    }

    @Test
    void builtinGemmaRendersPlainChatsLikeGemma3sPublishedTemplate() throws IOException {
        ChatTemplate t = open(Shared.model("gemma3-mini-q8_0.gguf"));
        Tokenizer tok = Tokenizers.fromFile(Shared.model("gemma3-mini-q8_0.gguf"));
        String bos = tok.tokenText(tok.bos());
        String ours = t.render(ChatMessages.messages(json(CHAT)), null, true).text();
        assertEquals(published("gemma3", CHAT, true, bos, tok.tokenText(tok.eos())), ours);
        assertTrue(ours.startsWith(bos + "<start_of_turn>user\nYou are terse.\n\nHi<end_of_turn>\n"), ours);
    }

    @Test
    void builtinLlama2WrapsTurnsInInstWithTheSystemInTheFirst() throws IOException {
        ChatTemplate t = open(Shared.model("llama-mini-q8_0.gguf"));
        String ours = t.render(ChatMessages.messages(json(CHAT)), null, true).text();
        assertEquals("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi [/INST] Hello. </s><s>[INST] Bye [/INST]", ours);
    }

    @Test
    void builtinLlama3UsesHeadersAndEotAfterBos() throws IOException {
        ChatTemplate t = open(Shared.model("llama3-vocab.gguf"));
        String ours = t.render(ChatMessages.messages(json("[{\"role\": \"user\", \"content\": \" Hi \"}]")), null, true).text();
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", ours);
    }

    @Test
    void builtinChatmlPutsToolsInTheSystemTurnAndCallsInToolCallBlocks() throws IOException {
        ChatTemplate t = open(Shared.model("qwen3-mini-q8_0.gguf"));
        JsonNode tools = json("[{\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", "
                + "\"properties\": {\"city\": {\"type\": \"string\"}}}}]");
        String msgs = """
                [{"role": "user", "content": "Weather in Paris?"},
                 {"role": "assistant", "content": "", "tool_calls": [{"type": "function",
                   "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
                 {"role": "tool", "content": "21 C"}]""";
        String ours = t.render(ChatMessages.messages(json(msgs)), ChatMessages.tools(tools), true).text();
        assertTrue(ours.startsWith("<|im_start|>system\n# Tools\n"), ours);
        assertTrue(ours.contains("\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}}\n</tools>"), ours);
        assertTrue(ours.endsWith("<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
                + "{\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n21 C\n"
                + "</tool_response><|im_end|>\n<|im_start|>assistant\n"), ours);
    }

    @Test
    void ggufTemplateIsRenderedLikeHuggingFace(@TempDir Path tmp) throws IOException {
        Path model = TemplateModels.withTemplate(Shared.model("qwen3-mini-q8_0.gguf"), tmp.resolve("q.gguf"),
                TemplateModels.fixtureTemplate("qwen3"));
        ChatTemplate t = open(model);
        assertEquals("gguf", t.source());
        List<Map<String, Object>> cases = M.readValue(TemplateModels.resource("chat/qwen3.cases.json"), new TypeReference<>() { });
        for (Map<String, Object> c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> ctx = (Map<String, Object>) c.get("context");
            if (ctx.containsKey("enable_thinking") || c.get("expected") == null) {
                continue; // extra template variables are not part of the engine's interface
            }
            String got = t.render(ChatMessages.messages(M.valueToTree(ctx.get("messages"))),
                    ChatMessages.tools(M.valueToTree(ctx.get("tools"))), (Boolean) ctx.get("add_generation_prompt")).text();
            assertEquals(c.get("expected"), got, (String) c.get("name"));
        }
    }

    @Test
    void aTemplateThatDoesNotCompileFallsBackToTheBuiltin(@TempDir Path tmp) throws IOException {
        Path model = TemplateModels.withTemplate(Shared.model("qwen3-mini-q8_0.gguf"), tmp.resolve("q.gguf"), "{% if %}");
        assertEquals("builtin:chatml", open(model).source());
    }

    @Test
    void bosIsAddedOnlyWhenTheTemplateDidNotEmitIt() throws IOException {
        Tokenizer tok = Tokenizers.fromFile(Shared.model("llama-mini-q8_0.gguf"));
        ChatTemplate t = open(Shared.model("llama-mini-q8_0.gguf"));
        String prompt = t.render(ChatMessages.messages(json(CHAT)), null, true).text();
        int[] ids = t.encode(prompt);
        assertEquals(tok.bos(), ids[0]);
        assertNotEquals(tok.bos(), ids[1], "no second BOS");
        int bosCount = 0;
        for (int id : ids) {
            bosCount += id == tok.bos() ? 1 : 0;
        }
        assertEquals(2, bosCount, "one BOS per [INST] turn, each parsed as the special token");
        int[] plain = t.encode("[INST] Hi [/INST]");
        assertEquals(tok.bos(), plain[0], "BOS added when the text does not start with it");
    }

    @Test
    void specialTokensInThePromptAreParsed() throws IOException {
        Tokenizer tok = Tokenizers.fromFile(Shared.model("qwen3-mini-q8_0.gguf"));
        ChatTemplate t = open(Shared.model("qwen3-mini-q8_0.gguf"));
        int[] ids = t.encode("<|im_start|>user\nHi<|im_end|>\n");
        assertEquals("<|im_start|>", tok.tokenText(ids[0]));
    }

    @Test
    void templateRaisingIsReportedAsBadMessages(@TempDir Path tmp) throws IOException {
        Path model = TemplateModels.withTemplate(Shared.model("gemma3-mini-q8_0.gguf"), tmp.resolve("g.gguf"),
                TemplateModels.fixtureTemplate("gemma3"));
        ChatTemplate t = open(model);
        ChatInputException e = assertThrows(ChatInputException.class, () -> t.render(ChatMessages.messages(
                json("[{\"role\": \"user\", \"content\": \"a\"}, {\"role\": \"user\", \"content\": \"b\"}]")), null, true));
        assertEquals("messages", e.argument());
        assertTrue(e.getMessage().contains("(gguf)") && e.getMessage().contains("must alternate"), e.getMessage());
    }
}
