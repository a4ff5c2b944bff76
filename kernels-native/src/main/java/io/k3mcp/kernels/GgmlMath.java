package io.k3mcp.kernels;

/**
 * Scalar helpers with ggml's exact rounding behaviour. Java float arithmetic is IEEE single with
 * round-to-nearest-even and no contraction, like ggml's generic C without FMA.
 */
final class GgmlMath {
    private GgmlMath() {
    }

    /** ggml's nearest_int: round to nearest, ties to even, through the 1.5 * 2^23 trick. Valid for |f| <= 4194303. */
    static int nearestInt(float f) {
        float v = f + 12582912.f;
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /**
     * nearest_int(a * b) as GCC compiles it with FMA available (its default -ffp-contract=fast fuses
     * the product into nearest_int's + 1.5 * 2^23), which is how llama-quantize builds ran.
     */
    static int nearestIntFma(float a, float b) {
        float v = Math.fma(a, b, 12582912.f);
        return (Float.floatToRawIntBits(v) & 0x007fffff) - 0x00400000;
    }

    /** C roundf: round half away from zero. */
    static float roundf(float f) {
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            return f;
        }
        double r = Math.floor(Math.abs((double) f) + 0.5);
        return (float) Math.copySign(r, f);
    }

    /** C (int8_t) cast of roundf's result, for values ggml knows to be in range. */
    static byte roundToByte(float f) {
        return (byte) (int) roundf(f);
    }

    static float expf(float x) {
        return (float) StrictMath.exp(x);
    }

    static float logf(float x) {
        return (float) StrictMath.log(x);
    }

    static float sqrtf(float x) {
        return (float) Math.sqrt(x);
    }

    static float tanhf(float x) {
        return (float) StrictMath.tanh(x);
    }

    static float cosf(float x) {
        return (float) StrictMath.cos(x);
    }

    static float sinf(float x) {
        return (float) StrictMath.sin(x);
    }

    static float powf(float b, float e) {
        return (float) StrictMath.pow(b, e);
    }
}
