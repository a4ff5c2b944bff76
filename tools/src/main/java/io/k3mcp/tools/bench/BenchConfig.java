package io.k3mcp.tools.bench;

import io.k3mcp.kernels.FlashAttention;
import io.k3mcp.kernels.GgmlType;

import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark request, validated: one row per (threads, test) as llama-bench makes them.
 *
 * @param model          a GGUF file, or null with {@code synthetic}
 * @param synthetic      "SHAPE:TYPE" of a synthetic model, or null
 * @param threads        -t values
 * @param nPrompt        -p values (0 entries skipped)
 * @param nGen           -n values (0 entries skipped)
 * @param repetitions    -r
 * @param cores          --cores as given, or null
 * @param turn           run the agentic-turn benchmark instead of pp/tg
 * @param bandwidthBytes size of the bandwidth probe's buffer
 * @param syntheticDir   cache of synthetic models (null: the default cache)
 * @param layers         the synthetic model's first {@code layers} layers only (0: all of them)
 * @param nDepth         -d values: tokens already in the cache when each test runs (llama-bench's n_depth)
 * @param ctxSize        --ctx-size: the KV cache's length (0: what the largest test needs, depth included)
 * @param kvType         the KV cache's type (-ctk/-ctv: F16, Q8_0, Q4_0, F32)
 * @param flashAttn      -fa: which attention path F16/F32 caches take on the native kernels
 * @param parallel       --parallel: concurrent sequence counts ({@link ServingBench}); empty: none
 * @param spec           with turn: the speculation rows instead of the plain turn
 * @param interleave     with several depths: a cache per depth, each test's repetitions taken in turn across them
 */
public record BenchConfig(Path model, String synthetic, List<Integer> threads, List<Integer> nPrompt,
                          List<Integer> nGen, int repetitions, String cores, boolean turn, Backend backend,
                          long bandwidthBytes, Path syntheticDir, int layers, List<Integer> nDepth, int ctxSize,
                          GgmlType kvType, FlashAttention flashAttn, List<Integer> parallel, boolean spec,
                          boolean interleave) {

    public static final long DEFAULT_BANDWIDTH_BYTES = 256L << 20;
    /** Largest -d value (llama-bench sets no bound; this keeps a typo from asking for a terabyte cache). */
    public static final int MAX_DEPTH = 1 << 20;
    /** What interleave alternates between, as its error says when that is missing. */
    public static final String INTERLEAVE_NEEDS = "it takes the pp/tg repetitions in turn across the n_depth values; "
            + "give at least two different depths (not with turn or parallel)";
    /** The most concurrent sequences --parallel measures. */
    public static final int MAX_PARALLEL = 64;

    /** Without depth, on a context sized by the tests. */
    public BenchConfig(Path model, String synthetic, List<Integer> threads, List<Integer> nPrompt, List<Integer> nGen,
                       int repetitions, String cores, boolean turn, Backend backend, long bandwidthBytes, Path syntheticDir,
                       int layers) {
        this(model, synthetic, threads, nPrompt, nGen, repetitions, cores, turn, backend, bandwidthBytes, syntheticDir, layers,
                List.of(), false);
    }

    /** Without serving rows. */
    public BenchConfig(Path model, String synthetic, List<Integer> threads, List<Integer> nPrompt, List<Integer> nGen,
                       int repetitions, String cores, boolean turn, Backend backend, long bandwidthBytes, Path syntheticDir,
                       int layers, List<Integer> nDepth, int ctxSize, GgmlType kvType, FlashAttention flashAttn) {
        this(model, synthetic, threads, nPrompt, nGen, repetitions, cores, turn, backend, bandwidthBytes, syntheticDir, layers,
                nDepth, ctxSize, kvType, flashAttn, List.of(), false, false);
    }

    /** Without depth, on a context sized by the tests, with serving rows. */
    public BenchConfig(Path model, String synthetic, List<Integer> threads, List<Integer> nPrompt, List<Integer> nGen,
                       int repetitions, String cores, boolean turn, Backend backend, long bandwidthBytes, Path syntheticDir,
                       int layers, List<Integer> parallel, boolean spec) {
        this(model, synthetic, threads, nPrompt, nGen, repetitions, cores, turn, backend, bandwidthBytes, syntheticDir, layers,
                List.of(0), 0, GgmlType.F16, FlashAttention.AUTO, parallel, spec, false);
    }

    public BenchConfig {
        if ((model == null) == (synthetic == null)) {
            throw new IllegalArgumentException("exactly one of model and synthetic is needed");
        }
        threads = List.copyOf(threads);
        nPrompt = List.copyOf(nPrompt);
        nGen = List.copyOf(nGen);
        parallel = List.copyOf(parallel);
        if (parallel.stream().anyMatch(n -> n < 1 || n > MAX_PARALLEL)) {
            throw new IllegalArgumentException("parallel: each value must be 1.." + MAX_PARALLEL + ", got " + parallel);
        }
        if (spec && !turn) {
            throw new IllegalArgumentException("spec: the speculation rows time the agentic turn; give turn too");
        }
        if (spec && !parallel.isEmpty()) {
            throw new IllegalArgumentException("spec: give parallel or spec, not both");
        }
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 1024)) {
            throw new IllegalArgumentException("threads: each value must be 1..1024, got " + threads);
        }
        if (nPrompt.stream().anyMatch(n -> n < 0 || n > 8192) || nGen.stream().anyMatch(n -> n < 0 || n > 8192)) {
            throw new IllegalArgumentException("n_prompt and n_gen values must be 0..8192, got " + nPrompt + " / " + nGen);
        }
        nDepth = List.copyOf(nDepth);
        if (nDepth.isEmpty() || nDepth.stream().anyMatch(d -> d < 0 || d > MAX_DEPTH)) {
            throw new IllegalArgumentException("n_depth: each value must be 0.." + MAX_DEPTH + ", got " + nDepth);
        }
        if (turn && nDepth.stream().anyMatch(d -> d > 0)) {
            throw new IllegalArgumentException("n_depth: the turn benchmark starts from an empty cache; depth is for pp/tg tests");
        }
        if (interleave && !interleaves(nDepth, turn, parallel)) {
            throw new IllegalArgumentException("interleave: " + INTERLEAVE_NEEDS);
        }
        if (ctxSize < 0 || (ctxSize > 0 && ctxSize < neededContext(nPrompt, nGen, nDepth))) {
            throw new IllegalArgumentException("ctx_size: " + ctxSize + " is below the " + neededContext(nPrompt, nGen, nDepth)
                    + " tokens the largest test needs (n_depth + n_prompt or n_gen); 0 sizes it to the tests");
        }
        if (repetitions < 1 || repetitions > 100) {
            throw new IllegalArgumentException("repetitions must be 1..100, got " + repetitions);
        }
        if (layers < 0 || (layers > 0 && synthetic == null)) {
            throw new IllegalArgumentException("layers: a layer count (1..) cuts a synthetic model only, got " + layers);
        }
        if (bandwidthBytes < 1 << 20) {
            throw new IllegalArgumentException("bandwidth probe buffer must be at least 1 MiB");
        }
    }

    /** Whether interleave has depths to alternate between: two or more different ones, in pp/tg tests. */
    public static boolean interleaves(List<Integer> nDepth, boolean turn, List<Integer> parallel) {
        return nDepth.stream().distinct().count() >= 2 && !turn && parallel.isEmpty();
    }

    /** Tokens the largest test holds in the cache: its depth plus its prompt or generation. */
    public static int neededContext(List<Integer> nPrompt, List<Integer> nGen, List<Integer> nDepth) {
        int tokens = Math.max(nPrompt.stream().mapToInt(Integer::intValue).max().orElse(0),
                nGen.stream().mapToInt(Integer::intValue).max().orElse(0));
        return nDepth.stream().mapToInt(Integer::intValue).max().orElse(0) + tokens;
    }

    /** The model as named in history and reports: the synthetic spec or the file name. */
    public String modelLabel() {
        if (synthetic == null) {
            return model.getFileName().toString();
        }
        return "synthetic:" + synthetic + (layers > 0 ? " layers " + layers : "");
    }
}
