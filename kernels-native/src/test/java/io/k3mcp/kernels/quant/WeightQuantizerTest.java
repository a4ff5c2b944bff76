package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.Half;

import io.k3mcp.kernels.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dequantize(quantize(x)) stays within each format's error bound. */
class WeightQuantizerTest {

    /**
     * RMS error bound relative to the RMS of Gaussian data: a uniform quantizer with step s has RMS
     * error s / sqrt(12). Steps for N(0,1) blocks: Q8_0 ~ 2.6/127, Q4_0 ~ 2.6/8 (32-element max),
     * Q6_K ~ 2.2/32 (16-element groups), Q4_K ~ 4.6/15 (range of 32), Q3_K ~ 2.2/4, Q2_K ~ 3.6/3
     * (range of 16, searched); bounds are those estimates with about 40 % headroom.
     */
    @ParameterizedTest
    @CsvSource({"Q8_0, 0.009", "Q4_0, 0.13", "Q6_K, 0.03", "Q4_K, 0.12", "Q3_K, 0.22", "Q2_K, 0.45", "IQ4_NL, 0.12", "IQ4_XS, 0.12"})
    void roundTripErrorWithinBound(GgmlType type, double relRmsBound) {
        int n = 256 * 64;
        float[] x = gaussian(n, 7, 0.02f);
        byte[] q = new byte[Math.toIntExact(type.bytesFor(n))];
        assertEquals(q.length, WeightQuantizer.quantize(type, x, 0, n, q, 0));
        float[] y = TestDequant.dequantize(type, q, n);
        double err = 0;
        double sig = 0;
        for (int i = 0; i < n; i++) {
            err += (x[i] - y[i]) * (double) (x[i] - y[i]);
            sig += x[i] * (double) x[i];
        }
        double rel = Math.sqrt(err / sig);
        assertTrue(rel < relRmsBound, type + ": relative RMS error " + rel + " >= " + relRmsBound);
        assertTrue(rel > relRmsBound / 20, type + ": relative RMS error " + rel + " implausibly small");
    }

    @Test
    void q8_0ElementErrorAtMostHalfAStep() {
        float[] x = gaussian(32 * 16, 3, 1f);
        byte[] q = new byte[Math.toIntExact(GgmlType.Q8_0.bytesFor(x.length))];
        WeightQuantizer.quantize(GgmlType.Q8_0, x, 0, x.length, q, 0);
        float[] y = TestDequant.dequantize(GgmlType.Q8_0, q, x.length);
        for (int b = 0; b < x.length / 32; b++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[b * 32 + j]));
            }
            float step = amax / 127;
            for (int j = 0; j < 32; j++) {
                int i = b * 32 + j;
                // half a step, plus the fp16 rounding of the scale times the level (<= 127 * 2^-11 relative)
                assertTrue(Math.abs(x[i] - y[i]) <= step * 0.5f + amax * 0x1p-11f, "element " + i);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"Q4_0", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q6_K", "IQ4_NL", "IQ4_XS"})
    void zerosStayZero(GgmlType type) {
        int n = 256;
        byte[] q = new byte[Math.toIntExact(type.bytesFor(n))];
        WeightQuantizer.quantize(type, new float[n], 0, n, q, 0);
        for (float v : TestDequant.dequantize(type, q, n)) {
            assertEquals(0f, v, 0f);
        }
    }

    @Test
    void f16AndF32AreExactWhereRepresentable() {
        float[] x = {1f, -2.5f, 0.125f, 65504f};
        byte[] q = new byte[8];
        WeightQuantizer.quantize(GgmlType.F16, x, 0, 4, q, 0);
        for (int i = 0; i < 4; i++) {
            assertEquals(x[i], Half.toFloat((short) ((q[2 * i] & 0xFF) | (q[2 * i + 1] << 8))));
        }
        assertEquals(Half.fromFloat(1f / 3), (short) 0x3555);
    }

    @Test
    void rejectsBadArguments() {
        float[] x = new float[64];
        byte[] out = new byte[1024];
        assertTrue(assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize(GgmlType.BF16, x, 0, 64, out, 0))
                .getMessage().contains("no weight quantizer for BF16"));
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize(GgmlType.Q4_K, x, 0, 64, out, 0));
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize(GgmlType.Q8_0, x, 48, 32, out, 0));
        assertThrows(IllegalArgumentException.class, () -> WeightQuantizer.quantize(GgmlType.Q8_0, x, 0, 64, new byte[60], 0));
    }

    static float[] gaussian(int n, long seed, float sd) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i += 2) {
            double u1 = 1 - r.nextDouble();
            double u2 = r.nextDouble();
            double m = Math.sqrt(-2 * Math.log(u1)) * sd;
            x[i] = (float) (m * Math.cos(2 * Math.PI * u2));
            x[i + 1] = (float) (m * Math.sin(2 * Math.PI * u2));
        }
        return x;
    }
}
