package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** rmsNorm, layerNorm and rope against their textbook formulas in double. */
class NormRopeTest {
    private static final ReferenceKernels K = ReferenceKernels.INSTANCE;

    @Test
    void rmsNormMatchesFormula() {
        Random rnd = new Random(3);
        int n = 96;
        int rows = 3;
        float[] x = TestBlocks.gaussian(rnd, n * rows, 2.0);
        float[] w = TestBlocks.gaussian(rnd, n, 1.0);
        FloatBuffer out = Buffers.floats(n * rows);
        FloatBuffer outNoWeight = Buffers.floats(n * rows);
        K.rmsNorm(TestBlocks.floats(x), TestBlocks.floats(w), out, n, rows, 1e-5f);
        K.rmsNorm(TestBlocks.floats(x), null, outNoWeight, n, rows, 1e-5f);
        for (int r = 0; r < rows; r++) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                ss += (double) x[r * n + i] * x[r * n + i];
            }
            double s = 1 / Math.sqrt(ss / n + 1e-5);
            for (int i = 0; i < n; i++) {
                double e = x[r * n + i] * s;
                assertEquals(e, outNoWeight.get(r * n + i), 1e-6 * Math.abs(e) + 1e-7);
                assertEquals(e * w[i], out.get(r * n + i), 1e-6 * Math.abs(e * w[i]) + 1e-7);
            }
        }
    }

    @Test
    void layerNormMatchesFormula() {
        Random rnd = new Random(4);
        int n = 384;
        int rows = 2;
        float[] x = TestBlocks.gaussian(rnd, n * rows, 1.5);
        for (int i = 0; i < x.length; i++) {
            x[i] += 3; // a non-zero mean
        }
        float[] w = TestBlocks.gaussian(rnd, n, 1.0);
        float[] b = TestBlocks.gaussian(rnd, n, 1.0);
        FloatBuffer out = Buffers.floats(n * rows);
        FloatBuffer bare = Buffers.floats(n * rows);
        K.layerNorm(TestBlocks.floats(x), TestBlocks.floats(w), TestBlocks.floats(b), out, n, rows, 1e-12f);
        K.layerNorm(TestBlocks.floats(x), null, null, bare, n, rows, 1e-12f);
        for (int r = 0; r < rows; r++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[r * n + i];
            }
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
            }
            var /= n;
            for (int i = 0; i < n; i++) {
                double e = (x[r * n + i] - mean) / Math.sqrt(var + 1e-12);
                assertEquals(e, bare.get(r * n + i), 2e-5);
                assertEquals(e * w[i] + b[i], out.get(r * n + i), 2e-5 * (1 + Math.abs(w[i])));
            }
        }
    }

    private static void checkRope(boolean neox, int headDim, int ropeDims, int pos0, float base, float freqScale) {
        checkRope(neox, headDim, ropeDims, pos0, base, freqScale, null);
    }

    private static void checkRope(boolean neox, int headDim, int ropeDims, int pos0, float base, float freqScale, float[] factors) {
        Random rnd = new Random(11);
        int nTokens = 4;
        int nHeads = 3;
        float[] x = TestBlocks.gaussian(rnd, nTokens * nHeads * headDim, 1.0);
        FloatBuffer buf = TestBlocks.floats(x);
        K.rope(buf, nTokens, nHeads, headDim, ropeDims, pos0, base, freqScale, neox, factors == null ? null : TestBlocks.floats(factors));
        for (int t = 0; t < nTokens; t++) {
            double pos = pos0 + t;
            for (int h = 0; h < nHeads; h++) {
                int b = (t * nHeads + h) * headDim;
                for (int i = 0; i < ropeDims / 2; i++) {
                    double theta = pos * freqScale * Math.pow(base, -2.0 * i / ropeDims) / (factors == null ? 1 : factors[i]);
                    int i0 = neox ? b + i : b + 2 * i;
                    int i1 = neox ? b + i + ropeDims / 2 : b + 2 * i + 1;
                    double e0 = x[i0] * Math.cos(theta) - x[i1] * Math.sin(theta);
                    double e1 = x[i0] * Math.sin(theta) + x[i1] * Math.cos(theta);
                    // theta is built by repeated f32 multiplication, so allow a small angle drift
                    double tol = 1e-5 + 2e-7 * pos * (i + 1);
                    assertEquals(e0, buf.get(i0), tol, "token " + t + " head " + h + " pair " + i);
                    assertEquals(e1, buf.get(i1), tol, "token " + t + " head " + h + " pair " + i);
                }
                for (int d = ropeDims; d < headDim; d++) {
                    assertEquals(x[b + d], buf.get(b + d), 0.0f, "dims past ropeDims are untouched");
                }
            }
        }
    }

    @Test
    void ropeNormal() {
        checkRope(false, 64, 64, 0, 10000f, 1.0f);
        checkRope(false, 64, 64, 300, 10000f, 1.0f);
    }

    @Test
    void ropeNeox() {
        checkRope(true, 64, 64, 5, 1000000f, 1.0f);
    }

    @Test
    void ropePartialDimsAndFreqScale() {
        checkRope(false, 64, 32, 17, 10000f, 0.25f);
        checkRope(true, 80, 40, 9, 10000f, 0.5f);
    }

    @Test
    void ropeFrequencyFactorsDivideEachPairsAngle() {
        float[] factors = new float[16];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = 1 + i * 0.75f; // Llama 3.x factors grow from 1 (high frequencies) to 8 (low)
        }
        checkRope(false, 32, 32, 211, 500000f, 1.0f, factors);
        checkRope(true, 40, 32, 9, 10000f, 0.5f, factors);
        assertThrows(IllegalArgumentException.class,
            () -> K.rope(Buffers.floats(64), 1, 1, 64, 64, 0, 10000f, 1f, false, Buffers.floats(31)), "31 factors for 32 pairs");
    }

    @Test
    void ropeAtPositionZeroIsIdentity() {
        float[] x = TestBlocks.gaussian(new Random(1), 64, 1.0);
        FloatBuffer buf = TestBlocks.floats(x);
        K.rope(buf, 1, 1, 64, 64, 0, 10000f, 1f, false);
        for (int i = 0; i < 64; i++) {
            assertEquals(x[i], buf.get(i), 0.0f);
        }
    }

    @Test
    void ropeRejectsOddDims() {
        assertThrows(IllegalArgumentException.class,
            () -> K.rope(Buffers.floats(64), 1, 1, 64, 33, 0, 10000f, 1f, false));
        assertThrows(IllegalArgumentException.class,
            () -> K.rope(Buffers.floats(64), 1, 1, 64, 66, 0, 10000f, 1f, false));
    }
}
