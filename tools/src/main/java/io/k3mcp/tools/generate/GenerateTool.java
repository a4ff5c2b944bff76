package io.k3mcp.tools.generate;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.chat.ChatInputException;
import io.k3mcp.engine.chat.ChatMessages;
import io.k3mcp.engine.chat.ChatTemplate;
import io.k3mcp.engine.chat.ParsedReply;
import io.k3mcp.engine.chat.ReplyParser;
import io.k3mcp.engine.grammar.JsonLogitConstraint;
import io.k3mcp.engine.grammar.Schema;
import io.k3mcp.engine.grammar.SchemaException;
import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.ContextOverflowException;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.engine.session.Speculation;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code generate} tool: a prompt or chat messages in, text out, on a model from the shared
 * {@link ModelRegistry}. Chat messages (and tool definitions) are rendered with the model's own chat
 * template ({@link ChatTemplate}); the reply is split into content, reasoning and tool calls
 * ({@link ReplyParser}). With json_schema or format "json", decoding is constrained so the text is JSON
 * that validates ({@link JsonLogitConstraint}).
 */
public final class GenerateTool implements Tool<GenerateInput, GenerateOutput> {
    private static final Logger log = LoggerFactory.getLogger(GenerateTool.class);
    static final int MAX_TOKENS_LIMIT = 32768;
    static final int DEFAULT_MAX_TOKENS = 256;
    static final float DEFAULT_TEMPERATURE = 0.8f;
    private static final Set<String> ARGS = Set.of("model", "prompt", "messages", "max_tokens", "temperature", "top_k",
            "top_p", "min_p", "repeat_penalty", "seed", "stop", "no_bos", "top_logits", "tools", "json_schema", "format", "speculation");

    private final ModelRegistry registry;
    private final Path defaultModel;
    private final io.k3mcp.tools.LoadedModels listed;
    private final ModelResolver resolver;
    private final Map<Path, ChatTemplate> templates = new ConcurrentHashMap<>();
    /** Past the session's running slots, generations wait first come first served; past this many waiting, "busy". */
    static final int MAX_WAITING = 8;
    private final Map<Path, GenerationQueue> queues = new ConcurrentHashMap<>();
    private final InferenceMetrics metrics;

    /** @param defaultModel used when the call names no model; may be null */
    public GenerateTool(ModelRegistry registry, Path defaultModel) {
        this(registry, defaultModel, null);
    }

    /** @param listed where loaded models are announced for {@code models://loaded} (null: nowhere) */
    public GenerateTool(ModelRegistry registry, Path defaultModel, io.k3mcp.tools.LoadedModels listed) {
        this(registry, defaultModel, listed, ModelResolver.PATHS, new InferenceMetrics());
    }

    /** @param resolver turns the model argument (a name or a path) into a file (the CLI: no metrics kept) */
    public GenerateTool(ModelRegistry registry, Path defaultModel, io.k3mcp.tools.LoadedModels listed, ModelResolver resolver) {
        this(registry, defaultModel, listed, resolver, new InferenceMetrics());
    }

