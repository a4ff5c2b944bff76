package io.k3mcp.engine.chat;

import io.k3mcp.engine.chat.jinja.JinjaTemplate;
import io.k3mcp.engine.chat.jinja.TemplateException;
import io.k3mcp.engine.gguf.GgufMetadata;
import io.k3mcp.engine.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat format: its own {@code tokenizer.chat_template} from GGUF, rendered the way Hugging
 * Face's apply_chat_template renders it (messages, tools, add_generation_prompt, the vocabulary's BOS
 * and EOS strings), or for files without one a built-in format chosen by architecture (see
 * {@link BuiltinTemplates}). {@link #source()} says which.
 */
public final class ChatTemplate {
    private static final Logger log = LoggerFactory.getLogger(ChatTemplate.class);
    public static final String GGUF_KEY = "tokenizer.chat_template";
    public static final String SOURCE_GGUF = "gguf";

    private final JinjaTemplate template;
    private final String source;
    private final Tokenizer tokenizer;
    private final String bosText;
    private final String eosText;

    /** A rendered prompt and the template it came from ("gguf" or "builtin:NAME"). */
    public record Prompt(String text, String source) {
    }

    private ChatTemplate(JinjaTemplate template, String source, Tokenizer tokenizer) {
        this.template = template;
        this.source = source;
        this.tokenizer = tokenizer;
        this.bosText = tokenText(tokenizer, tokenizer.bos());
        this.eosText = tokenText(tokenizer, tokenizer.eos());
    }

    /**
     * The model's own template when the file has one that compiles; otherwise the built-in format for
     * its architecture (a template that does not compile is logged, not fatal).
     */
    public static ChatTemplate of(GgufMetadata meta, Tokenizer tokenizer) {
        String arch = meta.optString("general.architecture").orElse("");
        Optional<String> own = meta.optString(GGUF_KEY).filter(s -> !s.isBlank());
        if (own.isPresent()) {
            try {
                return new ChatTemplate(JinjaTemplate.compile(own.get()), SOURCE_GGUF, tokenizer);
            } catch (TemplateException e) {
                log.warn("chat template from GGUF does not compile, using the built-in format arch={} error=\"{}\"",
                        arch, e.getMessage());
            }
        }
        return builtin(arch, tokenizer);
    }

    /** The built-in format for {@code architecture} (a {@code general.architecture} value). */
    public static ChatTemplate builtin(String architecture, Tokenizer tokenizer) {
        String name = BuiltinTemplates.nameFor(architecture, tokenizer);
        return new ChatTemplate(BuiltinTemplates.load(name), "builtin:" + name, tokenizer);
    }

    /** "gguf" or "builtin:chatml" / "builtin:llama3" / "builtin:gemma" / "builtin:llama2". */
    public String source() {
        return source;
    }

    /**
     * Renders a conversation.
     *
     * @param messages template data from {@link ChatMessages#messages}
     * @param tools    template data from {@link ChatMessages#tools}; null for none (passed as none, as HF does)
     * @throws ChatInputException when the template rejects the conversation (its raise_exception message)
     */
    public Prompt render(List<Object> messages, List<Object> tools, boolean addGenerationPrompt) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", messages);
        context.put("tools", tools);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosText);
        context.put("eos_token", eosText);
        try {
            return new Prompt(template.render(context), source);
        } catch (TemplateException e) {
            throw new ChatInputException("messages", "the chat template (" + source + ") rejects the conversation: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The prompt's tokens: special tokens in the text are parsed as such, and BOS is added only when the
     * vocabulary wants it and the template did not already emit it.
     */
    public int[] encode(String prompt) {
        return encode(prompt, true);
    }

    /** As {@link #encode(String)}; {@code allowBos} false never adds BOS (the caller's no_bos). */
    public int[] encode(String prompt, boolean allowBos) {
        boolean bosEmitted = !bosText.isEmpty() && prompt.startsWith(bosText);
        int[] ids = tokenizer.encode(prompt, false, true);
        if (!allowBos || !tokenizer.addBos() || bosEmitted || tokenizer.bos() < 0) {
            return ids;
        }
        int[] out = new int[ids.length + 1];
        out[0] = tokenizer.bos();
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    private static String tokenText(Tokenizer t, int id) {
        return id >= 0 && id < t.vocabSize() ? t.tokenText(id) : "";
    }
}
