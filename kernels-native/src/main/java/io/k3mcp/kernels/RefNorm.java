package io.k3mcp.kernels;

import java.nio.FloatBuffer;

/**
 * RMS norm and layer norm as ggml-cpu/ops.cpp computes them (sums in double, the scale in f32),
 * followed by the separate element-wise multiply by the weight and add of the bias that llama.cpp's
 * graph applies.
 */
final class RefNorm {
    private RefNorm() {
    }

    static void rmsNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer out, int n, int nRows, float eps) {
        for (int r = 0; r < nRows; r++) {
            int base = r * n;
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                float v = x.get(base + i);
                sum += v * v;
            }
            float mean = (float) (sum / n);
            float scale = 1.0f / GgmlMath.sqrtf(mean + eps);
            for (int i = 0; i < n; i++) {
                float v = x.get(base + i) * scale;
                out.put(base + i, weight == null ? v : v * weight.get(i));
            }
        }
    }

    static void layerNorm(FloatBuffer x, FloatBuffer weight, FloatBuffer bias, FloatBuffer out,
                          int n, int nRows, float eps) {
        float[] y = new float[n];
        for (int r = 0; r < nRows; r++) {
            int base = r * n;
            double sum = 0.0;
            for (int i = 0; i < n; i++) {
                sum += x.get(base + i);
            }
            float mean = (float) sum / n;
            double sum2 = 0.0;
            for (int i = 0; i < n; i++) {
                float v = x.get(base + i) - mean;
                y[i] = v;
                sum2 += v * v;
            }
            float variance = (float) (sum2 / n);
            float scale = 1.0f / GgmlMath.sqrtf(variance + eps);
            for (int i = 0; i < n; i++) {
                float v = y[i] * scale;
                if (weight != null) {
                    v = v * weight.get(i);
                }
                if (bias != null) {
                    v = v + bias.get(i);
                }
                out.put(base + i, v);
            }
        }
    }
}
