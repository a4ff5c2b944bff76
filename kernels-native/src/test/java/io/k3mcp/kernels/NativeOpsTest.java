package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The non-matmul NativeKernels methods against ReferenceKernels. Same arithmetic on both sides, so the
 * tolerance is a few ulps: C's expf/tanhf/cosf/sinf may differ from Java's StrictMath-based ones by one
 * ulp, which propagates to about 1e-6 relative.
 */
class NativeOpsTest {
    private static final float REL = 2e-6f;
    private static NativeKernels nk;
    private static final ReferenceKernels REF = ReferenceKernels.INSTANCE;

    @BeforeAll
    static void open() {
        nk = TestBlocks.openNative(3);
    }

    @AfterAll
    static void close() {
        nk.close();
    }

    private static void assertClose(FloatBuffer want, FloatBuffer got, int n, float rel, String what) {
        float[] w = TestBlocks.array(want, n);
        float[] g = TestBlocks.array(got, n);
        for (int i = 0; i < n; i++) {
            float tol = rel * Math.max(1.0f, Math.abs(w[i]));
            assertTrue(Math.abs(w[i] - g[i]) <= tol, what + "[" + i + "]: reference " + w[i] + ", native " + g[i]);
        }
    }

    private static FloatBuffer random(Random rnd, int n, double sigma) {
        return TestBlocks.floats(TestBlocks.gaussian(rnd, n, sigma));
    }

    @Test
    void norms() {
        Random rnd = new Random(1);
        int n = 77;
        int rows = 3;
        FloatBuffer x = random(rnd, n * rows, 2.0);
        FloatBuffer w = random(rnd, n, 1.0);
        FloatBuffer b = random(rnd, n, 1.0);
        for (boolean withWeights : new boolean[] {true, false}) {
            FloatBuffer want = Buffers.floats(n * rows);
            FloatBuffer got = Buffers.floats(n * rows);
            REF.rmsNorm(x, withWeights ? w : null, want, n, rows, 1e-6f);
            nk.rmsNorm(x, withWeights ? w : null, got, n, rows, 1e-6f);
            assertArrayEquals(TestBlocks.array(want, n * rows), TestBlocks.array(got, n * rows), 0.0f, "rmsNorm");
            REF.layerNorm(x, withWeights ? w : null, withWeights ? b : null, want, n, rows, 1e-5f);
            nk.layerNorm(x, withWeights ? w : null, withWeights ? b : null, got, n, rows, 1e-5f);
            assertClose(want, got, n * rows, REL, "layerNorm");
        }
    }

    @ParameterizedTest
    @CsvSource({"false, 64, 64, 0, false", "true, 64, 32, 7, false", "false, 18, 10, 1000, false", "true, 128, 128, 12345, false",
        "false, 64, 64, 300, true", "true, 18, 10, 1000, true"})
    void rope(boolean neox, int headDim, int ropeDims, int pos0, boolean withFactors) {
        Random rnd = new Random(headDim + pos0);
        int nTokens = 3;
        int nHeads = 2;
        int n = nTokens * nHeads * headDim;
        float[] v = TestBlocks.gaussian(rnd, n, 1.0);
        FloatBuffer want = TestBlocks.floats(v);
        FloatBuffer got = TestBlocks.floats(v);
        FloatBuffer factors = null;
        if (withFactors) {
            factors = Buffers.floats(ropeDims / 2);
            for (int i = 0; i < ropeDims / 2; i++) {
                factors.put(i, 1 + 7f * i / ropeDims);
            }
        }
        REF.rope(want, nTokens, nHeads, headDim, ropeDims, pos0, 10000.0f, 1.0f, neox, factors);
        nk.rope(got, nTokens, nHeads, headDim, ropeDims, pos0, 10000.0f, 1.0f, neox, factors);
        // angles up to ~1e4 rad: one ulp of the angle moves cos/sin by ~1e-3 ulp-relative
        assertClose(want, got, n, pos0 > 100 ? 1e-5f : REL, "rope");
    }

