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

    public Sampler(SamplerConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
    }

    /**
     * The next token for {@code logits} (nVocab values, left unchanged), given the tokens so far
     * ({@code history[0, historyLength)}, prompt included) for the repeat penalty.
     */
    public int sample(float[] logits, int[] history, int historyLength) {
        float[] l = penalised(logits, history, historyLength);
        if (config.isGreedy()) {
            return Logits.argmax(l, 0, l.length);
        }
        int k = config.topK() > 0 ? Math.min(config.topK(), l.length) : l.length;
        int[] ids = Logits.order(l, 0, l.length, k);
        int n = topP(l, ids, k);
        n = minP(l, ids, n);
        return draw(l, ids, n);
    }

    private float[] penalised(float[] logits, int[] history, int historyLength) {
        if (config.repeatPenalty() == 1f || config.repeatLastN() == 0 || historyLength == 0) {
            return logits;
        }
        float[] l = logits.clone();
        boolean[] seen = new boolean[l.length];
        for (int i = Math.max(0, historyLength - config.repeatLastN()); i < historyLength; i++) {
            int id = history[i];
            if (id >= 0 && id < l.length && !seen[id]) {
                seen[id] = true;
                l[id] = l[id] <= 0 ? l[id] * config.repeatPenalty() : l[id] / config.repeatPenalty();
            }
        }
        return l;
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
        double[] p = softmax(l, ids, n, config.temperature());
        double u = random.nextDouble();
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
