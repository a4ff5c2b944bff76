/* The recurrent half of a gated delta-net layer (Qwen3.5): the causal depthwise convolution with its
 * rolling window, and the gated delta rule run token by token as llama.cpp's fused CPU op does. Both
 * spread over the pool: the convolution by channel ranges, the delta rule by V heads (each head's state
 * is its own, so heads never share a line). The convolution's tap sums and the state-column loops come
 * from the dispatch table; the generic ones below are the model every ISA version reproduces bit for bit
 * (same order of additions, no fused multiply-add). */
#include <math.h>
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

static inline float silu(float x) { return x / (1.0f + expf(-x)); }
static inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
/* ggml's op_softplus: identity above 20 */
static inline float softplus(float x) { return x > 20.0f ? x : logf(1.0f + expf(x)); }

/* Eight partial sums, reduced as a 256-bit horizontal add does: ((0+4)+(2+6))+((1+5)+(3+7)). */
static inline float lanes8(const float *a) {
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

float k3k_gdn_decay_dot_generic(float *m, float decay, const float *k, int s) {
    float acc[8] = {0};
    int i = 0;
    for (; i + 8 <= s; i += 8)
        for (int l = 0; l < 8; l++) {
            m[i + l] = m[i + l] * decay;
            acc[l] += m[i + l] * k[i + l];
        }
    float sum = lanes8(acc);
    for (; i < s; i++) {
        m[i] = m[i] * decay;
        sum += m[i] * k[i];
    }
    return sum;
}

float k3k_gdn_update_dot_generic(float *m, const float *k, float d, const float *q, int s) {
    float acc[8] = {0};
    int i = 0;
    for (; i + 8 <= s; i += 8)
        for (int l = 0; l < 8; l++) {
            m[i + l] = m[i + l] + k[i + l] * d;
            acc[l] += m[i + l] * q[i + l];
        }
    float sum = lanes8(acc);
    for (; i < s; i++) {
        m[i] = m[i] + k[i] * d;
        sum += m[i] * q[i];
    }
    return sum;
}

/* ---- causal convolution --------------------------------------------------------------------- */

/* sum[c] = sum_i rows[i][c] * wrows[i][c] for c < n, taps added oldest first (ggml_ssm_conv's order).
 * Vector versions run across channels, so every channel keeps this order: bit-identical. */
void k3k_conv_taps_generic(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n) {
    for (int c = 0; c < n; c++) {
        float s = 0.0f;
        for (int i = 0; i < d_conv; i++) s += rows[i][c] * wrows[i][c];
        sum[c] = s;
    }
}

#define MAX_TAPS 64

typedef struct {
    float *state;
    const float *x, *wt; /* wt: the weights transposed, tap-major (d_conv x channels) */
    float *out;
    int n_tokens, channels, d_conv;
    k3k_conv_taps_fn taps;
} conv_task;

/* Channels [c0, c1) of every token, then the window moves on to the last d_conv-1 inputs. */
static void conv_worker(void *arg, int ith, int nth) {
    const conv_task *a = arg;
    const int C = a->channels, held = a->d_conv - 1, T = a->n_tokens;
    const int c0 = (int) ((int64_t) C * ith / nth), c1 = (int) ((int64_t) C * (ith + 1) / nth);
    if (c0 >= c1) return;
    const float *rows[MAX_TAPS], *wrows[MAX_TAPS];
    for (int i = 0; i < a->d_conv; i++) wrows[i] = a->wt + (size_t) i * C + c0;
    for (int t = 0; t < T; t++) {
        for (int i = 0; i < a->d_conv; i++) {
            const int r = t + i;
            rows[i] = (r < held ? a->state + (size_t) r * C : a->x + (size_t) (r - held) * C) + c0;
        }
        float *o = a->out + (size_t) t * C + c0;
        a->taps(o, rows, wrows, a->d_conv, c1 - c0);
        for (int c = 0; c < c1 - c0; c++) o[c] = silu(o[c]);
    }
    /* row r of the new window is row T + r of (old window ++ x); ascending r reads ahead of its writes */
    for (int r = 0; r < held; r++) {
        const int from = T + r;
        const float *src = from < held ? a->state + (size_t) from * C : a->x + (size_t) (from - held) * C;
        memmove(a->state + (size_t) r * C + c0, src + c0, sizeof(float) * (size_t) (c1 - c0));
    }
}

int k3k_causal_conv(k3k_pool *pool, float *state, const float *x, const float *w, float *out, int n_tokens,
                    int channels, int d_conv) {
    if (n_tokens < 0 || channels <= 0 || d_conv < 1 || d_conv > MAX_TAPS) return -1;
    float *wt = k3k_pool_scratch(pool, sizeof(float) * (size_t) channels * d_conv);
    if (!wt) return -1;
    for (int c = 0; c < channels; c++)
        for (int i = 0; i < d_conv; i++) wt[(size_t) i * channels + c] = w[(size_t) c * d_conv + i];
    conv_task a = {.state = state, .x = x, .wt = wt, .out = out, .n_tokens = n_tokens, .channels = channels,
                   .d_conv = d_conv, .taps = k3k_traits(K3K_F32)->conv_taps};
    k3k_pool_run(pool, conv_worker, &a);
    return 0;
}

/* ---- gated delta rule ------------------------------------------------------------------------ */

typedef struct {
    float *state;
    const float *qkv, *alpha, *beta, *dt_bias, *ssm_a;
    float *out;
    int n_tokens, n_k, n_v, s;
    float eps;
    uint8_t *scratch; /* per worker: q and k of one token, s floats each, on their own lines */
    const k3k_type_traits *tr;
} gdn_task;

/* Tokens per chunk of the chunked form, a multiple of the scores micro-kernel's key block; calls with at least
 * GDN_CHUNK_MIN tokens (prefill) take it, shorter ones (decode, speculative verification) the recurrence. */
#define GDN_CHUNK 64
#define GDN_CHUNK_MIN 32

static size_t floats_on_lines(size_t n) { return (n * sizeof(float) + 63) / 64 * 64; }

/* per worker: q and k of one token (the recurrence), or the chunked form's working set (gdn_head_chunked) */
static size_t gdn_scratch_bytes(int s, int chunked) {
    const size_t ss = (size_t) s * s, cs = (size_t) GDN_CHUNK * s, cc = (size_t) GDN_CHUNK * GDN_CHUNK;
    return chunked ? floats_on_lines(ss + 7 * cs + cs + 4 * cc + GDN_CHUNK) : 2 * floats_on_lines((size_t) s);
}

/* build_gdn_l2_norm: rms_norm with eps/S (sum in double, like ggml), then 1/sqrt(S) */
static void l2_norm(const float *x, float *out, int s, float eps) {
    double sum = 0.0;
    for (int i = 0; i < s; i++) sum += (double) (x[i] * x[i]);
    const float rms = 1.0f / sqrtf((float) (sum / s) + eps / (float) s);
    const float l2 = 1.0f / sqrtf((float) s);
    for (int i = 0; i < s; i++) out[i] = x[i] * rms * l2;
}

static void gdn_head(const gdn_task *a, int h, float *q, float *k) {
    const int s = a->s, kh = h % a->n_k, row = (2 * a->n_k + a->n_v) * s;
    const float scale = 1.0f / sqrtf((float) s);
    float *st = a->state + (size_t) h * s * s;
    for (int t = 0; t < a->n_tokens; t++) {
        const float *in = a->qkv + (size_t) t * row;
        l2_norm(in + (size_t) kh * s, q, s, a->eps);
        l2_norm(in + (size_t) (a->n_k + kh) * s, k, s, a->eps);
        const float *v = in + (size_t) (2 * a->n_k + h) * s;
        const float b = sigmoid(a->beta[(size_t) t * a->n_v + h]);
        const float decay = expf(softplus(a->alpha[(size_t) t * a->n_v + h] + a->dt_bias[h]) * a->ssm_a[h]);
        float *o = a->out + ((size_t) t * a->n_v + h) * s;
        for (int j = 0; j < s; j++) {
            float *m = st + (size_t) j * s;
            const float kv = a->tr->gdn_decay_dot(m, decay, k, s);
            const float d = (v[j] - kv) * b;
            o[j] = a->tr->gdn_update_dot(m, k, d, q, s) * scale;
        }
    }
}

/* The same rule over chunks of GDN_CHUNK tokens (the chunked form of the delta-net papers and of llama.cpp's
 * GPU graphs), for prefill. Within a chunk, with G_t the cumulative log decay from the chunk's start, M0 the
 * state at its start and e_tu = e^(G_t - G_u) (u <= t, never above 1):
 *   kv_t = e^G_t M0^T k_t + sum_{u<t} e_tu (k_t . k_u) d_u,   d_t = (v_t - kv_t) b_t   (token by token, as before)
 *   o_t = scale (e^G_t M0^T q_t + sum_{u<=t} e_tu (q_t . k_u) d_u)
 *   M_end = e^G_last M0 + sum_u e_last,u k_u d_u^T
 * so the state is read twice per chunk instead of twice per token, and every product is the attention's
 * micro-kernels (scores for the dot products, p*v for the rest: the same bits on every ISA). The result equals
 * the recurrence to float rounding (the C and Java tests compare both with the recurrence in double). */
static void gdn_head_chunked(const gdn_task *a, int h, float *work) {
    const int s = a->s, kh = h % a->n_k, row = (2 * a->n_k + a->n_v) * s, C = GDN_CHUNK;
    const float scale = 1.0f / sqrtf((float) s);
    const k3k_type_traits *f = k3k_traits(K3K_F32);
    float *st = a->state + (size_t) h * s * s;
    float *W = work, *Q = W + (size_t) s * s, *K = Q + (size_t) C * s, *V = K + (size_t) C * s, *P = V + (size_t) C * s;
    float *R = P + (size_t) C * s, *D = R + (size_t) C * s, *O = D + (size_t) C * s;
    float *KC = O + (size_t) C * s, *KK = KC + (size_t) s * C, *QK = KK + C * C, *E = QK + C * C, *CF = E + C * C;
    float *bt = CF + C * C;
    double G[GDN_CHUNK]; /* in double: G_t - G_u of two large, nearly equal sums would lose the small steps in float */
    for (int i = 0; i < s; i++) /* W[i][j] = M[i][j], rows over the value dimension (the state is by column) */
        for (int j = 0; j < s; j++) W[(size_t) i * s + j] = st[(size_t) j * s + i];
    for (int c0 = 0; c0 < a->n_tokens; c0 += C) {
        const int n = a->n_tokens - c0 < C ? a->n_tokens - c0 : C;
        double g = 0.0;
        for (int t = 0; t < n; t++) {
            const float *in = a->qkv + (size_t) (c0 + t) * row;
            l2_norm(in + (size_t) kh * s, Q + (size_t) t * s, s, a->eps);
            l2_norm(in + (size_t) (a->n_k + kh) * s, K + (size_t) t * s, s, a->eps);
            memcpy(V + (size_t) t * s, in + (size_t) (2 * a->n_k + h) * s, sizeof(float) * (size_t) s);
            bt[t] = sigmoid(a->beta[(size_t) (c0 + t) * a->n_v + h]);
            g += softplus(a->alpha[(size_t) (c0 + t) * a->n_v + h] + a->dt_bias[h]) * a->ssm_a[h];
            G[t] = g;
        }
        for (int t = 0; t < n; t++)
            for (int u = 0; u <= t; u++) E[t * C + u] = expf((float) (G[t] - G[u]));
        memset(P, 0, sizeof(float) * (size_t) n * s);
        memset(R, 0, sizeof(float) * (size_t) n * s);
        f->fa_pv(P, (size_t) s, K, (size_t) s, n, s, W, s); /* P = K M0, R = Q M0 */
        f->fa_pv(R, (size_t) s, Q, (size_t) s, n, s, W, s);
        f->fa_scores(K, (size_t) s, n, K, (size_t) s, n, s, 1.0f, KK, (size_t) C); /* KK = K K^T, QK = Q K^T */
        f->fa_scores(Q, (size_t) s, n, K, (size_t) s, n, s, 1.0f, QK, (size_t) C);
        for (int t = 0; t < n; t++) { /* the deltas, token by token: each needs the earlier ones */
            float *d = D + (size_t) t * s;
            const float eg = expf((float) G[t]);
            for (int j = 0; j < s; j++) d[j] = eg * P[(size_t) t * s + j];
            for (int u = 0; u < t; u++) CF[u] = E[t * C + u] * KK[t * C + u];
            f->fa_pv(d, (size_t) s, CF, (size_t) C, 1, t, D, s);
            for (int j = 0; j < s; j++) d[j] = (V[(size_t) t * s + j] - d[j]) * bt[t];
        }
        for (int t = 0; t < n; t++) { /* the outputs */
            const float eg = expf((float) G[t]);
            for (int j = 0; j < s; j++) O[(size_t) t * s + j] = eg * R[(size_t) t * s + j];
            for (int u = 0; u < n; u++) CF[t * C + u] = u <= t ? E[t * C + u] * QK[t * C + u] : 0.0f;
        }
        f->fa_pv(O, (size_t) s, CF, (size_t) C, n, n, D, s);
        for (int t = 0; t < n; t++) {
            float *o = a->out + ((size_t) (c0 + t) * a->n_v + h) * s;
            for (int j = 0; j < s; j++) o[j] = O[(size_t) t * s + j] * scale;
        }
        const float eg = expf((float) G[n - 1]); /* the state at the chunk's end */
        for (size_t x = 0; x < (size_t) s * s; x++) W[x] *= eg;
        for (int i = 0; i < s; i++)
            for (int u = 0; u < n; u++) KC[(size_t) i * C + u] = E[(n - 1) * C + u] * K[(size_t) u * s + i];
        f->fa_pv(W, (size_t) s, KC, (size_t) C, s, n, D, s);
    }
    for (int i = 0; i < s; i++)
        for (int j = 0; j < s; j++) st[(size_t) j * s + i] = W[(size_t) i * s + j];
}

static void gdn_worker(void *arg, int ith, int nth) {
    const gdn_task *a = arg;
    const int h0 = (int) ((int64_t) a->n_v * ith / nth), h1 = (int) ((int64_t) a->n_v * (ith + 1) / nth);
    const int chunked = a->n_tokens >= GDN_CHUNK_MIN;
    float *q = (float *) (a->scratch + (size_t) ith * gdn_scratch_bytes(a->s, chunked));
    float *k = q + floats_on_lines((size_t) a->s) / sizeof(float);
    for (int h = h0; h < h1; h++)
        if (chunked) gdn_head_chunked(a, h, q);
        else gdn_head(a, h, q, k);
}

int k3k_gated_delta_net(k3k_pool *pool, float *state, const float *qkv, const float *alpha, const float *beta,
                        const float *dt_bias, const float *ssm_a, float *out, int n_tokens, int n_k_heads,
                        int n_v_heads, int s, float eps) {
    if (n_tokens < 0 || n_k_heads <= 0 || n_v_heads <= 0 || n_v_heads % n_k_heads != 0 || s <= 0) return -1;
    gdn_task a = {
        .state = state, .qkv = qkv, .alpha = alpha, .beta = beta, .dt_bias = dt_bias, .ssm_a = ssm_a, .out = out,
        .n_tokens = n_tokens, .n_k = n_k_heads, .n_v = n_v_heads, .s = s, .eps = eps, .tr = k3k_traits(K3K_F32),
    };
    a.scratch = k3k_pool_scratch(pool, gdn_scratch_bytes(s, n_tokens >= GDN_CHUNK_MIN) * (size_t) k3k_pool_threads(pool));
    if (!a.scratch) return -1;
    k3k_pool_run(pool, gdn_worker, &a);
    return 0;
}
