package io.k3mcp.kernels;

import java.nio.FloatBuffer;

/**
 * Rotary position embedding as ggml_compute_forward_rope_f32 without YaRN (ext_factor 0,
 * attn_factor 1): theta_scale = powf(base, -2/ropeDims), theta starts at the position and is
 * multiplied by theta_scale in f32 for each pair, cos/sin of freqScale * theta, or with frequency
 * factors (ggml_rope_cache_init's freq_factors) of freqScale * (theta / f_i).
 */
final class RefRope {
    private RefRope() {
    }

    static void rope(FloatBuffer x, int nTokens, int nHeads, int headDim, int ropeDims, int pos0,
                     float base, float freqScale, boolean neox, FloatBuffer freqFactors) {
        if (ropeDims % 2 != 0 || ropeDims > headDim) {
            throw new IllegalArgumentException("rope: ropeDims " + ropeDims + " must be even and <= headDim " + headDim);
        }
        if (freqFactors != null && freqFactors.capacity() < ropeDims / 2) {
            throw new IllegalArgumentException("rope: " + freqFactors.capacity() + " frequency factors for " + ropeDims / 2 + " pairs");
        }
        float thetaScale = GgmlMath.powf(base, -2.0f / ropeDims);
        float[] cos = new float[ropeDims / 2];
        float[] sin = new float[ropeDims / 2];
        for (int t = 0; t < nTokens; t++) {
            float theta = (float) (pos0 + t);
            for (int i = 0; i < ropeDims / 2; i++) {
                float angle = freqScale * (freqFactors == null ? theta : theta / freqFactors.get(i));
                cos[i] = GgmlMath.cosf(angle);
                sin[i] = GgmlMath.sinf(angle);
                theta *= thetaScale;
            }
            for (int h = 0; h < nHeads; h++) {
                int b = (t * nHeads + h) * headDim;
                for (int i = 0; i < ropeDims / 2; i++) {
                    int i0 = neox ? b + i : b + 2 * i;
                    int i1 = neox ? b + i + ropeDims / 2 : b + 2 * i + 1;
                    float x0 = x.get(i0);
                    float x1 = x.get(i1);
                    x.put(i0, x0 * cos[i] - x1 * sin[i]);
                    x.put(i1, x0 * sin[i] + x1 * cos[i]);
                }
            }
        }
    }
}
