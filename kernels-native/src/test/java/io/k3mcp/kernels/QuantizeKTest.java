package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * K-quant weight quantisers: the round-trip RMSE relative to the data's RMS stays under a bound set by
 * the bit depth, the decoded block follows the format (every value is d * scale * q - dmin * min),
 * and dot products through the quantised weights stay close to the f32 ones.
 */
class QuantizeKTest {

    @ParameterizedTest
    @CsvSource({"Q2_K, 0.40", "Q3_K, 0.22", "Q4_K, 0.11", "Q5_K, 0.055", "Q6_K, 0.028"})
    void roundTripRelativeRmse(GgmlType type, double maxRelRmse) {
        Random rnd = new Random(17 + type.id);
        for (float[] x : new float[][] {TestBlocks.gaussian(rnd, 4096, 0.05), TestBlocks.cosine(4096, 0.7f)}) {
            float[] y = TestBlocks.dequantize(type, TestBlocks.quantize(type, x), x.length);
            double rms = Math.sqrt(TestBlocks.dot(x, x) / x.length);
            double rel = TestBlocks.rmse(x, y) / rms;
            assertTrue(rel < maxRelRmse, type + " relative rmse " + rel);
            assertTrue(rel > maxRelRmse / 20, type + " suspiciously exact: " + rel);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void zeroAndConstantBlocks(GgmlType type) {
        float[] zero = new float[256];
        float[] y = TestBlocks.dequantize(type, TestBlocks.quantize(type, zero), 256);
        for (float v : y) {
            assertEquals(0.0f, Math.abs(v));
        }
        float[] constant = new float[256];
        java.util.Arrays.fill(constant, 0.75f);
        y = TestBlocks.dequantize(type, TestBlocks.quantize(type, constant), 256);
        for (float v : y) {
            assertEquals(0.75, v, 0.75 * 0.08, type.name());
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    void dotThroughQuantisedWeightsStaysClose(GgmlType type) {
        Random rnd = new Random(23 + type.id);
        int n = 256 * 8;
        float[] w = TestBlocks.gaussian(rnd, n, 0.05);
        float[] x = TestBlocks.gaussian(rnd, n, 1.0);
        ByteBuffer wq = TestBlocks.quantize(type, w);
        ByteBuffer xq = TestBlocks.quantize(GgmlType.Q8_K, x);
        float got = ReferenceKernels.INSTANCE.vecDot(type, wq, xq, n);
        double exact = TestBlocks.dot(w, x);
        // the error of a sum of n independent terms grows like sqrt(n) * rms(w error) * rms(x)
        double expectedSpread = Math.sqrt(n) * 0.05 * 1.0;
        double relBound = switch (type) {
            case Q2_K -> 0.40;
            case Q3_K -> 0.22;
            case Q4_K -> 0.11;
            case Q5_K -> 0.055;
            default -> 0.03;
        };
        assertEquals(exact, got, 4 * relBound * expectedSpread, type.name());
    }
}
