package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** attention against a naive double-precision softmax(q.k * scale) v over the visible keys. */
class AttentionTest {
    private static final ReferenceKernels K = ReferenceKernels.INSTANCE;

    private record Case(int nTokens, int pos0, int nKeys, int nHeads, int nKvHeads, int headDim,
                        boolean causal, int window) {
    }

    private static boolean visible(Case c, int t, int j) {
        int pos = c.pos0 + t;
        if (!c.causal) {
            return true;
        }
        return j <= pos && (c.window <= 0 || j > pos - c.window);
    }

    private static void check(Case c, GgmlType kvType, double tol) {
        Random rnd = new Random(c.hashCode());
        int kvWidth = c.nKvHeads * c.headDim;
        float[] q = TestBlocks.gaussian(rnd, c.nTokens * c.nHeads * c.headDim, 1.0);
        float[] k = TestBlocks.gaussian(rnd, c.nKeys * kvWidth, 1.0);
        float[] v = TestBlocks.gaussian(rnd, c.nKeys * kvWidth, 1.0);
        ByteBuffer kb = TestBlocks.quantize(kvType, k);
        ByteBuffer vb = TestBlocks.quantize(kvType, v);
        float[] kf = TestBlocks.dequantize(kvType, kb, k.length);
        float[] vf = TestBlocks.dequantize(kvType, vb, v.length);
        float scale = (float) (1 / Math.sqrt(c.headDim));
        FloatBuffer out = Buffers.floats(q.length);
        K.attention(TestBlocks.floats(q), kb, vb, kvType, out, c.nTokens, c.pos0, c.nKeys, c.nHeads, c.nKvHeads,
            c.headDim, scale, c.causal, c.window);
        int group = c.nHeads / c.nKvHeads;
        for (int t = 0; t < c.nTokens; t++) {
            for (int h = 0; h < c.nHeads; h++) {
                int qb = (t * c.nHeads + h) * c.headDim;
                int kvh = h / group;
                double[] p = new double[c.nKeys];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c.nKeys; j++) {
                    if (!visible(c, t, j)) {
                        continue;
                    }
                    double s = 0;
                    for (int d = 0; d < c.headDim; d++) {
                        s += (double) q[qb + d] * kf[j * kvWidth + kvh * c.headDim + d];
                    }
                    p[j] = s * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < c.nKeys; j++) {
                    p[j] = visible(c, t, j) ? Math.exp(p[j] - max) : 0;
                    sum += p[j];
                }
                for (int d = 0; d < c.headDim; d++) {
                    double o = 0;
                    for (int j = 0; j < c.nKeys; j++) {
                        o += p[j] / sum * vf[j * kvWidth + kvh * c.headDim + d];
                    }
                    assertEquals(o, out.get(qb + d), tol, c + " " + kvType + " token " + t + " head " + h + " dim " + d);
                }
            }
        }
    }

    @Test
    void causalPrefillWithGqa() {
        check(new Case(5, 0, 5, 4, 2, 64, true, 0), GgmlType.F32, 1e-5);
        check(new Case(5, 0, 5, 4, 2, 64, true, 0), GgmlType.F16, 2e-3);
    }

    @Test
    void causalDecodeAgainstALongerCache() {
        // keys beyond pos0 + t exist in the buffer but must not be seen
        check(new Case(2, 6, 12, 4, 1, 32, true, 0), GgmlType.F32, 1e-5);
    }

    @Test
    void slidingWindow() {
        check(new Case(6, 10, 16, 2, 2, 32, true, 4), GgmlType.F32, 1e-5);
        check(new Case(6, 10, 16, 2, 2, 32, true, 4), GgmlType.F16, 2e-3);
    }

    @Test
    void nonCausalSeesEveryKey() {
        check(new Case(7, 0, 7, 4, 4, 32, false, 0), GgmlType.F32, 1e-5);
        check(new Case(7, 0, 7, 3, 1, 16, false, 0), GgmlType.F16, 2e-3);
    }

    /**
     * Quantised caches (llama.cpp's -ctk/-ctv q8_0, q4_0) take ggml's flash-attention path: q quantised to
     * Q8_0 for the K dot, online softmax, V rows dequantised; against the oracle over the dequantised rows, the
     * difference is q's Q8_0 rounding.
     */
    @Test
    void quantisedCachesAtOddLengths() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            check(new Case(5, 0, 5, 4, 2, 64, true, 0), type, 2e-2);
            check(new Case(3, 14, 17, 4, 1, 32, true, 0), type, 2e-2);
            check(new Case(6, 10, 16, 2, 2, 32, true, 4), type, 2e-2);
            check(new Case(7, 0, 7, 3, 1, 96, false, 0), type, 2e-2);
        }
    }

    @Test
    void quantisedCachesNeedHeadsOfWholeBlocks() {
        ByteBuffer kv = TestBlocks.le(4096);
        String msg = assertThrows(IllegalArgumentException.class, () -> K.attention(Buffers.floats(48), kv, kv, GgmlType.Q4_0,
            Buffers.floats(48), 1, 0, 1, 1, 1, 48, 1f, true, 0)).getMessage();
        assertTrue(msg.contains("head size 48 is not a multiple of Q4_0's block of 32"), msg);
    }

    @Test
    void singleVisibleKeyReturnsItsValue() {
        int headDim = 8;
        float[] v = TestBlocks.gaussian(new Random(2), headDim, 1.0);
        FloatBuffer out = Buffers.floats(headDim);
        K.attention(TestBlocks.floats(TestBlocks.gaussian(new Random(3), headDim, 1.0)),
            TestBlocks.quantize(GgmlType.F32, TestBlocks.gaussian(new Random(4), headDim, 1.0)),
            TestBlocks.quantize(GgmlType.F32, v), GgmlType.F32, out, 1, 0, 1, 1, 1, headDim, 0.3f, true, 0);
        for (int d = 0; d < headDim; d++) {
            assertEquals(v[d], out.get(d), 0.0f);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        ByteBuffer kv = TestBlocks.le(1024);
        assertThrows(IllegalArgumentException.class, () -> K.attention(Buffers.floats(64), kv, kv, GgmlType.Q4_1,
            Buffers.floats(64), 1, 0, 1, 1, 1, 64, 1f, true, 0));
        assertThrows(IllegalArgumentException.class, () -> K.attention(Buffers.floats(64), kv, kv, GgmlType.F32,
            Buffers.floats(64), 1, 0, 1, 3, 2, 16, 1f, true, 0));
    }
}
