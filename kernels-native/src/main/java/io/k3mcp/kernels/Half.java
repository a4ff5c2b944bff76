package io.k3mcp.kernels;

/**
 * IEEE 754 binary16 and bfloat16 conversions, bit-exact with ggml: fp32 to fp16 rounds to nearest
 * even with subnormals and overflow to infinity (as F16C's {@code vcvtps2ph} and ggml's generic
 * {@code ggml_compute_fp32_to_fp16}); fp32 to bf16 rounds to nearest even and quiets NaN
 * ({@code ggml_compute_fp32_to_bf16}). Float.floatToFloat16 only exists from Java 20.
 */
public final class Half {
    private Half() {
    }

    /** The float value of the fp16 bits {@code h} (exact). */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The fp16 bits nearest to {@code f} (ties to even); NaN becomes a quiet NaN of the same sign. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (abs >= 0x477ff000) {
            // at or above 65520 (half-way between max 65504 and 2^16) rounds to infinity
            return (short) (sign | 0x7c00);
        }
        int exp = abs >>> 23;
        if (exp < 113) {
            // result is fp16 subnormal or zero: round abs / 2^-24 to an integer, ties to even
            if (exp < 102) {
                return (short) sign; // below half of the smallest subnormal (2^-25)
            }
            int mant = (abs & 0x7fffff) | 0x800000;
            int shift = 126 - exp; // value = mant * 2^(exp-150), in units of 2^-24: mant >> (126-exp)
            return (short) (sign | roundShift(mant, shift));
        }
        // normal: drop 13 mantissa bits with round to nearest even; a carry may bump the exponent
        int rebiased = abs - (112 << 23);
        return (short) (sign | roundShift(rebiased, 13));
    }

    /** {@code v >> shift} rounded to nearest, ties to even. */
    private static int roundShift(int v, int shift) {
        int q = v >>> shift;
        int rem = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;
        }
        return q;
    }

    /** The float value of the bf16 bits {@code b} (exact). */
    public static float bf16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    /** The bf16 bits nearest to {@code f} (ties to even); NaN is quieted as ggml does. */
    public static short bf16FromFloat(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** {@code f} rounded through fp16 and back, as ggml does when it stores a value as fp16. */
    public static float roundTrip(float f) {
        return toFloat(fromFloat(f));
    }
}
