package io.k3mcp.tools.bench;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.model.SequenceStep;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.Session;
import io.k3mcp.engine.session.Speculation;
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
 * continuation as drafts (the ceiling), and with prompt lookup on the turn's prompt.
 */
public final class ServingBench {
    /** Tokens drafted per step in the spec rows. */
    static final int DRAFT = 8;

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
                              GgmlType kvType, Cancellation cancel) {
        Transformer t = new Transformer(model, kernels);
        int vocab = model.config().nVocab();
        List<Row> rows = new ArrayList<>();
        for (int n : levels) {
            List<KvCache> caches = new ArrayList<>();
            List<SequenceStep> prefill = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                KvCache c = new KvCache(model.config(), nPrompt + nGen + 1, kvType);
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
                logits = t.forward(batch);
                for (int s = 0; s < n; s++) {
                    next[s] = Logits.argmax(logits[s], 0, vocab);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            rows.add(new Row("tg" + nGen + " x" + n, threads, n, nPrompt, nGen, seconds, n * nGen / seconds, nGen / seconds, null));
        }
        return rows;
    }

    private static float[][] prefillApart(Transformer t, List<SequenceStep> steps) {
        float[][] out = new float[steps.size()][];
        for (int s = 0; s < steps.size(); s++) {
            out[s] = t.forward(steps.get(s).cache(), steps.get(s).tokens(), false);
        }
        return out;
    }

    static List<Row> spec(Model model, Kernels kernels, int threads, Tokenizer tokenizer, int nGen, GgmlType kvType,
                          Cancellation cancel) {
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
        GenerationResult off = session.generate(GenerationRequest.greedy(prompt, nGen).withSpeculation(Speculation.OFF));
        int[] own = off.tokens();
        Speculation.Drafter right = (h, len, max) -> Arrays.copyOfRange(own, Math.min(own.length, len - prompt.length),
                Math.min(own.length, len - prompt.length + max));
        Speculation.Drafter wrong = (h, len, max) -> {
            int[] d = right.draft(h, len, max);
            for (int i = 0; i < d.length; i++) {
                d[i] = (d[i] + 1) % vocab;
            }
            return d;
        };
        List<Row> rows = new ArrayList<>();
        rows.add(row("spec-off", threads, prompt.length, off));
        for (Object[] mode : new Object[][] {{"spec-wrong", new Speculation(1, DRAFT, wrong)},
                {"spec-own", new Speculation(1, DRAFT, right)}, {"spec-lookup", Speculation.DEFAULT}}) {
            cancel.check();
            // the slot resumes the prompt it holds: only decoding differs between the modes
            rows.add(row((String) mode[0], threads, prompt.length,
                    session.generate(GenerationRequest.greedy(prompt, nGen).withSpeculation((Speculation) mode[1]))));
        }
        return rows;
    }

    private static Row row(String test, int threads, int nPrompt, GenerationResult r) {
        double seconds = r.timings().decodeMs() / 1000;
        double ts = r.timings().decodeTps();
        return new Row(test, threads, 1, nPrompt, r.completionTokens(), seconds, ts, ts, r.timings().speculationAccepted());
    }
}
