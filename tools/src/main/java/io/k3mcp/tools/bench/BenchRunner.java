package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.ModelConfig;
import io.k3mcp.engine.session.ContextSizeException;
import io.k3mcp.engine.session.KvType;
import io.k3mcp.engine.synthetic.SyntheticModels;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.kernels.FlashAttention;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;
import io.k3mcp.tools.Cancellation;
import io.k3mcp.tools.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Runs a benchmark with llama-bench's semantics: for each thread count and each depth, each pp test
 * (one batched prefill of N random tokens) then each tg test (N single-token decodes); one warm-up run
 * on an empty cache (pp: the whole prompt; tg: one token), then {@code -r} timed repetitions, each
 * after clearing the cache and (depth D > 0) prefilling D tokens untimed, which later repetitions keep
 * instead of recomputing, as llama-bench restores its saved state. Progress is reported and
 * cancellation checked between repetitions.
 */
public final class BenchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);
    private static final long SEED = 1234;

    private final BoardReader board;
    private final Path cpuinfo;

    public BenchRunner(BoardReader board, Path cpuinfo) {
        this.board = board;
        this.cpuinfo = cpuinfo;
    }

    public BenchResult run(BenchConfig cfg, Progress progress, Cancellation cancel) throws IOException {
        int[] cpus = CpuList.resolve(cfg.cores(), cpuinfo);
        Path path = resolveModel(cfg);
        try (Model model = Model.load(path, ReferenceKernels.INSTANCE)) {
            ModelInfo info = ModelInfo.of(model.file());
            Tokenizer tokenizer = tokenizer(model.file());
            String cpuInfo = cpuName();
            List<BenchRow> rows = new ArrayList<>();
            List<TurnResult> turns = new ArrayList<>();
            List<ServingBench.Row> serving = new ArrayList<>();
            int perThread = cfg.turn() ? 1 : (int) (cfg.nPrompt().stream().filter(n -> n > 0).count()
                    + cfg.nGen().stream().filter(n -> n > 0).count()) * cfg.nDepth().size();
            int ctx = context(cfg, model.config().contextLength());
            KvType.check(model.config(), cfg.kvType());
            double total = (double) perThread * cfg.threads().size() * (cfg.turn() ? 1 : cfg.repetitions() + 1);
            double[] done = {0};
            for (int threads : cfg.threads()) {
                cancel.check();
                try (KernelSet ks = KernelSet.open(cfg.backend(), threads, cpus);
                     FlashSetting flash = FlashSetting.apply(ks, cfg.flashAttn())) {
                    if (!cfg.parallel().isEmpty() || cfg.spec()) {
                        int gen = cfg.nGen().isEmpty() ? 64 : cfg.nGen().get(0);
                        serving.addAll(cfg.spec() ? ServingBench.spec(model, ks.kernels, threads, tokenizer, gen, cfg.repetitions(), cfg.kvType(), cancel)
                                : ServingBench.parallel(model, ks.kernels, threads, cfg.parallel(),
                                        cfg.nPrompt().isEmpty() ? 1 : Math.max(1, cfg.nPrompt().get(0)), gen, cfg.repetitions(), cfg.kvType(), cancel));
                        progress.report(++done[0], total, (cfg.spec() ? "spec" : "parallel") + " threads=" + threads);
                        continue;
                    }
                    try (EngineTarget target = new EngineTarget(model, ks.kernels, tokenizer, ctx, cfg.kvType())) {
                        LOG.info("kv cache ctx={} bytes={} bytes_per_token={}", target.contextTokens(), target.kvCacheBytes(),
                                target.kvCacheBytes() / target.contextTokens());
                        KernelSet.Probe probe = needsBandwidth(cfg) ? ks.probe(cfg.bandwidthBytes(), threads) : null;
                        KernelSet.Bandwidth bw = probe == null ? null : probe.read(5);
                        if (bw != null) {
                            LOG.info("read bandwidth threads={} gbs={} source={}", threads, String.format("%.2f", bw.gbs()), bw.source());
                        }
                        if (cfg.turn()) {
                            ThermalSampler th = new ThermalSampler(board, 250);
                            TurnBenchmark.Timing t;
                            try (th) {
                                t = TurnBenchmark.run(target, tokenizer, cfg.nGen().isEmpty() ? TurnBenchmark.DEFAULT_GEN : cfg.nGen().get(0), cancel);
                            }
                            turns.add(TurnBenchmark.result(info, ks, threads, CpuList.format(cpus), t, th.stop()));
                            progress.report(++done[0], total, "turn threads=" + threads);
                            continue;
                        }
                        Context c = new Context(cfg, model.config(), info, ks, target, threads, CpuList.format(cpus), cpuInfo, bw, probe,
                                progress, cancel, total, done);
                        for (int depth : cfg.nDepth()) {
                            int[] depthTokens = randomTokens(target, new Random(SEED + depth), depth);
                            for (int n : cfg.nPrompt()) {
                                if (n > 0) {
                                    rows.add(test(c, n, 0, depthTokens));
                                }
                            }
                            for (int n : cfg.nGen()) {
                                if (n > 0) {
                                    rows.add(test(c, 0, n, depthTokens));
                                }
                            }
                        }
                    }
                }
            }
            return new BenchResult(cfg.modelLabel(), rows, turns, null, List.of(), serving);
        }
    }

    private record Context(BenchConfig cfg, ModelConfig config, ModelInfo info, KernelSet ks, BenchTarget target, int threads, String cores,
                           String cpuInfo, KernelSet.Bandwidth bw, KernelSet.Probe probe, Progress progress, Cancellation cancel,
                           double total, double[] done) {
    }

    /**
     * The KV cache's length: --ctx-size, else what the largest test needs (+8, as before). Like llama-bench's
     * n_ctx the tests may go past the trained context (logged); an explicit --ctx-size may not.
     */
    static int context(BenchConfig cfg, int trained) {
        if (cfg.ctxSize() > trained) {
            throw new ContextSizeException("context size " + cfg.ctxSize() + " is past the model's trained context of "
                    + trained + " tokens");
        }
        if (cfg.ctxSize() > 0) {
            return cfg.ctxSize();
        }
        int ctx = cfg.turn() ? TurnBenchmark.PROMPT_TOKENS + maxOf(cfg.nGen()) + 8
                : BenchConfig.neededContext(cfg.nPrompt(), cfg.nGen(), cfg.nDepth()) + 8;
        if (ctx > trained) {
            LOG.warn("bench context of {} tokens is past the model's trained context of {} (as llama-bench allows)", ctx, trained);
        }
        return ctx;
    }

    private BenchRow test(Context c, int nPrompt, int nGen, int[] depthTokens) {
        int depth = depthTokens.length;
        String name = (nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen) + (depth > 0 ? " @ d" + depth : "");
        Random rnd = new Random(SEED);
        // warm-up, as llama-bench: the whole prompt, or a single generated token, on an empty cache
        runOnce(c.target, rnd, nPrompt, nGen > 0 ? 1 : 0, new int[0]);
        JitWarmup jit = JitWarmup.ofThisJvm();
        if (jit != null) {
            // with the board sampler running, as in the timed repetitions: its code is compiled during the warm-up too
            try (ThermalSampler untimed = new ThermalSampler(board, 250)) {
                // its own random tokens: how many runs it takes must not change the timed repetitions' inputs
                Random warmupTokens = new Random(SEED - 1);
                jit.repeat(() -> {
                    c.cancel.check();
                    return runOnce(c.target, warmupTokens, nPrompt, nGen, depthTokens);
                }, 10_000_000_000L, name);
            }
        }
        c.progress.report(++c.done[0], c.total, name + " threads=" + c.threads + " warm-up");
        long[] ns = new long[c.cfg.repetitions()];
        // a tg test's roofline from reads of the probe between its repetitions: this machine's memory speed moves
        // by a third within minutes, so a probe taken before all the tests measured another moment
        double[] probed = nGen > 0 && c.probe != null ? new double[ns.length] : null;
        ThermalSampler th = new ThermalSampler(board, 250);
        ThermalSummary thermal;
        try (th) {
            for (int r = 0; r < ns.length; r++) {
                c.cancel.check();
                ns[r] = runOnce(c.target, rnd, nPrompt, nGen, depthTokens);
                if (probed != null) {
                    probed[r] = c.probe.read(1).gbs();
                }
                c.progress.report(++c.done[0], c.total, name + " threads=" + c.threads + " repetition " + (r + 1) + "/" + ns.length);
            }
        } finally {
            thermal = th.stop();
        }
        int nTokens = nPrompt > 0 ? nPrompt : nGen;
        double[] ts = Stats.tokensPerSecond(ns, nTokens);
        double[] nsD = Stats.asDoubles(ns);
        double avgTs = Stats.mean(ts);
        Double bwGbs = probed != null ? Stats.mean(probed) : c.bw == null ? null : c.bw.gbs();
        Long kvBytes = nGen > 0 ? kvReadBytesPerToken(c.config, c.cfg.kvType(), depth, nGen) : null;
        Double roofline = nGen > 0 && bwGbs != null ? bwGbs * 1e9 / (c.info.weightBytesPerToken() + kvBytes) : null;
        Double fraction = roofline == null ? null : avgTs / roofline;
        List<Long> samplesNs = new ArrayList<>();
        List<Double> samplesTs = new ArrayList<>();
        for (int i = 0; i < ns.length; i++) {
            samplesNs.add(ns[i]);
            samplesTs.add(ts[i]);
        }
        LOG.info("bench test={} threads={} avg_ts={} stddev_ts={}", name, c.threads, String.format("%.2f", avgTs),
                String.format("%.2f", Stats.stddev(ts)));
        return new BenchRow(c.info.filename(), c.info.type(), c.info.size(), c.info.nParams(), c.threads, nPrompt, nGen, depth,
                512, 512, KvType.name(c.cfg.kvType()), KvType.name(c.cfg.kvType()), c.cfg.flashAttn().value, c.cpuInfo, Instant.now().toString(),
                Math.round(Stats.mean(nsD)), Math.round(Stats.stddev(nsD)), avgTs, Stats.stddev(ts), samplesNs, samplesTs,
                name, c.ks.backend, c.cores, c.ks.placement, c.ks.placementOk, bwGbs,
                c.bw == null ? null : c.bw.source(), c.info.weightBytesPerToken(), kvBytes, roofline, fraction, thermal);
    }

    /** The mean bytes of KV rows read by the decode steps at positions depth .. depth + nGen - 1. */
    static long kvReadBytesPerToken(ModelConfig config, GgmlType kvType, int depth, int nGen) {
        long sum = 0;
        for (int p = depth; p < depth + nGen; p++) {
            sum += KvCache.readBytes(config, p, kvType);
        }
        return sum / nGen;
    }

    /**
     * One repetition after {@code depthTokens} (kept from the last repetition where the cache can resume there,
     * else prefilled and checkpointed, untimed); returns its nanoseconds (token choice is not timed).
     */
    static long runOnce(BenchTarget target, Random rnd, int nPrompt, int nGen, int[] depthTokens) {
        if (depthTokens.length == 0 || !target.rewind(depthTokens)) {
            target.reset();
            if (depthTokens.length > 0) {
                target.prefill(depthTokens);
                target.checkpoint();
            }
        }
        int[] tokens = randomTokens(target, rnd, Math.max(nPrompt, nGen));
        if (depthTokens.length > 0 && tokens.length > 0 && target.bos() >= 0) {
            tokens[0] = rnd.nextInt(target.vocabSize()); // BOS only starts the sequence
        }
        long start = System.nanoTime();
        if (nPrompt > 0) {
            target.prefill(nPrompt == tokens.length ? tokens : java.util.Arrays.copyOf(tokens, nPrompt));
        }
        for (int i = 0; i < nGen; i++) {
            target.decode(tokens[i]);
        }
        return System.nanoTime() - start;
    }

    /**
     * -fa on the native kernels for the length of one run (the setting is process-wide, so it goes back to the
     * process's own when the run ends); the reference kernels have only the exact path, so asking them for on/off
     * is refused rather than ignored.
     */
    private record FlashSetting(boolean set) implements AutoCloseable {
        static FlashSetting apply(KernelSet ks, FlashAttention mode) {
            if (ks.kernels instanceof NativeKernels) {
                NativeKernels.flashAttention(mode);
                return new FlashSetting(true);
            }
            if (mode != FlashAttention.AUTO) {
                throw new IllegalArgumentException("flash_attn: the " + ks.backend + " kernels have only the exact attention "
                        + "path; -fa on/off needs the native kernels");
            }
            return new FlashSetting(false);
        }

        @Override
        public void close() {
            if (set) {
                NativeKernels.flashAttention(null);
            }
        }
    }

    /** n random token ids, BOS first when the model has one. */
    private static int[] randomTokens(BenchTarget target, Random rnd, int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i == 0 && target.bos() >= 0 ? target.bos() : rnd.nextInt(target.vocabSize());
        }
        return tokens;
    }

    private static boolean needsBandwidth(BenchConfig cfg) {
        return cfg.turn() || cfg.nGen().stream().anyMatch(n -> n > 0);
    }

    private static int maxOf(List<Integer> v) {
        return v.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static Path resolveModel(BenchConfig cfg) throws IOException {
        if (cfg.model() != null) {
            if (!Files.isRegularFile(cfg.model())) {
                throw new IOException("model file not found: " + cfg.model());
            }
            return cfg.model();
        }
        SyntheticPlan plan = SyntheticModels.parseSpec(cfg.synthetic(), cfg.layers());
        SyntheticModels cache = cfg.syntheticDir() != null ? new SyntheticModels(cfg.syntheticDir()) : SyntheticModels.inDefaultCache();
        return cache.ensure(plan);
    }

    private static Tokenizer tokenizer(GgufFile f) {
        try {
            return Tokenizers.fromGguf(f.metadata());
        } catch (RuntimeException e) {
            LOG.warn("model tokenizer unusable ({}); benchmarks use random token ids only", e.getMessage());
            return null;
        }
    }

    /** The cpu's model name as llama-bench's cpu_info reports it (first "model name" of /proc/cpuinfo). */
    String cpuName() {
        try {
            for (String line : Files.readAllLines(cpuinfo)) {
                if (line.startsWith("model name") && line.indexOf(':') > 0) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            LOG.debug("cpuinfo unreadable file={} error={}", cpuinfo, e.toString());
        }
        return System.getProperty("os.arch");
    }
}
