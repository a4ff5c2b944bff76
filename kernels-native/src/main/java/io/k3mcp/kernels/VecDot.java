package io.k3mcp.kernels;

import static io.k3mcp.kernels.Blocks.f16;
import static io.k3mcp.kernels.Blocks.u8;

import java.nio.ByteBuffer;

/**
 * Dot product of a weight row with an activation row already quantised to the weight type's
 * {@link GgmlType#vecDotType()}, mirroring ggml-cpu/vec.cpp (scalar path) and quants.c
 * ggml_vec_dot_*_generic: integer sums per block, then the scales, in ggml's order. K-quants are in
 * {@link VecDotK}, IQ4_NL/IQ4_XS in {@link Iq4}.
 */
final class VecDot {
    private VecDot() {
    }

    /** dot(w[wo..], a[ao..]) over n elements; {@code a} holds type.vecDotType() data. */
    static float dot(GgmlType type, ByteBuffer w, int wo, ByteBuffer a, int ao, int n) {
        type.bytesFor(n);
        return switch (type) {
            case F32 -> f32(w, wo, a, ao, n);
            case F16 -> f16Dot(w, wo, a, ao, n);
            case BF16 -> bf16(w, wo, a, ao, n);
            case Q4_0 -> q4_0(w, wo, a, ao, n);
            case Q4_1 -> q4_1(w, wo, a, ao, n);
            case Q5_0 -> q5_0(w, wo, a, ao, n);
            case Q5_1 -> q5_1(w, wo, a, ao, n);
            case Q8_0 -> q8_0(w, wo, a, ao, n);
            case Q2_K -> VecDotK.q2K(w, wo, a, ao, n);
            case Q3_K -> VecDotK.q3K(w, wo, a, ao, n);
            case Q4_K -> VecDotK.q4K(w, wo, a, ao, n);
            case Q5_K -> VecDotK.q5K(w, wo, a, ao, n);
            case Q6_K -> VecDotK.q6K(w, wo, a, ao, n);
            case Q8_K -> VecDotK.q8K(w, wo, a, ao, n);
            case IQ4_NL -> Iq4.dotNl(w, wo, a, ao, n);
            case IQ4_XS -> Iq4.dotXs(w, wo, a, ao, n);
            case Q8_1 -> throw new UnsupportedOperationException("Q8_1 is an activation type only");
        };
    }

    /** ggml_vec_dot_f32 scalar: f32 products summed in double. */
    static float f32(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += x.getFloat(xo + 4 * i) * y.getFloat(yo + 4 * i);
        }
        return (float) sum;
    }

    /** ggml_vec_dot_f16 scalar: fp16 values widened, f32 products summed in double. */
    static float f16Dot(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += f16(x, xo + 2 * i) * f16(y, yo + 2 * i);
        }
        return (float) sum;
    }

    /** ggml_vec_dot_bf16 scalar. */
    static float bf16(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            sum += Half.bf16ToFloat(x.getShort(xo + 2 * i)) * Half.bf16ToFloat(y.getShort(yo + 2 * i));
        }
        return (float) sum;
    }

    static float q4_0(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.Q4_0.typeSize;
            int yb = yo + ib * GgmlType.Q8_0.typeSize;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(x, xb + 2 + j);
                sumi0 += ((q & 0x0F) - 8) * y.get(yb + Blocks.Q8_0_QS + j);
                sumi1 += ((q >> 4) - 8) * y.get(yb + Blocks.Q8_0_QS + j + 16);
            }
            int sumi = sumi0 + sumi1;
            sumf += sumi * f16(x, xb) * f16(y, yb);
        }
        return sumf;
    }

    static float q4_1(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.Q4_1.typeSize;
            int yb = yo + ib * GgmlType.Q8_1.typeSize;
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(x, xb + Blocks.Q4_1_QS + j);
                sumi0 += (q & 0x0F) * y.get(yb + Blocks.Q8_1_QS + j);
                sumi1 += (q >> 4) * y.get(yb + Blocks.Q8_1_QS + j + 16);
            }
            int sumi = sumi0 + sumi1;
            sumf += (f16(x, xb) * f16(y, yb)) * sumi + f16(x, xb + 2) * f16(y, yb + 2);
        }
        return sumf;
    }

    static float q5_0(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.Q5_0.typeSize;
            int yb = yo + ib * GgmlType.Q8_0.typeSize;
            int qh = x.getInt(xb + Blocks.Q5_0_QH);
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(x, xb + Blocks.Q5_0_QS + j);
                int xh0 = ((qh >>> j) & 1) << 4;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                sumi0 += (((q & 0x0F) | xh0) - 16) * y.get(yb + Blocks.Q8_0_QS + j);
                sumi1 += (((q >> 4) | xh1) - 16) * y.get(yb + Blocks.Q8_0_QS + j + 16);
            }
            int sumi = sumi0 + sumi1;
            sumf += (f16(x, xb) * f16(y, yb)) * sumi;
        }
        return sumf;
    }

    static float q5_1(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.Q5_1.typeSize;
            int yb = yo + ib * GgmlType.Q8_1.typeSize;
            int qh = x.getInt(xb + Blocks.Q5_1_QH);
            int sumi0 = 0;
            int sumi1 = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(x, xb + Blocks.Q5_1_QS + j);
                int xh0 = ((qh >>> j) << 4) & 0x10;
                int xh1 = (qh >>> (j + 12)) & 0x10;
                sumi0 += ((q & 0xF) | xh0) * y.get(yb + Blocks.Q8_1_QS + j);
                sumi1 += ((q >> 4) | xh1) * y.get(yb + Blocks.Q8_1_QS + j + 16);
            }
            int sumi = sumi0 + sumi1;
            sumf += (f16(x, xb) * f16(y, yb)) * sumi + f16(x, xb + 2) * f16(y, yb + 2);
        }
        return sumf;
    }

    static float q8_0(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.Q8_0.typeSize;
            int yb = yo + ib * GgmlType.Q8_0.typeSize;
            int sumi = 0;
            for (int j = 0; j < 32; j++) {
                sumi += x.get(xb + Blocks.Q8_0_QS + j) * y.get(yb + Blocks.Q8_0_QS + j);
            }
            sumf += sumi * (f16(x, xb) * f16(y, yb));
        }
        return sumf;
    }
}
