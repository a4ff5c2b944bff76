package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Scaled dot-product attention as llama.cpp's non-flash path computes it on the CPU:
 * {@code kq = mul_mat(k, q)} (q is first converted to the cache type, as mul_mat converts src1 to
 * vec_dot_type), {@code soft_max_ext(kq * scale + mask)} with expf and a double sum, then
 * {@code kqv = mul_mat(v^T, kq)} (the probabilities again converted to the cache type).
 * Masked keys contribute exactly zero, so they are simply skipped.
 */
final class RefAttention {
    private RefAttention() {
    }

    static void attention(FloatBuffer q, ByteBuffer k, ByteBuffer v, GgmlType kvType, FloatBuffer out,
                          int nTokens, int pos0, int nKeys, int headRows, int nHeads, int nKvHeads, int headDim,
                          float scale, boolean causal, int window) {
        checkKvType(kvType, headDim);
        checkPositions(nTokens, pos0, nKeys, causal, window);
        if (nKvHeads <= 0 || nHeads % nKvHeads != 0) {
            throw new IllegalArgumentException("attention: nHeads " + nHeads + " is not a multiple of nKvHeads " + nKvHeads);
        }
        if (kvType.isQuantized()) {
            RefFlashAttention.attention(q, k, v, kvType, out, nTokens, pos0, nKeys, headRows, nHeads, nKvHeads, headDim,
                scale, causal, window);
            return;
        }
        int esz = kvType == GgmlType.F16 ? 2 : 4;
        int group = nHeads / nKvHeads;
        int headBytes = headDim * esz;
        float[] qh = new float[headDim];
        float[] w = new float[nKeys];
        double[] acc = new double[headDim];
        for (int t = 0; t < nTokens; t++) {
            int pos = pos0 + t;
            int first = 0;
            int last = nKeys - 1;
            if (causal) {
                last = Math.min(last, pos);
                if (window > 0) {
                    first = Math.max(0, pos - window + 1);
                }
            }
            for (int h = 0; h < nHeads; h++) {
                int qBase = (t * nHeads + h) * headDim;
                int kvh = h / group;
                for (int d = 0; d < headDim; d++) {
                    float qv = q.get(qBase + d);
                    qh[d] = esz == 2 ? Half.roundTrip(qv) : qv;
                }
                float max = Float.NEGATIVE_INFINITY;
                for (int j = first; j <= last; j++) {
                    int kRow = (int) AttentionSequence.rowOffset(j, kvh, nKvHeads, headBytes, headRows);
                    float s = dot(qh, k, kRow, esz, headDim) * scale;
                    w[j] = s;
                    max = Math.max(max, s);
                }
                double sum = 0.0;
                for (int j = first; j <= last; j++) {
                    float e = GgmlMath.expf(w[j] - max);
                    sum += e;
                    w[j] = e;
                }
                float inv = last >= first ? (float) (1.0 / sum) : 0.0f;
                java.util.Arrays.fill(acc, 0.0);
                for (int j = first; j <= last; j++) {
                    float p = w[j] * inv;
                    if (esz == 2) {
                        p = Half.roundTrip(p);
                    }
                    int vRow = (int) AttentionSequence.rowOffset(j, kvh, nKvHeads, headBytes, headRows);
                    for (int d = 0; d < headDim; d++) {
                        acc[d] += p * element(v, vRow, esz, d);
                    }
                }
                for (int d = 0; d < headDim; d++) {
                    out.put(qBase + d, (float) acc[d]);
                }
            }
        }
    }

    /** The cache types attention reads: F32, F16, and (whole blocks per head) Q8_0 and Q4_0. */
    static void checkKvType(GgmlType kvType, int headDim) {
        if (kvType != GgmlType.F32 && kvType != GgmlType.F16 && kvType != GgmlType.Q8_0 && kvType != GgmlType.Q4_0) {
            throw new IllegalArgumentException("attention: kv type " + kvType + " is not F32, F16, Q8_0 or Q4_0");
        }
        if (headDim % kvType.blockSize != 0) {
            throw new IllegalArgumentException("attention: head size " + headDim + " is not a multiple of " + kvType
                    + "'s block of " + kvType.blockSize + " (each head's rows must be whole blocks)");
        }
    }

    /**
     * The positions of a sequence's queries, checked the same way by every implementation: token t sits at
     * {@code pos0 + t}, which must be a position (not negative, and within an int for the last token, since the kernels
     * add t to pos0 in int); a causal query sees the keys up to its own position, so those keys must be in the cache
     * ({@code pos0 + nTokens <= nKeys}; else its softmax is over nothing and its row silently zero); a window is a
     * count of keys (0 for none).
     */
    static void checkPositions(int nTokens, int pos0, int nKeys, boolean causal, int window) {
        if (nTokens < 0 || nKeys < 0) {
            throw new IllegalArgumentException("attention: tokens " + nTokens + ", keys " + nKeys + " (neither may be negative)");
        }
        if (pos0 < 0) {
            throw new IllegalArgumentException("attention: pos0 " + pos0 + " is negative (the first query's position)");
        }
        long end = (long) pos0 + nTokens;
        if (end > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention: pos0 " + pos0 + " + " + nTokens + " tokens passes the largest position "
                + Integer.MAX_VALUE);
        }
        if (causal && end > nKeys) {
            throw new IllegalArgumentException("attention: causal queries at positions " + pos0 + ".." + (end - 1)
                + " need keys up to position " + (end - 1) + ", but the cache holds " + nKeys + " (pos0 + tokens must be <= keys)");
        }
        if (window < 0) {
            throw new IllegalArgumentException("attention: window " + window + " is negative (0 for none, else the keys a query sees)");
        }
    }

    private static float element(ByteBuffer b, int rowOff, int esz, int d) {
        return esz == 2 ? Half.toFloat(b.getShort(rowOff + 2 * d)) : b.getFloat(rowOff + 4 * d);
    }

    /** ggml_vec_dot_f16 / _f32 scalar: f32 products summed in double. */
    private static float dot(float[] qh, ByteBuffer k, int rowOff, int esz, int n) {
        double sum = 0.0;
        for (int d = 0; d < n; d++) {
            sum += qh[d] * element(k, rowOff, esz, d);
        }
        return (float) sum;
    }
}
