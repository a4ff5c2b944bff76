package io.k3mcp.kernels;

import static io.k3mcp.kernels.GgmlMath.nearestInt;
import static io.k3mcp.kernels.GgmlMath.nearestIntFma;

/**
 * The scale searches behind ggml's K-quant reference quantisers (ggml-quants.c make_qx_quants,
 * make_q3_quants, make_qkx2_quants), in the same f32 operation order.
 *
 * <p>llama.cpp is built by GCC with -ffp-contract=fast and FMA available, so products feeding an add
 * are fused, including nearest_int's hidden {@code + 1.5 * 2^23}: {@code Math.fma} reproduces that.
 * Loops that only accumulate products (no stores, no rounding) are not fused in those builds, as
 * GCC vectorises their products and adds them one by one; they stay plain here. Which sites are
 * fused was settled against the files in shared/models (llama-mini-q2_k ... q6_k): with this choice
 * every Q3_K, Q5_K and Q6_K block is byte-equal and all but one Q2_K and one Q4_K block.
 */
final class QuantSearch {
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantSearch() {
    }

    /** make_qx_quants with rmse_type 1 and no importance weights: symmetric levels, weight x^2. Writes L in [0, 2 nmax). */
    static float qx(int n, int nmax, float[] x, int xo, byte[] L, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xo + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestIntFma(iscale, xi)));
            L[lo + i] = (byte) (l + nmax);
            float w = xi * xi;
            sumlx = Math.fma(w * xi, l, sumlx);
            suml2 = Math.fma(w * l, l, suml2);
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; is++) {
            if (is == 0) {
                continue;
            }
            iscale = -Math.fma(0.1f, is, nmax) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i];
                int l = Math.max(-nmax, Math.min(nmax - 1, nearestIntFma(iscale, xi)));
                float w = xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; i++) {
                    int l = nearestIntFma(iscale, x[xo + i]);
                    L[lo + i] = (byte) (nmax + Math.max(-nmax, Math.min(nmax - 1, l)));
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** make_q3_quants with do_rmse: coordinate descent on the x^2-weighted error. Writes L in [0, 2 nmax). */
    static float q3(int n, int nmax, float[] x, int xo, byte[] L, int lo) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; i++) {
            float ax = Math.abs(x[xo + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xo + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            return 0.f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; i++) {
            float xi = x[xo + i];
            int l = Math.max(-nmax, Math.min(nmax - 1, nearestIntFma(iscale, xi)));
            L[lo + i] = (byte) l;
            float w = xi * xi;
            sumlx = Math.fma(w * xi, l, sumlx);
            suml2 = Math.fma(w * l, l, suml2);
        }
        for (int itry = 0; itry < 5; itry++) {
            int nChanged = 0;
            for (int i = 0; i < n; i++) {
                float xi = x[xo + i];
                float w = xi * xi;
                int li = L[lo + i];
                float slx = Math.fma(-(w * xi), li, sumlx);
                if (slx > 0) {
                    float sl2 = Math.fma(-(w * li), li, suml2);
                    int newL = Math.max(-nmax, Math.min(nmax - 1, nearestInt(xi * sl2 / slx)));
                    if (newL != li) {
                        slx = Math.fma(w * xi, newL, slx);
                        sl2 = Math.fma(w * newL, newL, sl2);
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            L[lo + i] = (byte) newL;
                            sumlx = slx;
                            suml2 = sl2;
                            nChanged++;
                        }
                    }
                }
            }
            if (nChanged == 0) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            L[lo + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * make_qkx2_quants: asymmetric levels [0, nmax] with a min, searching nstep + 1 scales around
     * nmax / (max - min). Returns the scale; {@code theMin[0]} gets -min (non-negative).
     */
    static float qkx2(int n, int nmax, float[] x, int xo, float[] weights, byte[] L, int lo, float[] theMin,
                      float rmin, float rdelta, int nstep, boolean useMad) {
        byte[] laux = new byte[n];
        float min = x[xo];
        float max = x[xo];
        float sumW = weights[0];
        float sumX = sumW * x[xo];
        for (int i = 1; i < n; i++) {
            float xi = x[xo + i];
            if (xi < min) {
                min = xi;
            }
            if (xi > max) {
                max = xi;
            }
            float w = weights[i];
            sumW += w;
            sumX += w * xi;
        }
        if (min > 0) {
            min = 0;
        }
        if (max == min) {
            for (int i = 0; i < n; i++) {
                L[lo + i] = 0;
            }
            theMin[0] = -min;
            return 0.f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; i++) {
            int l = nearestIntFma(iscale, x[xo + i] - min);
            L[lo + i] = (byte) Math.max(0, Math.min(nmax, l));
            float diff = Math.fma(scale, L[lo + i], min) - x[xo + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError = Math.fma(weights[i], diff, bestError);
        }
        if (nstep < 1) {
            theMin[0] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (Math.fma(rdelta, is, rmin) + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXl = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestIntFma(iscale, x[xo + i] - min)));
                laux[i] = (byte) l;
                float w = weights[i];
                sumL += w * l; // w * l is shared with the next two lines, so GCC does not fuse it
                sumL2 = Math.fma(w * l, l, sumL2);
                sumXl = Math.fma(w * l, x[xo + i], sumXl);
            }
            float det = Math.fma(sumW, sumL2, -(sumL * sumL));
            if (det > 0) {
                float thisScale = Math.fma(sumW, sumXl, -(sumX * sumL)) / det;
                float thisMin = Math.fma(sumL2, sumX, -(sumL * sumXl)) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXl / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * laux[i] + thisMin - x[xo + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(laux, 0, L, lo, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[0] = -min;
        return scale;
    }
}
