package io.k3mcp.engine.sampling;

import java.util.Arrays;

/**
 * llama.cpp's repeat penalty, applied to the logits in place and undone after the draw: each distinct id among
 * the last {@code repeat_last_n} tokens has its logit divided by the penalty (multiplied when negative). In
 * place rather than on a copy: a copy of a 151936-entry vocabulary each token is a G1 humongous object on
 * fresh pages (docs/BENCHMARKS.md, fifth session), where the penalty touches at most repeat_last_n entries.
 */
final class RepeatPenalty {
    private final SamplerConfig config;
    private int[] ids = new int[0];
    private float[] saved = new float[0];
    private int count;
    private boolean[] seen;

    RepeatPenalty(SamplerConfig config) {
        this.config = config;
    }

    /** Penalises {@code logits} for the tokens {@code history[0, historyLength)}; {@link #undo} restores them. */
    void apply(float[] logits, int[] history, int historyLength) {
        count = 0;
        if (config.repeatPenalty() == 1f || config.repeatLastN() == 0 || historyLength == 0) {
            return;
        }
        int from = Math.max(0, historyLength - config.repeatLastN());
        if (ids.length < historyLength - from) {
            ids = Arrays.copyOf(ids, historyLength - from);
            saved = Arrays.copyOf(saved, historyLength - from);
        }
        if (seen == null || seen.length != logits.length) {
            seen = new boolean[logits.length];
        }
        for (int i = from; i < historyLength; i++) {
            int id = history[i];
            if (id >= 0 && id < logits.length && !seen[id]) {
                seen[id] = true;
                ids[count] = id;
                saved[count++] = logits[id];
                logits[id] = logits[id] <= 0 ? logits[id] * config.repeatPenalty() : logits[id] / config.repeatPenalty();
            }
        }
        for (int k = 0; k < count; k++) {
            seen[ids[k]] = false;
        }
    }

    /** Puts back the logits the last {@link #apply} changed. */
    void undo(float[] logits) {
        for (int k = 0; k < count; k++) {
            logits[ids[k]] = saved[k];
        }
        count = 0;
    }
}
