package io.k3mcp.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final int[] NONE = new int[0];

    private static SamplerConfig cfg(float temp, int topK, float topP, float minP, float penalty, long seed) {
        return new SamplerConfig(temp, topK, topP, minP, penalty, 64, seed);
    }

    @Test
    void greedyTakesTheMaximumAndBreaksTiesTowardTheLowerId() {
        Sampler s = new Sampler(SamplerConfig.greedy());
        assertEquals(2, s.sample(new float[] {0f, 1f, 3f, 2f}, NONE, 0));
        assertEquals(1, s.sample(new float[] {0f, 3f, 3f, 3f}, NONE, 0));
    }

    @Test
    void repeatPenaltyDividesPositiveAndMultipliesNegativeLogitsOfRecentTokens() {
        Sampler s = new Sampler(cfg(0f, 0, 1f, 0f, 2f, 0));
        // 2.0 / 2 = 1.0 < 1.5: the penalised token loses
        assertEquals(1, s.sample(new float[] {2f, 1.5f}, new int[] {0}, 1));
        // -1 * 2 = -2 < -1.5
        assertEquals(1, s.sample(new float[] {-1f, -1.5f}, new int[] {0}, 1));
        // only the last repeat_last_n tokens count
        Sampler lastOne = new Sampler(new SamplerConfig(0f, 0, 1f, 0f, 2f, 1, 0));
        assertEquals(0, lastOne.sample(new float[] {2f, 1.5f}, new int[] {0, 1}, 2));
    }

    @Test
    void thePenaltyDrawsAsFromAPenalisedCopyAndLeavesTheLogitsAsTheyWere() {
        java.util.Random rnd = new java.util.Random(7);
        float[] logits = new float[500];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) rnd.nextGaussian();
        }
        int[] history = {3, 9, 3, 499, 0, 9, 42, 3, 250};
        float penalty = 1.7f;
        float[] copy = logits.clone();
        boolean[] seen = new boolean[copy.length];
        for (int i = history.length - 6; i < history.length; i++) {   // repeat_last_n 6: each id once
            int id = history[i];
            if (!seen[id]) {
                seen[id] = true;
                copy[id] = copy[id] <= 0 ? copy[id] * penalty : copy[id] / penalty;
            }
        }
        float[] before = logits.clone();
        Sampler penalised = new Sampler(new SamplerConfig(0.8f, 40, 0.95f, 0.02f, penalty, 6, 11));
        Sampler plain = new Sampler(new SamplerConfig(0.8f, 40, 0.95f, 0.02f, 1f, 6, 11));
        for (int step = 0; step < 50; step++) {
            assertEquals(plain.sample(copy, history, history.length), penalised.sample(logits, history, history.length));
            assertEquals(plain.sampleDraft(copy, history, history.length, 3),
                    penalised.sampleDraft(logits, history, history.length, 3));
            assertArrayEquals(before, logits, "the caller's logits after step " + step);
        }
    }

    @Test
    void sameSeedGivesTheSameDrawsAndOtherSeedsDiffer() {
        float[] flat = new float[64];
        int[] a = draws(cfg(1f, 0, 1f, 0f, 1f, 42), flat);
        int[] b = draws(cfg(1f, 0, 1f, 0f, 1f, 42), flat);
        int[] c = draws(cfg(1f, 0, 1f, 0f, 1f, 43), flat);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertTrue(!java.util.Arrays.equals(a, c));
        Set<Integer> distinct = new HashSet<>();
        for (int id : a) {
            distinct.add(id);
        }
        assertTrue(distinct.size() > 20, "a flat distribution should spread the draws: " + distinct.size());
    }

    @Test
    void topKTopPAndMinPRestrictTheCandidates() {
        float[] logits = {0f, 5f, 4.9f, 1f, 4.8f};
        Set<Integer> topK2 = drawSet(cfg(1f, 2, 1f, 0f, 1f, 7), logits);
        assertEquals(Set.of(1, 2), topK2);
        // the best token alone holds about 35% of the mass: top_p 0.1 keeps only it
        assertEquals(Set.of(1), drawSet(cfg(1f, 0, 0.1f, 0f, 1f, 7), logits));
        // min_p 0.5 keeps tokens with p >= 0.5 p_max: 1, 2, 4 but not 3 or 0
        assertEquals(Set.of(1, 2, 4), drawSet(cfg(1f, 0, 1f, 0.5f, 1f, 7), logits));
        // a tiny temperature sharpens to the argmax
        assertEquals(Set.of(1), drawSet(cfg(0.01f, 0, 1f, 0f, 1f, 7), logits));
    }

    @Test
    void badArgumentsAreRejectedByName() {
        assertMessage("temperature", () -> cfg(-1f, 0, 1f, 0f, 1f, 0));
        assertMessage("top_k", () -> cfg(1f, -1, 1f, 0f, 1f, 0));
        assertMessage("top_p", () -> cfg(1f, 0, 0f, 0f, 1f, 0));
        assertMessage("top_p", () -> cfg(1f, 0, 1.5f, 0f, 1f, 0));
        assertMessage("min_p", () -> cfg(1f, 0, 1f, -0.1f, 1f, 0));
        assertMessage("repeat_penalty", () -> cfg(1f, 0, 1f, 0f, 0f, 0));
        assertMessage("repeat_last_n", () -> new SamplerConfig(1f, 0, 1f, 0f, 1f, -1, 0));
        assertMessage("temperature", () -> cfg(Float.NaN, 0, 1f, 0f, 1f, 0));
    }

    @Test
    void topLogitsAreOrderedWithTiesToTheLowerId() {
        var top = Logits.top(new float[] {1f, 3f, 3f, -2f, 2f}, 0, 5, 3);
        assertEquals(new TokenLogit(1, 3f), top.get(0));
        assertEquals(new TokenLogit(2, 3f), top.get(1));
        assertEquals(new TokenLogit(4, 2f), top.get(2));
        assertEquals(3, Logits.order(new float[] {-1f, -3f, -2f, 0f}, 0, 4, 1)[0]);
        assertEquals(Math.log(2), Logits.logSumExp(new float[] {0f, 0f}, 0, 2), 1e-12);
    }

    @Test
    void smallAndLargeTopKAgreeOnRandomLogitsWithTies() {
        java.util.Random r = new java.util.Random(5);
        float[] l = new float[3000];
        for (int i = 0; i < l.length; i++) {
            l[i] = r.nextInt(200) / 8f; // many exact ties
        }
        int[] small = Logits.order(l, 0, l.length, 50);
        int[] large = Logits.order(l, 0, l.length, 500);
        assertEquals(java.util.Arrays.toString(small), java.util.Arrays.toString(java.util.Arrays.copyOf(large, 50)));
        for (int i = 1; i < large.length; i++) {
            assertTrue(l[large[i - 1]] > l[large[i]] || (l[large[i - 1]] == l[large[i]] && large[i - 1] < large[i]));
        }
    }

    private static void assertMessage(String name, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith(name), e.getMessage());
    }

    private static int[] draws(SamplerConfig c, float[] logits) {
        Sampler s = new Sampler(c);
        int[] out = new int[200];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.sample(logits, NONE, 0);
        }
        return out;
    }

    private static Set<Integer> drawSet(SamplerConfig c, float[] logits) {
        Set<Integer> seen = new HashSet<>();
        for (int id : draws(c, logits)) {
            seen.add(id);
        }
        return seen;
    }
}
