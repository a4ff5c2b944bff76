package io.k3mcp.kernels.quant;

/**
 * The scale searches behind ggml's reference quantizers (ggml-quants.c: make_qx_quants,
 * make_q3_quants, make_qkx2_quants), written again in Java with the same float arithmetic in the
 * same order, so the chosen levels and scales are the ones llama.cpp's quantize would store.
 */
final class QuantMath {
    /** Below this a group is treated as all zero (ggml's GROUP_MAX_EPS). */
    static final float GROUP_MAX_EPS = 1e-15f;

    private QuantMath() {
    }

    /** ggml's nearest_int: round to nearest, ties to even (the 1.5 * 2^23 trick). */
    static int nearestInt(float f) {
        return (int) Math.rint(f);
    }

    /** C's roundf: ties away from zero. */
    static float roundf(float f) {
        double r = Math.floor(Math.abs((double) f) + 0.5);
        return (float) (f < 0 ? -r : r);
    }

    /**
     * Symmetric levels in [-nmax, nmax-1] (stored as L + nmax) with the least weighted squared error
     * over 19 candidate scales; weights are {@code qw}, or x^2 when qw is null (rmse_type 1).
     */
    static float makeQxQuants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff, float[] qw, int qwOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                levels[lOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOff + i];
            int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
            levels[lOff + i] = l + nmax;
            float w = qw != null ? qw[qwOff + i] : xi * xi;
            // llama.cpp's x86-64 build contracts this first pass (only) into fused multiply-adds;
            // doing the same keeps every stored scale identical to its files
            sumlx = Math.fma(w * xi, (float) l, sumlx);
            suml2 = Math.fma(w * l, (float) l, suml2);
        }
        float scale = suml2 != 0 ? sumlx / suml2 : 0.0f;
        float best = scale * sumlx;
        for (int is = -9; is <= 9; ++is) {
            if (is == 0) {
                continue;
            }
            iscale = -(nmax + 0.1f * is) / max;
            sumlx = 0;
            suml2 = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
                float w = qw != null ? qw[qwOff + i] : xi * xi;
                sumlx += w * xi * l;
                suml2 += w * l * l;
            }
            if (suml2 > 0 && sumlx * sumlx > best * suml2) {
                for (int i = 0; i < n; ++i) {
                    levels[lOff + i] = nmax + clamp(nearestInt(iscale * x[xOff + i]), -nmax, nmax - 1);
                }
                scale = sumlx / suml2;
                best = scale * sumlx;
            }
        }
        return scale;
    }

    /** Q3_K's search: symmetric levels, then up to 5 passes moving single levels while the x^2-weighted error falls. */
    static float makeQ3Quants(int n, int nmax, float[] x, int xOff, int[] levels, int lOff) {
        float max = 0;
        float amax = 0;
        for (int i = 0; i < n; ++i) {
            float ax = Math.abs(x[xOff + i]);
            if (ax > amax) {
                amax = ax;
                max = x[xOff + i];
            }
        }
        if (amax < GROUP_MAX_EPS) {
            for (int i = 0; i < n; ++i) {
                levels[lOff + i] = 0;
            }
            return 0f;
        }
        float iscale = -nmax / max;
        float sumlx = 0;
        float suml2 = 0;
        for (int i = 0; i < n; ++i) {
            float xi = x[xOff + i];
            int l = clamp(nearestInt(iscale * xi), -nmax, nmax - 1);
            levels[lOff + i] = l;
            float w = xi * xi;
            sumlx += w * xi * l;
            suml2 += w * l * l;
        }
        for (int itry = 0; itry < 5; ++itry) {
            int changed = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int li = levels[lOff + i];
                float w = xi * xi;
                float slx = sumlx - w * xi * li;
                if (slx > 0) {
                    float sl2 = suml2 - w * li * li;
                    int newL = clamp(nearestInt(xi * sl2 / slx), -nmax, nmax - 1);
                    if (newL != li) {
                        slx += w * xi * newL;
                        sl2 += w * newL * newL;
                        if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                            levels[lOff + i] = newL;
                            sumlx = slx;
                            suml2 = sl2;
                            ++changed;
                        }
                    }
                }
            }
            if (changed == 0) {
                break;
            }
        }
        for (int i = 0; i < n; ++i) {
            levels[lOff + i] += nmax;
        }
        return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
    }

    /**
     * Asymmetric levels in [0, nmax] with a min: x ~ scale * L - theMin[0]. Tries nstep+1 scales
     * around nmax / (max - min) and keeps the least weighted error (absolute when useMad).
     */
    static float makeQkx2Quants(int n, int nmax, float[] x, int xOff, float[] weights, int[] levels, int lOff,
                                float[] theMin, int minIdx, int[] aux, float rmin, float rdelta, int nstep,
                                boolean useMad) {
        float min = x[xOff];
        float max = x[xOff];
        float sumW = weights[0];
        float sumX = sumW * x[xOff];
        for (int i = 1; i < n; ++i) {
            float xi = x[xOff + i];
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
            for (int i = 0; i < n; ++i) {
                levels[lOff + i] = 0;
            }
            theMin[minIdx] = -min;
            return 0f;
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0;
        for (int i = 0; i < n; ++i) {
            int l = clamp(nearestInt(iscale * (x[xOff + i] - min)), 0, nmax);
            levels[lOff + i] = l;
            float diff = scale * l + min - x[xOff + i];
            diff = useMad ? Math.abs(diff) : diff * diff;
            bestError += weights[i] * diff;
        }
        if (nstep < 1) {
            theMin[minIdx] = -min;
            return scale;
        }
        for (int is = 0; is <= nstep; ++is) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0;
            float sumL2 = 0;
            float sumXL = 0;
            for (int i = 0; i < n; ++i) {
                float xi = x[xOff + i];
                int l = clamp(nearestInt(iscale * (xi - min)), 0, nmax);
                aux[i] = l;
                float w = weights[i];
                sumL += w * l;
                sumL2 += w * l * l;
                sumXL += w * l * xi;
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float curError = 0;
                for (int i = 0; i < n; ++i) {
                    float diff = thisScale * aux[i] + thisMin - x[xOff + i];
                    diff = useMad ? Math.abs(diff) : diff * diff;
                    curError += weights[i] * diff;
                }
                if (curError < bestError) {
                    System.arraycopy(aux, 0, levels, lOff, n);
                    bestError = curError;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        theMin[minIdx] = -min;
        return scale;
    }

    static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
