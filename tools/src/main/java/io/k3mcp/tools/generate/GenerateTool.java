package io.k3mcp.tools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.ChatMessage;
import io.k3mcp.engine.session.ContextOverflowException;
import io.k3mcp.engine.session.FallbackChatTemplate;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The {@code generate} tool: a prompt or chat messages in, text out, on a model from the shared
 * {@link ModelRegistry}. Chat messages use a built-in per-architecture format until the model's own
 * chat template is rendered (a later change).
 */
public final class GenerateTool implements Tool<GenerateInput, GenerateOutput> {
    private static final Logger log = LoggerFactory.getLogger(GenerateTool.class);
    static final int MAX_TOKENS_LIMIT = 32768;
    static final int DEFAULT_MAX_TOKENS = 256;
    static final float DEFAULT_TEMPERATURE = 0.8f;
    private static final Set<String> ARGS = Set.of("model", "prompt", "messages", "max_tokens", "temperature", "top_k",
            "top_p", "min_p", "repeat_penalty", "seed", "stop", "no_bos", "top_logits");

    private final ModelRegistry registry;
    private final Path defaultModel;
    private final io.k3mcp.tools.LoadedModels listed;

    /** @param defaultModel used when the call names no model; may be null */
    public GenerateTool(ModelRegistry registry, Path defaultModel) {
        this(registry, defaultModel, null);
    }

    /** @param listed where loaded models are announced for {@code models://loaded} (null: nowhere) */
    public GenerateTool(ModelRegistry registry, Path defaultModel, io.k3mcp.tools.LoadedModels listed) {
        this.registry = registry;
        this.defaultModel = defaultModel;
        this.listed = listed;
    }

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String description() {
        return "Generates text with a local GGUF model from a prompt or chat messages (system/user/assistant). "
                + "temperature 0 is greedy; stop strings end generation and are not returned. Returns the text, "
                + "token counts, why it stopped and timings. Chat messages use a built-in format per architecture "
                + "(chatml, gemma, llama2, llama3), not yet the model's own chat template.";
    }

    @Override
    public JsonNode inputSchema() {
        return Json.parse(GenerateSchemas.INPUT);
    }

    @Override
    public JsonNode outputSchema() {
        return Json.parse(GenerateSchemas.OUTPUT);
    }

    @Override
    public GenerateInput parse(JsonNode arguments) throws ToolInputException {
        Args a = new Args(arguments, ARGS);
        String modelArg = a.string("model");
        if (modelArg == null && defaultModel == null) {
            throw new ToolInputException("model", "no model given and the server has no default model (--model)");
        }
        Path model = modelArg != null ? Path.of(modelArg) : defaultModel;
        String prompt = a.string("prompt");
        List<ChatMessage> messages = a.has("messages") ? messages(a.node("messages")) : null;
        if ((prompt == null) == (messages == null)) {
            throw new ToolInputException(prompt == null ? "prompt" : "messages", "give exactly one of prompt and messages");
        }
        int maxTokens = (int) a.integer("max_tokens", DEFAULT_MAX_TOKENS, 1, MAX_TOKENS_LIMIT);
        long seed = a.integer("seed", new SplittableRandom().nextLong() & Long.MAX_VALUE, 0, Long.MAX_VALUE);
        SamplerConfig sampler = new SamplerConfig(
                a.number("temperature", DEFAULT_TEMPERATURE, 0, false, 100),
                (int) a.integer("top_k", SamplerConfig.DEFAULT_TOP_K, 0, Integer.MAX_VALUE),
                a.number("top_p", SamplerConfig.DEFAULT_TOP_P, 0, true, 1),
                a.number("min_p", SamplerConfig.DEFAULT_MIN_P, 0, false, 1),
                a.number("repeat_penalty", 1f, 0, true, 10),
                SamplerConfig.DEFAULT_REPEAT_LAST_N, seed);
        return new GenerateInput(model, prompt, messages, maxTokens, sampler, a.strings("stop", 16),
                a.bool("no_bos", false), (int) a.integer("top_logits", 0, 0, 100));
    }

    private static List<ChatMessage> messages(JsonNode n) throws ToolInputException {
        if (!n.isArray() || n.isEmpty()) {
            throw new ToolInputException("messages", "expected a non-empty array of {role, content} objects");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode m = n.get(i);
            String role = m.path("role").asText("");
            if (!Set.of("system", "user", "assistant").contains(role) || !m.path("content").isTextual()) {
                throw new ToolInputException("messages", "entry " + i + " must be {\"role\": system|user|assistant, "
                        + "\"content\": string}, got " + m);
            }
            out.add(new ChatMessage(role, m.get("content").asText()));
        }
        return out;
    }

    @Override
    public GenerateOutput run(GenerateInput in, Progress progress, Cancellation cancel) throws Exception {
        ModelRegistry.Loaded m = load(in.model());
        int[] prompt;
        if (in.messages() != null) {
            String text = FallbackChatTemplate.render(m.model().config().arch(), m.tokenizer(), in.messages());
            log.warn("chat messages rendered with the built-in '{}' format, not the model's chat template",
                    FallbackChatTemplate.name(m.model().config().arch(), m.tokenizer()));
            prompt = m.tokenizer().encode(text, !in.noBos(), true);
        } else {
            prompt = m.tokenizer().encode(in.prompt(), !in.noBos(), false);
        }
        if (prompt.length == 0) {
            throw new ToolInputException("prompt", "the prompt is empty and the model adds no BOS token: nothing to continue from");
        }
        double total = in.maxTokens();
        GenerationRequest request = new GenerationRequest(prompt, in.maxTokens(), in.sampler(), in.stop(), in.topLogits(),
                cancel::isCancelled, (i, id, delta) -> progress.report(i + 1, total, "token " + (i + 1)));
        GenerationResult r;
        try {
            r = m.session().generate(request);
        } catch (ContextOverflowException e) {
            throw new ToolInputException("max_tokens", e.getMessage());
        }
        return new GenerateOutput(r.text(), r.tokens(), r.promptTokens(), r.completionTokens(), r.finishReason(),
                r.timings(), in.topLogits() > 0 ? r.topLogits() : null);
    }

    private ModelRegistry.Loaded load(Path model) throws Exception {
        try {
            ModelRegistry.Loaded loaded = registry.get(model);
            if (listed != null) {
                announce(loaded.path());
            }
            return loaded;
        } catch (NoSuchFileException e) {
            throw new ToolInputException("model", "model file not found: " + model);
        } catch (UnsupportedModelException e) {
            throw new ToolInputException("model", e.getMessage());
        }
    }

    private void announce(Path path) {
        for (ModelRegistry.Info i : registry.loaded()) {
            if (i.path().equals(path.toString())) {
                java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("architecture", i.architecture());
                details.put("layers", i.layers());
                details.put("embedding_length", i.embeddingLength());
                details.put("vocab_size", i.vocabSize());
                details.put("context_length", i.contextLength());
                details.put("size_bytes", i.fileBytes());
                details.put("kernels", i.kernels());
                listed.register(new io.k3mcp.tools.LoadedModel(path.getFileName().toString(), i.path(), "generate", details));
            }
        }
    }

    @Override
    public String summarize(GenerateOutput o) {
        return o.text() + "\n[" + o.completionTokens() + " tokens, finish_reason " + o.finishReason().wire()
                + String.format(java.util.Locale.ROOT, ", %.1f tokens/s]", o.timings().decodeTps());
    }
}
