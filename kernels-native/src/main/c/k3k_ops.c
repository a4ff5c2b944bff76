/* Row-wise and element-wise operations: norms, RoPE, gated activations, add, bias, scale. Scalar
 * C with ggml's arithmetic (double accumulation in the norms, iterated theta in RoPE); these are a
 * small fraction of a forward pass next to the matrix products. */
#include <math.h>
#include <pthread.h>
#include "k3k.h"
#include "k3k_internal.h"

/* One row of rms_norm from its sum of squares. */
static void rms_row(const float *xr, const float *w, float *o, int n, double sum, float eps) {
    const float mean = (float) (sum / n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int i = 0; i < n; i++) o[i] = xr[i] * scale;
    if (w) for (int i = 0; i < n; i++) o[i] = o[i] * w[i];
}

/* Each row's sum of squares in ggml's order, one double add after another; four rows at a time so their
 * chains overlap (a row alone waits on each add), every row with the bits of its own sequential sum. */
void k3k_rms_norm(const float *x, const float *w, float *out, int n, int n_rows, float eps) {
    int r = 0;
    for (; r + 4 <= n_rows; r += 4) {
        const float *x0 = x + (size_t) r * n, *x1 = x0 + n, *x2 = x1 + n, *x3 = x2 + n;
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        for (int i = 0; i < n; i++) {
            s0 += (double) (x0[i] * x0[i]);
            s1 += (double) (x1[i] * x1[i]);
            s2 += (double) (x2[i] * x2[i]);
            s3 += (double) (x3[i] * x3[i]);
        }
        float *o = out + (size_t) r * n;
        rms_row(x0, w, o, n, s0, eps);
        rms_row(x1, w, o + n, n, s1, eps);
        rms_row(x2, w, o + 2 * (size_t) n, n, s2, eps);
        rms_row(x3, w, o + 3 * (size_t) n, n, s3, eps);
    }
    for (; r < n_rows; r++) {
        const float *xr = x + (size_t) r * n;
        double sum = 0.0;
        for (int i = 0; i < n; i++) sum += (double) (xr[i] * xr[i]);
        rms_row(xr, w, out + (size_t) r * n, n, sum, eps);
    }
}

void k3k_layer_norm(const float *x, const float *w, const float *b, float *out, int n, int n_rows, float eps) {
    for (int r = 0; r < n_rows; r++) {
        const float *xr = x + (size_t) r * n;
        float *o = out + (size_t) r * n;
        double sum = 0.0;
        for (int i = 0; i < n; i++) sum += (double) xr[i];
        const float mean = (float) (sum / n);
        double sum2 = 0.0;
        for (int i = 0; i < n; i++) {
            const float v = xr[i] - mean;
            o[i] = v;
            sum2 += (double) (v * v);
        }
        const float variance = (float) (sum2 / n);
        const float scale = 1.0f / sqrtf(variance + eps);
        for (int i = 0; i < n; i++) o[i] = o[i] * scale;
        if (w) for (int i = 0; i < n; i++) o[i] = o[i] * w[i];
        if (b) for (int i = 0; i < n; i++) o[i] = o[i] + b[i];
    }
}

void k3k_rope(float *x, int n_tokens, int n_heads, int head_dim, int rope_dims, int pos0,
              float base, float freq_scale, int neox, const float *freq_factors) {
    enum { CHUNK = 64 }; /* pairs whose cosine and sine are computed once for all of a token's heads */
    const float theta_scale = powf(base, -2.0f / rope_dims);
    for (int t = 0; t < n_tokens; t++) {
        float theta = (float) (pos0 + t);
        for (int p0 = 0; p0 < rope_dims / 2; p0 += CHUNK) {
            const int np = rope_dims / 2 - p0 < CHUNK ? rope_dims / 2 - p0 : CHUNK;
            float c[CHUNK], s[CHUNK];
            for (int k = 0; k < np; k++) {
                /* ggml_rope_cache_init: the running theta divided by the pair's factor (Llama 3.1+) */
                const float th = freq_scale * (freq_factors ? theta / freq_factors[p0 + k] : theta);
                c[k] = cosf(th);
                s[k] = sinf(th);
                theta *= theta_scale;
            }
            for (int h = 0; h < n_heads; h++) {
                float *v = x + ((size_t) t * n_heads + h) * head_dim;
                for (int k = 0; k < np; k++) {
                    const int i0 = 2 * (p0 + k);
                    const int a = neox ? i0 / 2 : i0;
                    const int b = neox ? i0 / 2 + rope_dims / 2 : i0 + 1;
                    const float x0 = v[a], x1 = v[b];
                    v[a] = x0 * c[k] - x1 * s[k];
                    v[b] = x0 * s[k] + x1 * c[k];
                }
            }
        }
    }
}

void k3k_softcap(float *x, float cap, int n) {
    const float inv = 1.0f / cap; /* ggml: scale(1/cap), tanh, scale(cap) */
    for (int i = 0; i < n; i++) x[i] = tanhf(x[i] * inv) * cap;
}

