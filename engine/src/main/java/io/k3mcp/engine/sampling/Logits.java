package io.k3mcp.engine.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Helpers over a logit vector: argmax, top-k, ordering and log-softmax, ties always to the lower id. */
public final class Logits {
    private Logits() {
    }

    /** The id of the largest logit; ties go to the lower id (as llama.cpp's greedy sampler). */
    public static int argmax(float[] logits, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (logits[from + i] > logits[from + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The k largest logits of logits[from, from + n), best first. */
    public static List<TokenLogit> top(float[] logits, int from, int n, int k) {
        int[] ids = order(logits, from, n, Math.min(k, n));
        List<TokenLogit> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(new TokenLogit(id, logits[from + id]));
        }
        return out;
    }

    /**
     * The ids of the {@code k} largest values, best first, ties to the lower id. Sorts packed
     * (value, id) longs, so a 150k vocabulary costs one primitive sort.
     */
    public static int[] order(float[] values, int from, int n, int k) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(values[from + i]);
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // monotonic in the float value
            keys[i] = ((long) ~ordered << 32) | i;              // ascending key = descending value, then id
        }
        Arrays.sort(keys);
        int[] ids = new int[k];
        for (int i = 0; i < k; i++) {
            ids[i] = (int) keys[i];
        }
        return ids;
    }

    /** log(sum(exp(logits[from..from+n)))) in double. */
    public static double logSumExp(float[] logits, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[from + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[from + i] - max);
        }
        return max + Math.log(sum);
    }
}
