package io.k3mcp.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.engine.session.KvType;
import io.k3mcp.engine.session.KvTypeException;
import io.k3mcp.engine.synthetic.SyntheticShape;
import io.k3mcp.engine.synthetic.SyntheticType;
import io.k3mcp.kernels.FlashAttention;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.InferenceMetrics;
import io.k3mcp.tools.Json;
import io.k3mcp.tools.KnownArguments;
import io.k3mcp.tools.ModelResolver;
import io.k3mcp.tools.Progress;
import io.k3mcp.tools.Tool;
import io.k3mcp.tools.ToolInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code benchmark} tool (and {@code k3mcp bench}): llama-bench-style pp/tg rows, or the agentic
 * turn, on a GGUF model or a synthetic real-shape model; every run is appended to the history.
 */
public final class BenchmarkTool implements Tool<BenchmarkTool.Input, BenchResult> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkTool.class);

    /** Validated arguments (see {@link #inputSchema}). */
    public record Input(BenchConfig config, boolean record) {
    }

    private final BenchRunner runner;
    private final BenchHistory history;
    private final Path defaultModel;
    private final InferenceMetrics metrics;
    private final ModelResolver resolver;

    public BenchmarkTool(BenchRunner runner, BenchHistory history, Path defaultModel) {
        this(runner, history, defaultModel, ModelResolver.PATHS, new InferenceMetrics());
    }

    /**
     * @param resolver turns the model argument (a name or a path) into a file
     * @param metrics  where running benchmarks are counted (the server's /metrics)
     */
    public BenchmarkTool(BenchRunner runner, BenchHistory history, Path defaultModel, ModelResolver resolver,
                         InferenceMetrics metrics) {
        this.runner = runner;
        this.history = history;
        this.defaultModel = defaultModel;
        this.resolver = resolver;
        this.metrics = metrics;
    }

    /** The tool on this machine: sysfs at /, /proc/cpuinfo, the default history file. */
    public static BenchmarkTool onThisMachine(Path defaultModel) {
        return onThisMachine(defaultModel, BenchHistory.inDefaultDataDir().file());
    }

    /** The same with the history file the server was given (serve --data-dir). */
    public static BenchmarkTool onThisMachine(Path defaultModel, Path historyFile) {
        return onThisMachine(defaultModel, historyFile, ModelResolver.PATHS, new InferenceMetrics());
    }

    /** As the CLI builds it: model names resolved by {@code resolver}. */
    public static BenchmarkTool onThisMachine(Path defaultModel, Path historyFile, ModelResolver resolver) {
        return onThisMachine(defaultModel, historyFile, resolver, new InferenceMetrics());
    }

    /** As the server builds it: model names resolved in its models directories, runs counted in {@code metrics}. */
    public static BenchmarkTool onThisMachine(Path defaultModel, Path historyFile, ModelResolver resolver, InferenceMetrics metrics) {
        return new BenchmarkTool(new BenchRunner(new BoardReader(Path.of("/")), Path.of("/proc/cpuinfo")),
                new BenchHistory(historyFile), defaultModel, resolver, metrics);
    }

    @Override
    public String name() {
        return "benchmark";
    }

    @Override
    public String description() {
        return "Measure this machine's inference speed as llama-bench does: prompt processing (pp, one batched "
                + "prefill of n_prompt tokens) and token generation (tg, n_gen single-token decodes) in tokens/s, "
                + "mean and stddev over repetitions, with memory bandwidth, the bandwidth roofline for decoding, "
                + "worker placement and board temperatures. With turn=true, times an agentic coding turn "
                + "(~800-token prompt, n_gen generated tokens). Use synthetic (e.g. \"tinyllama-1.1b:q4_0\") to "
                + "benchmark without downloading a model. parallel=[1,2,4] measures concurrent sequences sharing each "
                + "forward pass; turn with spec=true measures speculative decoding. Slow: minutes for real-size models."
                + resolver.describe();
    }

    private static final String SYNTHETIC_TYPES = java.util.Arrays.stream(SyntheticType.values())
            .map(t -> t.name().toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.joining(", "));

    /** The names the schema declares: the only arguments parse takes. */
    private final Set<String> argumentNames = KnownArguments.of(inputSchema());

    @Override
    public JsonNode inputSchema() {
        return Json.parse("""
            {"type": "object", "additionalProperties": false, "properties": {
              "model": {"type": "string", "description": "model name (see models://available) or GGUF file (default: the server's --model)"},
              "synthetic": {"type": "string", "description": "SHAPE:TYPE, shapes SHAPES; types TYPES"},
              "layers": {"type": "integer", "minimum": 1, "description": "with synthetic: only the shape's first N layers (same cost per layer; a 6-layer qwen3-30b-a3b fits a small board)"},
              "threads": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 1024}, "minItems": 1, "maxItems": 16, "default": [2]},
              "n_prompt": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 8192}, "maxItems": 16, "default": [128]},
              "n_gen": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 8192}, "maxItems": 16, "default": [64]},
              "n_depth": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 1048576}, "maxItems": 16, "default": [0], "description": "tokens already in the cache when each test runs (llama-bench -d)"},
              "ctx_size": {"type": "integer", "minimum": 0, "default": 0, "description": "KV cache length in tokens, up to the model's trained context; 0 = what the largest test needs (n_depth + n_prompt or n_gen)"},
              "type_k": {"type": "string", "enum": ["f16", "q8_0", "q4_0", "f32"], "default": "f16", "description": "KV cache type (llama-bench -ctk); type_v must be the same"},
              "type_v": {"type": "string", "enum": ["f16", "q8_0", "q4_0", "f32"], "default": "f16", "description": "KV cache type for V (llama-bench -ctv)"},
              "flash_attn": {"type": "string", "enum": ["auto", "on", "off"], "default": "auto", "description": "llama-bench -fa: on = the tiled attention kernel at every cache length, off = the exact path, auto = tiled from 512 keys on (native kernels)"},
              "repetitions": {"type": "integer", "minimum": 1, "maximum": 100, "default": 3, "description": "timed repetitions after the warm-up (the CLI's -r defaults to 5)"},
              "cores": {"type": "string", "description": "cpu list such as 0-3,6, or x100 / a100 on a K3"},
              "turn": {"type": "boolean", "default": false, "description": "agentic-turn benchmark instead of pp/tg; n_gen[0] tokens generated (700 is a realistic turn)"},
              "backend": {"type": "string", "enum": ["auto", "native", "reference"], "default": "auto"},
              "record": {"type": "boolean", "default": true, "description": "append the run to the history file"},
              "parallel": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 64}, "maxItems": 16,
                "description": "concurrent sequences (llama-batched-bench -npl): n_prompt[0] prefilled each, n_gen[0] decoded with all in every forward pass; aggregate and per-sequence decode t/s"},
              "spec": {"type": "boolean", "default": false, "description": "with turn: decode the agentic turn without drafts, with always-wrong drafts, with the model's own continuation as drafts, and with prompt lookup"},
              "interleave": {"type": "boolean", "default": false, "description": "with two or more n_depth values: a KV cache per depth, and each test's repetitions taken in turn across the depths (rep 1 at every depth, then rep 2, ...), so depths are compared over the same minutes of a machine whose speed drifts; the rows are the same as without it"}
            }}""".replace("SHAPES", String.join(", ", SyntheticShape.KNOWN.keySet())).replace("TYPES", SYNTHETIC_TYPES));
    }

    @Override
    public JsonNode outputSchema() {
        return Json.parse("""
            {"type": "object", "properties": {
              "model": {"type": "string"},
              "rows": {"type": "array", "items": {"type": "object", "required": ["model_filename", "model_type", "model_size",
                "model_n_params", "n_threads", "n_prompt", "n_gen", "n_depth", "avg_ns", "stddev_ns", "avg_ts", "stddev_ts",
                "samples_ns", "samples_ts", "cpu_info", "type_k", "type_v", "cores", "backend", "bandwidth_gbs",
                "roofline_ts", "roofline_fraction"]}},
              "turns": {"type": "array", "items": {"type": "object", "required": ["prompt_tokens", "completion_tokens",
                "prefill_ts", "decode_ts", "overall_ts", "turn_seconds"]}},
              "serving": {"type": "array", "description": "with parallel or spec", "items": {"type": "object", "required": ["test",
                "n_threads", "sequences", "n_prompt", "n_gen", "decode_seconds", "aggregate_ts", "per_sequence_ts"]}},
              "history_file": {"type": ["string", "null"]},
              "comparison": {"type": "array"}
            }, "required": ["model", "rows", "turns"]}""");
    }

    @Override
    public Input parse(JsonNode a) throws ToolInputException {
        KnownArguments.check(a, argumentNames);
        String model = text(a, "model");
        String synthetic = text(a, "synthetic");
        // A named model goes through the resolver; the server's own --model is trusted as given.
        Path given = model == null ? null : resolver.resolve("model", model);
        if (model != null && synthetic != null) {
            throw new ToolInputException("synthetic", "give either model or synthetic, not both");
        }
        if (model == null && synthetic == null) {
            if (defaultModel == null) {
                throw new ToolInputException("model", "no model: pass model (a GGUF file) or synthetic (SHAPE:TYPE)");
            }
            model = defaultModel.toString();
        }
        int layers = 0;
        if (a.has("layers")) {
            if (synthetic == null) {
                throw new ToolInputException("layers", "layers cuts a synthetic model; give synthetic (SHAPE:TYPE) too");
            }
            layers = intIn(a.get("layers"), "layers", 1, 4096);
        }
        if (synthetic != null) {
            io.k3mcp.engine.synthetic.SyntheticPlan plan;
            try {
                plan = io.k3mcp.engine.synthetic.SyntheticModels.parseSpec(synthetic);
            } catch (IllegalArgumentException e) {
                throw new ToolInputException("synthetic", e.getMessage());
            }
            try {
                plan.shape().withLayers(layers == 0 ? plan.shape().nLayer() : layers);
            } catch (IllegalArgumentException e) {
                throw new ToolInputException("layers", e.getMessage());
            }
        }
        List<Integer> threads = ints(a, "threads", List.of(2), 1, 1024);
        List<Integer> nPrompt = ints(a, "n_prompt", List.of(128), 0, 8192);
        List<Integer> nGen = ints(a, "n_gen", List.of(64), 0, 8192);
        List<Integer> nDepth = ints(a, "n_depth", List.of(0), 0, BenchConfig.MAX_DEPTH);
        int ctxSize = a.has("ctx_size") ? intIn(a.get("ctx_size"), "ctx_size", 0, Integer.MAX_VALUE) : 0;
        GgmlType kvType = kvType(a);
        FlashAttention flash;
        try {
            flash = FlashAttention.parse(a.has("flash_attn") ? a.get("flash_attn").asText() : "auto");
        } catch (IllegalArgumentException e) {
            throw new ToolInputException("flash_attn", e.getMessage());
        }
        int reps = a.has("repetitions") ? intIn(a.get("repetitions"), "repetitions", 1, 100) : 3;
        boolean turn = bool(a, "turn", false);
        Backend backend;
        try {
            backend = Backend.parse(a.has("backend") ? a.get("backend").asText() : "auto");
        } catch (IllegalArgumentException e) {
            throw new ToolInputException("backend", e.getMessage());
        }
        if (backend == Backend.REFERENCE && flash != FlashAttention.AUTO) {
            throw new ToolInputException("flash_attn", "the reference kernels have only the exact attention path; "
                    + "on/off needs backend native (or auto)");
        }
        String cores = text(a, "cores");
        if (turn && !a.has("n_gen")) {
            nGen = List.of(TurnBenchmark.DEFAULT_GEN);
        }
        if (!turn && nPrompt.stream().allMatch(n -> n == 0) && nGen.stream().allMatch(n -> n == 0)) {
            throw new ToolInputException("n_prompt", "nothing to run: every n_prompt and n_gen value is 0");
        }
        if (turn && nDepth.stream().anyMatch(d -> d > 0)) {
            throw new ToolInputException("n_depth", "the turn benchmark starts from an empty cache; depth is for pp/tg tests");
        }
        int needed = BenchConfig.neededContext(nPrompt, nGen, nDepth);
        if (ctxSize > 0 && ctxSize < needed) {
            throw new ToolInputException("ctx_size", ctxSize + " is below the " + needed
                    + " tokens the largest test needs (n_depth + n_prompt or n_gen); 0 sizes it to the tests");
        }
        List<Integer> parallel = ints(a, "parallel", List.of(), 1, BenchConfig.MAX_PARALLEL);
        boolean spec = bool(a, "spec", false);
        if (spec && !turn) {
            throw new ToolInputException("spec", "the speculation rows time the agentic turn: give turn=true too");
        }
        if (spec && !parallel.isEmpty()) {
            throw new ToolInputException("spec", "give parallel or spec, not both");
        }
        boolean interleave = bool(a, "interleave", false);
        if (interleave && !BenchConfig.interleaves(nDepth, turn, parallel)) {
            throw new ToolInputException("interleave", BenchConfig.INTERLEAVE_NEEDS);
        }
        return new Input(new BenchConfig(given != null ? given : model == null ? null : Path.of(model), synthetic, threads, nPrompt,
                nGen, reps, cores, turn, backend, BenchConfig.DEFAULT_BANDWIDTH_BYTES, null, layers, nDepth, ctxSize, kvType, flash,
                parallel, spec, interleave), bool(a, "record", true));
    }

    @Override
    public BenchResult run(Input in, Progress progress, Cancellation cancel) throws IOException, ToolInputException {
        BenchConfig c = in.config();
        BenchResult r;
        // Its token counts are the benchmark's own (pp/tg rows), not served requests: only the run is counted.
        try (InferenceMetrics.Span running = metrics.processing(name(),
                c.model() != null ? InferenceMetrics.modelLabel(c.model()) : c.synthetic())) {
            r = runner.run(c, progress, cancel);
        } catch (ContextSizeException e) {
            throw new ToolInputException("ctx_size", e.getMessage());
        } catch (KvTypeException e) {
            throw new ToolInputException("type_k", e.getMessage());
        }
        String key = BenchHistory.configKey(in.config(), r);
        List<BenchResult.Comparison> cmp = history.compareWithPrevious(key, r);
        if (in.record()) {
            history.append(key, r);
            LOG.info("bench run recorded file={} config={}", history.file(), key);
        }
        return r.withHistory(in.record() ? history.file().toString() : null, cmp);
    }

    @Override
    public String summarize(BenchResult r) {
        return BenchFormats.format("md", r) + comparisonText(r);
    }

    /** "test threads: before -> after t/s (+x.x %)" lines, or a note that nothing comparable was recorded. */
    public static String comparisonText(BenchResult r) {
        if (r.comparison().isEmpty()) {
            return "no earlier run of this configuration with the same tests and thread counts to compare with\n";
        }
        StringBuilder sb = new StringBuilder("change against the run of " + r.comparison().get(0).previousTime() + ":\n");
        for (BenchResult.Comparison c : r.comparison()) {
            sb.append(String.format(Locale.ROOT, "  %s threads=%d: %.2f -> %.2f t/s (%+.1f %%)%n", c.test(), c.nThreads(),
                    c.previousTs(), c.currentTs(), c.changePercent()));
        }
        return sb.toString();
    }

    /** type_k and type_v: llama.cpp's names, one type for both. */
    private static GgmlType kvType(JsonNode a) throws ToolInputException {
        String k = text(a, "type_k");
        String v = text(a, "type_v");
        GgmlType tk;
        GgmlType tv;
        try {
            tk = KvType.parse(k == null ? "f16" : k);
        } catch (KvTypeException e) {
            throw new ToolInputException("type_k", e.getMessage());
        }
        try {
            tv = KvType.parse(v == null ? "f16" : v);
        } catch (KvTypeException e) {
            throw new ToolInputException("type_v", e.getMessage());
        }
        if (tk != tv) {
            throw new ToolInputException("type_v", "K and V must use the same cache type, got " + KvType.name(tk) + " and "
                    + KvType.name(tv));
        }
        return tk;
    }

    private static String text(JsonNode a, String name) throws ToolInputException {
        JsonNode v = a.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new ToolInputException(name, "expected a non-empty string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode a, String name, boolean dflt) throws ToolInputException {
        JsonNode v = a.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ToolInputException(name, "expected true or false");
        }
        return v.asBoolean();
    }

    private static List<Integer> ints(JsonNode a, String name, List<Integer> dflt, int min, int max) throws ToolInputException {
        JsonNode v = a.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        if (v.isIntegralNumber()) {
            out.add(intIn(v, name, min, max));
        } else if (v.isArray() && !v.isEmpty() && v.size() <= 16) {
            for (JsonNode e : v) {
                out.add(intIn(e, name, min, max));
            }
        } else {
            throw new ToolInputException(name, "expected an integer or an array of 1..16 integers");
        }
        return out;
    }

    private static int intIn(JsonNode v, String name, int min, int max) throws ToolInputException {
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new ToolInputException(name, "expected an integer in " + min + ".." + max + ", got " + v);
        }
        return v.asInt();
    }
}
