/* Scaled dot-product attention over an F32, F16, Q8_0 or Q4_0 key/value store, one (token, head) pair per
 * unit of work, spread over the pool. The q.k and p*v loops come from the dispatch table (vectorised per
 * ISA); quantised rows use the type's vec_dot against the query quantised to Q8_0 (per ISA too). */
#include <math.h>
#include <stdlib.h>
#include "k3k.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

typedef struct {
    const float *q;
    const uint8_t *k, *v;
    int kv_f16;
    int kv_type;
    float *out;
    int n_tokens, pos0, n_keys, n_heads, n_kv_heads, head_dim, causal, window;
    float scale;
    int tile_tokens;  /* F32/F16 in tiles (attend_tile): tokens per tile; 0: one (token, head) per unit */
    int rows;         /* query rows a worker's scratch holds: tile_tokens x the GQA group, or 1 */
    uint8_t *scratch; /* worker_scratch_bytes() per worker */
    k3k_kv_dot_fn dot;
    k3k_kv_axpy_fn axpy;
} attn_task;

/* Generic inner loops: eight interleaved partial sums, so the compiler can keep them in vector
 * registers and the order of additions does not depend on the ISA path's vector width. */
float k3k_kv_dot_f32_generic(const float *q, const void *vk, int n) {
    const float *k = vk;
    float acc[8] = {0};
    int d = 0;
    for (; d + 8 <= n; d += 8)
        for (int l = 0; l < 8; l++) acc[l] += q[d + l] * k[d + l];
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; d < n; d++) s += q[d] * k[d];
    return s;
}

float k3k_kv_dot_f16_generic(const float *q, const void *vk, int n) {
    const k3k_half *k = vk;
    float acc[8] = {0};
    int d = 0;
    for (; d + 8 <= n; d += 8)
        for (int l = 0; l < 8; l++) acc[l] += q[d + l] * k3k_fp16_to_fp32(k[d + l]);
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; d < n; d++) s += q[d] * k3k_fp16_to_fp32(k[d]);
    return s;
}

void k3k_kv_axpy_f32_generic(float *acc, float p, const void *vv, int n) {
    const float *v = vv;
    for (int d = 0; d < n; d++) acc[d] += p * v[d];
}

void k3k_kv_axpy_f16_generic(float *acc, float p, const void *vv, int n) {
    const k3k_half *v = vv;
    for (int d = 0; d < n; d++) acc[d] += p * k3k_fp16_to_fp32(v[d]);
}

/* Keys [j0, j1) token t sees. */
static void visible(const attn_task *a, int t, int *j0, int *j1) {
    const int pos = a->pos0 + t;
    *j0 = 0;
    *j1 = a->n_keys;
    if (a->causal) {
        *j1 = pos + 1 < a->n_keys ? pos + 1 : a->n_keys;
        if (a->window > 0 && pos - a->window + 1 > 0) *j0 = pos - a->window + 1;
    }
}

static size_t scores_floats(int n_keys, int head_dim) {
    return ((size_t) (n_keys > head_dim ? n_keys : head_dim) * sizeof(float) + 63) / 64 * 64 / sizeof(float);
}

/* Follows llama.cpp's CPU attention: q converted to the cache type, softmax with the running maximum
 * subtracted, probabilities converted to the cache type, values accumulated in f32. */