    /** Gemma 4's proportional RoPE: factors 1 on the first pairs, 1e30 (no turn) on the rest; full head dims. */
    @ParameterizedTest
    @CsvSource({"64, 0", "64, 151", "18, 7"})
    void ropeWithFrequencyFactors(int headDim, int pos0) {
        Random rnd = new Random(headDim * 31L + pos0);
        int nTokens = 3;
        int nHeads = 2;
        int n = nTokens * nHeads * headDim;
        float[] factors = new float[headDim / 2];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = i < factors.length / 4 ? 1.0f : i < factors.length / 2 ? 2.5f : 1e30f;
        }
        float[] v = TestBlocks.gaussian(rnd, n, 1.0);
        FloatBuffer want = TestBlocks.floats(v);
        FloatBuffer got = TestBlocks.floats(v);
        REF.rope(want, nTokens, nHeads, headDim, headDim, pos0, 1e6f, 1.0f, true, TestBlocks.floats(factors));
        nk.rope(got, nTokens, nHeads, headDim, headDim, pos0, 1e6f, 1.0f, true, TestBlocks.floats(factors));
        assertClose(want, got, n, REL, "rope with factors");
        // the 1e30 pairs (i, i + headDim/2), i from headDim/4 on, stay as they were
        float[] w = TestBlocks.array(want, n);
        for (int i = headDim / 4; i < headDim / 2; i++) {
            for (int d : new int[] {i, i + headDim / 2}) {
                assertTrue(Math.abs(w[d] - v[d]) <= 1e-6f * Math.max(1f, Math.abs(v[d])), "dim " + d + " turned");
            }
        }
    }

    @Test
    void softcap() {
        Random rnd = new Random(5);
        int n = 101;
        float[] x = TestBlocks.gaussian(rnd, n, 40.0);
        FloatBuffer want = TestBlocks.floats(x);
        FloatBuffer got = TestBlocks.floats(x);
        REF.softcap(want, 20f, n);
        nk.softcap(got, 20f, n);
        assertClose(want, got, n, REL, "softcap");
        float[] w = TestBlocks.array(want, n);
        for (int i = 0; i < n; i++) {
            double expected = 20.0 * Math.tanh(x[i] / 20.0);
            assertTrue(Math.abs(w[i] - expected) <= 1e-5 * Math.max(1, Math.abs(expected)), "softcap[" + i + "]");
        }
    }

    /** One attention call on random q and cache rows, reference against native, within {@code rel}. */
    private record AttentionCase(GgmlType kvType, int nTokens, int pos0, int nKeys, int nHeads, int nKvHeads, int headDim,
                                 boolean causal, int window) {
        void check(Random rnd, float rel) {
            int kvElements = nKeys * nKvHeads * headDim;
            FloatBuffer q = random(rnd, nTokens * nHeads * headDim, 1.0);
            ByteBuffer k = TestBlocks.randomBlocks(kvType, kvElements / kvType.blockSize, rnd);
            ByteBuffer v = TestBlocks.randomBlocks(kvType, kvElements / kvType.blockSize, rnd);
            FloatBuffer want = Buffers.floats(nTokens * nHeads * headDim);
            FloatBuffer got = Buffers.floats(nTokens * nHeads * headDim);
            float scale = (float) (1 / Math.sqrt(headDim));
            REF.attention(q, k, v, kvType, want, nTokens, pos0, nKeys, nHeads, nKvHeads, headDim, scale, causal, window);
            nk.attention(q, k, v, kvType, got, nTokens, pos0, nKeys, nHeads, nKvHeads, headDim, scale, causal, window);
            assertClose(want, got, nTokens * nHeads * headDim, rel, toString());
        }
    }

    @ParameterizedTest
    @CsvSource({"F32, true, 0", "F32, true, 4", "F32, false, 0", "F16, true, 0", "F16, true, 3", "F16, false, 0"})
    void attention(GgmlType kvType, boolean causal, int window) {
        new AttentionCase(kvType, 4, 5, 9, 6, 2, 24, causal, window).check(new Random(kvType.id * 7 + window), 1e-5f);
    }

    /**
     * Caches from 512 keys on take the tiled kernel (online softmax, split-K for a decoding sequence, skipped
     * blocks outside a window): equal to the reference's exact path within 1e-5 (F32) or 2e-3 (F16, where the
     * exact path rounds q and the probabilities to half and the tiled one keeps them in f32). Quantised caches
     * (q read through Q8_0 in both) differ from the reference's per-key online softmax by f32 rounding only: the
     * reference sums each block's integer products and scales them, the tiled kernel multiplies the dequantised
     * values as it does an F16 cache's.
     */
    @ParameterizedTest
    @CsvSource({"F32, 1, 1031, 64, 0", "F32, 9, 777, 96, 0", "F32, 1, 1031, 64, 300", "F16, 1, 1031, 64, 0",
        "F16, 9, 777, 96, 0", "F16, 5, 613, 32, 200", "Q8_0, 1, 1031, 64, 0", "Q8_0, 9, 777, 128, 0",
        "Q8_0, 5, 613, 32, 200", "Q4_0, 1, 1031, 128, 300", "Q4_0, 9, 777, 64, 0"})
    void tiledAttentionOnLongCaches(GgmlType kvType, int nTokens, int nKeys, int headDim, int window) {
        new AttentionCase(kvType, nTokens, nKeys - nTokens, nKeys, 8, 2, headDim, true, window)
            .check(new Random(kvType.id * 17L + nKeys + window), kvType == GgmlType.F16 ? 2e-3f : 1e-5f);
    }

    /**
     * Quantised caches (flash-style path, the type's vec_dot per ISA) against the reference at odd lengths and
     * heads; the ISA dots sum the blocks in another order than the generic C the reference mirrors.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 3, 9, 64, 0", "Q8_0, 1, 37, 32, 0", "Q8_0, 5, 41, 96, 7", "Q4_0, 3, 9, 64, 0", "Q4_0, 1, 37, 32, 0",
        "Q4_0, 5, 41, 96, 7"})
    void quantisedAttention(GgmlType kvType, int nTokens, int nKeys, int headDim, int window) {
        new AttentionCase(kvType, nTokens, nKeys - nTokens, nKeys, 6, 2, headDim, true, window)
            .check(new Random(kvType.id * 31L + nKeys), 1e-5f);
    }

    /**
     * A batched decode step's attention: several sequences, each over its own cache (decode steps, a prompt
     * chunk, one long enough for the tiled kernel), in one native call: each equals its own call bit for bit
     * and the reference within the per-path tolerances above.
     */
    @ParameterizedTest
    @CsvSource({"F16", "F32", "Q8_0"})
    void sequencesInOneCall(GgmlType kvType) {
        Random rnd = new Random(kvType.id * 101L);
        int heads = 8;
        int kvHeads = 2;
        int headDim = 64;
        int[] tokens = {1, 1, 6, 1};
        int[] keys = {40, 97, 70, 600};
        float scale = 0.125f;
        List<AttentionSequence> seqs = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            int kvElements = keys[i] * kvHeads * headDim;
            seqs.add(new AttentionSequence(random(rnd, tokens[i] * heads * headDim, 1.0),
                TestBlocks.randomBlocks(kvType, kvElements / kvType.blockSize, rnd),
                TestBlocks.randomBlocks(kvType, kvElements / kvType.blockSize, rnd), Buffers.floats(tokens[i] * heads * headDim),
                tokens[i], keys[i] - tokens[i], keys[i]));
        }
        nk.attention(seqs, kvType, heads, kvHeads, headDim, scale, true, 0);
        for (AttentionSequence s : seqs) {
            int n = s.nTokens() * heads * headDim;
            FloatBuffer alone = Buffers.floats(n);
            FloatBuffer want = Buffers.floats(n);
            nk.attention(s.q(), s.k(), s.v(), kvType, alone, s.nTokens(), s.pos0(), s.nKeys(), heads, kvHeads, headDim, scale, true, 0);
            REF.attention(s.q(), s.k(), s.v(), kvType, want, s.nTokens(), s.pos0(), s.nKeys(), heads, kvHeads, headDim, scale, true, 0);
            String what = kvType + " sequence of " + s.nTokens() + " tokens over " + s.nKeys() + " keys";
            assertArrayEquals(TestBlocks.array(alone, n), TestBlocks.array(s.out(), n), 0.0f, what + ": equals its own call");
            assertClose(want, s.out(), n, kvType == GgmlType.F16 && s.nKeys() >= 512 ? 2e-3f : 1e-5f, what + ": reference");
        }
    }

    @Test
    void elementwise() {
        Random rnd = new Random(3);
        int n = 203;
        float[] g = TestBlocks.gaussian(rnd, n, 4.0);
        g[0] = -11.0f;
        g[1] = 12.0f;
        FloatBuffer gate = TestBlocks.floats(g);
        FloatBuffer up = random(rnd, n, 1.0);
        FloatBuffer want = Buffers.floats(n);
        FloatBuffer got = Buffers.floats(n);
        REF.swiglu(gate, up, want, n);
        nk.swiglu(gate, up, got, n);
        assertClose(want, got, n, REL, "swiglu");
        REF.geglu(gate, up, want, n);
        nk.geglu(gate, up, got, n);
        assertClose(want, got, n, REL, "geglu");
        FloatBuffer a = TestBlocks.floats(g);
        FloatBuffer b = TestBlocks.floats(g);
        REF.gelu(a, n);
        nk.gelu(b, n);
        assertClose(a, b, n, REL, "gelu");
        REF.add(gate, up, want, n);
        nk.add(gate, up, got, n);
        assertArrayEquals(TestBlocks.array(want, n), TestBlocks.array(got, n), 0.0f, "add");
        FloatBuffer x1 = TestBlocks.floats(g);
        FloatBuffer x2 = TestBlocks.floats(g);
        FloatBuffer bias = random(rnd, 29, 1.0);
        REF.addBias(x1, bias, 29, 7);
        nk.addBias(x2, bias, 29, 7);
        assertArrayEquals(TestBlocks.array(x1, n), TestBlocks.array(x2, n), 0.0f, "addBias");
        REF.scale(x1, 0.3f, n);
        nk.scale(x2, 0.3f, n);
        assertArrayEquals(TestBlocks.array(x1, n), TestBlocks.array(x2, n), 0.0f, "scale");
    }
}
