package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.Half;

import io.k3mcp.kernels.GgmlType;

/** Test-side dequantizers (ggml-quants.c dequantize_row_*), independent of the quantizers' code. */
final class TestDequant {
    private TestDequant() {
    }

    static float[] dequantize(GgmlType type, byte[] q, int n) {
        float[] y = new float[n];
        int bs = type.typeSize;
        for (int b = 0; b < n / type.blockSize; b++) {
            int o = b * bs;
            int yo = b * type.blockSize;
            switch (type) {
                case Q4_0 -> {
                    float d = half(q, o);
                    for (int j = 0; j < 16; j++) {
                        y[yo + j] = ((q[o + 2 + j] & 0xF) - 8) * d;
                        y[yo + j + 16] = (((q[o + 2 + j] & 0xFF) >> 4) - 8) * d;
                    }
                }
                case Q8_0 -> {
                    float d = half(q, o);
                    for (int j = 0; j < 32; j++) {
                        y[yo + j] = q[o + 2 + j] * d;
                    }
                }
                case Q2_K -> {
                    float d = half(q, o + 80);
                    float min = half(q, o + 82);
                    int is = 0;
                    for (int nn = 0; nn < 256; nn += 128) {
                        for (int j = 0; j < 4; j++) {
                            for (int half = 0; half < 2; half++) {
                                int sc = q[o + is++] & 0xFF;
                                for (int l = 0; l < 16; l++) {
                                    int qv = ((q[o + 16 + nn / 4 + l + 16 * half] & 0xFF) >> (2 * j)) & 3;
                                    y[yo + nn + 32 * j + 16 * half + l] = d * (sc & 0xF) * qv - min * (sc >> 4);
                                }
                            }
                        }
                    }
                }
                case Q3_K -> {
                    float d = half(q, o + 108);
                    for (int i = 0; i < 256; i++) {
                        int sub = i / 16;
                        int low = sub < 8 ? q[o + 96 + sub] & 0xF : (q[o + 96 + sub - 8] & 0xFF) >> 4;
                        int hi = ((q[o + 96 + 8 + sub % 4] & 0xFF) >> (2 * (sub / 4))) & 3;
                        int sc = (low | (hi << 4)) - 32;
                        int qv = ((q[o + 32 + (i / 128) * 32 + i % 32] & 0xFF) >> (2 * ((i % 128) / 32))) & 3;
                        boolean high = ((q[o + i % 32] >> (i / 32)) & 1) != 0;
                        y[yo + i] = d * sc * (qv - (high ? 0 : 4));
                    }
                }
                case Q4_K -> {
                    float d = half(q, o);
                    float min = half(q, o + 2);
                    for (int i = 0; i < 256; i++) {
                        int j = i / 32;
                        int s = j < 4 ? q[o + 4 + j] & 63 : (q[o + 4 + j + 4] & 0xF) | (((q[o + 4 + j - 4] & 0xFF) >> 6) << 4);
                        int m = j < 4 ? q[o + 4 + j + 4] & 63 : ((q[o + 4 + j + 4] & 0xFF) >> 4) | (((q[o + 4 + j] & 0xFF) >> 6) << 4);
                        int byteAt = o + 16 + (i / 64) * 32 + i % 32;
                        int qv = (i % 64) < 32 ? q[byteAt] & 0xF : (q[byteAt] & 0xFF) >> 4;
                        y[yo + i] = d * s * qv - min * m;
                    }
                }
                case Q6_K -> {
                    float d = half(q, o + 208);
                    for (int i = 0; i < 256; i++) {
                        int nn = i / 128;
                        int r = i % 128;
                        int l = r % 32;
                        int quarter = r / 32;
                        int ql = q[o + nn * 64 + l + (quarter % 2) * 32] & 0xFF;
                        int low = quarter < 2 ? ql & 0xF : ql >> 4;
                        int hi = ((q[o + 128 + nn * 32 + l] & 0xFF) >> (2 * quarter)) & 3;
                        int sc = q[o + 192 + i / 16];
                        y[yo + i] = d * sc * ((low | (hi << 4)) - 32);
                    }
                }
                case IQ4_NL, IQ4_XS -> {
                    float d = half(q, o);
                    for (int i = 0; i < type.blockSize; i++) {
                        int g = i / 32;
                        int ls = 33; // IQ4_NL: one scale, d itself
                        if (type == GgmlType.IQ4_XS) {
                            int low = ((q[o + 4 + g / 2] & 0xFF) >> (4 * (g % 2))) & 0xF;
                            int high = ((((q[o + 2] & 0xFF) | (q[o + 3] & 0xFF) << 8)) >> (2 * g)) & 3;
                            ls = low | (high << 4);
                        }
                        int qsAt = o + (type == GgmlType.IQ4_XS ? 8 : 2) + 16 * g + i % 16;
                        int nibble = (i % 32) < 16 ? q[qsAt] & 0xF : (q[qsAt] & 0xFF) >> 4;
                        y[yo + i] = d * (ls - 32) * IQ4_CODEBOOK[nibble];
                    }
                }
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return y;
    }

    /** kvalues_iq4nl (ggml-common.h). */
    private static final int[] IQ4_CODEBOOK = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

    private static float half(byte[] q, int o) {
        return Half.toFloat((short) ((q[o] & 0xFF) | (q[o + 1] << 8)));
    }
}
