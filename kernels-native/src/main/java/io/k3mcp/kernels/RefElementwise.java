package io.k3mcp.kernels;

import java.nio.FloatBuffer;

/**
 * Element-wise ops with ggml's scalar formulas. GELU goes through ggml's fp16 lookup table
 * (GGML_GELU_FP16 is defined in ggml-cpu/vec.h): the input is rounded to fp16, the tanh
 * approximation evaluated on that and rounded to fp16 again; |x| >= 10 short-cuts to 0 or x.
 */
final class RefElementwise {
    static final float GELU_COEF_A = 0.044715f;
    static final float SQRT_2_OVER_PI = 0.79788456080286535587989211986876f;

    private static final short[] GELU_TABLE = geluTable();

    private RefElementwise() {
    }

    /** ggml_gelu_f32: the tanh approximation in f32. */
    static float geluF32(float x) {
        return 0.5f * x * (1.0f + GgmlMath.tanhf(SQRT_2_OVER_PI * x * (1.0f + GELU_COEF_A * x * x)));
    }

    /** ggml's table GELU for one f32 value (ggml_vec_gelu_f32 with GGML_GELU_FP16). */
    static float gelu(float x) {
        if (x <= -10.0f) {
            return 0.0f;
        }
        if (x >= 10.0f) {
            return x;
        }
        return Half.toFloat(GELU_TABLE[Half.fromFloat(x) & 0xffff]);
    }

    static float silu(float x) {
        return x / (1.0f + GgmlMath.expf(-x));
    }

    private static short[] geluTable() {
        short[] t = new short[1 << 16];
        for (int i = 0; i < t.length; i++) {
            t[i] = Half.fromFloat(geluF32(Half.toFloat((short) i)));
        }
        return t;
    }

    static void swiglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            out.put(i, silu(gate.get(i)) * up.get(i));
        }
    }

    /** ggml_vec_geglu_f32: x >= 10 gives x * g (not the table). */
    static void geglu(FloatBuffer gate, FloatBuffer up, FloatBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            float x = gate.get(i);
            float g;
            if (x <= -10.0f) {
                g = 0.0f;
            } else if (x >= 10.0f) {
                g = x * up.get(i);
            } else {
                g = Half.toFloat(GELU_TABLE[Half.fromFloat(x) & 0xffff]) * up.get(i);
            }
            out.put(i, g);
        }
    }

    static void gelu(FloatBuffer x, int n) {
        for (int i = 0; i < n; i++) {
            x.put(i, gelu(x.get(i)));
        }
    }

    static void add(FloatBuffer a, FloatBuffer b, FloatBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            out.put(i, a.get(i) + b.get(i));
        }
    }

    static void addBias(FloatBuffer x, FloatBuffer bias, int n, int nRows) {
        for (int r = 0; r < nRows; r++) {
            for (int i = 0; i < n; i++) {
                x.put(r * n + i, x.get(r * n + i) + bias.get(i));
            }
        }
    }

    /** ggml_compute_forward_fwht: x / sqrt(n), then in-place butterflies (u + v, u - v) of widths 1, 2, 4, ... */
    static void hadamard(FloatBuffer x, int n, int nRows) {
        if (n < 1 || (n & (n - 1)) != 0) {
            throw new IllegalArgumentException("hadamard: n " + n + " is not a power of two");
        }
        if (nRows < 0 || (long) n * nRows > x.capacity()) {
            throw new IllegalArgumentException("hadamard: " + nRows + " rows of " + n + " do not fit " + x.capacity() + " floats");
        }
        float scale = 1.0f / (float) Math.sqrt(n);
        float[] row = new float[n];
        for (int r = 0; r < nRows; r++) {
            x.get(r * n, row);
            for (int j = 0; j < n; j++) {
                row[j] *= scale;
            }
            for (int len = 1; len < n; len <<= 1) {
                for (int i = 0; i < n; i += 2 * len) {
                    for (int j = i; j < i + len; j++) {
                        float u = row[j];
                        float v = row[j + len];
                        row[j] = u + v;
                        row[j + len] = u - v;
                    }
                }
            }
            x.put(r * n, row);
        }
    }

    static void scale(FloatBuffer x, float s, int n) {
        for (int i = 0; i < n; i++) {
            x.put(i, x.get(i) * s);
        }
    }

    /** cap * tanh(x / cap) as ggml composes it: scale by 1/cap, tanhf, scale by cap. */
    static void softcap(FloatBuffer x, float cap, int n) {
        if (!(cap > 0)) {
            throw new IllegalArgumentException("softcap: cap must be positive, got " + cap);
        }
        float inv = 1.0f / cap;
        for (int i = 0; i < n; i++) {
            x.put(i, GgmlMath.tanhf(x.get(i) * inv) * cap);
        }
    }
}
