package io.k3mcp.tools.bench;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.SequenceStep;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.Session;
import io.k3mcp.engine.session.Speculation;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.TokenText;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.tools.Cancellation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Serving benchmarks. {@code parallel}: N sequences prefilled with {@code nPrompt} tokens each, then
 * {@code nGen} greedy decode steps with all N in every forward pass (llama-batched-bench's -npl: aggregate
 * t/s = N * nGen / decode seconds, per sequence = nGen / decode seconds). {@code spec}: the agentic turn
 * decoded greedily without drafts, with always-wrong drafts (the overhead), with the model's own greedy
 * continuation as drafts (the ceiling), and with prompt lookup on the turn's prompt. Both warm up untimed
 * first, then time {@code repetitions} rounds, each running every level or mode once in turn; rows give the
 * mean over the rounds.
 */
public final class ServingBench {
    /** Tokens drafted per step in the spec rows: as many as a default call drafts. */
    static final int DRAFT = Speculation.DEFAULT.maxDraft();

    private ServingBench() {
    }

    /**
     * One result. test: "tg" + nGen + " x" + N for parallel rows, "spec-off" / "spec-wrong" / "spec-own" /
     * "spec-lookup" for the turn; accepted is the drafts' accepted fraction (spec rows with drafts only).
     */
    public record Row(String test, int nThreads, int sequences, int nPrompt, int nGen, double decodeSeconds,
                      double aggregateTs, double perSequenceTs, Double accepted) {
    }

    static List<Row> parallel(Model model, Kernels kernels, int threads, List<Integer> levels, int nPrompt, int nGen,
                              int repetitions, GgmlType kvType, Cancellation cancel) {
        Transformer t = new Transformer(model, kernels);
        // warm-up (JIT, the caches' first pages): a few steps at the widest level, untimed
        decodeSeconds(t, levels.stream().max(Integer::compare).orElseThrow(), nPrompt, Math.min(nGen, 4), kvType, cancel);
        double[] seconds = new double[levels.size()];
        for (int r = 0; r < repetitions; r++) {
            for (int i = 0; i < levels.size(); i++) {   // levels alternate within a round: the machine's drift hits them alike
                seconds[i] += decodeSeconds(t, levels.get(i), nPrompt, nGen, kvType, cancel);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            int n = levels.get(i);
            double s = seconds[i] / repetitions;
            rows.add(new Row("tg" + nGen + " x" + n, threads, n, nPrompt, nGen, s, n * nGen / s, nGen / s, null));
        }
        return rows;
    }

    /** Prefills n sequences with nPrompt tokens each, then times nGen greedy steps with all n in every forward pass. */
    private static double decodeSeconds(Transformer t, int n, int nPrompt, int nGen, GgmlType kvType, Cancellation cancel) {
        int vocab = t.config().nVocab();
        List<KvCache> caches = new ArrayList<>();
        List<SequenceStep> prefill = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            KvCache c = new KvCache(t.config(), nPrompt + nGen + 1, kvType);
            caches.add(c);
            int[] prompt = new int[nPrompt];
            for (int i = 0; i < nPrompt; i++) {
                prompt[i] = (1 + s * 31 + i * 7) % vocab;   // a different prompt per sequence
            }
            prefill.add(new SequenceStep(c, prompt, false));
        }
        float[][] logits = n * nPrompt <= t.maxBatch() ? t.forward(prefill) : prefillApart(t, prefill);
        int[] next = new int[n];
        for (int s = 0; s < n; s++) {
            next[s] = Logits.argmax(logits[s], 0, vocab);
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < nGen; step++) {
            cancel.check();
            List<SequenceStep> batch = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                batch.add(new SequenceStep(caches.get(s), new int[] {next[s]}, false));
            }
            logits = t.forwardReused(batch);
            for (int s = 0; s < n; s++) {
                next[s] = Logits.argmax(logits[s], 0, vocab);
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static float[][] prefillApart(Transformer t, List<SequenceStep> steps) {
        float[][] out = new float[steps.size()][];
        for (int s = 0; s < steps.size(); s++) {
            out[s] = t.forward(steps.get(s).cache(), steps.get(s).tokens(), false);
        }
        return out;
    }

    static List<Row> spec(Model model, Kernels kernels, int threads, Tokenizer tokenizer, int nGen, int repetitions,
                          GgmlType kvType, Cancellation cancel) {
        int[] prompt = TurnBenchmark.promptIds(tokenizer, model.config().nVocab());
        int vocab = model.config().nVocab();
        TokenText text = new TokenText() {
            @Override
            public byte[] pieceBytes(int id) {
                return new byte[0];   // the benchmark times tokens; their text is not needed
            }

            @Override
            public boolean isEog(int id) {
                return false;
            }
        };
        Session session = new Session(model, kernels, text, Math.min(model.config().contextLength(), prompt.length + nGen + DRAFT + 1),
                kvType, 1, Long.MAX_VALUE, 0);
        cancel.check();
        // untimed: prefills the prompt (every timed call then resumes it and runs only its last token), warms the
        // JIT up, and gives the model's own continuation for the drafts
        int[] own = session.generate(GenerationRequest.greedy(prompt, nGen).withSpeculation(Speculation.OFF)).tokens();
        Speculation.Drafter right = (h, len, max) -> Arrays.copyOfRange(own, Math.min(own.length, len - prompt.length),
                Math.min(own.length, len - prompt.length + max));
        Speculation.Drafter wrong = (h, len, max) -> {
            int[] d = right.draft(h, len, max);
            for (int i = 0; i < d.length; i++) {
                d[i] = (d[i] + 1) % vocab;
            }
            return d;
        };
        String[] names = {"spec-off", "spec-wrong", "spec-own", "spec-lookup"};
        Speculation[] modes = {Speculation.OFF, new Speculation(1, DRAFT, wrong), new Speculation(1, DRAFT, right), Speculation.DEFAULT};
        double[] seconds = new double[modes.length];
        int[] tokens = new int[modes.length];
        Double[] accepted = new Double[modes.length];
        for (int r = 0; r < repetitions; r++) {
            for (int m = 0; m < modes.length; m++) {   // modes alternate within a round: the machine's drift hits them alike
                cancel.check();
                GenerationResult g = session.generate(GenerationRequest.greedy(prompt, nGen).withSpeculation(modes[m]));
                seconds[m] += g.timings().decodeMs() / 1000;
                tokens[m] += g.completionTokens() - 1;   // decode counts the tokens after the first (whose logits end the prefill)
                accepted[m] = g.timings().speculationAccepted();
            }
        }
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m < modes.length; m++) {
            double ts = seconds[m] > 0 ? tokens[m] / seconds[m] : 0;
            rows.add(new Row(names[m], threads, 1, prompt.length, nGen, seconds[m] / repetitions, ts, ts, accepted[m]));
        }
        return rows;
    }
}
