package io.k3mcp.kernels;

import java.nio.FloatBuffer;

/**
 * The recurrent half of a gated delta-net layer (Qwen3.5) as llama.cpp's CPU backend computes it:
 * the short causal convolution with its rolling window ({@code ggml_ssm_conv} then {@code ggml_silu})
 * and the gated delta rule run token by token in f32 ({@code ggml_gated_delta_net}, which the fused
 * graph uses for prefill and decode alike), with the gates and q/k L2 norms before it. Every f32
 * operation rounds on its own and the sums keep one fixed order, which the C kernels follow.
 */
final class RefDeltaNet {
    private RefDeltaNet() {
    }

    /**
     * out[t][c] = silu(sum_i w[c][i] * window_c[t + i]) where window_c is the channel's dConv-1 held
     * inputs followed by x[.][c] (ggml_ssm_conv's order of additions, oldest tap first); the state keeps
     * the last dConv-1 inputs (pre-convolution), time-major: state[i * channels + c], oldest row first.
     */
    static void causalConv(FloatBuffer state, FloatBuffer x, FloatBuffer weight, FloatBuffer out,
                           int nTokens, int channels, int dConv) {
        int held = dConv - 1;
        float[] window = new float[held + nTokens];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < held; i++) {
                window[i] = state.get(i * channels + c);
            }
            for (int t = 0; t < nTokens; t++) {
                window[held + t] = x.get(t * channels + c);
            }
            for (int t = 0; t < nTokens; t++) {
                float sum = 0.0f;
                for (int i = 0; i < dConv; i++) {
                    sum += window[t + i] * weight.get(c * dConv + i);
                }
                out.put(t * channels + c, RefElementwise.silu(sum));
            }
            for (int i = 0; i < held; i++) {
                state.put(i * channels + c, window[nTokens + i]);
            }
        }
    }

    /**
     * The gated delta rule over nTokens tokens for every V head h (K/Q head h mod nKHeads). Per token:
     * q, k L2-normalised (rms norm with eps/S, then 1/sqrt(S)); beta = sigmoid(b); decay =
     * exp(softplus(a + dtBias) * ssmA); M = decay M; d = (v - M^T k) beta; M += k d^T; out = M^T q / sqrt(S).
     * State per head: S x S floats, s[j*S + i] = M[i][j] (llama.cpp's layout).
     *
     * @param qkv   nTokens rows of (2 nKHeads + nVHeads) * S: q heads, k heads, v heads
     * @param alpha nTokens x nVHeads raw decay projections; beta likewise raw
     */
    static void gatedDeltaNet(FloatBuffer state, FloatBuffer qkv, FloatBuffer alpha, FloatBuffer beta,
                              FloatBuffer dtBias, FloatBuffer ssmA, FloatBuffer out, int nTokens,
                              int nKHeads, int nVHeads, int s, float eps) {
        int row = (2 * nKHeads + nVHeads) * s;
        float[] q = new float[s];
        float[] k = new float[s];
        float scale = 1.0f / GgmlMath.sqrtf(s);
        for (int h = 0; h < nVHeads; h++) {
            int kh = h % nKHeads;
            int st = h * s * s;
            for (int t = 0; t < nTokens; t++) {
                int base = t * row;
                l2Norm(qkv, base + kh * s, q, s, eps);
                l2Norm(qkv, base + (nKHeads + kh) * s, k, s, eps);
                int vAt = base + (2 * nKHeads + h) * s;
                float b = sigmoid(beta.get(t * nVHeads + h));
                float decay = GgmlMath.expf(softplus(alpha.get(t * nVHeads + h) + dtBias.get(h)) * ssmA.get(h));
                for (int j = 0; j < s; j++) {
                    int r = st + j * s;
                    float kv = decayDot(state, r, decay, k, s);
                    float d = (qkv.get(vAt + j) - kv) * b;
                    out.put((t * nVHeads + h) * s + j, updateDot(state, r, k, d, q, s) * scale);
                }
            }
        }
    }

    /**
     * One state column (s floats at r): m *= decay, returns m.k. Sums in eight interleaved partial sums,
     * added as the 256-bit horizontal sum does ((0+4)+(2+6))+((1+5)+(3+7)), then the tail in order: the
     * C kernels of every ISA keep exactly this order, so they agree with this oracle bit for bit.
     */
    private static float decayDot(FloatBuffer m, int r, float decay, float[] k, int s) {
        float[] acc = new float[8];
        int i = 0;
        for (; i + 8 <= s; i += 8) {
            for (int l = 0; l < 8; l++) {
                float v = m.get(r + i + l) * decay;
                m.put(r + i + l, v);
                acc[l] += v * k[i + l];
            }
        }
        float sum = lanes(acc);
        for (; i < s; i++) {
            float v = m.get(r + i) * decay;
            m.put(r + i, v);
            sum += v * k[i];
        }
        return sum;
    }

    /** One state column: m += k d, returns m.q (the same order of additions as {@link #decayDot}). */
    private static float updateDot(FloatBuffer m, int r, float[] k, float d, float[] q, int s) {
        float[] acc = new float[8];
        int i = 0;
        for (; i + 8 <= s; i += 8) {
            for (int l = 0; l < 8; l++) {
                float v = m.get(r + i + l) + k[i + l] * d;
                m.put(r + i + l, v);
                acc[l] += v * q[i + l];
            }
        }
        float sum = lanes(acc);
        for (; i < s; i++) {
            float v = m.get(r + i) + k[i] * d;
            m.put(r + i, v);
            sum += v * q[i];
        }
        return sum;
    }

    private static float lanes(float[] a) {
        return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
    }

    /** llama.cpp's build_gdn_l2_norm: rms_norm with eps/S (sum in double, like ggml), then a scale by 1/sqrt(S). */
    private static void l2Norm(FloatBuffer x, int at, float[] out, int s, float eps) {
        double sum = 0.0;
        for (int i = 0; i < s; i++) {
            float v = x.get(at + i);
            sum += v * v;
        }
        float mean = (float) (sum / s);
        float rms = 1.0f / GgmlMath.sqrtf(mean + eps / s);
        float l2 = 1.0f / GgmlMath.sqrtf(s);
        for (int i = 0; i < s; i++) {
            out[i] = x.get(at + i) * rms * l2;
        }
    }

    static float sigmoid(float x) {
        return 1.0f / (1.0f + GgmlMath.expf(-x));
    }

    /** ggml's op_softplus: identity above 20 (where log(1 + e^x) rounds to x anyway). */
    static float softplus(float x) {
        return x > 20.0f ? x : GgmlMath.logf(1.0f + GgmlMath.expf(x));
    }

    /** out = x * sigmoid(gate) (the gated attention's output gate). */
    static void sigmoidMul(FloatBuffer x, FloatBuffer gate, FloatBuffer out, int n) {
        for (int i = 0; i < n; i++) {
            out.put(i, x.get(i) * sigmoid(gate.get(i)));
        }
    }
}
