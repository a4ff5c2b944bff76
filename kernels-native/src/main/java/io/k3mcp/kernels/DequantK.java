package io.k3mcp.kernels;

import static io.k3mcp.kernels.Blocks.f16;
import static io.k3mcp.kernels.Blocks.u8;

import java.nio.ByteBuffer;

/** Dequantisation of one 256-element K-quant super-block, mirroring ggml-quants.c dequantize_row_q*_K. */
final class DequantK {
    private DequantK() {
    }

    static void q2K(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o + Blocks.Q2_K_D);
        float min = f16(b, o + Blocks.Q2_K_DMIN);
        int q = o + Blocks.Q2_K_QS;
        int is = 0;
        int out = yo;
        for (int n = 0; n < 256; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; j++) {
                for (int half = 0; half < 2; half++) {
                    int sc = u8(b, o + is++);
                    float dl = d * (sc & 0xF);
                    float ml = min * (sc >> 4);
                    for (int l = 0; l < 16; l++) {
                        y[out++] = dl * ((u8(b, q + l + 16 * half) >> shift) & 3) - ml;
                    }
                }
                shift += 2;
            }
            q += 32;
        }
    }

    static void q3K(ByteBuffer b, int o, float[] y, int yo) {
        float dAll = f16(b, o + Blocks.Q3_K_D);
        int[] scales = new int[16];
        Blocks.scalesQ3K(b, o + Blocks.Q3_K_SCALES, scales);
        int q = o + Blocks.Q3_K_QS;
        int hm = o;
        int m = 1;
        int is = 0;
        int out = yo;
        for (int n = 0; n < 256; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; j++) {
                for (int half = 0; half < 2; half++) {
                    float dl = dAll * scales[is++];
                    for (int l = 0; l < 16; l++) {
                        int idx = l + 16 * half;
                        int v = ((u8(b, q + idx) >> shift) & 3) - ((u8(b, hm + idx) & m) != 0 ? 0 : 4);
                        y[out++] = dl * v;
                    }
                }
                shift += 2;
                m <<= 1;
            }
            q += 32;
        }
    }

    static void q4K(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        float min = f16(b, o + Blocks.QK_DMIN);
        int[] sm = new int[2];
        int q = o + Blocks.Q4_K_QS;
        int out = yo;
        for (int is = 0; is < 8; is += 2) {
            Blocks.scaleMinK4(b, o + Blocks.QK_SCALES, is, sm);
            float d1 = d * sm[0];
            float m1 = min * sm[1];
            Blocks.scaleMinK4(b, o + Blocks.QK_SCALES, is + 1, sm);
            float d2 = d * sm[0];
            float m2 = min * sm[1];
            for (int l = 0; l < 32; l++) {
                y[out++] = d1 * (u8(b, q + l) & 0xF) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[out++] = d2 * (u8(b, q + l) >> 4) - m2;
            }
            q += 32;
        }
    }

    static void q5K(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o);
        float min = f16(b, o + Blocks.QK_DMIN);
        int[] sm = new int[2];
        int ql = o + Blocks.Q5_K_QS;
        int qh = o + Blocks.Q5_K_QH;
        int u1 = 1;
        int u2 = 2;
        int out = yo;
        for (int is = 0; is < 8; is += 2) {
            Blocks.scaleMinK4(b, o + Blocks.QK_SCALES, is, sm);
            float d1 = d * sm[0];
            float m1 = min * sm[1];
            Blocks.scaleMinK4(b, o + Blocks.QK_SCALES, is + 1, sm);
            float d2 = d * sm[0];
            float m2 = min * sm[1];
            for (int l = 0; l < 32; l++) {
                y[out++] = d1 * ((u8(b, ql + l) & 0xF) + ((u8(b, qh + l) & u1) != 0 ? 16 : 0)) - m1;
            }
            for (int l = 0; l < 32; l++) {
                y[out++] = d2 * ((u8(b, ql + l) >> 4) + ((u8(b, qh + l) & u2) != 0 ? 16 : 0)) - m2;
            }
            ql += 32;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    static void q6K(ByteBuffer b, int o, float[] y, int yo) {
        float d = f16(b, o + Blocks.Q6_K_D);
        int ql = o;
        int qh = o + Blocks.Q6_K_QH;
        int sc = o + Blocks.Q6_K_SCALES;
        for (int n = 0; n < 256; n += 128) {
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int h = u8(b, qh + l);
                int q1 = ((u8(b, ql + l) & 0xF) | (((h) & 3) << 4)) - 32;
                int q2 = ((u8(b, ql + l + 32) & 0xF) | (((h >> 2) & 3) << 4)) - 32;
                int q3 = ((u8(b, ql + l) >> 4) | (((h >> 4) & 3) << 4)) - 32;
                int q4 = ((u8(b, ql + l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32;
                y[yo + n + l] = d * b.get(sc + is) * q1;
                y[yo + n + l + 32] = d * b.get(sc + is + 2) * q2;
                y[yo + n + l + 64] = d * b.get(sc + is + 4) * q3;
                y[yo + n + l + 96] = d * b.get(sc + is + 6) * q4;
            }
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }

    static void q8K(ByteBuffer b, int o, float[] y, int yo) {
        float d = b.getFloat(o);
        for (int j = 0; j < 256; j++) {
            y[yo + j] = d * b.get(o + Blocks.Q8_K_QS + j);
        }
    }
}
