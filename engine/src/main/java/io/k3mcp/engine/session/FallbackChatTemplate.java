package io.k3mcp.engine.session;

import io.k3mcp.engine.model.Architecture;
import io.k3mcp.engine.tokenizer.Tokenizer;

import java.util.List;

/**
 * Built-in chat formats per architecture, used until the model's own Jinja chat template is
 * rendered (a later change). The rendered text is meant to be tokenised with special tokens parsed.
 */
public final class FallbackChatTemplate {
    private FallbackChatTemplate() {
    }

    /** The name of the format {@link #render} uses for this model, e.g. "chatml". */
    public static String name(Architecture arch, Tokenizer tokenizer) {
        return switch (arch) {
            case QWEN2, QWEN3 -> "chatml";
            case GEMMA3 -> "gemma";
            case LLAMA -> hasToken(tokenizer, "<|start_header_id|>") ? "llama3" : "llama2";
        };
    }

    /** The conversation followed by the opening of the assistant's turn (no BOS: encode adds it). */
    public static String render(Architecture arch, Tokenizer tokenizer, List<ChatMessage> messages) {
        StringBuilder sb = new StringBuilder();
        switch (name(arch, tokenizer)) {
            case "chatml" -> {
                for (ChatMessage m : messages) {
                    sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
                }
                sb.append("<|im_start|>assistant\n");
            }
            case "gemma" -> {
                String system = "";
                for (ChatMessage m : messages) {
                    if (m.role().equals("system")) {
                        system = m.content() + "\n\n"; // gemma has no system turn: it prefixes the next user turn
                        continue;
                    }
                    String role = m.role().equals("assistant") ? "model" : m.role();
                    sb.append("<start_of_turn>").append(role).append('\n').append(system).append(m.content()).append("<end_of_turn>\n");
                    system = "";
                }
                sb.append("<start_of_turn>model\n");
            }
            case "llama3" -> {
                for (ChatMessage m : messages) {
                    sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                            .append(m.content()).append("<|eot_id|>");
                }
                sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            default -> llama2(sb, messages);
        }
        return sb.toString();
    }

    private static void llama2(StringBuilder sb, List<ChatMessage> messages) {
        String system = "";
        boolean first = true;
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system" -> system = "<<SYS>>\n" + m.content() + "\n<</SYS>>\n\n";
                case "assistant" -> sb.append(' ').append(m.content()).append(" </s>");
                default -> {
                    sb.append(first ? "" : "<s>").append("[INST] ").append(system).append(m.content()).append(" [/INST]");
                    system = "";
                    first = false;
                }
            }
        }
    }

    private static boolean hasToken(Tokenizer t, String text) {
        int[] ids = t.encode(text, false, true);
        return ids.length == 1;
    }
}
