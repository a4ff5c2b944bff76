package io.k3mcp.kernels.quant;

import io.k3mcp.kernels.Half;

import static io.k3mcp.kernels.quant.LegacyQuantizers.putHalf;
import static io.k3mcp.kernels.quant.QuantMath.clamp;
import static io.k3mcp.kernels.quant.QuantMath.nearestInt;

/**
 * Reference quantizers for the 256-element super-block types, as ggml's quantize_row_q{2,3,4,6}_K_ref
 * (no importance matrix: what {@code llama-quantize} does without --imatrix). Block layouts are
 * ggml-common.h's: q2_K scales[16] qs[64] d dmin; q3_K hmask[32] qs[64] scales[12] d;
 * q4_K d dmin scales[12] qs[128]; q6_K ql[128] qh[64] scales[16] d.
 */
final class KQuantizers {
    private static final int QK = 256;

    private KQuantizers() {
    }

    static void q2K(float[] x, int xOff, int n, byte[] out, int outOff) {
        int[] levels = new int[QK];
        int[] aux = new int[16];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        final float q4scale = 15.f;
        for (int b = 0; b < n / QK; b++) {
            int xb = xOff + b * QK;
            int o = outOff + b * 84;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 16; ++j) {
                for (int l = 0; l < 16; ++l) {
                    weights[l] = Math.abs(x[xb + 16 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(16, 3, x, xb + 16 * j, weights, levels, 16 * j, mins, j, aux,
                        -0.5f, 0.1f, 15, true);
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            int[] sc = new int[16];
            short d;
            if (maxScale > 0) {
                float iscale = q4scale / maxScale;
                for (int j = 0; j < 16; ++j) {
                    sc[j] = nearestInt(iscale * scales[j]) & 0xFF;
                }
                d = Half.fromFloat(maxScale / q4scale);
            } else {
                d = Half.fromFloat(0.f);
            }
            short dmin;
            if (maxMin > 0) {
                float iscale = q4scale / maxMin;
                for (int j = 0; j < 16; ++j) {
                    sc[j] = (sc[j] | (nearestInt(iscale * mins[j]) << 4)) & 0xFF;
                }
                dmin = Half.fromFloat(maxMin / q4scale);
            } else {
                dmin = Half.fromFloat(0.f);
            }
            for (int j = 0; j < 16; ++j) {
                float dj = Half.toFloat(d) * (sc[j] & 0xF);
                if (dj == 0) {
                    continue;
                }
                float dm = Half.toFloat(dmin) * (sc[j] >> 4);
                for (int ii = 0; ii < 16; ++ii) {
                    levels[16 * j + ii] = clamp(nearestInt((x[xb + 16 * j + ii] + dm) / dj), 0, 3);
                }
            }
            for (int j = 0; j < 16; ++j) {
                out[o + j] = (byte) sc[j];
            }
            packTwoBit(levels, out, o + 16);
            putHalf(out, o + 80, d);
            putHalf(out, o + 82, dmin);
        }
    }

    static void q3K(float[] x, int xOff, int n, byte[] out, int outOff) {
        int[] levels = new int[QK];
        float[] scales = new float[16];
        for (int b = 0; b < n / QK; b++) {
            int xb = xOff + b * QK;
            int o = outOff + b * 110;
            float maxScale = 0;
            float amax = 0;
            for (int j = 0; j < 16; ++j) {
                scales[j] = QuantMath.makeQ3Quants(16, 4, x, xb + 16 * j, levels, 16 * j);
                float scale = Math.abs(scales[j]);
                if (scale > amax) {
                    amax = scale;
                    maxScale = scales[j];
                }
            }
            int[] sc = new int[12];
            short d;
            if (maxScale != 0) {
                float iscale = -32.f / maxScale;
                for (int j = 0; j < 16; ++j) {
                    int l = clamp((byte) nearestInt(iscale * scales[j]), -32, 31) + 32;
                    if (j < 8) {
                        sc[j] = l & 0xF;
                    } else {
                        sc[j - 8] |= (l & 0xF) << 4;
                    }
                    l >>= 4;
                    sc[j % 4 + 8] |= l << (2 * (j / 4));
                }
                d = Half.fromFloat(1 / iscale);
            } else {
                d = Half.fromFloat(0.f);
            }
            for (int j = 0; j < 16; ++j) {
                int s = j < 8 ? sc[j] & 0xF : (sc[j - 8] & 0xFF) >> 4;
                s = (s | (((sc[8 + j % 4] >> (2 * (j / 4))) & 3) << 4)) - 32;
                float dj = Half.toFloat(d) * s;
                if (dj == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    levels[16 * j + ii] = clamp(nearestInt(x[xb + 16 * j + ii] / dj), -4, 3) + 4;
                }
            }
            // high bit of the first 32 levels into bit 0 of hmask[0..31], the next 32 into bit 1, ...
            for (int j = 0; j < 32; j++) {
                out[o + j] = 0;
            }
            for (int j = 0; j < QK; ++j) {
                if (levels[j] > 3) {
                    out[o + j % 32] |= (byte) (1 << (j / 32));
                    levels[j] -= 4;
                }
            }
            packTwoBit(levels, out, o + 32);
            for (int j = 0; j < 12; j++) {
                out[o + 96 + j] = (byte) sc[j];
            }
            putHalf(out, o + 108, d);
        }
    }

    static void q4K(float[] x, int xOff, int n, byte[] out, int outOff) {
        int[] levels = new int[QK];
        int[] aux = new int[32];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        for (int b = 0; b < n / QK; b++) {
            int xb = xOff + b * QK;
            int o = outOff + b * 144;
            float maxScale = 0;
            float maxMin = 0;
            for (int j = 0; j < 8; ++j) {
                float sumX2 = 0;
                for (int l = 0; l < 32; ++l) {
                    sumX2 += x[xb + 32 * j + l] * x[xb + 32 * j + l];
                }
                float avX = (float) Math.sqrt(sumX2 / 32);
                for (int l = 0; l < 32; ++l) {
                    weights[l] = avX + Math.abs(x[xb + 32 * j + l]);
                }
                scales[j] = QuantMath.makeQkx2Quants(32, 15, x, xb + 32 * j, weights, levels, 32 * j, mins, j, aux,
                        -1.f, 0.1f, 20, false);
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
            float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
            int[] sc = new int[12];
            for (int j = 0; j < 8; ++j) {
                int ls = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
                int lm = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
                if (j < 4) {
                    sc[j] = ls;
                    sc[j + 4] = lm;
                } else {
                    sc[j + 4] = (ls & 0xF) | ((lm & 0xF) << 4);
                    sc[j - 4] |= (ls >> 4) << 6;
                    sc[j] |= (lm >> 4) << 6;
                }
            }
            short d = Half.fromFloat(maxScale / 63.f);
            short dmin = Half.fromFloat(maxMin / 63.f);
            for (int j = 0; j < 8; ++j) {
                int s = j < 4 ? sc[j] & 63 : (sc[j + 4] & 0xF) | ((sc[j - 4] >> 6) << 4);
                int m = j < 4 ? sc[j + 4] & 63 : (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
                float dj = Half.toFloat(d) * s;
                if (dj == 0) {
                    continue;
                }
                float dm = Half.toFloat(dmin) * m;
                for (int ii = 0; ii < 32; ++ii) {
                    levels[32 * j + ii] = clamp(nearestInt((x[xb + 32 * j + ii] + dm) / dj), 0, 15);
                }
            }
            putHalf(out, o, d);
            putHalf(out, o + 2, dmin);
            for (int j = 0; j < 12; j++) {
                out[o + 4 + j] = (byte) sc[j];
            }
            int q = o + 16;
            for (int j = 0; j < QK; j += 64) {
                for (int l = 0; l < 32; ++l) {
                    out[q + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 4));
                }
                q += 32;
            }
        }
    }

    static void q6K(float[] x, int xOff, int n, byte[] out, int outOff) {
        int[] levels = new int[QK];
        float[] scales = new float[16];
        for (int b = 0; b < n / QK; b++) {
            int xb = xOff + b * QK;
            int o = outOff + b * 210;
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < 16; ++ib) {
                float scale = QuantMath.makeQxQuants(16, 32, x, xb + 16 * ib, levels, 16 * ib, null, 0);
                scales[ib] = scale;
                if (Math.abs(scale) > maxAbsScale) {
                    maxAbsScale = Math.abs(scale);
                    maxScale = scale;
                }
            }
            if (maxAbsScale < QuantMath.GROUP_MAX_EPS) {
                java.util.Arrays.fill(out, o, o + 210, (byte) 0);
                continue;
            }
            float iscale = -128.f / maxScale;
            short d = Half.fromFloat(1 / iscale);
            byte[] sc = new byte[16];
            for (int ib = 0; ib < 16; ++ib) {
                sc[ib] = (byte) Math.min(127, nearestInt(iscale * scales[ib]));
            }
            for (int j = 0; j < 16; ++j) {
                float dj = Half.toFloat(d) * sc[j];
                if (dj == 0) {
                    continue;
                }
                for (int ii = 0; ii < 16; ++ii) {
                    levels[16 * j + ii] = clamp(nearestInt(x[xb + 16 * j + ii] / dj), -32, 31) + 32;
                }
            }
            int ql = o;
            int qh = o + 128;
            for (int j = 0; j < QK; j += 128) {
                for (int l = 0; l < 32; ++l) {
                    int q1 = levels[j + l] & 0xF;
                    int q2 = levels[j + l + 32] & 0xF;
                    int q3 = levels[j + l + 64] & 0xF;
                    int q4 = levels[j + l + 96] & 0xF;
                    out[ql + l] = (byte) (q1 | (q3 << 4));
                    out[ql + l + 32] = (byte) (q2 | (q4 << 4));
                    out[qh + l] = (byte) ((levels[j + l] >> 4) | ((levels[j + l + 32] >> 4) << 2)
                            | ((levels[j + l + 64] >> 4) << 4) | ((levels[j + l + 96] >> 4) << 6));
                }
                ql += 64;
                qh += 32;
            }
            System.arraycopy(sc, 0, out, o + 192, 16);
            putHalf(out, o + 208, d);
        }
    }

    /** Four 2-bit levels per byte: byte l of each 32-byte group holds levels l, l+32, l+64, l+96. */
    private static void packTwoBit(int[] levels, byte[] out, int o) {
        for (int j = 0; j < QK; j += 128) {
            for (int l = 0; l < 32; ++l) {
                out[o + j / 4 + l] = (byte) (levels[j + l] | (levels[j + l + 32] << 2)
                        | (levels[j + l + 64] << 4) | (levels[j + l + 96] << 6));
            }
        }
    }
}
