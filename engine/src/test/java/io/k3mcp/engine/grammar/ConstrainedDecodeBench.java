package io.k3mcp.engine.grammar;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.k3mcp.engine.gguf.GgufFile;
import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.session.GenerationRequest;
import io.k3mcp.engine.session.GenerationResult;
import io.k3mcp.engine.session.KernelsChoice;
import io.k3mcp.engine.session.Session;
import io.k3mcp.engine.session.TokenListener;
import io.k3mcp.engine.session.TokenText;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.engine.tokenizer.Tokenizer;
import io.k3mcp.engine.tokenizer.Tokenizers;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (a main, not a test): decode speed with a JSON schema against without, same model, prompt,
 * sampler and seed, runs interleaved, timed in CPU time of the generating thread; then the cost of the
 * mask itself per token on a 128k-token vocabulary, cold (first mask of each parse state) and warm
 * (cached). Results go in
 * docs/BENCHMARKS.md, section "Constrained decoding".
 *
 * <pre>java -cp ... io.k3mcp.engine.grammar.ConstrainedDecodeBench [runs] [max_tokens]</pre>
 */
public final class ConstrainedDecodeBench {
    private static final String SCHEMA = """
            {"type": "object", "properties": {"title": {"type": "string"}, "count": {"type": "integer"},
             "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["title", "count", "notes"]}""";

    private ConstrainedDecodeBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int maxTokens = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Schema schema = Schema.compile(new ObjectMapper().readTree(SCHEMA));
        Kernels kernels = KernelsChoice.pick(1, null);
        System.out.printf(Locale.ROOT, "kernels=%s runs=%d max_tokens=%d%n", kernels.name(), runs, maxTokens);
        for (String file : List.of("llama-mini-q8_0.gguf", "qwen3-mini-q8_0.gguf")) {
            decode(Shared.model(file), kernels, schema, runs, maxTokens);
        }
        maskCost(Shared.model("llama3-vocab.gguf"), schema);
    }

    private static void decode(Path file, Kernels kernels, Schema schema, int runs, int maxTokens) throws Exception {
        try (Model model = Model.load(file, kernels)) {
            Tokenizer tok = Tokenizers.fromGguf(model.file().metadata());
            TokenText neverEnds = neverEnding(TokenText.of(tok));
            Session session = new Session(model, kernels, neverEnds, 512, GgmlType.F16);
            int[] prompt = tok.encode("Write a JSON object describing a book:", true, false);
            SamplerConfig sampling = new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1f, SamplerConfig.DEFAULT_REPEAT_LAST_N, 42);
            List<Double> free = new ArrayList<>();
            List<Double> constrained = new ArrayList<>();
            List<Integer> constrainedTokens = new ArrayList<>();
            String sample = "";
            for (int i = -1; i < runs; i++) { // run -1 warms up the JIT and is not counted
                CpuClock fc = new CpuClock(maxTokens);
                session.generate(new GenerationRequest(prompt, maxTokens, sampling, List.of(), 0, null, fc));
                CpuClock cc = new CpuClock(maxTokens);
                GenerationResult c = session.generate(new GenerationRequest(prompt, maxTokens, sampling, List.of(), 0, null, cc,
                        JsonLogitConstraint.of(schema, tok)));
                if (i >= 0) {
                    free.add(fc.tokensPerSecond());
                    constrained.add(cc.tokensPerSecond());
                    constrainedTokens.add(c.completionTokens());
                    sample = c.text();
                }
            }
            double a = median(free);
            double b = median(constrained);
            double bestA = max(free);
            double bestB = max(constrained);
            System.out.printf(Locale.ROOT, "%s vocab=%d, tokens per CPU second: without schema median %.1f best %.1f; "
                            + "with schema median %.1f best %.1f; ratio of medians %.1f %%, of bests %.1f %%; constrained tokens per run %s%n"
                            + "  sample: %s%n", file.getFileName(), tok.vocabSize(), a, bestA, b, bestB, 100 * b / a, 100 * bestB / bestA,
                    constrainedTokens, sample.replace("\n", "\\n"));
        }
    }

    /**
     * Cost of the mask alone on a large vocabulary. Each round builds a fresh vocabulary (trie and empty
     * mask cache) and walks a document twice: as a first request (each state's first mask walks the
     * trie; asking again in the same state hits the cache) and as a second request with the same schema
     * (every mask comes from the cache the first request filled).
     */
    private static void maskCost(Path vocabFile, Schema schema) throws Exception {
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(vocabFile)) {
            tok = Tokenizers.fromGguf(f.metadata());
        }
        byte[][] pieces = JsonLogitConstraint.pieces(tok);
        int[] doc = tok.encode("{\"title\": \"A Tale of Two Cities\", \"count\": 2, \"notes\": [\"long\", \"classic novel\", \"Dickens\"]}",
                false, false);
        float[] logits = new float[tok.vocabSize()];
        List<Double> trie = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        List<Double> nextRequest = new ArrayList<>();
        for (int rep = 0; rep < 4; rep++) { // rep 0 warms up the JIT and is not counted
            long t0 = CPU.getCurrentThreadCpuTime();
            JsonConstraint fresh = new JsonConstraint(schema, pieces, tok.eos());
            long t1 = CPU.getCurrentThreadCpuTime();
            JsonLogitConstraint first = new JsonLogitConstraint(fresh, pieces);
            JsonLogitConstraint second = new JsonLogitConstraint(fresh.restart(schema), pieces);
            for (int id : doc) {
                long s = CPU.getCurrentThreadCpuTime();
                first.restrict(logits, 1000);
                long m = CPU.getCurrentThreadCpuTime();
                first.restrict(logits, 1000); // the same parse state again: now from the cache
                long e = CPU.getCurrentThreadCpuTime();
                first.accept(id);
                if (rep > 0) {
                    cold.add((m - s) / 1e3);
                    warm.add((e - m) / 1e3);
                }
            }
            for (int id : doc) {
                long s = CPU.getCurrentThreadCpuTime();
                second.restrict(logits, 1000);
                long e = CPU.getCurrentThreadCpuTime();
                second.accept(id);
                if (rep > 0) {
                    nextRequest.add((e - s) / 1e3);
                }
            }
            if (rep > 0) {
                trie.add((t1 - t0) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "mask on %s (vocab %d, a %d-token document, CPU time): vocabulary trie %.0f ms (once per tokenizer); "
                        + "first request: first mask of a state median %.0f us, max %.0f us, same state again median %.0f us; "
                        + "next request, same schema: median %.0f us, max %.0f us%n",
                vocabFile.getFileName(), tok.vocabSize(), doc.length, median(trie), median(cold), max(cold), median(warm),
                median(nextRequest), max(nextRequest));
    }

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    /**
     * Decode speed in tokens per second of this thread's CPU time (the reference kernels run on the
     * generating thread), measured between the first and the last generated token: robust to other
     * processes sharing the machine, unlike wall time.
     */
    private static final class CpuClock implements TokenListener {
        private final long[] at;
        private int n;

        CpuClock(int max) {
            at = new long[max];
        }

        @Override
        public void onToken(int index, int token, String delta) {
            at[n++] = CPU.getCurrentThreadCpuTime();
        }

        double tokensPerSecond() {
            return (n - 1) / ((at[n - 1] - at[0]) / 1e9);
        }
    }

    private static TokenText neverEnding(TokenText t) {
        return new TokenText() {
            @Override
            public byte[] pieceBytes(int id) {
                return t.pieceBytes(id);
            }

            @Override
            public boolean isEog(int id) {
                return false;
            }
        };
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
