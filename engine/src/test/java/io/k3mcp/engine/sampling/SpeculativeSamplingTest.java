package io.k3mcp.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The speculative-sampling acceptance rule leaves the output distribution unchanged: over a five-token
 * vocabulary, whatever the draft, the frequency of every token matches the sampler's softmax within five
 * standard errors (seeded, so the check is deterministic), and a draft outside top-k never comes out.
 */
class SpeculativeSamplingTest {
    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};
    private static final int DRAWS = 200_000;

    private static double[] softmax(float temperature) {
        double[] p = new double[LOGITS.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(LOGITS[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Test
    void everyDraftGivesTheSamplersDistribution() {
        float t = 0.8f;
        double[] expected = softmax(t);
        for (int draft = 0; draft < LOGITS.length; draft++) {
            Sampler s = new Sampler(new SamplerConfig(t, 0, 1f, 0f, 1f, 0, 42 + draft));
            int[] counts = new int[LOGITS.length];
            for (int i = 0; i < DRAWS; i++) {
                counts[s.sampleDraft(LOGITS, new int[0], 0, draft)]++;
            }
            for (int id = 0; id < LOGITS.length; id++) {
                double freq = counts[id] / (double) DRAWS;
                double se = Math.sqrt(expected[id] * (1 - expected[id]) / DRAWS);
                assertTrue(Math.abs(freq - expected[id]) <= 5 * se,
                        "draft " + draft + ": token " + id + " came " + freq + ", expected " + expected[id] + " +- " + 5 * se);
            }
        }
    }

    @Test
    void aDraftOutsideTopKNeverComesOutAndGreedyIgnoresDrafts() {
        Sampler s = new Sampler(new SamplerConfig(1f, 2, 1f, 0f, 1f, 0, 7));
        int[] counts = new int[LOGITS.length];
        for (int i = 0; i < 20_000; i++) {
            counts[s.sampleDraft(LOGITS, new int[0], 0, 4)]++;
        }
        assertEquals(0, counts[2] + counts[3] + counts[4]);
        double p0 = 1 / (1 + Math.exp(-1.0));
        assertEquals(p0, counts[0] / 20_000.0, 5 * Math.sqrt(p0 * (1 - p0) / 20_000));
        Sampler greedy = new Sampler(SamplerConfig.greedy());
        for (int draft = 0; draft < LOGITS.length; draft++) {
            assertEquals(0, greedy.sampleDraft(LOGITS, new int[0], 0, draft));
        }
    }
}
