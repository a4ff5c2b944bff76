package io.k3mcp.kernels;

import static io.k3mcp.kernels.GgmlMath.nearestInt;
import static io.k3mcp.kernels.GgmlMath.nearestIntFma;

import java.nio.ByteBuffer;

/**
 * K-quant weight quantisers mirroring ggml-quants.c quantize_row_q{2,3,4,5,6}_K_ref (what
 * llama-quantize uses without an importance matrix), for writing models. One 256-element block per call.
 * Products feeding an add are fused where GCC fuses them (see {@link QuantSearch}); against
 * shared/models/llama-mini-* this reproduces Q3_K, Q5_K and Q6_K byte for byte, and Q2_K/Q4_K all but
 * one block each (a near-tie in the scale search decided differently).
 */
final class QuantizeK {
    private static final int QK = 256;

    private QuantizeK() {
    }

    static void block(GgmlType type, float[] x, int xo, ByteBuffer y, int o) {
        for (int i = 0; i < type.typeSize; i++) {
            y.put(o + i, (byte) 0);
        }
        switch (type) {
            case Q2_K -> q2K(x, xo, y, o);
            case Q3_K -> q3K(x, xo, y, o);
            case Q4_K, Q5_K -> q45K(type, x, xo, y, o);
            case Q6_K -> q6K(x, xo, y, o);
            default -> throw new IllegalArgumentException("not a K-quant weight type: " + type);
        }
    }

    private static void q2K(float[] x, int xo, ByteBuffer y, int o) {
        byte[] L = new byte[QK];
        float[] weights = new float[16];
        float[] mins = new float[16];
        float[] scales = new float[16];
        float[] theMin = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 16; j++) {
            for (int l = 0; l < 16; l++) {
                weights[l] = Math.abs(x[xo + 16 * j + l]);
            }
            scales[j] = QuantSearch.qkx2(16, 3, x, xo + 16 * j, weights, L, 16 * j, theMin, -0.5f, 0.1f, 15, true);
            mins[j] = theMin[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        final float q4scale = 15.f;
        int[] sc = new int[16];
        if (maxScale > 0) {
            float iscale = q4scale / maxScale;
            for (int j = 0; j < 16; j++) {
                sc[j] = nearestIntFma(iscale, scales[j]) & 0xff;
            }
            y.putShort(o + Blocks.Q2_K_D, Half.fromFloat(maxScale / q4scale));
        }
        if (maxMin > 0) {
            float iscale = q4scale / maxMin;
            for (int j = 0; j < 16; j++) {
                sc[j] = (sc[j] | (nearestIntFma(iscale, mins[j]) << 4)) & 0xff;
            }
            y.putShort(o + Blocks.Q2_K_DMIN, Half.fromFloat(maxMin / q4scale));
        }
        float dAll = Blocks.f16(y, o + Blocks.Q2_K_D);
        float dMin = Blocks.f16(y, o + Blocks.Q2_K_DMIN);
        for (int j = 0; j < 16; j++) {
            y.put(o + j, (byte) sc[j]);
            float d = dAll * (sc[j] & 0xF);
            if (d == 0) {
                continue;
            }
            float dm = dMin * (sc[j] >> 4);
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt((x[xo + 16 * j + ii] + dm) / d);
                L[16 * j + ii] = (byte) Math.max(0, Math.min(3, l));
            }
        }
        pack2Bit(L, y, o + Blocks.Q2_K_QS);
    }

