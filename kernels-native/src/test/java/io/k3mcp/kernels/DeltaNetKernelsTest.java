package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The gated delta-net kernels (Qwen3.5): the reference against the formulas of ARCHITECTURES.md section
 * 3.6 evaluated in double, a prefill equal to token-by-token decode, and the native kernels (every ISA
 * path, heads split over a 3-worker pool) against the reference at ragged sizes. Native and reference
 * keep one order of additions; only C's expf/logf may differ by an ulp, hence a few-ulp tolerance.
 */
class DeltaNetKernelsTest {
    private static final float REL = 1e-5f;
    private static final float EPS = 1e-6f;
    private static final ReferenceKernels REF = ReferenceKernels.INSTANCE;
    private static NativeKernels nk;

    @BeforeAll
    static void open() {
        nk = TestBlocks.openNative(3);
    }

    @AfterAll
    static void close() {
        nk.close();
    }

    /** Random inputs of one delta-rule call: nTokens tokens, heads nK/nV, state size s. */
    private record Inputs(FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta, FloatBuffer dt, FloatBuffer a, float[] state) {
        static Inputs random(Random rnd, int nTokens, int nK, int nV, int s) {
            float[] a = TestBlocks.gaussian(rnd, nV, 1.0);
            for (int h = 0; h < nV; h++) {
                a[h] = -0.05f - Math.abs(a[h]);
            }
            return new Inputs(floats(rnd, nTokens * (2 * nK + nV) * s, 1.0), floats(rnd, nTokens * nV, 2.0),
                    floats(rnd, nTokens * nV, 2.0), floats(rnd, nV, 1.0), TestBlocks.floats(a),
                    TestBlocks.gaussian(rnd, nV * s * s, 0.3));
        }
    }

    private static FloatBuffer floats(Random rnd, int n, double sigma) {
        return TestBlocks.floats(TestBlocks.gaussian(rnd, n, sigma));
    }

