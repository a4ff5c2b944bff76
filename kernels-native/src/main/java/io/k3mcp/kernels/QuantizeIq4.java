package io.k3mcp.kernels;

import static io.k3mcp.kernels.GgmlMath.nearestInt;
import static io.k3mcp.kernels.Iq4.KVALUES;

import java.nio.ByteBuffer;

/**
 * IQ4_NL / IQ4_XS weight quantisers mirroring ggml-quants.c quantize_iq4_nl / quantize_iq4_xs without an
 * importance matrix (quantize_row_iq4_nl_impl with ntry = 7: what llama-quantize and the _ref functions
 * run). Per 32-element group: weights x^2, a first scale from the largest |x|, then 15 trial scales
 * around it, keeping the one with the best weighted fit. IQ4_XS then rounds the eight group scales to
 * 6 bits of one super-block scale and re-picks every nibble. Every float operation is rounded on its
 * own (no fused multiply-add): that reproduces shared/models/new-archs/llama-mini-iq4_{nl,xs}.gguf byte for
 * byte, where fusing the sums as {@link QuantSearch} does for the older K-quant files leaves ~1 byte in
 * 10^4 on the other side of a near-tie (engine's WeightQuantizerOracleTest).
 */
final class QuantizeIq4 {
    private static final float GROUP_MAX_EPS = 1e-15f;
    private static final int NTRY = 7;

    private QuantizeIq4() {
    }

    /** One IQ4_NL block (32 values) at byte o. */
    static void blockNl(float[] x, int xo, ByteBuffer y, int o) {
        int[] levels = new int[32];
        float d = groupScale(x, xo);
        y.putShort(o, Half.fromFloat(d));
        float id = d != 0 ? 1 / d : 0;
        for (int j = 0; j < 32; j++) {
            levels[j] = bestIndex(id * x[xo + j]);
        }
        pack(levels, y, o + Blocks.IQ4_NL_QS);
    }

    /** One IQ4_XS super-block (256 values) at byte o. */
    static void blockXs(float[] x, int xo, ByteBuffer y, int o) {
        int[] levels = new int[32];
        float[] scales = new float[8];
        float maxScale = 0;
        float amaxScale = 0;
        for (int ib = 0; ib < 8; ib++) {
            scales[ib] = groupScale(x, xo + 32 * ib);
            if (Math.abs(scales[ib]) > amaxScale) {
                amaxScale = Math.abs(scales[ib]);
                maxScale = scales[ib];
            }
        }
        float d = -maxScale / 32;
        y.putShort(o, Half.fromFloat(d));
        float id = d != 0 ? 1 / d : 0;
        int scalesH = 0;
        for (int ib = 0; ib < 8; ib++) {
            int l = Math.max(-32, Math.min(31, nearestInt(id * scales[ib])));
            float dl = d * l;
            float idl = dl != 0 ? 1 / dl : 0;
            for (int j = 0; j < 32; j++) {
                levels[j] = bestIndex(idl * x[xo + 32 * ib + j]);
            }
            pack(levels, y, o + Blocks.IQ4_XS_QS + 16 * ib);
            l += 32;
            int sl = o + Blocks.IQ4_XS_SCALES_L + ib / 2;
            y.put(sl, (byte) (ib % 2 == 0 ? l & 0xF : (y.get(sl) & 0xF) | ((l & 0xF) << 4)));
            scalesH |= (l >> 4) << (2 * ib);
        }
        y.putShort(o + Blocks.IQ4_XS_SCALES_H, (short) scalesH);
    }

    /** The fitted scale of one 32-element group (0 for an all-but-zero group). */
    private static float groupScale(float[] x, int xo) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < 32; j++) {
            float ax = Math.abs(x[xo + j]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + j];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            return 0;
        }
        float[] fit = new float[2]; // sumqx, sumq2
        fit(x, xo, 1 / (-max / KVALUES[0]), fit);
        float d = fit[0] / fit[1];
        float best = d * fit[0];
        for (int itry = -NTRY; itry <= NTRY; itry++) {
            fit(x, xo, (itry + KVALUES[0]) / max, fit);
            if (fit[1] > 0 && fit[0] * fit[0] > best * fit[1]) {
                d = fit[0] / fit[1];
                best = d * fit[0];
            }
        }
        return d;
    }

    /** Weighted sums sum(w q x) and sum(w q^2) for the codebook values nearest id * x, w = x^2. */
    private static void fit(float[] x, int xo, float id, float[] out) {
        float sumqx = 0;
        float sumq2 = 0;
        for (int j = 0; j < 32; j++) {
            float xj = x[xo + j];
            float q = KVALUES[bestIndex(id * xj)];
            float w = xj * xj;
            sumqx += w * q * xj;
            sumq2 += w * q * q;
        }
        out[0] = sumqx;
        out[1] = sumq2;
    }

    /** ggml's best_index_int8 over the codebook: the nearest value, ties to the upper one. */
    static int bestIndex(float v) {
        if (v <= KVALUES[0]) {
            return 0;
        }
        if (v >= KVALUES[15]) {
            return 15;
        }
        int ml = 0;
        int mu = 15;
        while (mu - ml > 1) {
            int mav = (ml + mu) / 2;
            if (v < KVALUES[mav]) {
                mu = mav;
            } else {
                ml = mav;
            }
        }
        return v - KVALUES[mu - 1] < KVALUES[mu] - v ? mu - 1 : mu;
    }

    private static void pack(int[] levels, ByteBuffer y, int qs) {
        for (int j = 0; j < 16; j++) {
            y.put(qs + j, (byte) (levels[j] | (levels[j + 16] << 4)));
        }
    }
}
