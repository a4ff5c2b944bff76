package io.k3mcp.engine.session;

import io.k3mcp.engine.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A call's first draft is short; drafts that keep failing get shorter, then pause for longer and longer; one wholly
 * kept lengthens them again.
 */
class DraftBackoffTest {
    private static final int VOCAB = 4;

    /** Logits whose argmax is token 0 in every row. */
    private static float[] rows(int n) {
        float[] l = new float[n * VOCAB];
        for (int r = 0; r < n; r++) {
            l[r * VOCAB] = 1f;
        }
        return l;
    }

    private static List<Integer> lengths(int tokenDrafted, int steps) {
        Speculation.Drafter fixed = (h, len, max) -> {
            int[] d = new int[max];
            Arrays.fill(d, tokenDrafted);
            return d;
        };
        GenerationRequest r = new GenerationRequest(new int[] {1, 2}, 200, SamplerConfig.greedy(), List.of(), 0, null, null)
                .withSpeculation(new Speculation(1, 8, fixed));
        Generation g = new Generation(r, FixedText.noEog(new String[] {"a", "b", "c", "d"}));
        g.accept(rows(1));
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            int[] draft = g.draft(512);
            out.add(draft.length);
            if (draft.length == 0) {
                g.accept(rows(1));
            } else {
                g.verify(rows(draft.length + 1), draft, VOCAB);
            }
        }
        return out;
    }

    @Test
    void wrongDraftsBackOffAndRightOnesStayLong() {
        assertEquals(List.of(4, 2, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0), lengths(3, 12), "always wrong: a short first draft, then the back-off");
        assertEquals(List.of(4, 8, 8, 8), lengths(0, 4), "always right: doubled up to max_draft, then the full max_draft every step");
    }
}
