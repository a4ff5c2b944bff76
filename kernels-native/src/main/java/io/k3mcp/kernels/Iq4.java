package io.k3mcp.kernels;

import static io.k3mcp.kernels.Blocks.f16;
import static io.k3mcp.kernels.Blocks.u8;

import java.nio.ByteBuffer;

/**
 * The non-linear 4-bit types IQ4_NL (blocks of 32, one f16 scale) and IQ4_XS (super-blocks of 256: an
 * f16 scale and eight 6-bit sub-block scales). A nibble indexes the codebook {@link #KVALUES}; byte j of
 * a 32-element group holds element j (low nibble) and element j + 16 (high nibble). Dequantisation and
 * dot products mirror ggml's dequantize_row_iq4_* and ggml_vec_dot_iq4_*_generic; the dots take Q8_0
 * (IQ4_NL) or Q8_K (IQ4_XS) activations.
 */
final class Iq4 {
    /** ggml's kvalues_iq4nl. */
    static final int[] KVALUES = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private Iq4() {
    }

    /** The 6-bit scale of sub-block ib (0..7) of the IQ4_XS block at o, already minus 32. */
    static int xsScale(ByteBuffer b, int o, int ib) {
        int low = (u8(b, o + Blocks.IQ4_XS_SCALES_L + ib / 2) >> (4 * (ib % 2))) & 0xF;
        int high = ((b.getShort(o + Blocks.IQ4_XS_SCALES_H) & 0xFFFF) >> (2 * ib)) & 3;
        return (low | (high << 4)) - 32;
    }

    static void dequantNl(ByteBuffer b, int o, float[] y, int yo) {
        group(b, o + Blocks.IQ4_NL_QS, f16(b, o), y, yo);
    }

    static void dequantXs(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        for (int ib = 0; ib < 8; ib++) {
            group(b, o + Blocks.IQ4_XS_QS + 16 * ib, d * xsScale(b, o, ib), y, yo + 32 * ib);
        }
    }

    private static void group(ByteBuffer b, int qs, float d, float[] y, int yo) {
        for (int j = 0; j < 16; j++) {
            int q = u8(b, qs + j);
            y[yo + j] = d * KVALUES[q & 0xF];
            y[yo + j + 16] = d * KVALUES[q >> 4];
        }
    }

    /** sum(q8[j] * kvalues[nibble j]) over one 32-element group whose 16 packed bytes start at qs. */
    private static int groupDot(ByteBuffer x, int qs, ByteBuffer y, int q8) {
        int sumi1 = 0;
        int sumi2 = 0;
        for (int j = 0; j < 16; j++) {
            int q = u8(x, qs + j);
            sumi1 += y.get(q8 + j) * KVALUES[q & 0xF];
            sumi2 += y.get(q8 + j + 16) * KVALUES[q >> 4];
        }
        return sumi1 + sumi2;
    }

    /** ggml_vec_dot_iq4_nl_q8_0_generic. */
    static float dotNl(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ib = 0; ib < n / 32; ib++) {
            int xb = xo + ib * GgmlType.IQ4_NL.typeSize;
            int yb = yo + ib * GgmlType.Q8_0.typeSize;
            float d = f16(y, yb) * f16(x, xb);
            sumf += d * groupDot(x, xb + Blocks.IQ4_NL_QS, y, yb + Blocks.Q8_0_QS);
        }
        return sumf;
    }

    /** ggml_vec_dot_iq4_xs_q8_K_generic: one float product per 32-element sub-block, in order. */
    static float dotXs(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int ibl = 0; ibl < n / 256; ibl++) {
            int xb = xo + ibl * GgmlType.IQ4_XS.typeSize;
            int yb = yo + ibl * GgmlType.Q8_K.typeSize;
            float d4d8 = f16(x, xb) * y.getFloat(yb);
            for (int ib = 0; ib < 8; ib++) {
                float dl = d4d8 * xsScale(x, xb, ib);
                sumf += dl * groupDot(x, xb + Blocks.IQ4_XS_QS + 16 * ib, y, yb + Blocks.Q8_K_QS + 32 * ib);
            }
        }
        return sumf;
    }
}
