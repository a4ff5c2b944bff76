package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Element-wise kernels against their formulas in double. */
class ElementwiseTest {
    private static final ReferenceKernels K = ReferenceKernels.INSTANCE;

    private static double geluTanh(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * x * (1 + 0.044715 * x * x)));
    }

    /** The GELU goes through fp16 on the way in and out (ggml's table): allow both roundings. */
    private static double geluTol(double x) {
        double slope = 1.2; // |gelu'(x)| < 1.13
        return slope * Math.abs(x) * 0x1p-11 + Math.abs(geluTanh(x)) * 0x1p-11 + 0x1p-24 + 1e-6 * Math.abs(x);
    }

    @Test
    void softcapIsCapTimesTanhAndRefusesANonPositiveCap() {
        float[] x = {-100f, -20f, -1f, 0f, 0.5f, 19f, 1000f};
        FloatBuffer b = TestBlocks.floats(x);
        K.softcap(b, 20f, x.length);
        for (int i = 0; i < x.length; i++) {
            double e = 20.0 * Math.tanh(x[i] / 20.0);
            assertEquals(e, b.get(i), 2e-6 * Math.max(1, Math.abs(e)), "element " + i);
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> K.softcap(b, -1f, 1));
        assertTrue(bad.getMessage().contains("cap must be positive, got -1.0"), bad.getMessage());
    }

    @Test
    void swigluIsSiluTimesUp() {
        Random rnd = new Random(8);
        int n = 257;
        float[] g = TestBlocks.gaussian(rnd, n, 4.0);
        float[] u = TestBlocks.gaussian(rnd, n, 1.0);
        g[0] = -100f; // expf overflow side: silu -> -0
        g[1] = 100f;
        FloatBuffer out = Buffers.floats(n);
        K.swiglu(TestBlocks.floats(g), TestBlocks.floats(u), out, n);
        for (int i = 0; i < n; i++) {
            double e = g[i] / (1 + Math.exp(-g[i])) * u[i];
            assertEquals(e, out.get(i), 1e-6 * Math.abs(e) + 1e-30, "element " + i);
        }
    }

    @Test
    void geluFollowsTheTanhApproximationThroughFp16() {
        Random rnd = new Random(9);
        int n = 4000;
        float[] x = TestBlocks.gaussian(rnd, n, 4.0);
        x[0] = -10f;
        x[1] = 10f;
        x[2] = 9.99f;
        x[3] = 0f;
        FloatBuffer buf = TestBlocks.floats(x);
        K.gelu(buf, n);
        for (int i = 0; i < n; i++) {
            assertEquals(geluTanh(x[i]), buf.get(i), geluTol(x[i]), "x = " + x[i]);
        }
        assertEquals(0f, buf.get(0));
        assertEquals(10f, buf.get(1));
        assertEquals(0f, buf.get(3));
    }

    @Test
    void gegluIsGeluTimesUp() {
        Random rnd = new Random(10);
        int n = 1000;
        float[] g = TestBlocks.gaussian(rnd, n, 4.0);
        float[] u = TestBlocks.gaussian(rnd, n, 1.0);
        g[0] = 12f;
        g[1] = -12f;
        FloatBuffer out = Buffers.floats(n);
        K.geglu(TestBlocks.floats(g), TestBlocks.floats(u), out, n);
        for (int i = 0; i < n; i++) {
            double e = geluTanh(g[i]) * u[i];
            assertEquals(e, out.get(i), geluTol(g[i]) * Math.abs(u[i]) * 1.01 + 1e-30, "element " + i);
        }
        assertEquals(12f * u[0], out.get(0));
        assertEquals(0f, out.get(1));
    }

    @Test
    void addAddBiasScale() {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {0.5f, -1, 2, 0, 1, 1};
        FloatBuffer out = Buffers.floats(6);
        K.add(TestBlocks.floats(a), TestBlocks.floats(b), out, 6);
        FloatBuffer aliased = TestBlocks.floats(a);
        K.add(aliased, TestBlocks.floats(b), aliased, 6);
        for (int i = 0; i < 6; i++) {
            assertEquals(a[i] + b[i], out.get(i));
            assertEquals(a[i] + b[i], aliased.get(i));
        }
        FloatBuffer x = TestBlocks.floats(a);
        K.addBias(x, TestBlocks.floats(new float[] {10, 20, 30}), 3, 2);
        float[] expected = {11, 22, 33, 14, 25, 36};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], x.get(i));
        }
        K.scale(x, 0.5f, 6);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i] * 0.5f, x.get(i));
        }
    }
}