    /** Four 2-bit planes per 128 values: byte l of a 32-byte group holds L[l], L[l+32], L[l+64], L[l+96]. */
    private static void pack2Bit(byte[] L, ByteBuffer y, int qs) {
        for (int j = 0; j < QK; j += 128) {
            for (int l = 0; l < 32; l++) {
                int v = L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6);
                y.put(qs + j / 4 + l, (byte) v);
            }
        }
    }

    private static void q3K(float[] x, int xo, ByteBuffer y, int o) {
        byte[] L = new byte[QK];
        float[] scales = new float[16];
        float maxScale = 0;
        float amax = 0;
        for (int j = 0; j < 16; j++) {
            scales[j] = QuantSearch.q3(16, 4, x, xo + 16 * j, L, 16 * j);
            float scale = Math.abs(scales[j]);
            if (scale > amax) {
                amax = scale;
                maxScale = scales[j];
            }
        }
        int s = o + Blocks.Q3_K_SCALES;
        if (maxScale != 0) {
            float iscale = -32.f / maxScale;
            for (int j = 0; j < 16; j++) {
                int l = Math.max(-32, Math.min(31, (byte) nearestIntFma(iscale, scales[j]))) + 32;
                if (j < 8) {
                    y.put(s + j, (byte) (l & 0xF));
                } else {
                    y.put(s + j - 8, (byte) (y.get(s + j - 8) | ((l & 0xF) << 4)));
                }
                l >>= 4;
                y.put(s + 8 + j % 4, (byte) (y.get(s + 8 + j % 4) | (l << (2 * (j / 4)))));
            }
            y.putShort(o + Blocks.Q3_K_D, Half.fromFloat(1 / iscale));
        }
        int[] sc = new int[16];
        Blocks.scalesQ3K(y, s, sc);
        float dAll = Blocks.f16(y, o + Blocks.Q3_K_D);
        for (int j = 0; j < 16; j++) {
            float d = dAll * sc[j];
            if (d == 0) {
                continue;
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt(x[xo + 16 * j + ii] / d);
                L[16 * j + ii] = (byte) (Math.max(-4, Math.min(3, l)) + 4);
            }
        }
        // the high bit of the first 32 quants goes to bit 0 of hmask[0..31], the next 32 to bit 1, ...
        int m = 0;
        int hm = 1;
        for (int j = 0; j < QK; j++) {
            if (L[j] > 3) {
                y.put(o + m, (byte) (y.get(o + m) | hm));
                L[j] -= 4;
            }
            if (++m == QK / 8) {
                m = 0;
                hm <<= 1;
            }
        }
        pack2Bit(L, y, o + Blocks.Q3_K_QS);
    }

    private static void q45K(GgmlType type, float[] x, int xo, ByteBuffer y, int o) {
        boolean five = type == GgmlType.Q5_K;
        int nmax = five ? 31 : 15;
        byte[] L = new byte[QK];
        float[] weights = new float[32];
        float[] mins = new float[8];
        float[] scales = new float[8];
        float[] theMin = new float[1];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) {
                sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
            }
            float avX = GgmlMath.sqrtf(sumX2 / 32);
            for (int l = 0; l < 32; l++) {
                weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
            }
            scales[j] = five
                ? QuantSearch.qkx2(32, nmax, x, xo + 32 * j, weights, L, 32 * j, theMin, -0.5f, 0.1f, 15, false)
                : QuantSearch.qkx2(32, nmax, x, xo + 32 * j, weights, L, 32 * j, theMin, -1.f, 0.1f, 20, false);
            mins[j] = theMin[0];
            maxScale = Math.max(maxScale, scales[j]);
            maxMin = Math.max(maxMin, mins[j]);
        }
        float invScale = maxScale > 0 ? 63.f / maxScale : 0.f;
        float invMin = maxMin > 0 ? 63.f / maxMin : 0.f;
        int s = o + Blocks.QK_SCALES;
        for (int j = 0; j < 8; j++) {
            int ls = Math.min(63, nearestIntFma(invScale, scales[j]) & 0xff);
            int lm = Math.min(63, nearestIntFma(invMin, mins[j]) & 0xff);
            if (j < 4) {
                y.put(s + j, (byte) ls);
                y.put(s + j + 4, (byte) lm);
            } else {
                y.put(s + j + 4, (byte) ((ls & 0xF) | ((lm & 0xF) << 4)));
                y.put(s + j - 4, (byte) (y.get(s + j - 4) | ((ls >> 4) << 6)));
                y.put(s + j, (byte) (y.get(s + j) | ((lm >> 4) << 6)));
            }
        }
        y.putShort(o, Half.fromFloat(maxScale / 63.f));
        y.putShort(o + Blocks.QK_DMIN, Half.fromFloat(maxMin / 63.f));
        float dAll = Blocks.f16(y, o);
        float dMin = Blocks.f16(y, o + Blocks.QK_DMIN);
        int[] sm = new int[2];
        for (int j = 0; j < 8; j++) {
            Blocks.scaleMinK4(y, s, j, sm);
            float d = dAll * sm[0];
            if (d == 0) {
                continue;
            }
            float dm = dMin * sm[1];
            for (int ii = 0; ii < 32; ii++) {
                int l = nearestInt((x[xo + 32 * j + ii] + dm) / d);
                L[32 * j + ii] = (byte) Math.max(0, Math.min(nmax, l));
            }
        }
        int ql = o + (five ? Blocks.Q5_K_QS : Blocks.Q4_K_QS);
        int qh = o + Blocks.Q5_K_QH;
        int m1 = 1;
        int m2 = 2;
        for (int n = 0; n < QK; n += 64) {
            for (int j = 0; j < 32; j++) {
                int l1 = L[n + j];
                int l2 = L[n + j + 32];
                if (l1 > 15) {
                    l1 -= 16;
                    y.put(qh + j, (byte) (y.get(qh + j) | m1));
                }
                if (l2 > 15) {
                    l2 -= 16;
                    y.put(qh + j, (byte) (y.get(qh + j) | m2));
                }
                y.put(ql + j, (byte) (l1 | (l2 << 4)));
            }
            m1 <<= 2;
            m2 <<= 2;
            ql += 32;
        }
    }

    private static void q6K(float[] x, int xo, ByteBuffer y, int o) {
        byte[] L = new byte[QK];
        float[] scales = new float[16];
        float maxScale = 0;
        float maxAbsScale = 0;
        for (int ib = 0; ib < 16; ib++) {
            float scale = QuantSearch.qx(16, 32, x, xo + 16 * ib, L, 16 * ib);
            scales[ib] = scale;
            if (Math.abs(scale) > maxAbsScale) {
                maxAbsScale = Math.abs(scale);
                maxScale = scale;
            }
        }
        if (maxAbsScale < QuantSearch.GROUP_MAX_EPS) {
            return; // the block was zeroed by the caller
        }
        float iscale = -128.f / maxScale;
        y.putShort(o + Blocks.Q6_K_D, Half.fromFloat(1 / iscale));
        for (int ib = 0; ib < 16; ib++) {
            y.put(o + Blocks.Q6_K_SCALES + ib, (byte) Math.min(127, nearestIntFma(iscale, scales[ib])));
        }
        float dAll = Blocks.f16(y, o + Blocks.Q6_K_D);
        for (int j = 0; j < 16; j++) {
            float d = dAll * y.get(o + Blocks.Q6_K_SCALES + j);
            if (d == 0) {
                continue;
            }
            for (int ii = 0; ii < 16; ii++) {
                int l = nearestInt(x[xo + 16 * j + ii] / d);
                L[16 * j + ii] = (byte) (Math.max(-32, Math.min(31, l)) + 32);
            }
        }
        int ql = o;
        int qh = o + Blocks.Q6_K_QH;
        for (int j = 0; j < QK; j += 128) {
            for (int l = 0; l < 32; l++) {
                int q1 = L[j + l] & 0xF;
                int q2 = L[j + l + 32] & 0xF;
                int q3 = L[j + l + 64] & 0xF;
                int q4 = L[j + l + 96] & 0xF;
                y.put(ql + l, (byte) (q1 | (q3 << 4)));
                y.put(ql + l + 32, (byte) (q2 | (q4 << 4)));
                y.put(qh + l, (byte) ((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2)
                    | ((L[j + l + 64] >> 4) << 4) | ((L[j + l + 96] >> 4) << 6)));
            }
            ql += 64;
            qh += 32;
        }
    }
}
