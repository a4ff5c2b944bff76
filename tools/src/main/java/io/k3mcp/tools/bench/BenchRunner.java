package io.k3mcp.tools.bench;

import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.synthetic.SyntheticModels;
import io.k3mcp.engine.synthetic.SyntheticPlan;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
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
 * Runs a benchmark with llama-bench's semantics: for each thread count, each pp test (one batched
 * prefill of N random tokens into an empty cache) then each tg test (N single-token decodes from an
 * empty cache); one warm-up run (pp: the whole prompt; tg: one token), then {@code -r} timed
 * repetitions, each after clearing the cache. Progress is reported and cancellation checked between
 * repetitions.
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
                    + cfg.nGen().stream().filter(n -> n > 0).count());
            double total = (double) perThread * cfg.threads().size() * (cfg.turn() ? 1 : cfg.repetitions() + 1);
            double[] done = {0};
            for (int threads : cfg.threads()) {
                cancel.check();
                try (KernelSet ks = KernelSet.open(cfg.backend(), threads, cpus)) {
                    if (!cfg.parallel().isEmpty() || cfg.spec()) {
                        int gen = cfg.nGen().isEmpty() ? 64 : cfg.nGen().get(0);
                        serving.addAll(cfg.spec() ? ServingBench.spec(model, ks.kernels, threads, tokenizer, gen, cancel)
                                : ServingBench.parallel(model, ks.kernels, threads, cfg.parallel(),
                                        cfg.nPrompt().isEmpty() ? 1 : Math.max(1, cfg.nPrompt().get(0)), gen, cancel));
                        progress.report(++done[0], total, (cfg.spec() ? "spec" : "parallel") + " threads=" + threads);
                        continue;
                    }
                    int ctx = cfg.turn() ? TurnBenchmark.PROMPT_TOKENS + maxOf(cfg.nGen()) + 8
                            : Math.max(maxOf(cfg.nPrompt()), maxOf(cfg.nGen())) + 8;
                    try (EngineTarget target = new EngineTarget(model, ks.kernels, tokenizer, ctx)) {
                        LOG.info("kv cache ctx={} bytes={} bytes_per_token={}", target.contextTokens(), target.kvCacheBytes(),
                                target.kvCacheBytes() / target.contextTokens());
                        KernelSet.Bandwidth bw = needsBandwidth(cfg) ? ks.readBandwidth(cfg.bandwidthBytes(), 5, threads) : null;
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
                        Context c = new Context(cfg, info, ks, target, threads, CpuList.format(cpus), cpuInfo, bw, progress, cancel, total, done);
                        for (int n : cfg.nPrompt()) {
                            if (n > 0) {
                                rows.add(test(c, n, 0));
                            }
                        }
                        for (int n : cfg.nGen()) {
                            if (n > 0) {
                                rows.add(test(c, 0, n));
                            }
                        }
                    }
                }
            }
            return new BenchResult(cfg.modelLabel(), rows, turns, null, List.of(), serving);
        }
    }

    private record Context(BenchConfig cfg, ModelInfo info, KernelSet ks, BenchTarget target, int threads, String cores,
                           String cpuInfo, KernelSet.Bandwidth bw, Progress progress, Cancellation cancel,
                           double total, double[] done) {
    }

    private BenchRow test(Context c, int nPrompt, int nGen) {
        String name = nPrompt > 0 ? "pp" + nPrompt : "tg" + nGen;
        Random rnd = new Random(SEED);
        // warm-up, as llama-bench: the whole prompt, or a single generated token
        runOnce(c.target, rnd, nPrompt, nGen > 0 ? 1 : 0);
        c.progress.report(++c.done[0], c.total, name + " threads=" + c.threads + " warm-up");
        long[] ns = new long[c.cfg.repetitions()];
        ThermalSampler th = new ThermalSampler(board, 250);
        ThermalSummary thermal;
        try (th) {
            for (int r = 0; r < ns.length; r++) {
                c.cancel.check();
                ns[r] = runOnce(c.target, rnd, nPrompt, nGen);
                c.progress.report(++c.done[0], c.total, name + " threads=" + c.threads + " repetition " + (r + 1) + "/" + ns.length);
            }
        } finally {
            thermal = th.stop();
        }
        int nTokens = nPrompt > 0 ? nPrompt : nGen;
        double[] ts = Stats.tokensPerSecond(ns, nTokens);
        double[] nsD = Stats.asDoubles(ns);
        double avgTs = Stats.mean(ts);
        Double bwGbs = c.bw == null ? null : c.bw.gbs();
        Double roofline = nGen > 0 && bwGbs != null ? bwGbs * 1e9 / c.info.weightBytesPerToken() : null;
        Double fraction = roofline == null ? null : avgTs / roofline;
        List<Long> samplesNs = new ArrayList<>();
        List<Double> samplesTs = new ArrayList<>();
        for (int i = 0; i < ns.length; i++) {
            samplesNs.add(ns[i]);
            samplesTs.add(ts[i]);
        }
        LOG.info("bench test={} threads={} avg_ts={} stddev_ts={}", name, c.threads, String.format("%.2f", avgTs),
                String.format("%.2f", Stats.stddev(ts)));
        return new BenchRow(c.info.filename(), c.info.type(), c.info.size(), c.info.nParams(), c.threads, nPrompt, nGen,
                512, 512, "f16", "f16", c.cpuInfo, Instant.now().toString(),
                Math.round(Stats.mean(nsD)), Math.round(Stats.stddev(nsD)), avgTs, Stats.stddev(ts), samplesNs, samplesTs,
                name, c.ks.backend, c.cores, c.ks.placement, c.ks.placementOk, bwGbs,
                c.bw == null ? null : c.bw.source(), c.info.weightBytesPerToken(), roofline, fraction, thermal);
    }

    /** One repetition from an empty cache; returns its nanoseconds (token choice is not timed). */
    private static long runOnce(BenchTarget target, Random rnd, int nPrompt, int nGen) {
        target.reset();
        int bos = target.bos();
        int vocab = target.vocabSize();
        int[] tokens = new int[Math.max(nPrompt, nGen)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i == 0 && bos >= 0 ? bos : rnd.nextInt(vocab);
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
