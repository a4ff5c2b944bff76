package io.k3mcp.kernels;

import static io.k3mcp.kernels.Blocks.f16;
import static io.k3mcp.kernels.Blocks.u8;

import java.nio.ByteBuffer;

/**
 * K-quant weight rows dotted with Q8_K activations, mirroring ggml_vec_dot_q*_K_q8_K_generic: the
 * weights are unpacked to int8 per super-block, integer products gathered in 8 int32 lanes, and each
 * lane scaled into its own f32 accumulator that is only summed at the end.
 */
final class VecDotK {
    private static final int QK = 256;
    private static final int Q8K_SIZE = GgmlType.Q8_K.typeSize;

    private VecDotK() {
    }

    private static float q8d(ByteBuffer y, int yb) {
        return y.getFloat(yb);
    }

    private static int q8(ByteBuffer y, int yb, int i) {
        return y.get(yb + Blocks.Q8_K_QS + i);
    }

    private static int bsum(ByteBuffer y, int yb, int j) {
        return y.getShort(yb + Blocks.Q8_K_BSUMS + 2 * j);
    }

    static float q2K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int i = 0; i < n / QK; i++) {
            int xb = xo + i * GgmlType.Q2_K.typeSize;
            int yb = yo + i * Q8K_SIZE;
            int summs = 0;
            for (int j = 0; j < 16; j++) {
                summs += bsum(y, yb, j) * (u8(x, xb + j) >> 4);
            }
            float dall = q8d(y, yb) * f16(x, xb + Blocks.Q2_K_D);
            float dmin = q8d(y, yb) * f16(x, xb + Blocks.Q2_K_DMIN);
            int isum = 0;
            int is = 0;
            int q2 = xb + Blocks.Q2_K_QS;
            int q8 = 0;
            for (int k = 0; k < QK / 128; k++) {
                int shift = 0;
                for (int j = 0; j < 4; j++) {
                    for (int half = 0; half < 2; half++) {
                        int d = u8(x, xb + is++) & 0xF;
                        int isuml = 0;
                        for (int l = 16 * half; l < 16 * half + 16; l++) {
                            isuml += q8(y, yb, q8 + l) * ((u8(x, q2 + l) >> shift) & 3);
                        }
                        isum += d * isuml;
                    }
                    shift += 2;
                    q8 += 32;
                }
                q2 += 32;
            }
            sumf += dall * isum - dmin * summs;
        }
        return sumf;
    }

    static float q3K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        byte[] aux8 = new byte[QK];
        int[] scales = new int[16];
        float[] sums = new float[8];
        int[] aux32 = new int[8];
        for (int i = 0; i < n / QK; i++) {
            int xb = xo + i * GgmlType.Q3_K.typeSize;
            int yb = yo + i * Q8K_SIZE;
            int q3 = xb + Blocks.Q3_K_QS;
            int a = 0;
            int m = 1;
            for (int j = 0; j < QK; j += 128) {
                for (int shift = 0; shift < 8; shift += 2) {
                    for (int l = 0; l < 32; l++) {
                        int v = (u8(x, q3 + l) >> shift) & 3;
                        aux8[a + l] = (byte) (v - ((u8(x, xb + l) & m) != 0 ? 0 : 4));
                    }
                    a += 32;
                    m <<= 1;
                }
                q3 += 32;
            }
            Blocks.scalesQ3K(x, xb + Blocks.Q3_K_SCALES, scales);
            java.util.Arrays.fill(aux32, 0);
            for (int j = 0; j < QK / 16; j++) {
                accumulate16(aux8, y, yb, j * 16, scales[j], aux32);
            }
            float d = f16(x, xb + Blocks.Q3_K_D) * q8d(y, yb);
            for (int l = 0; l < 8; l++) {
                sums[l] += d * aux32[l];
            }
        }
        return laneSum(0, sums);
    }

    static float q4K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        return q45K(GgmlType.Q4_K, x, xo, y, yo, n);
    }

    static float q5K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        return q45K(GgmlType.Q5_K, x, xo, y, yo, n);
    }

    private static float q45K(GgmlType type, ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        boolean five = type == GgmlType.Q5_K;
        byte[] aux8 = new byte[QK];
        int[] sm = new int[2];
        int[] scales = new int[8];
        int[] mins = new int[8];
        float[] sums = new float[8];
        int[] aux32 = new int[8];
        float sumf = 0;
        for (int i = 0; i < n / QK; i++) {
            int xb = xo + i * type.typeSize;
            int yb = yo + i * Q8K_SIZE;
            int q4 = xb + (five ? Blocks.Q5_K_QS : Blocks.Q4_K_QS);
            int hm = xb + Blocks.Q5_K_QH;
            int a = 0;
            int m = 1;
            for (int j = 0; j < QK / 64; j++) {
                for (int l = 0; l < 32; l++) {
                    int hi = five && (u8(x, hm + l) & m) != 0 ? 16 : 0;
                    aux8[a + l] = (byte) ((u8(x, q4 + l) & 0xF) + hi);
                }
                a += 32;
                m <<= 1;
                for (int l = 0; l < 32; l++) {
                    int hi = five && (u8(x, hm + l) & m) != 0 ? 16 : 0;
                    aux8[a + l] = (byte) ((u8(x, q4 + l) >> 4) + hi);
                }
                a += 32;
                m <<= 1;
                q4 += 32;
            }
            for (int j = 0; j < 8; j++) {
                Blocks.scaleMinK4(x, xb + Blocks.QK_SCALES, j, sm);
                scales[j] = sm[0];
                mins[j] = sm[1];
            }
            int sumi = 0;
            for (int j = 0; j < QK / 16; j++) {
                sumi += bsum(y, yb, j) * mins[j / 2];
            }
            java.util.Arrays.fill(aux32, 0);
            for (int j = 0; j < QK / 32; j++) {
                accumulate16(aux8, y, yb, j * 32, scales[j], aux32);
                accumulate16(aux8, y, yb, j * 32 + 16, scales[j], aux32);
            }
            float d = f16(x, xb) * q8d(y, yb);
            for (int l = 0; l < 8; l++) {
                sums[l] += d * aux32[l];
            }
            float dmin = f16(x, xb + Blocks.QK_DMIN) * q8d(y, yb);
            sumf -= dmin * sumi;
        }
        return laneSum(sumf, sums);
    }

    static float q6K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        byte[] aux8 = new byte[QK];
        float[] sums = new float[8];
        int[] aux32 = new int[8];
        for (int i = 0; i < n / QK; i++) {
            int xb = xo + i * GgmlType.Q6_K.typeSize;
            int yb = yo + i * Q8K_SIZE;
            int q4 = xb;
            int qh = xb + Blocks.Q6_K_QH;
            for (int a = 0; a < QK; a += 128) {
                for (int l = 0; l < 32; l++) {
                    int h = u8(x, qh + l);
                    aux8[a + l] = (byte) (((u8(x, q4 + l) & 0xF) | ((h & 3) << 4)) - 32);
                    aux8[a + l + 32] = (byte) (((u8(x, q4 + l + 32) & 0xF) | (((h >> 2) & 3) << 4)) - 32);
                    aux8[a + l + 64] = (byte) (((u8(x, q4 + l) >> 4) | (((h >> 4) & 3) << 4)) - 32);
                    aux8[a + l + 96] = (byte) (((u8(x, q4 + l + 32) >> 4) | (((h >> 6) & 3) << 4)) - 32);
                }
                q4 += 64;
                qh += 32;
            }
            java.util.Arrays.fill(aux32, 0);
            for (int j = 0; j < QK / 16; j++) {
                int scale = x.get(xb + Blocks.Q6_K_SCALES + j);
                accumulate16(aux8, y, yb, j * 16, scale, aux32);
            }
            float d = f16(x, xb + Blocks.Q6_K_D) * q8d(y, yb);
            for (int l = 0; l < 8; l++) {
                sums[l] += d * aux32[l];
            }
        }
        return laneSum(0, sums);
    }

    /**
     * Q8_K weights: ggml has no CPU dot for them (Q8_K is activation-only there); k3mcp uses the
     * natural one, an integer sum per super-block scaled by both f32 deltas.
     */
    static float q8K(ByteBuffer x, int xo, ByteBuffer y, int yo, int n) {
        float sumf = 0;
        for (int i = 0; i < n / QK; i++) {
            int xb = xo + i * Q8K_SIZE;
            int yb = yo + i * Q8K_SIZE;
            int sumi = 0;
            for (int j = 0; j < QK; j++) {
                sumi += q8(x, xb, j) * q8(y, yb, j);
            }
            sumf += (q8d(x, xb) * q8d(y, yb)) * sumi;
        }
        return sumf;
    }

    /** Two 8-wide steps of ggml's aux16/aux32 loop: lane l gets scale * q8[k + l] * a[k + l]. */
    private static void accumulate16(byte[] a, ByteBuffer y, int yb, int k, int scale, int[] aux32) {
        for (int l = 0; l < 8; l++) {
            aux32[l] += scale * (q8(y, yb, k + l) * a[k + l]);
        }
        for (int l = 0; l < 8; l++) {
            aux32[l] += scale * (q8(y, yb, k + 8 + l) * a[k + 8 + l]);
        }
    }

    private static float laneSum(float sumf, float[] sums) {
        for (int l = 0; l < 8; l++) {
            sumf += sums[l];
        }
        return sumf;
    }
}
