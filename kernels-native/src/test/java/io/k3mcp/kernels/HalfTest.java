package io.k3mcp.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HalfTest {

    private static int bits(float f) {
        return Half.fromFloat(f) & 0xffff;
    }

    @Test
    void zeroesKeepTheirSign() {
        assertEquals(0x0000, bits(0.0f));
        assertEquals(0x8000, bits(-0.0f));
        assertEquals(0.0f, Half.toFloat((short) 0x0000));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Half.toFloat((short) 0x8000)));
    }

    @Test
    void normalValuesAreExact() {
        assertEquals(0x3c00, bits(1.0f));
        assertEquals(0xc000, bits(-2.0f));
        assertEquals(0x3555, bits(0.333251953125f)); // exactly representable
        assertEquals(1.0f, Half.toFloat((short) 0x3c00));
        assertEquals(0.5f, Half.toFloat((short) 0x3800));
        assertEquals(-1.5f, Half.toFloat((short) 0xbe00));
    }

    @Test
    void maxAndOverflow() {
        assertEquals(0x7bff, bits(65504f));
        assertEquals(65504f, Half.toFloat((short) 0x7bff));
        assertEquals(0x7bff, bits(65519.99f)); // just below the half-way point to 2^16
        assertEquals(0x7c00, bits(65520f));    // half-way rounds to even, which is infinity
        assertEquals(0xfc00, bits(-1e9f));
    }

    @Test
    void infinityAndNan() {
        assertEquals(0x7c00, bits(Float.POSITIVE_INFINITY));
        assertEquals(0xfc00, bits(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat((short) 0x7c00));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xfc00));
        int nan = bits(Float.NaN);
        assertEquals(0x7c00, nan & 0x7c00);
        assertTrue((nan & 0x3ff) != 0);
        assertTrue(Float.isNaN(Half.toFloat((short) 0x7e00)));
        assertTrue(Float.isNaN(Half.toFloat((short) 0x7c01)));
    }

    @Test
    void subnormals() {
        float tiny = (float) Math.pow(2, -24); // smallest fp16 subnormal
        assertEquals(0x0001, bits(tiny));
        assertEquals(tiny, Half.toFloat((short) 0x0001));
        assertEquals(0x03ff, bits(1023 * tiny)); // largest subnormal
        assertEquals(1023 * tiny, Half.toFloat((short) 0x03ff));
        assertEquals(0x0400, bits(1024 * tiny)); // smallest normal 2^-14
        assertEquals(0x8001, bits(-tiny));
        // half of the smallest subnormal is a tie between 0 (even) and 1: rounds to 0
        assertEquals(0x0000, bits(tiny / 2));
        // just above half rounds up
        assertEquals(0x0001, bits(Math.nextUp(tiny / 2)));
        // 1.5 * tiny is a tie between 1 and 2: even is 2
        assertEquals(0x0002, bits(1.5f * tiny));
        // 2.5 * tiny ties to 2
        assertEquals(0x0002, bits(2.5f * tiny));
        // the largest subnormal plus half a step rounds up to the smallest normal (even mantissa 0)
        assertEquals(0x0400, bits(1023.5f * tiny));
    }

    @Test
    void normalTiesRoundToEven() {
        float ulp = (float) Math.pow(2, -10); // fp16 spacing in [1, 2)
        assertEquals(0x3c00, bits(1.0f + ulp / 2));       // tie: 0x3c00 is even
        assertEquals(0x3c02, bits(1.0f + 3 * ulp / 2));   // tie between 0x3c01 and 0x3c02: even
        assertEquals(0x3c01, bits(Math.nextUp(1.0f + ulp / 2)));
        assertEquals(0x3c00, bits(Math.nextDown(1.0f + ulp / 2)));
        // carry into the exponent: just under 2 rounds up to 2
        assertEquals(0x4000, bits(2.0f - ulp / 4));
    }

    @Test
    void everyHalfRoundTripsExactly() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(h, Half.fromFloat(f) & 0xffff, "fp16 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void fromFloatIsNearest() {
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 100000; i++) {
            float f = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(10) - 6));
            float h = Half.toFloat(Half.fromFloat(f));
            float up = Half.toFloat((short) (Half.fromFloat(f) + (f >= 0 ? 1 : -1)));
            float down = Half.toFloat((short) (Half.fromFloat(f) - (f >= 0 ? 1 : -1)));
            double err = Math.abs((double) h - f);
            assertTrue(err <= Math.abs((double) up - f) && err <= Math.abs((double) down - f) || Half.fromFloat(f) == 0
                || (Half.fromFloat(f) & 0x7fff) == 0, "not nearest for " + f);
        }
    }

    @Test
    void bf16() {
        assertEquals(1.0f, Half.bf16ToFloat(Half.bf16FromFloat(1.0f)));
        assertEquals(0x3f80, Half.bf16FromFloat(1.0f) & 0xffff);
        // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even is 1
        assertEquals(0x3f80, Half.bf16FromFloat(1.0f + (float) Math.pow(2, -8)) & 0xffff);
        // 1 + 3 * 2^-8 ties to the even 1 + 2^-6
        assertEquals(0x3f82, Half.bf16FromFloat(1.0f + 3 * (float) Math.pow(2, -8)) & 0xffff);
        assertEquals(0x7f80, Half.bf16FromFloat(Float.POSITIVE_INFINITY) & 0xffff);
        assertTrue(Float.isNaN(Half.bf16ToFloat(Half.bf16FromFloat(Float.NaN))));
        assertEquals(0x8000, Half.bf16FromFloat(-0.0f) & 0xffff);
    }
}
