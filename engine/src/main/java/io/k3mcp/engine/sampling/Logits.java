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
        if (k <= 0) {
            return new int[0];
        }
        return k <= SMALL_K ? smallTop(values, from, n, k) : sortedTop(values, from, n, k);
    }

    /** Up to this k a single pass with a small sorted array beats sorting the whole vocabulary. */
    private static final int SMALL_K = 64;

    private static int[] smallTop(float[] values, int from, int n, int k) {
        int[] ids = new int[k];
        float[] best = new float[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            float v = values[from + i];
            if (size == k && !(v > best[k - 1])) {
                continue; // not better than the current k-th: an equal value keeps the lower id already there
            }
            int pos = size == k ? k - 1 : size++;
            while (pos > 0 && v > best[pos - 1]) {
                best[pos] = best[pos - 1];
                ids[pos] = ids[pos - 1];
                pos--;
            }
            best[pos] = v;
            ids[pos] = i;
        }
        return ids;
    }

    private static int[] sortedTop(float[] values, int from, int n, int k) {
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
