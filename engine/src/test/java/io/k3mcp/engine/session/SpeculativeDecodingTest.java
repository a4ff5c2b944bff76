package io.k3mcp.engine.session;

import io.k3mcp.engine.model.Model;
import io.k3mcp.engine.sampling.SamplerConfig;
import io.k3mcp.engine.sampling.TokenLogit;
import io.k3mcp.engine.testing.Golden;
import io.k3mcp.engine.testing.Shared;
import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.ReferenceKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Prompt-lookup speculation changes how many tokens a forward pass verifies, never which tokens come out:
 * on every golden, greedy output with it equals greedy output without it token for token (and llama.cpp's
 * over the decisive steps), on the reference and the native kernels, with prompt lookup, with the model's own
 * continuation as drafts (all accepted) and with always-wrong drafts (none). Hybrids decode without drafts.
 */
class SpeculativeDecodingTest {

    static Stream<String> models() throws IOException {
        return Golden.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void greedyWithSpeculationEqualsWithout(String name) throws IOException {
        check(name, ReferenceKernels.INSTANCE, true);
    }

    @ParameterizedTest(name = "native {0}")
    @MethodSource("models")
    void nativeKernelsToo(String name) throws IOException {
        check(name, Golden.nativeKernels(), false);
    }

    private static Session session(Model m, Kernels k) {
        String[] tokens = m.file().metadata().stringArray("tokenizer.ggml.tokens");
        return new Session(m, k, FixedText.noEog(tokens), 0, GgmlType.F16, 1, Long.MAX_VALUE, 0);
    }

    /**
     * @param exact every token equal (the reference kernels: a row's arithmetic does not depend on the batch);
     *              else (native: a batch may take another GEMM path) equal up to the first step whose top-2 gap
     *              without speculation is within twice the golden's tolerance, where rounding may pick either
     */
    private static void check(String name, Kernels kernels, boolean exact) throws IOException {
        Golden g = Golden.load(name);
        try (Model m = Model.load(Shared.model(g.modelFile()), kernels)) {
            boolean hybrid = m.config().deltaNet() != null;
            Session plain = session(m, kernels);
            Session spec = session(m, kernels);
            for (Golden.Run run : g.runs()) {
                int n = run.generatedIds().length;
                GenerationResult off = plain.generate(new GenerationRequest(run.promptIds(), n, SamplerConfig.greedy(), List.of(), 2,
                        null, null).withSpeculation(Speculation.OFF));
                int same = exact ? n : untilNearTie(off, g.tol());
                GenerationResult on = spec.generate(GenerationRequest.greedy(run.promptIds(), n));
                assertNull(off.timings().speculationAccepted());
                assertEqualUpTo(same, off, on, name + " " + run.label());
                int d = run.decisiveSteps();
                assertArrayEquals(Arrays.copyOf(run.generatedIds(), d), Arrays.copyOf(on.tokens(), d), name + " " + run.label() + " vs llama.cpp");
                // drafts that are the model's own continuation are all accepted; always-wrong ones never
                int[] own = off.tokens();
                int from = run.promptIds().length;
                Speculation.Drafter right = (h, len, max) -> Arrays.copyOfRange(own, Math.min(own.length, len - from),
                        Math.min(own.length, len - from + max));
                Speculation.Drafter wrong = (h, len, max) -> {
                    int[] shifted = right.draft(h, len, max);
                    for (int i = 0; i < shifted.length; i++) {
                        shifted[i] = (shifted[i] + 1) % m.config().nVocab();
                    }
                    return shifted;
                };
                GenerationResult ceiling = spec.generate(GenerationRequest.greedy(run.promptIds(), n).withSpeculation(new Speculation(1, 8, right)));
                GenerationResult overhead = spec.generate(GenerationRequest.greedy(run.promptIds(), n).withSpeculation(new Speculation(1, 8, wrong)));
                assertEqualUpTo(same, off, ceiling, name + " " + run.label() + " own continuation as drafts");
                assertEqualUpTo(same, off, overhead, name + " " + run.label() + " always-wrong drafts");
                if (hybrid) {
                    assertNull(ceiling.timings().speculationAccepted(), "a hybrid decodes without drafts");
                } else if (same == n) {
                    assertEquals(1.0, ceiling.timings().speculationAccepted(), name + " " + run.label());
                    assertEquals(0.0, overhead.timings().speculationAccepted(), name + " " + run.label());
                }
            }
        }
    }

    private static int untilNearTie(GenerationResult r, double tol) {
        for (int s = 0; s < r.topLogits().size(); s++) {
            List<TokenLogit> top = r.topLogits().get(s);
            if (top.get(0).logit() - top.get(1).logit() <= 2 * tol) {
                return s;   // this step's token may go either way; the ones after it follow from it
            }
        }
        return r.tokens().length;
    }

    private static void assertEqualUpTo(int n, GenerationResult expected, GenerationResult actual, String label) {
        assertArrayEquals(Arrays.copyOf(expected.tokens(), n), Arrays.copyOf(actual.tokens(), n), label + " (first " + n + " tokens)");
    }

    @Test
    void draftsComeFromTheLatestEarlierMatchAndSettingsAreChecked() {
        Speculation s = new Speculation(2, 3);
        int[] h = {5, 6, 7, 8, 9, 5, 6, 1, 2, 5, 6};
        assertArrayEquals(new int[] {1, 2, 5}, s.draft(h, h.length, 8), "the latest earlier 5 6 is followed by 1 2 5");
        assertArrayEquals(new int[] {1}, s.draft(h, h.length, 1));
        assertArrayEquals(new int[0], s.draft(new int[] {1, 2, 3, 4}, 4, 8), "no earlier match");
        assertArrayEquals(new int[0], Speculation.OFF.draft(h, h.length, 8));
        assertEquals("speculation.ngram must be 1..8, got 9", assertThrows(IllegalArgumentException.class, () -> new Speculation(9, 4)).getMessage());
        assertEquals("speculation.max_draft must be 1..32, got 0", assertThrows(IllegalArgumentException.class, () -> new Speculation(3, 0)).getMessage());
        assertEquals("speculation.max_draft must be 1..32, got 33", assertThrows(IllegalArgumentException.class, () -> new Speculation(3, 33)).getMessage());
    }
}