    private static void assertClose(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            float tol = REL * Math.max(1.0f, Math.abs(want[i]));
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + "[" + i + "]: reference " + want[i] + ", other " + got[i]);
        }
    }

    @ParameterizedTest(name = "tokens {0}, K heads {1}, V heads {2}, S {3}")
    @CsvSource({"1, 2, 4, 64", "5, 2, 4, 13", "3, 1, 3, 67", "9, 3, 3, 8", "2, 2, 2, 1"})
    void nativeEqualsReference(int nTokens, int nK, int nV, int s) {
        BothRuns r = runBoth(new Random(nTokens * 31 + s), nTokens, nK, nV, s);
        assertClose(r.refOut(), r.natOut(), "out");
        assertClose(r.refState(), r.natState(), "state");
    }

    /** The reference's and the native kernel's outputs and final states on the same random inputs. */
    private record BothRuns(float[] refOut, float[] natOut, float[] refState, float[] natState) {}

    private BothRuns runBoth(Random rnd, int nTokens, int nK, int nV, int s) {
        Inputs in = Inputs.random(rnd, nTokens, nK, nV, s);
        FloatBuffer refState = TestBlocks.floats(in.state());
        FloatBuffer natState = TestBlocks.floats(in.state());
        FloatBuffer refOut = Buffers.floats(nTokens * nV * s);
        FloatBuffer natOut = Buffers.floats(nTokens * nV * s);
        REF.gatedDeltaNet(refState, in.qkv(), in.alpha(), in.beta(), in.dt(), in.a(), refOut, nTokens, nK, nV, s, EPS);
        nk.gatedDeltaNet(natState, in.qkv(), in.alpha(), in.beta(), in.dt(), in.a(), natOut, nTokens, nK, nV, s, EPS);
        return new BothRuns(TestBlocks.array(refOut, nTokens * nV * s), TestBlocks.array(natOut, nTokens * nV * s),
                TestBlocks.array(refState, nV * s * s), TestBlocks.array(natState, nV * s * s));
    }

    /** From 32 tokens on the native kernel takes the chunked form: the recurrence's result to float rounding. */
    @ParameterizedTest(name = "tokens {0}, K heads {1}, V heads {2}, S {3}")
    @CsvSource({"32, 2, 4, 64", "70, 1, 2, 128", "133, 2, 2, 16"})
    void nativeChunkedPrefillEqualsTheRecurrence(int nTokens, int nK, int nV, int s) {
        BothRuns r = runBoth(new Random(nTokens * 17 + s), nTokens, nK, nV, s);
        assertWithin(r.refOut(), r.natOut(), "out");
        assertWithin(r.refState(), r.natState(), "state");
    }

    private static void assertWithin(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), what + "[" + i + "] " + got[i] + " vs " + want[i]);
        }
    }

    @Test
    void referenceFollowsTheFormulasAndPrefillEqualsDecode() {
        int nTokens = 6;
        int nK = 2;
        int nV = 4;
        int s = 12;
        Inputs in = Inputs.random(new Random(7), nTokens, nK, nV, s);
        FloatBuffer state = TestBlocks.floats(in.state());
        FloatBuffer out = Buffers.floats(nTokens * nV * s);
        REF.gatedDeltaNet(state, in.qkv(), in.alpha(), in.beta(), in.dt(), in.a(), out, nTokens, nK, nV, s, EPS);

        double[] want = formulas(in, nTokens, nK, nV, s);
        float[] got = TestBlocks.array(out, nTokens * nV * s);
        for (int i = 0; i < got.length; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), "out[" + i + "] " + got[i] + " vs " + want[i]);
        }

        int row = (2 * nK + nV) * s;
        FloatBuffer stepState = TestBlocks.floats(in.state());
        FloatBuffer stepOut = Buffers.floats(nV * s);
        for (int t = 0; t < nTokens; t++) {
            REF.gatedDeltaNet(stepState, Buffers.slice(in.qkv(), t * row, row), Buffers.slice(in.alpha(), t * nV, nV),
                    Buffers.slice(in.beta(), t * nV, nV), in.dt(), in.a(), stepOut, 1, nK, nV, s, EPS);
            assertArrayEquals(TestBlocks.array(Buffers.slice(out, t * nV * s, nV * s), nV * s), TestBlocks.array(stepOut, nV * s),
                    "token " + t + " decoded alone");
        }
        assertArrayEquals(TestBlocks.array(state, nV * s * s), TestBlocks.array(stepState, nV * s * s), "final state");
    }

    /** Section 3.6 step 4-5 in double, M[h][i][j] with i over key dims; V head h reads K head h mod nK. */
    private static double[] formulas(Inputs in, int nTokens, int nK, int nV, int s) {
        double[][][] m = new double[nV][s][s];
        for (int h = 0; h < nV; h++) {
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    m[h][i][j] = in.state()[h * s * s + j * s + i];
                }
            }
        }
        int row = (2 * nK + nV) * s;
        double[] out = new double[nTokens * nV * s];
        for (int t = 0; t < nTokens; t++) {
            for (int h = 0; h < nV; h++) {
                int kh = h % nK;
                double[] q = l2(in.qkv(), t * row + kh * s, s);
                double[] k = l2(in.qkv(), t * row + (nK + kh) * s, s);
                double b = 1 / (1 + Math.exp(-in.beta().get(t * nV + h)));
                double x = in.alpha().get(t * nV + h) + in.dt().get(h);
                double g = Math.exp((x > 20 ? x : Math.log1p(Math.exp(x))) * in.a().get(h));
                double[] d = new double[s];
                for (int j = 0; j < s; j++) {
                    double kv = 0;
                    for (int i = 0; i < s; i++) {
                        m[h][i][j] *= g;
                        kv += m[h][i][j] * k[i];
                    }
                    d[j] = (in.qkv().get(t * row + (2 * nK + h) * s + j) - kv) * b;
                }
                for (int j = 0; j < s; j++) {
                    double o = 0;
                    for (int i = 0; i < s; i++) {
                        m[h][i][j] += k[i] * d[j];
                        o += m[h][i][j] * q[i];
                    }
                    out[(t * nV + h) * s + j] = o / Math.sqrt(s);
                }
            }
        }
        return out;
    }

    private static double[] l2(FloatBuffer x, int at, int s) {
        double sum = 0;
        for (int i = 0; i < s; i++) {
            sum += (double) x.get(at + i) * x.get(at + i);
        }
        double[] r = new double[s];
        for (int i = 0; i < s; i++) {
            r[i] = x.get(at + i) / Math.sqrt(sum + EPS);
        }
        return r;
    }

    @ParameterizedTest(name = "tokens {0}, channels {1}, taps {2}")
    @CsvSource({"1, 64, 4", "5, 37, 4", "2, 9, 2", "7, 130, 3"})
    void convolutionAgainstFormulaAndNative(int nTokens, int channels, int dConv) {
        Random rnd = new Random(channels);
        int held = dConv - 1;
        float[] state0 = TestBlocks.gaussian(rnd, held * channels, 1.0);
        FloatBuffer x = floats(rnd, nTokens * channels, 1.0);
        FloatBuffer w = floats(rnd, channels * dConv, 0.5);
        FloatBuffer refState = TestBlocks.floats(state0);
        FloatBuffer natState = TestBlocks.floats(state0);
        FloatBuffer refOut = Buffers.floats(nTokens * channels);
        FloatBuffer natOut = Buffers.floats(nTokens * channels);
        REF.causalConv(refState, x, w, refOut, nTokens, channels, dConv);
        nk.causalConv(natState, x, w, natOut, nTokens, channels, dConv);
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < nTokens; t++) {
                double sum = 0;
                for (int i = 0; i < dConv; i++) {
                    int r = t + i;
                    sum += (r < held ? state0[r * channels + c] : x.get((r - held) * channels + c)) * (double) w.get(c * dConv + i);
                }
                double want = sum / (1 + Math.exp(-sum));
                float got = refOut.get(t * channels + c);
                assertTrue(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)), "conv c " + c + " t " + t + ": " + got + " vs " + want);
            }
            for (int r = 0; r < held; r++) {
                int from = nTokens + r;
                float want = from < held ? state0[from * channels + c] : x.get((from - held) * channels + c);
                assertTrue(refState.get(r * channels + c) == want, "window row " + r + " channel " + c);
            }
        }
        assertClose(TestBlocks.array(refOut, nTokens * channels), TestBlocks.array(natOut, nTokens * channels), "native conv");
        assertArrayEquals(TestBlocks.array(refState, held * channels), TestBlocks.array(natState, held * channels), "native window");
    }

    @Test
    void sigmoidGate() {
        FloatBuffer x = TestBlocks.floats(new float[] {1f, -2f, 3f, 0f, 40f, 0.5f, -7f, 2f, 9f});
        FloatBuffer g = TestBlocks.floats(new float[] {0f, 1f, -1f, 5f, -40f, 25f, 3f, -0.25f, 0.75f});
        FloatBuffer ref = Buffers.floats(9);
        FloatBuffer nat = Buffers.floats(9);
        REF.sigmoidMul(x, g, ref, 9);
        nk.sigmoidMul(x, g, nat, 9);
        for (int i = 0; i < 9; i++) {
            double want = x.get(i) / (1 + Math.exp(-g.get(i)));
            assertTrue(Math.abs(ref.get(i) - want) <= 1e-6 * (1 + Math.abs(want)), "reference [" + i + "]");
        }
        assertClose(TestBlocks.array(ref, 9), TestBlocks.array(nat, 9), "native sigmoidMul");
    }

    @Test
    void nativeRefusesBadShapes() {
        FloatBuffer small = Buffers.floats(16);
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> nk.gatedDeltaNet(small, small, small, small, small, small, small, 1, 2, 3, 1, EPS));
        assertTrue(heads.getMessage().contains("V heads 3 (a multiple of the K heads)"), heads.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> nk.gatedDeltaNet(small, small, small, small, small, small, small, 1, 1, 1, 8, EPS));
        assertThrows(IllegalArgumentException.class, () -> nk.causalConv(small, small, small, small, 1, 16, 0));
        IllegalArgumentException taps = assertThrows(IllegalArgumentException.class,
                () -> nk.causalConv(Buffers.floats(64 * 2), Buffers.floats(2), Buffers.floats(130), Buffers.floats(2), 1, 2, 65));
        assertTrue(taps.getMessage().contains("taps 65 (1 to 64 taps are supported)"), taps.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nk.causalConv(small, small, small, small, 2, 16, 4));
        assertThrows(IllegalArgumentException.class, () -> nk.sigmoidMul(small, small, small, -1));
    }
}