static inline float silu(float x) { return x / (1.0f + expf(-x)); }

static inline float gelu_tanh(float x) {
    const float sqrt_2_over_pi = 0.79788456080286535587989211986876f, coef_a = 0.044715f;
    return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x * (1.0f + coef_a * x * x)));
}

/* ggml evaluates GELU through a table indexed by the fp16 input (GGML_GELU_FP16), holding fp16 results. */
static k3k_half gelu_table[1 << 16];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

static void gelu_table_init(void) {
    for (int i = 0; i < (1 << 16); i++) gelu_table[i] = k3k_fp32_to_fp16(gelu_tanh(k3k_fp16_to_fp32((k3k_half) i)));
}

static inline float gelu_lookup(float x) {
    return k3k_fp16_to_fp32(gelu_table[k3k_fp32_to_fp16(x)]);
}

void k3k_swiglu(const float *gate, const float *up, float *out, int n) {
    for (int i = 0; i < n; i++) out[i] = silu(gate[i]) * up[i];
}

void k3k_sigmoid_mul(const float *x, const float *gate, float *out, int n) {
    for (int i = 0; i < n; i++) out[i] = x[i] * (1.0f / (1.0f + expf(-gate[i])));
}

const k3k_half *k3k_gelu_table(void) {
    pthread_once(&gelu_once, gelu_table_init);
    return gelu_table;
}

void k3k_gelu_rows_generic(const float *gate, const float *up, float *out, int n) {
    pthread_once(&gelu_once, gelu_table_init);
    K3K_GELU_LOOP(gelu_lookup)
}

/* The table lookups through the dispatch table: the x86 one converts with F16C (k3k_x86_avx2.c). */
void k3k_geglu(const float *gate, const float *up, float *out, int n) { k3k_traits(K3K_F32)->gelu_rows(gate, up, out, n); }

void k3k_gelu(float *x, int n) { k3k_traits(K3K_F32)->gelu_rows(x, NULL, x, n); }

void k3k_add(const float *a, const float *b, float *out, int n) {
    for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
}

void k3k_add_bias(float *x, const float *bias, int n, int n_rows) {
    for (int r = 0; r < n_rows; r++)
        for (int i = 0; i < n; i++) x[(size_t) r * n + i] += bias[i];
}

void k3k_scale(float *x, float s, int n) {
    for (int i = 0; i < n; i++) x[i] *= s;
}

int k3k_dequantize(int type, const void *src, float *dst, int64_t n) {
    const int bs = k3k_block_size(type);
    if (bs == 0 || n < 0 || n % bs != 0) return -1;
    return k3k_dequantize_row(type, src, dst, n);
}

int k3k_quantize(int type, const float *src, void *dst, int64_t n) {
    const int bs = k3k_block_size(type);
    if (bs == 0 || n < 0 || n % bs != 0) return -1;
    /* a type that is its own activation type has this CPU's converter (F16C for F16, AVX2 for Q8_0 and Q8_K),
     * bit-identical to the portable one (test_quant) */
    const k3k_type_traits *tr = k3k_traits(type);
    if (tr && tr->vec_dot_type == type && tr->from_float) {
        tr->from_float(src, dst, n);
        return 0;
    }
    switch (type) {
    case K3K_F32: k3k_quantize_row_f32(src, dst, n); return 0;
    case K3K_F16: k3k_quantize_row_f16(src, dst, n); return 0;
    case K3K_BF16: k3k_quantize_row_bf16(src, dst, n); return 0;
    case K3K_Q8_0: k3k_quantize_row_q8_0(src, dst, n); return 0;
    case K3K_Q8_1: k3k_quantize_row_q8_1(src, dst, n); return 0;
    case K3K_Q8_K: k3k_quantize_row_q8_K(src, dst, n); return 0;
    case K3K_Q4_0: case K3K_Q4_1: case K3K_Q5_0: case K3K_Q5_1: k3k_quantize_row_weights(type, src, dst, n); return 0;
    default: return -1;
    }
}

int k3k_kv_store(int type, const float *src, int n_tokens, int heads, int head_dim, void *dst, int64_t head_stride) {
    const int bs = k3k_block_size(type);
    if (bs == 0 || n_tokens < 0 || heads <= 0 || head_dim <= 0 || head_dim % bs != 0) return -1;
    const size_t head_bytes = k3k_row_bytes(type, head_dim);
    if (head_stride < (int64_t) (head_bytes * (size_t) n_tokens)) return -1;
    for (int h = 0; h < heads; h++)
        for (int t = 0; t < n_tokens; t++) {
            uint8_t *row = (uint8_t *) dst + (size_t) h * (size_t) head_stride + (size_t) t * head_bytes;
            if (k3k_quantize(type, src + ((size_t) t * heads + h) * head_dim, row, head_dim) != 0) return -1;
        }
    return 0;
}