    /**
     * As the server builds it.
     *
     * @param resolver turns the model argument (a name or a path) into a file
     * @param metrics  where tokens, timings and queue waits are counted (the server's /metrics)
     */
    public GenerateTool(ModelRegistry registry, Path defaultModel, io.k3mcp.tools.LoadedModels listed,
                        ModelResolver resolver, InferenceMetrics metrics) {
        this.registry = registry;
        this.defaultModel = defaultModel;
        this.listed = listed;
        this.resolver = resolver;
        this.metrics = metrics;
        // An evicted model is closed: what was cached for it goes too, and models://loaded stops listing it.
        registry.onEviction(path -> {
            templates.remove(path);
            if (listed != null) {
                listed.remove(path.toString());
            }
        });
    }

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String description() {
        return "Generates text with a local GGUF model from a prompt or chat messages (system/user/assistant/tool), "
                + "rendered with the model's chat template; tools offers function definitions and the reply's calls come "
                + "back parsed in tool_calls, its <think> block in reasoning. json_schema (or format \"json\") makes the "
                + "output JSON that validates, enforced while decoding. temperature 0 is greedy; stop strings end "
                + "generation and are not returned. Returns the text, token counts, why it stopped and timings."
                + resolver.describe();
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
        Path model = modelArg != null ? resolver.resolve("model", modelArg) : defaultModel;
        String prompt = a.string("prompt");
        List<Object> messages = a.has("messages") ? chat(() -> ChatMessages.messages(a.node("messages"))) : null;
        if ((prompt == null) == (messages == null)) {
            throw new ToolInputException(prompt == null ? "prompt" : "messages", "give exactly one of prompt and messages");
        }
        List<Object> tools = a.has("tools") ? chat(() -> ChatMessages.tools(a.node("tools"))) : null;
        if (tools != null && messages == null) {
            throw new ToolInputException("tools", "tools are offered through the chat template: give messages, not prompt");
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
        List<String> stop = a.strings("stop", 16);
        String schemaArgument = outputSchemaArgument(a, tools != null, stop);
        Schema schema = schemaArgument == null ? null : outputSchema(a, schemaArgument);
        return new GenerateInput(model, prompt, messages, tools, schema, schemaArgument, maxTokens, sampler, stop,
                a.bool("no_bos", false), (int) a.integer("top_logits", 0, 0, 100), speculation(a));
    }

    /** "off", or {"ngram": n, "max_draft": k} (defaults 3 and 15); absent: null (on for greedy, off when sampling). */
    private static Speculation speculation(Args a) throws ToolInputException {
        if (!a.has("speculation")) {
            return null;
        }
        JsonNode s = a.node("speculation");
        if (s.isTextual() && s.asText().equals("off")) {
            return Speculation.OFF;
        }
        if (!s.isObject()) {
            throw new ToolInputException("speculation", "expected \"off\" or {\"ngram\": 1..8, \"max_draft\": 1..32}, got " + s);
        }
        try {
            Args spec = new Args(s, Set.of("ngram", "max_draft"));
            return new Speculation((int) spec.integer("ngram", Speculation.DEFAULT.ngram(), 1, Speculation.MAX_NGRAM),
                    (int) spec.integer("max_draft", Speculation.DEFAULT.maxDraft(), 1, Speculation.MAX_DRAFT));
        } catch (ToolInputException e) {
            throw new ToolInputException("speculation", e.getMessage());
        }
    }

    /** "json_schema", "format" or null; the constrained output excludes tools and stop strings. */
    private static String outputSchemaArgument(Args a, boolean tools, List<String> stop) throws ToolInputException {
        String format = a.string("format");
        if (format != null && !format.equals("json")) {
            throw new ToolInputException("format", "the only format is \"json\", got \"" + format + "\"");
        }
        String arg = a.has("json_schema") ? "json_schema" : format != null ? "format" : null;
        if (arg != null && format != null && a.has("json_schema")) {
            throw new ToolInputException("format", "give json_schema or format, not both");
        }
        if (arg != null && tools) {
            throw new ToolInputException(arg, "constrained JSON output and tools exclude each other: the output could not carry tool calls");
        }
        if (arg != null && !stop.isEmpty()) {
            throw new ToolInputException("stop", "stop strings cannot be combined with " + arg + ": they could cut the JSON short");
        }
        return arg;
    }

    private static Schema outputSchema(Args a, String argument) throws ToolInputException {
        if (argument.equals("format")) {
            return Schema.any();
        }
        JsonNode s = a.node("json_schema");
        if (!s.isObject()) {
            throw new ToolInputException("json_schema", "expected a JSON Schema object, got " + s.getNodeType());
        }
        try {
            return Schema.compile(s);
        } catch (SchemaException e) {
            throw new ToolInputException("json_schema", e.getMessage());
        }
    }

    private interface ChatRead<T> {
        T read();
    }

    private static <T> T chat(ChatRead<T> read) throws ToolInputException {
        try {
            return read.read();
        } catch (ChatInputException e) {
            throw new ToolInputException(e.argument(), e.getMessage());
        }
    }

    @Override
    public GenerateOutput run(GenerateInput in, Progress progress, Cancellation cancel) throws Exception {
        // The lease keeps the model loaded for the whole call, whatever other calls load meanwhile.
        try (ModelRegistry.Lease lease = load(in.model())) {
            return run(in, lease.loaded(), progress, cancel);
        }
    }

    private GenerateOutput run(GenerateInput in, ModelRegistry.Loaded m, Progress progress, Cancellation cancel)
            throws Exception {
        int[] prompt;
        String templateSource = null;
        if (in.messages() != null) {
            ChatTemplate template = templates.computeIfAbsent(m.path(), p -> ChatTemplate.of(m.model().file().metadata(), m.tokenizer()));
            ChatTemplate.Prompt rendered = chat(() -> template.render(in.messages(), in.tools(), true));
            templateSource = rendered.source();
            prompt = template.encode(rendered.text(), !in.noBos());
            log.debug("chat prompt rendered template_source={} tools={} prompt_tokens={}", templateSource,
                    in.tools() == null ? 0 : in.tools().size(), prompt.length);
        } else {
            prompt = m.tokenizer().encode(in.prompt(), !in.noBos(), false);
        }
        if (prompt.length == 0) {
            throw new ToolInputException("prompt", "the prompt is empty and the model adds no BOS token: nothing to continue from");
        }
        JsonLogitConstraint constraint = in.outputSchema() == null ? null : constraint(in, m);
        GenerationRequest request = new GenerationRequest(prompt, in.maxTokens(), in.sampler(), in.stop(), in.topLogits(),
                cancel::isCancelled, new ProgressListener(progress, prompt.length, in.maxTokens()), constraint, in.speculation());
        GenerationResult r;
        GenerationQueue queue = queues.computeIfAbsent(m.path(),
                p -> new GenerationQueue(p.getFileName().toString(), m.session().parallel(), MAX_WAITING));
        String label = InferenceMetrics.modelLabel(m.path());
        try (GenerationQueue.Slot turn = queue.enter(cancel, () -> metrics.deferred(name(), label));
             InferenceMetrics.Span running = metrics.processing(name(), label)) {
            r = m.session().generate(request);
        } catch (ContextOverflowException e) {
            throw new ToolInputException(!e.promptTooLong() ? "max_tokens" : in.messages() != null ? "messages" : "prompt",
                    e.getMessage());
        }
        metrics.prefill(name(), label, r.promptTokens(), r.timings().prefillMs() / 1000);
        metrics.decode(name(), label, r.completionTokens(), r.timings().decodeMs() / 1000);
        ParsedReply reply = in.messages() == null ? null
                : constraint != null ? new ParsedReply(r.text(), null, List.of()) // the JSON is the answer, not a call
                : ReplyParser.parse(r.text(), in.tools() != null);
        return new GenerateOutput(r.text(), r.tokens(), r.promptTokens(), r.completionTokens(), r.finishReason(),
                r.timings(), m.session().contextLength(), in.topLogits() > 0 ? r.topLogits() : null, reply == null ? null : reply.content(),
                reply == null ? null : reply.reasoning(), reply == null ? null : reply.toolCalls(), templateSource);
    }

    /** The output constraint, checked up front: the vocabulary must spell JSON and max_tokens must fit the shortest document. */
    private static JsonLogitConstraint constraint(GenerateInput in, ModelRegistry.Loaded m) throws ToolInputException {
        JsonLogitConstraint c;
        try {
            c = JsonLogitConstraint.of(in.outputSchema(), m.tokenizer());
        } catch (SchemaException e) {
            throw new ToolInputException(in.schemaArgument(), e.getMessage());
        }
        if (in.maxTokens() < c.minTokens()) {
            throw new ToolInputException("max_tokens", "max_tokens " + in.maxTokens() + " is below the " + c.minTokens()
                    + " tokens the shortest output valid for " + in.schemaArgument() + " needs");
        }
        return c;
    }

    private ModelRegistry.Lease load(Path model) throws Exception {
        try {
            ModelRegistry.Lease lease = registry.acquire(model);
            if (listed != null) {
                announce(lease.loaded().path());
            }
            return lease;
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
