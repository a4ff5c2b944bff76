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
 * instead of recomputing, as llama-bench restores its saved state. With interleave each depth has its own cache and
 * a test's repetitions go round the depths in turn (same rows, measured over the same minutes). Progress is reported
 * and cancellation checked between repetitions.
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
                try (KernelSet ks = KernelSet.open(cfg.backend(), threads, cpus)) {
                    applyFlash(ks, cfg.flashAttn());
                    if (!cfg.parallel().isEmpty() || cfg.spec()) {
                        int gen = cfg.nGen().isEmpty() ? 64 : cfg.nGen().get(0);
                        serving.addAll(cfg.spec() ? ServingBench.spec(model, ks.kernels, threads, tokenizer, gen, cfg.repetitions(), cfg.kvType(), cancel)
                                : ServingBench.parallel(model, ks.kernels, threads, cfg.parallel(),
                                        cfg.nPrompt().isEmpty() ? 1 : Math.max(1, cfg.nPrompt().get(0)), gen, cfg.repetitions(), cfg.kvType(), cancel));
                        progress.report(++done[0], total, (cfg.spec() ? "spec" : "parallel") + " threads=" + threads);
                        continue;
                    }
                    KernelSet.Probe probe = needsBandwidth(cfg) ? ks.probe(cfg.bandwidthBytes(), threads) : null;
                    KernelSet.Bandwidth bw = probe == null ? null : probe.read(5);
                    if (bw != null) {
                        LOG.info("read bandwidth threads={} gbs={} source={}", threads, String.format("%.2f", bw.gbs()), bw.source());
                    }
                    if (cfg.turn()) {
                        try (EngineTarget target = target(model, ks, tokenizer, ctx, cfg)) {
                            ThermalSampler th = new ThermalSampler(board, 250);
                            TurnBenchmark.Timing t;
                            try (th) {
                                t = TurnBenchmark.run(target, tokenizer, cfg.nGen().isEmpty() ? TurnBenchmark.DEFAULT_GEN : cfg.nGen().get(0), cancel);
                            }
                            turns.add(TurnBenchmark.result(info, ks, threads, CpuList.format(cpus), t, th.stop()));
                        }
                        progress.report(++done[0], total, "turn threads=" + threads);
                        continue;
                    }
                    Context c = new Context(cfg, model.config(), info, ks, threads, CpuList.format(cpus), cpuInfo, bw, probe,
                            progress, cancel, total, done);
                    if (cfg.interleave()) {
                        rows.addAll(interleaved(c, model, tokenizer));
                        continue;
                    }
                    try (EngineTarget target = target(model, ks, tokenizer, ctx, cfg)) {
                        for (int depth : cfg.nDepth()) {
                            List<Lane> lane = List.of(new Lane(target, randomTokens(target, new Random(SEED + depth), depth)));
                            for (int[] t : ppThenTg(cfg)) {
                                rows.addAll(test(c, t[0], t[1], lane));
                            }
                        }
                    }
                }
            }
            return new BenchResult(cfg.modelLabel(), rows, turns, null, List.of(), serving);
        }
    }

    private record Context(BenchConfig cfg, ModelConfig config, ModelInfo info, KernelSet ks, int threads, String cores,
                           String cpuInfo, KernelSet.Bandwidth bw, KernelSet.Probe probe, Progress progress, Cancellation cancel,
                           double total, double[] done) {
    }

    /** One depth of a test: the cache it runs on and the tokens that cache holds before each repetition. */
    record Lane(BenchTarget target, int[] depthTokens) {
    }

    /** The tests at one depth as llama-bench orders them, {n_prompt, n_gen}: every pp size, then every tg size. */
    private static List<int[]> ppThenTg(BenchConfig cfg) {
        List<int[]> tests = new ArrayList<>();
        cfg.nPrompt().stream().filter(n -> n > 0).forEach(n -> tests.add(new int[] {n, 0}));
        cfg.nGen().stream().filter(n -> n > 0).forEach(n -> tests.add(new int[] {0, n}));
        return tests;
    }

    private EngineTarget target(Model model, KernelSet ks, Tokenizer tokenizer, int ctx, BenchConfig cfg) {
        EngineTarget target = new EngineTarget(model, ks.kernels, tokenizer, ctx, cfg.kvType());
        LOG.info("kv cache ctx={} bytes={} bytes_per_token={}", target.contextTokens(), target.kvCacheBytes(),
                target.kvCacheBytes() / target.contextTokens());
        return target;
    }

    /**
     * interleave: every depth on its own cache, sized to that depth's tests (or --ctx-size), and each test's
     * repetitions taken in turn across the depths; the rows come out in the order the plain run gives them.
     */
    private List<BenchRow> interleaved(Context c, Model model, Tokenizer tokenizer) {
        BenchConfig cfg = c.cfg;
        int tokens = Math.max(maxOf(cfg.nPrompt()), maxOf(cfg.nGen()));
        List<Lane> lanes = new ArrayList<>();
        try {
            for (int depth : cfg.nDepth()) {
                int ctx = cfg.ctxSize() > 0 ? cfg.ctxSize() : depth + tokens + 8;
                EngineTarget t = target(model, c.ks, tokenizer, ctx, cfg);
                lanes.add(new Lane(t, randomTokens(t, new Random(SEED + depth), depth)));
            }
            List<List<BenchRow>> byTest = new ArrayList<>();
            for (int[] t : ppThenTg(cfg)) {
                byTest.add(test(c, t[0], t[1], lanes));
            }
            List<BenchRow> rows = new ArrayList<>();
            for (int d = 0; d < lanes.size(); d++) {
                for (List<BenchRow> test : byTest) {
                    rows.add(test.get(d));
                }
            }
            return rows;
        } finally {
            lanes.forEach(l -> l.target().close());
        }
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

    /**
     * One test (pp nPrompt or tg nGen) at each lane's depth: each lane warmed up, then the repetitions taken in turn
     * across the lanes (a plain run has one lane a call); a row per lane.
     */
    private List<BenchRow> test(Context c, int nPrompt, int nGen, List<Lane> lanes) {
        Random[] rnd = new Random[lanes.size()];
        for (int l = 0; l < lanes.size(); l++) {
            rnd[l] = new Random(SEED);
            warmUp(c, lanes.get(l), rnd[l], nPrompt, nGen);
        }
        long[][] ns = new long[lanes.size()][c.cfg.repetitions()];
        // a tg test's roofline from reads of the probe between its repetitions: this machine's memory speed moves
        // by a third within minutes, so a probe taken before all the tests measured another moment
        double[][] probed = nGen > 0 && c.probe != null ? new double[lanes.size()][c.cfg.repetitions()] : null;
        ThermalSampler th = new ThermalSampler(board, 250);
        ThermalSummary thermal;
        try (th) {
            for (int r = 0; r < c.cfg.repetitions(); r++) {
                for (int l = 0; l < lanes.size(); l++) {
                    c.cancel.check();
                    ns[l][r] = runOnce(lanes.get(l).target(), rnd[l], nPrompt, nGen, lanes.get(l).depthTokens());
                    if (probed != null) {
                        probed[l][r] = c.probe.read(1).gbs();
                    }
                    c.progress.report(++c.done[0], c.total, testName(nPrompt, nGen, lanes.get(l).depthTokens().length) + " threads="
                            + c.threads + " repetition " + (r + 1) + "/" + c.cfg.repetitions());
                }
            }
        } finally {
            thermal = th.stop();
        }
        List<BenchRow> rows = new ArrayList<>();
        for (int l = 0; l < lanes.size(); l++) {
            rows.add(row(c, nPrompt, nGen, lanes.get(l).depthTokens().length, ns[l], probed == null ? null : probed[l], thermal));
        }
        return rows;
    }

    private static String testName(int nPrompt, int nGen, int depth) {
        return (nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen) + (depth > 0 ? " @ d" + depth : "");
    }

    private void warmUp(Context c, Lane lane, Random rnd, int nPrompt, int nGen) {
        String name = testName(nPrompt, nGen, lane.depthTokens().length);
        // as llama-bench: the whole prompt, or a single generated token, on an empty cache
        runOnce(lane.target(), rnd, nPrompt, nGen > 0 ? 1 : 0, new int[0]);
        JitWarmup jit = JitWarmup.ofThisJvm();
        if (jit != null) {
            // with the board sampler running, as in the timed repetitions: its code is compiled during the warm-up too
            try (ThermalSampler untimed = new ThermalSampler(board, 250)) {
                // its own random tokens: how many runs it takes must not change the timed repetitions' inputs
                Random warmupTokens = new Random(SEED - 1);
                jit.repeat(() -> {
                    c.cancel.check();
                    return runOnce(lane.target(), warmupTokens, nPrompt, nGen, lane.depthTokens());
                }, 10_000_000_000L, name);
            }
        }
        c.progress.report(++c.done[0], c.total, name + " threads=" + c.threads + " warm-up");
    }

    private static BenchRow row(Context c, int nPrompt, int nGen, int depth, long[] ns, double[] probed, ThermalSummary thermal) {
        String name = testName(nPrompt, nGen, depth);
        int nTokens = nPrompt > 0 ? nPrompt : nGen;
        double[] ts = Stats.tokensPerSecond(ns, nTokens);
        double[] nsD = Stats.asDoubles(ns);
        double avgTs = Stats.mean(ts);
        // boxed on both branches: a conditional with one primitive branch unboxes the other, and a prefill-only run
        // (no probe, so no bandwidth) threw on its null
        Double bwGbs = probed != null ? Double.valueOf(Stats.mean(probed)) : c.bw == null ? null : Double.valueOf(c.bw.gbs());
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
     * -fa on the run's own native pool (KernelSet opens one per thread count and closes it after), so the server's
     * calls on the shared pool keep their path; the reference kernels have only the exact path, so asking them for
     * on/off is refused rather than ignored.
     */
    private static void applyFlash(KernelSet ks, FlashAttention mode) {
        if (ks.kernels instanceof NativeKernels nk) {
            nk.flashAttention(mode);
        } else if (mode != FlashAttention.AUTO) {
            throw new IllegalArgumentException("flash_attn: the " + ks.backend + " kernels have only the exact attention "
                    + "path; -fa on/off needs the native kernels");
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