static void attend_one(const attn_task *a, int t, int h, float *scores, float *qc, float *acc) {
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = h / group, f16 = a->kv_f16;
    const size_t elem = f16 ? sizeof(k3k_half) : sizeof(float);
    const size_t kv_row = (size_t) a->n_kv_heads * hd * elem;
    const uint8_t *kbase = a->k + (size_t) kvh * hd * elem, *vbase = a->v + (size_t) kvh * hd * elem;
    const float *q = a->q + ((size_t) t * a->n_heads + h) * hd;
    float *out = a->out + ((size_t) t * a->n_heads + h) * hd;
    int j0, j1;
    visible(a, t, &j0, &j1);
    for (int d = 0; d < hd; d++) qc[d] = f16 ? k3k_fp16_to_fp32(k3k_fp32_to_fp16(q[d])) : q[d];
    float max = -INFINITY;
    for (int j = j0; j < j1; j++) {
        const float sc = a->dot(qc, kbase + (size_t) j * kv_row, hd) * a->scale;
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
    for (int d = 0; d < hd; d++) acc[d] = 0.0f;
    for (int j = j0; j < j1; j++) {
        float p = scores[j - j0] * inv;
        if (f16) p = k3k_fp16_to_fp32(k3k_fp32_to_fp16(p));
        a->axpy(acc, p, vbase + (size_t) j * kv_row, hd);
    }
    for (int d = 0; d < hd; d++) out[d] = acc[d];
}

/* attend_one for a tile: one KV head's query heads for tile_tokens tokens, so each K and V row comes from
 * memory once per tile instead of once per (token, head) (a long prefill reads the cache from L3 otherwise).
 * The scores of all the tile's rows are kept (rows x n_keys floats), so every row does exactly attend_one's
 * arithmetic in its order: the results are bit-identical. */
#define EXACT_BK 64 /* keys per block: a block's K or V rows stay in L1 while every row of the tile uses them */
static void attend_tile(const attn_task *a, int tile, float *scores, float *qc, float *acc) {
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = tile % a->n_kv_heads, f16 = a->kv_f16;
    const int t0 = tile / a->n_kv_heads * a->tile_tokens;
    const int t1 = t0 + a->tile_tokens < a->n_tokens ? t0 + a->tile_tokens : a->n_tokens, rows = (t1 - t0) * group;
    const size_t elem = f16 ? sizeof(k3k_half) : sizeof(float), kv_row = (size_t) a->n_kv_heads * hd * elem;
    const size_t stride = scores_floats(a->n_keys, hd);
    const uint8_t *kbase = a->k + (size_t) kvh * hd * elem, *vbase = a->v + (size_t) kvh * hd * elem;
    int lo = a->n_keys, hi = 0;
    for (int t = t0; t < t1; t++) {
        int j0, j1;
        visible(a, t, &j0, &j1);
        if (j0 < j1 && j0 < lo) lo = j0;
        if (j0 < j1 && j1 > hi) hi = j1;
        for (int g = 0; g < group; g++) {
            const float *q = a->q + ((size_t) t * a->n_heads + kvh * group + g) * hd;
            float *qr = qc + (size_t) ((t - t0) * group + g) * hd;
            for (int d = 0; d < hd; d++) qr[d] = f16 ? k3k_fp16_to_fp32(k3k_fp32_to_fp16(q[d])) : q[d];
        }
    }
    for (int pass = 0; pass < 2; pass++) { /* 0: the scores; 1: the probabilities times V */
        if (pass == 1)
            for (int r = 0; r < rows; r++) { /* attend_one's softmax, row by row */
                int j0, j1;
                visible(a, t0 + r / group, &j0, &j1);
                float *sc = scores + (size_t) r * stride - j0, max = -INFINITY;
                for (int j = j0; j < j1; j++) if (sc[j] > max) max = sc[j];
                double sum = 0.0;
                for (int j = j0; j < j1; j++) {
                    sc[j] = expf(sc[j] - max);
                    sum += sc[j];
                }
                const float inv = j1 > j0 ? (float) (1.0 / sum) : 0.0f;
                for (int j = j0; j < j1; j++) sc[j] = f16 ? k3k_fp16_to_fp32(k3k_fp32_to_fp16(sc[j] * inv)) : sc[j] * inv;
                for (int d = 0; d < hd; d++) acc[(size_t) r * hd + d] = 0.0f;
            }
        for (int jb = lo; jb < hi; jb += EXACT_BK)
            for (int r = 0; r < rows; r++) {
                int j0, j1;
                visible(a, t0 + r / group, &j0, &j1);
                float *sc = scores + (size_t) r * stride - j0;
                if (j0 < jb) j0 = jb;
                if (j1 > jb + EXACT_BK) j1 = jb + EXACT_BK;
                for (int j = j0; j < j1; j++)
                    if (pass == 0) sc[j] = a->dot(qc + (size_t) r * hd, kbase + (size_t) j * kv_row, hd) * a->scale;
                    else a->axpy(acc + (size_t) r * hd, sc[j], vbase + (size_t) j * kv_row, hd);
            }
    }
    for (int r = 0; r < rows; r++)
        for (int d = 0; d < hd; d++)
            a->out[((size_t) (t0 + r / group) * a->n_heads + kvh * group + r % group) * hd + d] = acc[(size_t) r * hd + d];
}

/* A quantised cache as ggml-cpu's flash-attention path reads it (llama.cpp needs flash attention for a
 * quantised V): q quantised to Q8_0, s = scale * vec_dot(k, q), online softmax (running max M, sum S, the
 * accumulator rescaled by expf(Mold - M) when the max rises), dequantised V rows accumulated in f32. */
static void attend_one_quant(const attn_task *a, int t, int h, uint8_t *qq, float *vrow, float *acc) {
    const k3k_type_traits *tr = k3k_traits(a->kv_type);
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = h / group;
    const size_t head_bytes = k3k_row_bytes(a->kv_type, hd), kv_row = (size_t) a->n_kv_heads * head_bytes;
    const uint8_t *kbase = a->k + (size_t) kvh * head_bytes, *vbase = a->v + (size_t) kvh * head_bytes;
    float *out = a->out + ((size_t) t * a->n_heads + h) * hd;
    int j0, j1;
    visible(a, t, &j0, &j1);
    tr->from_float(a->q + ((size_t) t * a->n_heads + h) * hd, qq, hd);
    for (int d = 0; d < hd; d++) acc[d] = 0.0f;
    float m = -INFINITY, sum = 0.0f;
    for (int j = j0; j < j1; j++) {
        float s;
        tr->dot(hd, &s, kbase + (size_t) j * kv_row, qq);
        s *= a->scale;
        float ms = 1.0f, vs = 1.0f;
        if (s > m) {
            const float old = m;
            m = s;
            ms = expf(old - m);
            for (int d = 0; d < hd; d++) acc[d] *= ms;
        } else {
            vs = expf(s - m);
        }
        k3k_dequantize_row(a->kv_type, vbase + (size_t) j * kv_row, vrow, hd);
        for (int d = 0; d < hd; d++) acc[d] += vrow[d] * vs;
        sum = sum * ms + vs;
    }
    const float inv = sum == 0.0f ? 0.0f : 1.0f / sum;
    for (int d = 0; d < hd; d++) out[d] = acc[d] * inv;
}

/* Per-worker scratch for `rows` query rows: scores (n_keys floats per row; a dequantised V row for a
 * quantised cache, so at least head_dim), the converted queries (head_dim floats, or a quantised activation
 * row) and the accumulators (head_dim floats per row), every part starting on a 64-byte line so workers never
 * share one. */
static size_t floats_rounded(int n) { return ((size_t) n * sizeof(float) + 63) / 64 * 64; }
static size_t query_bytes(int kv_type, int head_dim) {
    const size_t f = floats_rounded(head_dim);
    if (kv_type == K3K_F32 || kv_type == K3K_F16) return f;
    const size_t act = (k3k_act_row_bytes(k3k_traits(kv_type), head_dim) + 63) / 64 * 64;
    return act > f ? act : f;
}
static size_t worker_scratch_bytes(int kv_type, int n_keys, int head_dim, int rows) {
    return (size_t) rows * (scores_floats(n_keys, head_dim) * sizeof(float) + query_bytes(kv_type, head_dim) +
                            floats_rounded(head_dim));
}

static void attn_worker(void *arg, int ith, int nth) {
    const attn_task *a = arg;
    const int units = a->tile_tokens ? (a->n_tokens + a->tile_tokens - 1) / a->tile_tokens * a->n_kv_heads
                                     : a->n_tokens * a->n_heads;
    const int u0 = (int) ((int64_t) units * ith / nth), u1 = (int) ((int64_t) units * (ith + 1) / nth);
    uint8_t *mine = a->scratch + (size_t) ith * worker_scratch_bytes(a->kv_type, a->n_keys, a->head_dim, a->rows);
    uint8_t *query = mine + (size_t) a->rows * scores_floats(a->n_keys, a->head_dim) * sizeof(float);
    float *scores = (float *) mine, *acc = (float *) (query + (size_t) a->rows * query_bytes(a->kv_type, a->head_dim));
    const int quant = a->kv_type != K3K_F32 && a->kv_type != K3K_F16;
    for (int u = u0; u < u1; u++) {
        if (a->tile_tokens) attend_tile(a, u, scores, (float *) query, acc);
        else if (quant) attend_one_quant(a, u / a->n_heads, u % a->n_heads, query, scores, acc);
        else attend_one(a, u / a->n_heads, u % a->n_heads, scores, (float *) query, acc);
    }
}

/* Tokens per attend_tile tile: up to EXACT_TQ, while the tile's scores fit EXACT_SCORES floats and the tiles
 * still keep every worker busy; 0 (one (token, head) per unit) for one token (decoding: the per-unit scores
 * stay in L1, measured 1.4x faster at 4096 keys) or where even one-token tiles would not fill the pool. */
#define EXACT_TQ 4
#define EXACT_SCORES (256 * 1024)
static int exact_tile_tokens(int n_tokens, int n_keys, int n_heads, int n_kv_heads, int nth) {
    const int group = n_heads / n_kv_heads;
    if (n_tokens < 2) return 0;
    int tq = EXACT_TQ < n_tokens ? EXACT_TQ : n_tokens;
    while (tq > 1 && ((size_t) tq * group * (size_t) n_keys > EXACT_SCORES ||
                      (n_tokens + tq - 1) / tq * n_kv_heads < nth)) tq--;
    return (n_tokens + tq - 1) / tq * n_kv_heads >= nth ? tq : 0;
}

/* The tiled kernel from K3K_FLASH_MIN_KEYS keys on (-1, auto); 0 keeps the exact path, 1 takes the tiled
 * one at any length. The environment's K3K_FLASH sets it first; k3k_set_flash changes it process-wide. */
static int flash_mode = -2;

void k3k_set_flash(int mode) { flash_mode = mode == -2 ? -2 : mode < 0 ? -1 : mode > 0 ? 1 : 0; }

static int use_flash(int n_keys) {
    if (flash_mode == -2) {
        const char *env = getenv("K3K_FLASH");
        flash_mode = env && env[0] == '0' ? 0 : env && env[0] == '1' ? 1 : -1;
    }
    return flash_mode == 1 || (flash_mode == -1 && n_keys >= K3K_FLASH_MIN_KEYS);
}

int k3k_attention(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                  int n_tokens, int pos0, int n_keys, int n_heads, int n_kv_heads, int head_dim,
                  float scale, int causal, int window) {
    const int quant = kv_type == K3K_Q8_0 || kv_type == K3K_Q4_0;
    if (use_flash(n_keys))
        return k3k_attention_flash(pool, q, k, v, kv_type, out, n_tokens, pos0, n_keys, n_heads, n_kv_heads, head_dim,
                                   scale, causal, window);
    if ((kv_type != K3K_F32 && kv_type != K3K_F16 && !quant) || n_heads <= 0 || n_kv_heads <= 0 ||
        n_heads % n_kv_heads != 0 || head_dim <= 0 || n_tokens < 0 || n_keys < 0 ||
        (quant && head_dim % k3k_block_size(kv_type) != 0)) return -1;
    attn_task a = {
        .q = q, .k = k, .v = v, .kv_f16 = kv_type == K3K_F16, .kv_type = kv_type, .out = out, .n_tokens = n_tokens,
        .pos0 = pos0, .n_keys = n_keys, .n_heads = n_heads, .n_kv_heads = n_kv_heads,
        .head_dim = head_dim, .causal = causal, .window = window, .scale = scale,
        .dot = k3k_traits(kv_type)->kv_dot, .axpy = k3k_traits(kv_type)->kv_axpy,
    };
    const int nth = k3k_pool_threads(pool);
    a.tile_tokens = quant ? 0 : exact_tile_tokens(n_tokens, n_keys, n_heads, n_kv_heads, nth);
    a.rows = a.tile_tokens ? a.tile_tokens * (n_heads / n_kv_heads) : 1;
    a.scratch = k3k_pool_scratch(pool, worker_scratch_bytes(kv_type, n_keys, head_dim, a.rows) * (size_t) nth);
    if (!a.scratch) return -1;
    k3k_pool_run(pool, attn_worker, &a);
    return 0;
}
