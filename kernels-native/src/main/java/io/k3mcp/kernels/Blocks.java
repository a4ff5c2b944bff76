package io.k3mcp.kernels;

import java.nio.ByteBuffer;

/**
 * Byte offsets of the block fields (ggml-common.h) and little-endian field readers. Every reader
 * takes an absolute byte index; the buffer must be little-endian.
 */
final class Blocks {
    private Blocks() {
    }

    // Q4_0 {f16 d; u8 qs[16]}; Q4_1 {f16 d, m; u8 qs[16]}
    static final int Q4_1_QS = 4;
    // Q5_0 {f16 d; u8 qh[4]; u8 qs[16]}; Q5_1 {f16 d, m; u8 qh[4]; u8 qs[16]}
    static final int Q5_0_QH = 2;
    static final int Q5_0_QS = 6;
    static final int Q5_1_QH = 4;
    static final int Q5_1_QS = 8;
    // Q8_0 {f16 d; i8 qs[32]}; Q8_1 {f16 d, s; i8 qs[32]}
    static final int Q8_0_QS = 2;
    static final int Q8_1_QS = 4;
    // Q2_K {u8 scales[16]; u8 qs[64]; f16 d, dmin}
    static final int Q2_K_QS = 16;
    static final int Q2_K_D = 80;
    static final int Q2_K_DMIN = 82;
    // Q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; f16 d}
    static final int Q3_K_QS = 32;
    static final int Q3_K_SCALES = 96;
    static final int Q3_K_D = 108;
    // Q4_K {f16 d, dmin; u8 scales[12]; u8 qs[128]}; Q5_K adds u8 qh[32] before qs
    static final int QK_DMIN = 2;
    static final int QK_SCALES = 4;
    static final int Q4_K_QS = 16;
    static final int Q5_K_QH = 16;
    static final int Q5_K_QS = 48;
    // Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d}
    static final int Q6_K_QH = 128;
    static final int Q6_K_SCALES = 192;
    static final int Q6_K_D = 208;
    // IQ4_NL {f16 d; u8 qs[16]}; IQ4_XS {f16 d; u16 scales_h; u8 scales_l[4]; u8 qs[128]}
    static final int IQ4_NL_QS = 2;
    static final int IQ4_XS_SCALES_H = 2;
    static final int IQ4_XS_SCALES_L = 4;
    static final int IQ4_XS_QS = 8;
    // Q8_K {f32 d; i8 qs[256]; i16 bsums[16]}
    static final int Q8_K_QS = 4;
    static final int Q8_K_BSUMS = 260;

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xff;
    }

    static float f16(ByteBuffer b, int i) {
        return Half.toFloat(b.getShort(i));
    }

    /**
     * The 6-bit scale ({@code out[0]}) and min ({@code out[1]}) of sub-block j of a Q4_K/Q5_K block
     * whose 12 packed scale bytes start at {@code s} (get_scale_min_k4).
     */
    static void scaleMinK4(ByteBuffer b, int s, int j, int[] out) {
        if (j < 4) {
            out[0] = u8(b, s + j) & 63;
            out[1] = u8(b, s + j + 4) & 63;
        } else {
            out[0] = (u8(b, s + j + 4) & 0xF) | ((u8(b, s + j - 4) >> 6) << 4);
            out[1] = (u8(b, s + j + 4) >> 4) | ((u8(b, s + j) >> 6) << 4);
        }
    }

    /** The 16 signed 6-bit scales (already minus 32) of a Q3_K block whose scale bytes start at {@code s}. */
    static void scalesQ3K(ByteBuffer b, int s, int[] out) {
        final int kmask1 = 0x03030303;
        final int kmask2 = 0x0f0f0f0f;
        int a0 = b.getInt(s);
        int a1 = b.getInt(s + 4);
        int tmp = b.getInt(s + 8);
        int[] aux = {
            (a0 & kmask2) | (((tmp) & kmask1) << 4),
            (a1 & kmask2) | (((tmp >>> 2) & kmask1) << 4),
            ((a0 >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4),
            ((a1 >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4),
        };
        for (int j = 0; j < 16; j++) {
            out[j] = ((aux[j >> 2] >>> (8 * (j & 3))) & 0xff) - 32;
        }
    }
}
