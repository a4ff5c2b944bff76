/* Scaled dot-product attention over an F32 or F16 key/value store, one (token, head) pair per unit of
 * work, spread over the pool. Scores and softmax in f32. */
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
    float *scores; /* n_keys floats per worker */
} attn_task;

static inline float kv_at(const uint8_t *base, int f16, size_t index) {
    return f16 ? k3k_fp16_to_fp32(((const k3k_half *) base)[index]) : ((const float *) base)[index];
}

static void attend_one(const attn_task *a, int t, int h, float *scores) {
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = h / group;
    const size_t kv_row = (size_t) a->n_kv_heads * hd;
    const float *q = a->q + ((size_t) t * a->n_heads + h) * hd;
    float *out = a->out + ((size_t) t * a->n_heads + h) * hd;
    const int pos = a->pos0 + t;
    int j0 = 0, j1 = a->n_keys; /* visible keys [j0, j1) */
    if (a->causal) {
        j1 = pos + 1 < a->n_keys ? pos + 1 : a->n_keys;
        if (a->window > 0 && pos - a->window + 1 > 0) j0 = pos - a->window + 1;
    }
    for (int d = 0; d < hd; d++) out[d] = 0.0f;
    if (j1 <= j0) return;
    float max = -INFINITY;
    for (int j = j0; j < j1; j++) {
        const size_t base = j * kv_row + (size_t) kvh * hd;
        float s = 0.0f;
        for (int d = 0; d < hd; d++) s += q[d] * kv_at(a->k, a->kv_f16, base + d);
        s *= a->scale;
        scores[j - j0] = s;
        if (s > max) max = s;
    }
    float sum = 0.0f;
    for (int j = j0; j < j1; j++) {
        const float e = expf(scores[j - j0] - max);
        scores[j - j0] = e;
        sum += e;
    }
    const float inv = 1.0f / sum;
    for (int j = j0; j < j1; j++) {
        const float p = scores[j - j0] * inv;
        const size_t base = j * kv_row + (size_t) kvh * hd;
        for (int d = 0; d < hd; d++) out[d] += p * kv_at(a->v, a->kv_f16, base + d);
    }
}

static void attn_worker(void *arg, int ith, int nth) {
    const attn_task *a = arg;
    const int units = a->n_tokens * a->n_heads;
    const int u0 = (int) ((int64_t) units * ith / nth), u1 = (int) ((int64_t) units * (ith + 1) / nth);
    float *scores = a->scores + (size_t) ith * (size_t) (a->n_keys + 1);
    for (int u = u0; u < u1; u++) attend_one(a, u / a->n_heads, u % a->n_heads, scores);
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
    a.scores = k3k_pool_scratch(pool, sizeof(float) * (size_t) (n_keys + 1) * (size_t) k3k_pool_threads(pool));
    if (!a.scores) return -1;
    k3k_pool_run(pool, attn_worker, &a);
    return 0;
}
