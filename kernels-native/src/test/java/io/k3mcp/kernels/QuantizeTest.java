package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Quantise-then-dequantise round trips within each format's worst-case step, and ggml's rounding rules. */
class QuantizeTest {

    /** Worst-case |error| of one element of a block {@code x[from, from + qk)} for the formats with a closed-form bound. */
    private static double bound(GgmlType type, float[] x, int from, int qk) {
        double amax = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int j = from; j < from + qk; j++) {
            amax = Math.max(amax, Math.abs(x[j]));
            min = Math.min(min, x[j]);
            max = Math.max(max, x[j]);
        }
        double halfRounding = amax * 0x1p-10; // the fp16 scale/min rounding, scaled up to the block
        return switch (type) {
            case Q8_0, Q8_1, Q8_K -> 0.5 * amax / 127 + halfRounding;
            case Q4_0 -> amax / 8 + halfRounding;  // the positive extreme clips one step
            case Q5_0 -> amax / 16 + halfRounding;
            case Q4_1 -> 0.5 * (max - min) / 15 + 2 * halfRounding;
            case Q5_1 -> 0.5 * (max - min) / 31 + 2 * halfRounding;
            case F16 -> amax * 0x1p-11 + 0x1p-25; // subnormals have an absolute step of 2^-24
            case BF16 -> amax * 0x1p-8;
            case F32 -> 0;
            default -> throw new IllegalArgumentException(type.name());
        };
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q8_1", "Q8_K", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void roundTripWithinOneStep(GgmlType type) {
        Random rnd = new Random(99 + type.id);
        for (float[] x : new float[][] {TestBlocks.cosine(1024, 0.3f), TestBlocks.gaussian(rnd, 1024, 3.0),
            TestBlocks.gaussian(rnd, 512, 1e-3)}) {
            float[] y = TestBlocks.dequantize(type, TestBlocks.quantize(type, x), x.length);
            int qk = Math.max(type.blockSize, 1);
            for (int i = 0; i < x.length; i++) {
                double b = bound(type, x, i / qk * qk, qk);
                assertTrue(Math.abs(x[i] - y[i]) <= b * 1.0001 + 1e-12,
                    type + " element " + i + ": " + x[i] + " -> " + y[i] + ", bound " + b);
            }
        }
    }

    @Test
    void q8_0UsesRoundHalfAwayFromZero() {
        float[] x = new float[32];
        x[0] = 127f;   // amax 127: d = 1, id = 1
        x[1] = 2.5f;
        x[2] = -2.5f;
        x[3] = 3.5f;
        ByteBuffer q = TestBlocks.quantize(GgmlType.Q8_0, x);
        assertEquals(1.0f, Half.toFloat(q.getShort(0)));
        assertEquals(127, q.get(2));
        assertEquals(3, q.get(3));
        assertEquals(-3, q.get(4));
        assertEquals(4, q.get(5));
    }

    @Test
    void q8_KUsesNearestEvenAndNegativeScale() {
        float[] x = new float[256];
        x[0] = 127f;  // max = 127: iscale = -1, d = -1
        x[1] = 2.5f;
        x[2] = 3.5f;
        x[17] = -1f;
        ByteBuffer q = TestBlocks.quantize(GgmlType.Q8_K, x);
        assertEquals(-1.0f, q.getFloat(0));
        assertEquals(-127, q.get(4));
        assertEquals(-2, q.get(5));   // nearest_int(-2.5) = -2 (ties to even)
        assertEquals(-4, q.get(6));   // nearest_int(-3.5) = -4
        assertEquals(-127 - 2 - 4, q.getShort(260));  // bsums[0]
        assertEquals(1, q.getShort(262));             // bsums[1]: element 17 -> +1
    }

    @Test
    void q8_1CarriesTheScaledSum() {
        float[] x = TestBlocks.gaussian(new Random(5), 64, 1.0);
        ByteBuffer q = TestBlocks.quantize(GgmlType.Q8_1, x);
        for (int ib = 0; ib < 2; ib++) {
            int o = ib * 36;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                sum += q.get(o + 4 + j);
            }
            float d = Half.toFloat(q.getShort(o));
            // ggml rounds sum * d with d still in f32, so compare through fp16 with a one-ulp slack
            assertEquals(sum * d, Half.toFloat(q.getShort(o + 2)), Math.abs(sum * d) * 0x1p-10 + 1e-7);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q8_0", "Q8_1", "Q8_K", "Q4_0", "Q4_1", "Q5_0", "Q5_1"})
    void zeroBlockDecodesToZero(GgmlType type) {
        float[] x = new float[type.blockSize];
        float[] y = TestBlocks.dequantize(type, TestBlocks.quantize(type, x), x.length);
        for (float v : y) {
            assertEquals(0.0f, Math.abs(v));
        }
    }

    @Test
    void raggedLengthIsRejectedWithTheType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TestBlocks.quantize(GgmlType.Q8_0, new float[33]));
        assertTrue(e.getMessage().contains("Q8_0") && e.getMessage().contains("33"), e.getMessage());
    }
}
