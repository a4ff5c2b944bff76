package io.k3mcp.engine.model;

import io.k3mcp.engine.sampling.Logits;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every golden's runs four at a time in one batch of sequences: sequence i joins at step i (its prompt
 * prefilled in the same forward pass as the others' decodes) and leaves after as many tokens as its golden
 * run has. Greedy output equals the same run alone token for token, and alone equals llama.cpp's golden
 * over the decisive steps. On the reference kernels the logits are bit-identical too (a row's arithmetic
 * does not depend on the batch); on the native kernels within the golden's tolerance.
 */
class BatchedSequencesGoldenTest {
    private static final Logger log = LoggerFactory.getLogger(BatchedSequencesGoldenTest.class);
    private static final int SEQUENCES = 4;

    static Stream<String> models() throws IOException {
        return Golden.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void fourSequencesInOneBatchEqualEachAlone(String name) throws IOException {
        check(name, ReferenceKernels.INSTANCE, true);
    }

    @ParameterizedTest(name = "native {0}")
    @MethodSource("models")
    void nativeKernelsToo(String name) throws IOException {
        check(name, Golden.nativeKernels(), false);
    }

    /** A sequence's run: its golden, and the greedy tokens and logits it produced. */
    private record Greedy(Golden.Run run, int[] tokens, List<float[]> logits) {
    }

    private static void check(String name, Kernels kernels, boolean bitIdentical) throws IOException {
        Golden g = Golden.load(name);
        List<Golden.Run> runs = new ArrayList<>();
        for (int i = 0; runs.size() < SEQUENCES; i++) {
            runs.add(g.runs().get(i % g.runs().size()));
        }
        try (Model model = Model.load(Shared.model(g.modelFile()), kernels)) {
            Transformer tf = new Transformer(model, kernels);
            List<Greedy> batched = batched(tf, runs);
            double maxDiff = 0;
            for (int i = 0; i < SEQUENCES; i++) {
                Golden.Run run = runs.get(i);
                Greedy alone = alone(tf, run);
                int decisive = run.decisiveSteps();
                assertArrayEquals(Arrays.copyOf(run.generatedIds(), decisive), Arrays.copyOf(alone.tokens(), decisive),
                        name + " " + run.label() + " alone vs llama.cpp");
                assertArrayEquals(alone.tokens(), batched.get(i).tokens(), name + " " + run.label() + " batched (sequence " + i + ") vs alone");
                for (int s = 0; s < alone.logits().size(); s++) {
                    float[] a = alone.logits().get(s);
                    float[] b = batched.get(i).logits().get(s);
                    if (bitIdentical) {
                        assertArrayEquals(a, b, name + " " + run.label() + " step " + s + " logits");
                    }
                    for (int j = 0; j < a.length; j++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[j] - b[j]));
                    }
                }
            }
            log.info("batched_sequences kernels={} model={} tol={} max_logit_diff_batched_vs_alone={}", kernels.name(), name, g.tol(), maxDiff);
            assertTrue(maxDiff <= g.tol(), name + ": batched logits differ from alone by " + maxDiff + " > tol " + g.tol());
        }
    }

    private static KvCache cacheFor(Transformer tf, Golden.Run run) {
        return new KvCache(tf.config(), run.promptIds().length + run.generatedIds().length, GgmlType.F16);
    }

    private static Greedy alone(Transformer tf, Golden.Run run) {
        KvCache cache = cacheFor(tf, run);
        int steps = run.generatedIds().length;
        int[] out = new int[steps];
        List<float[]> logits = new ArrayList<>();
        float[] l = tf.forward(cache, run.promptIds(), false);
        for (int s = 0; s < steps; s++) {
            logits.add(l);
            out[s] = Logits.argmax(l, 0, l.length);
            if (s + 1 < steps) {
                l = tf.forward(cache, new int[] {out[s]}, false);
            }
        }
        return new Greedy(run, out, logits);
    }

    /** Sequence i joins at step i; at every step each active sequence runs its prompt or its last token. */
    private static List<Greedy> batched(Transformer tf, List<Golden.Run> runs) {
        List<Greedy> seqs = new ArrayList<>();
        List<KvCache> caches = new ArrayList<>();
        for (Golden.Run run : runs) {
            seqs.add(new Greedy(run, new int[run.generatedIds().length], new ArrayList<>()));
            caches.add(cacheFor(tf, run));
        }
        int[] done = new int[runs.size()];
        for (int step = 0; ; step++) {
            List<SequenceStep> batch = new ArrayList<>();
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < runs.size() && i <= step; i++) {
                Greedy q = seqs.get(i);
                if (done[i] == q.tokens().length) {
                    continue;
                }
                int[] in = done[i] == 0 && q.logits().isEmpty() ? q.run().promptIds() : new int[] {q.tokens()[done[i] - 1]};
                batch.add(new SequenceStep(caches.get(i), in, false));
                members.add(i);
            }
            if (batch.isEmpty() && step >= runs.size()) {
                return seqs;
            }
            if (batch.isEmpty()) {
                continue;
            }
            float[][] logits = tf.forward(batch);
            for (int b = 0; b < members.size(); b++) {
                Greedy q = seqs.get(members.get(b));
                q.logits().add(logits[b]);
                q.tokens()[done[members.get(b)]++] = Logits.argmax(logits[b], 0, logits[b].length);
            }
        }
    }
}
