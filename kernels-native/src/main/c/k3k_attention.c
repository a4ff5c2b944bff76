/* Scaled dot-product attention over an F32 or F16 key/value store, one (token, head) pair per unit of
 * work, spread over the pool. */
#include <math.h>
#include "k3k.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

typedef struct {
    const float *q;
    const uint8_t *k, *v;
    int kv_f16;
    float *out;
    int n_tokens, pos0, n_keys, n_heads, n_kv_heads, head_dim, causal, window;
    float scale;
    uint8_t *scratch; /* worker_scratch_bytes() per worker */
} attn_task;

static inline float kv_at(const uint8_t *base, int f16, size_t index) {
    return f16 ? k3k_fp16_to_fp32(((const k3k_half *) base)[index]) : ((const float *) base)[index];
}

/* Mirrors llama.cpp's non-flash CPU path: q converted to the cache type, f32 products summed in double,
 * softmax with a double sum, probabilities converted to the cache type, values accumulated in double. */
static void attend_one(const attn_task *a, int t, int h, float *scores, float *qc, double *acc) {
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = h / group, f16 = a->kv_f16;
    const size_t kv_row = (size_t) a->n_kv_heads * hd;
    const float *q = a->q + ((size_t) t * a->n_heads + h) * hd;
    float *out = a->out + ((size_t) t * a->n_heads + h) * hd;
    const int pos = a->pos0 + t;
    int j0 = 0, j1 = a->n_keys; /* visible keys [j0, j1) */
    if (a->causal) {
        j1 = pos + 1 < a->n_keys ? pos + 1 : a->n_keys;
        if (a->window > 0 && pos - a->window + 1 > 0) j0 = pos - a->window + 1;
    }
    for (int d = 0; d < hd; d++) qc[d] = f16 ? k3k_fp16_to_fp32(k3k_fp32_to_fp16(q[d])) : q[d];
    float max = -INFINITY;
    for (int j = j0; j < j1; j++) {
        const size_t base = j * kv_row + (size_t) kvh * hd;
        double s = 0.0;
        for (int d = 0; d < hd; d++) s += (double) (qc[d] * kv_at(a->k, f16, base + d));
        const float sc = (float) s * a->scale;
        scores[j - j0] = sc;
        if (sc > max) max = sc;
    }
    double sum = 0.0;
    for (int j = j0; j < j1; j++) {
        const float e = expf(scores[j - j0] - max);
        scores[j - j0] = e;
        sum += e;
    }
    const float inv = j1 > j0 ? (float) (1.0 / sum) : 0.0f;
    for (int d = 0; d < hd; d++) acc[d] = 0.0;
    for (int j = j0; j < j1; j++) {
        float p = scores[j - j0] * inv;
        if (f16) p = k3k_fp16_to_fp32(k3k_fp32_to_fp16(p));
        const size_t base = j * kv_row + (size_t) kvh * hd;
        for (int d = 0; d < hd; d++) acc[d] += (double) (p * kv_at(a->v, f16, base + d));
    }
    for (int d = 0; d < hd; d++) out[d] = (float) acc[d];
}

/* Per-worker scratch: scores (n_keys floats), the converted query (head_dim floats), the accumulator. */
static size_t worker_scratch_bytes(int n_keys, int head_dim) {
    return (((size_t) n_keys + (size_t) head_dim + 1) * sizeof(float) + 7) / 8 * 8 + (size_t) head_dim * sizeof(double);
}

static void attn_worker(void *arg, int ith, int nth) {
    const attn_task *a = arg;
    const int units = a->n_tokens * a->n_heads;
    const int u0 = (int) ((int64_t) units * ith / nth), u1 = (int) ((int64_t) units * (ith + 1) / nth);
    uint8_t *mine = a->scratch + (size_t) ith * worker_scratch_bytes(a->n_keys, a->head_dim);
    float *scores = (float *) mine, *qc = scores + a->n_keys;
    double *acc = (double *) (mine + (((size_t) a->n_keys + (size_t) a->head_dim + 1) * sizeof(float) + 7) / 8 * 8);
    for (int u = u0; u < u1; u++) attend_one(a, u / a->n_heads, u % a->n_heads, scores, qc, acc);
}

int k3k_attention(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                  int n_tokens, int pos0, int n_keys, int n_heads, int n_kv_heads, int head_dim,
                  float scale, int causal, int window) {
    if ((kv_type != K3K_F32 && kv_type != K3K_F16) || n_heads <= 0 || n_kv_heads <= 0 ||
        n_heads % n_kv_heads != 0 || head_dim <= 0 || n_tokens < 0 || n_keys < 0) return -1;
    attn_task a = {
        .q = q, .k = k, .v = v, .kv_f16 = kv_type == K3K_F16, .out = out, .n_tokens = n_tokens,
        .pos0 = pos0, .n_keys = n_keys, .n_heads = n_heads, .n_kv_heads = n_kv_heads,
        .head_dim = head_dim, .causal = causal, .window = window, .scale = scale,
    };
    a.scratch = k3k_pool_scratch(pool, worker_scratch_bytes(n_keys, head_dim) * (size_t) k3k_pool_threads(pool));
    if (!a.scratch) return -1;
    k3k_pool_run(pool, attn_worker, &a);
    return 0;
}
