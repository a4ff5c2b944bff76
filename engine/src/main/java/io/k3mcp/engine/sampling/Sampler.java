package io.k3mcp.engine.sampling;

import java.util.SplittableRandom;

/**
 * Picks tokens as llama.cpp's default chain does: repeat penalty, then top-k, top-p, min-p,
 * temperature and a seeded random draw; or, at temperature 0, the argmax after the penalty.
 * One sampler per generation (it owns the random state).
 */
public final class Sampler {
    private final SamplerConfig config;
    private final SplittableRandom random;
    private final RepeatPenalty penalty;

    public Sampler(SamplerConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.penalty = new RepeatPenalty(config);
    }

    /**
     * The next token for {@code logits} (nVocab values, left unchanged), given the tokens so far
     * ({@code history[0, historyLength)}, prompt included) for the repeat penalty.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        penalty.apply(logits, history, historyLength);
        try {
            return sampleFrom(logits);
        } finally {
            penalty.undo(logits);
        }
    }

    private int sampleFrom(float[] l) {
        if (config.isGreedy()) {
            return Logits.argmax(l, 0, l.length);
        }
        int k = config.topK() > 0 ? Math.min(config.topK(), l.length) : l.length;
        int[] ids = Logits.order(l, 0, l.length, k);
        int n = topP(l, ids, k);
        n = minP(l, ids, n);
        return draw(l, ids, n);
    }

    /**
     * Speculative sampling's acceptance rule for a draft token proposed with certainty (prompt lookup): the
     * draft is kept with probability p(draft) under this sampler's distribution, else a token is drawn from p
     * without the draft, renormalised. Either way each token comes out with probability p, as from
     * {@link #sample}; greedy returns the argmax.
     */
    public int sampleDraft(float[] logits, int[] history, int historyLength, int draft) {
        penalty.apply(logits, history, historyLength);
        try {
            return sampleDraftFrom(logits, draft);
        } finally {
            penalty.undo(logits);
        }
    }

    private int sampleDraftFrom(float[] l, int draft) {
        if (config.isGreedy()) {
            return Logits.argmax(l, 0, l.length);
        }
        int k = config.topK() > 0 ? Math.min(config.topK(), l.length) : l.length;
        int[] ids = Logits.order(l, 0, l.length, k);
        int n = minP(l, ids, topP(l, ids, k));
        double[] p = softmax(l, ids, n, config.temperature());
        int at = -1;
        for (int i = 0; i < n; i++) {
            if (ids[i] == draft) {
                at = i;
            }
        }
        if (at >= 0 && random.nextDouble() < p[at]) {
            return draft;
        }
        if (at >= 0) {
            if (n == 1) {
                return draft;   // p(draft) = 1: only rounding can get here
            }
            p[at] = 0;
        }
        double rest = 0;
        for (int i = 0; i < n; i++) {
            rest += p[i];
        }
        return drawFrom(p, ids, n, rest);
    }

    /** Keeps the shortest prefix of the sorted candidates whose softmax mass reaches top_p (at least one). */
    private int topP(float[] l, int[] ids, int n) {
        if (config.topP() >= 1f) {
            return n;
        }
        double[] p = softmax(l, ids, n, 1f);
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += p[i];
            if (cum >= config.topP()) {
                return i + 1;
            }
        }
        return n;
    }

    /** Keeps candidates whose probability is at least min_p times the best one's. */
    private int minP(float[] l, int[] ids, int n) {
        if (config.minP() <= 0f) {
            return n;
        }
        double threshold = l[ids[0]] + Math.log(config.minP());
        int keep = 1;
        while (keep < n && l[ids[keep]] >= threshold) {
            keep++;
        }
        return keep;
    }

    private int draw(float[] l, int[] ids, int n) {
        return drawFrom(softmax(l, ids, n, config.temperature()), ids, n, 1.0);
    }

    /** Draws ids[i] with probability p[i] / total (total = the sum of p). */
    private int drawFrom(double[] p, int[] ids, int n, double total) {
        double u = random.nextDouble() * total;
        double cum = 0;
        for (int i = 0; i < n; i++) {
            cum += p[i];
            if (u < cum) {
                return ids[i];
            }
        }
        int last = n - 1;
        while (last > 0 && p[last] == 0) {
            last--; // rounding left u above the total: take the last candidate that has any probability
        }
        return ids[last];
    }

    private static double[] softmax(float[] l, int[] ids, int n, float temperature) {
        double[] p = new double[n];
        double max = l[ids[0]] / (double) temperature;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(l[ids[i]] / (double) temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
