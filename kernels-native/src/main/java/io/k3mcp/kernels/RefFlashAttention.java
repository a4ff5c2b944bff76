package io.k3mcp.kernels;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Attention over a quantised cache (Q8_0 or Q4_0 rows) as ggml-cpu's flash-attention path computes it
 * (llama.cpp needs flash attention for a quantised V cache): each query head is quantised to the K type's
 * vec-dot type (Q8_0), {@code s = scale * vec_dot(k, q)} per visible key, an online softmax (running max M
 * and sum S, the accumulator rescaled by {@code expf(Mold - M)} when the max rises) accumulating the
 * dequantised V rows in f32, and the result divided by S.
 */
final class RefFlashAttention {
    private RefFlashAttention() {
    }

    static void attention(FloatBuffer q, ByteBuffer k, ByteBuffer v, GgmlType type, FloatBuffer out,
                          int nTokens, int pos0, int nKeys, int headRows, int nHeads, int nKvHeads, int headDim,
                          float scale, boolean causal, int window) {
        int group = nHeads / nKvHeads;
        int headBytes = (int) type.bytesFor(headDim);
        ByteBuffer qq = Buffers.bytes(GgmlType.Q8_0.bytesFor(headDim));
        float[] qh = new float[headDim];
        float[] vRow = new float[headDim];
        float[] acc = new float[headDim];
        for (int t = 0; t < nTokens; t++) {
            int pos = pos0 + t;
            int first = causal && window > 0 ? Math.max(0, pos - window + 1) : 0;
            int last = causal ? Math.min(nKeys - 1, pos) : nKeys - 1;
            for (int h = 0; h < nHeads; h++) {
                int qBase = (t * nHeads + h) * headDim;
                int kvh = h / group;
                q.get(qBase, qh);
                Quantize.row(GgmlType.Q8_0, qh, 0, qq, 0, headDim);
                java.util.Arrays.fill(acc, 0f);
                float m = Float.NEGATIVE_INFINITY;
                float sum = 0f;
                for (int j = first; j <= last; j++) {
                    int row = (int) AttentionSequence.rowOffset(j, kvh, nKvHeads, headBytes, headRows);
                    float s = VecDot.dot(type, k, row, qq, 0, headDim) * scale;
                    float ms = 1f;
                    float vs = 1f;
                    if (s > m) {
                        float old = m;
                        m = s;
                        ms = GgmlMath.expf(old - m);
                        for (int d = 0; d < headDim; d++) {
                            acc[d] *= ms;
                        }
                    } else {
                        vs = GgmlMath.expf(s - m);
                    }
                    Dequant.row(type, v, row, vRow, 0, headDim);
                    for (int d = 0; d < headDim; d++) {
                        acc[d] += vRow[d] * vs;
                    }
                    sum = sum * ms + vs;
                }
                float inv = sum == 0f ? 0f : 1f / sum;
                for (int d = 0; d < headDim; d++) {
                    out.put(qBase + d, acc[d] * inv);
                }
            }
        }
    }
}
