package io.k3mcp.engine.model;

import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.Session;
import io.k3mcp.engine.session.Speculation;
import io.k3mcp.engine.session.TokenText;
import io.k3mcp.kernels.Buffers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.NativeKernels;
import io.k3mcp.kernels.ReferenceKernels;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a batched decode step spends its time (not a test; scripts/profile-decode-step.sh runs it, docs/BENCHMARKS.md
 * "Serving several agents" reads it). For each level N: N sequences prefilled with nPrompt tokens, then nGen steps
 * with all N in one forward pass, first plain (step time), then through {@link KernelTimer} (time per kernel call,
 * matmuls per shape and token count; what is left of the step is Java between the kernels and sampling). Then the
 * per-call time of TinyLlama's matrices at 1, 2, 4, 5 and 9 tokens, each call on the next layer's copy so the
 * weights come from memory as in decode, token counts alternating within a round, medians.
 *
 * <p>Usage: {@code DecodeStepProfile MODEL.gguf [threads=2] [levels=1,4] [nPrompt=32] [nGen=64] [rounds=3] [what=all|step|matmul]}
 */
public final class DecodeStepProfile {
    private static final int[] MATMUL_TOKENS = {1, 2, 4, 5, 9};
    private static final int PREFILL_CHUNK = 512;

