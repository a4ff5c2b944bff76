package io.k3mcp.tools.embed;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.embed.BundledModel;
import io.k3mcp.engine.embed.EmbedResult;
import io.k3mcp.engine.embed.EmbeddingModel;
import io.k3mcp.engine.embed.Pooling;
import io.k3mcp.engine.model.UnsupportedModelException;
import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.engine.session.LeasedCache;
import io.k3mcp.engine.session.ModelRegistry;
import io.k3mcp.engine.tokenizer.TokenizerException;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.LoadedModels;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code embed} tool: sentence embeddings (or per-token vectors) from a GGUF embedding model, the bundled
 * all-MiniLM-L6-v2 by default. Models stay loaded between calls ({@link EmbedModels}).
 */
public final class EmbedTool implements Tool<EmbedInput, EmbedOutput> {
    static final int MAX_TEXTS = 256;
    static final int MAX_TEXT_CHARS = 100_000;
    static final int MAX_PATH_CHARS = 4096;
    static final String BUNDLED = "bundled:" + BundledModel.FILE;

    private final Path defaultModel;
    private final EmbedModels models;
    private final InferenceMetrics metrics;
    private final ModelResolver resolver;

    /**
     * @param defaultModel the model used when a call names none (serve's --embed-model); null: the bundled one
     * @param threads      kernel worker threads; null: the kernels' own choice
     */
    public EmbedTool(Path defaultModel, Integer threads) {
        this(defaultModel, threads, new LoadedModels());
    }

    /** As the server builds it: loaded models are listed in {@code loaded} (the models://loaded resource). */
    public EmbedTool(Path defaultModel, Integer threads, LoadedModels loaded) {
        // Kernels come from the engine's one choosing place (native when available, else the reference).
        this(defaultModel, () -> KernelsChoice.pick(threads != null ? threads : 0, null), loaded);
    }

    /** With a given kernel supplier (tests pass the reference kernels). */
    public EmbedTool(Path defaultModel, Supplier<Kernels> kernels, LoadedModels loaded) {
        this(defaultModel, kernels, loaded, ModelResolver.PATHS, ModelRegistry.Limits.NONE, new InferenceMetrics());
    }

    /** @param resolver turns the model argument (a name or a path) into a file (the CLI: no limits, no metrics) */
    public EmbedTool(Path defaultModel, Supplier<Kernels> kernels, LoadedModels loaded, ModelResolver resolver) {
        this(defaultModel, kernels, loaded, resolver, ModelRegistry.Limits.NONE, new InferenceMetrics());
    }

    /**
     * As the server builds it.
     *
     * @param resolver turns the model argument (a name or a path) into a file
     * @param limits   when idle embedding models are closed (serve's --max-loaded, --memory-budget)
     * @param metrics  where embedded tokens and seconds are counted (the server's /metrics)
     */
    public EmbedTool(Path defaultModel, Supplier<Kernels> kernels, LoadedModels loaded, ModelResolver resolver,
                     ModelRegistry.Limits limits, InferenceMetrics metrics) {
        this.defaultModel = defaultModel;
        this.models = new EmbedModels(kernels, loaded, limits);
        this.resolver = resolver;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "embed";
    }

    @Override
    public String description() {
        return "Embed texts as vectors with a local embedding model (default: all-MiniLM-L6-v2, 384-d, mean pooling, "
                + "L2-normalised). Use it to compare texts by cosine similarity, cluster or search them. Each text is "
                + "embedded on its own; returns one vector per text and each text's token count." + resolver.describe();
    }

    @Override
    public JsonNode inputSchema() {
        return Json.parse(EmbedSchemas.INPUT);
    }

    @Override
    public JsonNode outputSchema() {
        return Json.parse(EmbedSchemas.OUTPUT);
    }

    @Override
    public EmbedInput parse(JsonNode args) throws ToolInputException {
        return EmbedArguments.parse(args, resolver);
    }

    @Override
    public EmbedOutput run(EmbedInput input, Progress progress, Cancellation cancel) throws Exception {
        Path path = input.model() != null ? input.model() : defaultModel;
        String label = path != null ? path.toString() : BUNDLED;
        if (path != null && !Files.isRegularFile(path)) {
            throw new ToolInputException("model", "file not found: " + path);
        }
        LeasedCache<EmbedModels.Opened>.Lease lease;
        try {
            lease = models.acquire(path != null ? path : BundledModel.path());
        } catch (TokenizerException | UnsupportedModelException e) {
            // a well-formed GGUF that is not an embedding model k3mcp can run: the caller's choice is at fault.
            // A corrupt or truncated file (GgufException) stays a runtime error, as for generate and tokenize.
            throw new ToolInputException("model", e.getMessage());
        }
        // The lease keeps the model open for the whole call, whatever other calls load meanwhile.
        try (lease) {
            return embed(lease.value().model(), path, label, input, progress, cancel);
        }
    }

    /** @param path the model's file, null for the bundled one (the metrics' model label) */
    private EmbedOutput embed(EmbeddingModel model, Path path, String label, EmbedInput input, Progress progress,
                              Cancellation cancel) throws Exception {
        Pooling pooling = input.pooling() != null ? input.pooling() : model.defaultPooling();
        List<int[]> tokens = new ArrayList<>();
        try {
            for (int i = 0; i < input.texts().size(); i++) {
                tokens.add(model.tokens(i, input.texts().get(i), input.truncate()));
            }
        } catch (IllegalArgumentException e) {
            throw new ToolInputException("texts", e.getMessage());
        }
        List<float[]> vectors = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        int n = tokens.size();
        String metricsLabel = InferenceMetrics.modelLabel(path != null ? path : Path.of(BundledModel.FILE));
        long started = System.nanoTime();
        try (InferenceMetrics.Span running = metrics.processing(name(), metricsLabel)) {
            for (int i = 0; i < n; i++) {
                cancel.check();
                vectors.addAll(model.embedTokens(tokens.get(i), pooling, input.normalize()));
                counts.add(tokens.get(i).length);
                progress.report(i + 1, (double) n, "embedded " + (i + 1) + "/" + n);
            }
        }
        // An encoder's whole pass over the text is its prompt pass: no tokens are predicted.
        metrics.prefill(name(), metricsLabel, counts.stream().mapToInt(Integer::intValue).sum(),
                (System.nanoTime() - started) / 1e9);
        EmbedResult r = new EmbedResult(pooling, input.normalize(), model.dim(), vectors, counts);
        return new EmbedOutput(label, r.dim(), r.pooling().label(), r.normalized(), r.vectors(), r.tokenCounts());
    }

    @Override
    public String summarize(EmbedOutput o) {
        return "embedded " + o.tokenCounts().size() + " text(s) with " + o.model() + ": " + o.embeddings().size()
                + " vector(s) of " + o.dim() + " dims, " + o.pooling() + " pooling" + (o.normalized() ? ", L2-normalised" : "")
                + ", tokens " + o.tokenCounts();
    }
}
