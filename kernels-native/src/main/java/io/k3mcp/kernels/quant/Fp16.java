package io.k3mcp.kernels.quant;

/**
 * IEEE binary16 conversions with ggml's rounding (nearest even, subnormals kept, overflow to
 * infinity): the scales the quantizers store must be the very bits llama.cpp would store.
 */
public final class Fp16 {
    private Fp16() {
    }

    /** The fp16 bits nearest to {@code f}, ties to even. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) {
            return (short) (sign | 0x7e00);
        }
        if (abs >= 0x477ff000) {
            return (short) (sign | 0x7c00);
        }
        int exp = abs >>> 23;
        if (exp < 113) {
            if (exp < 102) {
                return (short) sign;
            }
            int mant = (abs & 0x7fffff) | 0x800000;
            return (short) (sign | roundShift(mant, 126 - exp));
        }
        return (short) (sign | roundShift(abs - (112 << 23), 13));
    }

    /** The exact float value of fp16 bits {@code h}. */
    public static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** {@code f} rounded through fp16 and back, as ggml's GGML_FP16_TO_FP32(GGML_FP32_TO_FP16(f)). */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }

    private static int roundShift(int v, int shift) {
        int q = v >>> shift;
        int rem = v & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (rem > half || (rem == half && (q & 1) != 0)) {
            q++;
        }
        return q;
    }
}