    private DecodeStepProfile() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int[] levels = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray() : new int[] {1, 4};
        int nPrompt = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int nGen = args.length > 4 ? Integer.parseInt(args[4]) : 64;
        int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        String what = args.length > 6 ? args[6] : "all";
        try (Model model = Model.load(file, ReferenceKernels.INSTANCE);
             NativeKernels nk = NativeKernels.open(threads, null, null)) {
            System.out.printf(Locale.ROOT, "model=%s kernels=%s threads=%d prompt=%d gen=%d rounds=%d%n",
                    file.getFileName(), nk.name(), threads, nPrompt, nGen, rounds);
            if (!what.equals("matmul")) {
                steps(model, nk, levels, nPrompt, nGen, rounds);
            }
            if (!what.equals("step")) {
                matmulPerCall(model.weightsFor(nk), nk, rounds);
            }
        }
    }

    private static void steps(Model model, Kernels nk, int[] levels, int nPrompt, int nGen, int rounds) {
        {
            Transformer plain = new Transformer(model, nk);
            KernelTimer timer = KernelTimer.around(nk);
            Transformer timed = new Transformer(model, timer.kernels());
            decode(plain, levels[levels.length - 1], nPrompt, 4, null);   // warm-up
            double[] stepMs = new double[levels.length];
            double[] servedTs = new double[levels.length];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < levels.length; i++) {
                    stepMs[i] += decode(plain, levels[i], nPrompt, nGen, null) / rounds;
                    servedTs[i] += served(model, nk, levels[i], nPrompt, nGen) / rounds;
                }
            }
            for (int i = 0; i < levels.length; i++) {
                System.out.printf(Locale.ROOT, "%nlevel %d: %.2f ms per step, %.1f t/s aggregate (plain, mean of %d rounds); "
                                + "through Session.generate, %d calls at once: %.1f t/s aggregate%n",
                        levels[i], stepMs[i], levels[i] * 1000 / stepMs[i], rounds, levels[i], servedTs[i]);
                double timedMs = decode(timed, levels[i], nPrompt, nGen, timer);
                print(timer.stop(), nGen, timedMs);
            }
        }
    }

    /**
     * Prefills n sequences, then runs nGen steps of all n; returns the mean step time in ms (greedy sampling included).
     * A timer, when given, counts the steps only.
     */
    private static double decode(Transformer t, int n, int nPrompt, int nGen, KernelTimer timer) {
        int vocab = t.config().nVocab();
        List<KvCache> caches = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            caches.add(new KvCache(t.config(), nPrompt + nGen + 1, GgmlType.F16));
        }
        float[][] logits = null;
        int perSequence = Math.max(1, PREFILL_CHUNK / n); // one forward pass takes at most PREFILL_CHUNK tokens in all
        for (int c0 = 0; c0 < nPrompt; c0 += perSequence) { // a long prompt (a profile at depth) in chunks
            List<SequenceStep> prefill = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                int[] chunk = new int[Math.min(perSequence, nPrompt - c0)];
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = (1 + s * 31 + (c0 + i) * 7) % vocab;
                }
                prefill.add(new SequenceStep(caches.get(s), chunk, false));
            }
            logits = t.forward(prefill);
        }
        if (timer != null) {
            timer.start();
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < nGen; step++) {
            List<SequenceStep> batch = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                batch.add(new SequenceStep(caches.get(s), new int[] {Logits.argmax(logits[s], 0, vocab)}, false));
            }
            logits = t.forward(batch);
        }
        return (System.nanoTime() - t0) / 1e6 / nGen;
    }

    /** n threads each run one greedy call (no drafts) on a session of n slots; the sum of their decode rates. */
    private static double served(Model model, Kernels k, int n, int nPrompt, int nGen) {
        TokenText text = new TokenText() {
            @Override
            public byte[] pieceBytes(int id) {
                return new byte[0];
            }

            @Override
            public boolean isEog(int id) {
                return false;
            }
        };
        Session session = new Session(model, k, text, nPrompt + nGen + 1, GgmlType.F16, n, Long.MAX_VALUE, 0);
        int vocab = model.config().nVocab();
        double[] rates = new double[n];
        List<Thread> callers = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int[] prompt = new int[nPrompt];
            for (int i = 0; i < nPrompt; i++) {
                prompt[i] = (2 + s * 31 + i * 7) % vocab;
            }
            int slot = s;
            Thread caller = new Thread(() -> rates[slot] = session.generate(
                    GenerationRequest.greedy(prompt, nGen).withSpeculation(Speculation.OFF)).timings().decodeTps());
            caller.start();
            callers.add(caller);
        }
        for (Thread t : callers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the profile's callers", e);
            }
        }
        return Arrays.stream(rates).sum();
    }

    private static void print(Map<String, KernelTimer.Tally> tallies, int steps, double stepMs) {
        double kernelMs = 0;
        System.out.printf(Locale.ROOT, "  timed: %.2f ms per step%n  %-44s %10s %10s %10s %10s%n", stepMs, "kernel call",
                "calls/step", "ms/step", "us/call", "median us");
        List<Map.Entry<String, KernelTimer.Tally>> byTime = new ArrayList<>(tallies.entrySet());
        byTime.sort((a, b) -> Long.compare(b.getValue().nanos, a.getValue().nanos));
        for (Map.Entry<String, KernelTimer.Tally> e : byTime) {
            KernelTimer.Tally t = e.getValue();
            double ms = t.nanos / 1e6 / steps;
            kernelMs += ms;
            System.out.printf(Locale.ROOT, "  %-44s %10.1f %10.3f %10.1f %10.1f%n", e.getKey(), t.calls / (double) steps, ms,
                    t.nanos / 1e3 / t.calls, t.medianNanos() / 1e3);
        }
        System.out.printf(Locale.ROOT, "  %-44s %10s %10.3f%n", "outside the kernels (Java, sampling)", "", stepMs - kernelMs);
    }

    /** Median microseconds per call of each TinyLlama matrix at each token count, a different layer's copy each call. */
    private static void matmulPerCall(ModelWeights w, Kernels k, int rounds) {
        int maxCols = 0;
        for (LayerWeights lw : w.layers()) {
            maxCols = Math.max(maxCols, Math.max(lw.w2() == null ? 0 : lw.w2().cols(), lw.wq().cols()));
        }
        int maxTokens = Arrays.stream(MATMUL_TOKENS).max().orElseThrow();
        FloatBuffer x = Buffers.floats(maxCols * maxTokens);
        for (int i = 0; i < x.capacity(); i++) {
            x.put(i, (float) Math.sin(i * 0.37));
        }
        FloatBuffer y = Buffers.floats(w.output().rows() * maxTokens);
        String[] names = {"attn_q", "ffn_gate", "ffn_down", "output"};
        System.out.printf(Locale.ROOT, "%nmatmul per call (us, median; %d rounds x %d layers, token counts alternating)%n%-10s %8s %12s",
                rounds, w.layers().size(), "matrix", "type", "rows x cols");
        for (int n : MATMUL_TOKENS) {
            System.out.printf(Locale.ROOT, " %9s", "n=" + n);
        }
        System.out.println();
        for (String name : names) {
            List<Matrix> copies = new ArrayList<>();
            for (LayerWeights lw : w.layers()) {
                copies.add(switch (name) {
                    case "attn_q" -> lw.wq();
                    case "ffn_gate" -> lw.w1();
                    case "ffn_down" -> lw.w2();
                    default -> w.output();
                });
            }
            if (copies.contains(null)) {
                continue; // a mixture of experts has no dense ffn matrices: its experts are timed in the step
            }
            long[][] samples = new long[MATMUL_TOKENS.length][rounds * copies.size()];
            int call = 0;
            for (int r = 0; r < rounds; r++) {
                for (int c = 0; c < copies.size(); c++) {
                    for (int j = 0; j < MATMUL_TOKENS.length; j++) {
                        // each call the next layer's copy: the one read longest ago, out of the caches as in decode
                        Matrix m = copies.get(call++ % copies.size());
                        long t0 = System.nanoTime();
                        m.multiply(k, x, y, MATMUL_TOKENS[j]);
                        samples[j][r * copies.size() + c] = System.nanoTime() - t0;
                    }
                }
            }
            Matrix m = copies.get(0);
            System.out.printf(Locale.ROOT, "%-10s %8s %12s", name, m.type(), m.rows() + "x" + m.cols());
            for (long[] s : samples) {
                Arrays.sort(s);
                System.out.printf(Locale.ROOT, " %9.1f", s[s.length / 2] / 1e3);
            }
            System.out.println();
        }
    }
}
