package io.k3mcp.engine.chat;

import io.k3mcp.engine.chat.jinja.JinjaTemplate;
import io.k3mcp.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * k3mcp's own chat formats for GGUF files that carry no chat template, chosen by architecture:
 * chatml (qwen2, qwen3), gemma (gemma, gemma2, gemma3), llama3 (llama with a Llama-3 vocabulary, i.e.
 * one that has the single token {@code <|start_header_id|>}), llama2 ([INST], any other llama: Llama 2,
 * TinyLlama and llama2.c conversions). Anything else gets chatml, the most widely trained format.
 * They are Jinja templates under resources {@code io/k3mcp/engine/chat/builtin/}.
 */
final class BuiltinTemplates {
    private static final Map<String, JinjaTemplate> CACHE = new ConcurrentHashMap<>();

    private BuiltinTemplates() {
    }

    static String nameFor(String architecture, Tokenizer tokenizer) {
        return switch (architecture) {
            case "qwen2", "qwen3" -> "chatml";
            case "gemma", "gemma2", "gemma3" -> "gemma";
            case "llama" -> isSingleToken(tokenizer, "<|start_header_id|>") ? "llama3" : "llama2";
            default -> "chatml";
        };
    }

    static JinjaTemplate load(String name) {
        return CACHE.computeIfAbsent(name, BuiltinTemplates::read);
    }

    private static JinjaTemplate read(String name) {
        String path = "io/k3mcp/engine/chat/builtin/" + name + ".jinja";
        try (InputStream in = BuiltinTemplates.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("built-in chat template missing from the jar: " + path);
            }
            return JinjaTemplate.compile(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in chat template " + path, e);
        }
    }

    private static boolean isSingleToken(Tokenizer t, String text) {
        int[] ids = t.encode(text, false, true);
        return ids.length == 1 && text.equals(t.tokenText(ids[0]));
    }
}
