/* Tiled (flash-style, online-softmax) attention over an F32 or F16 cache. A tile is one KV head's query
 * heads (its GQA group) for up to FA_TQ tokens; the tile walks the visible keys in blocks of FA_BK rows, so
 * each K/V block comes from memory once per tile and serves every query of it; blocks outside the tile's
 * causal/sliding-window range are skipped. A long cache with few tiles (decoding one sequence) is split
 * into key chunks over the pool's workers (split-K): each writes its running max, sum and accumulator, and
 * a final pass merges them. The q.k and p*v loops are the dispatch table's per-ISA kv_dot/kv_axpy (AVX2,
 * NEON, RVV, generic). Unlike the exact path (k3k_attention.c) it keeps q and the probabilities in f32. */
#include <math.h>
#include <stdlib.h>
#include "k3k.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

#define FA_TQ 4           /* tokens per tile */
#define FA_BK 64          /* keys per block */
#define FA_MIN_CHUNK 256  /* fewest keys worth a split */

typedef struct {
    const float *q;
    const uint8_t *k, *v;
    size_t elem;
    float *out;
    int n_tokens, pos0, n_keys, n_heads, n_kv_heads, head_dim, causal, window, group;
    float scale;
    int n_tiles, n_chunks, chunk_keys;
    float *partials;   /* [token][head][chunk][2 + head_dim]: max, sum, accumulator */
    float *scores;     /* one block's scores (FA_BK floats) per worker */
    size_t scores_per_worker;
    k3k_kv_dot_fn dot;
    k3k_kv_axpy_fn axpy;
} fa_task;

static void visible_keys(const fa_task *a, int t, int *j0, int *j1) {
    const int pos = a->pos0 + t;
    *j0 = 0;
    *j1 = a->n_keys;
    if (a->causal) {
        *j1 = pos + 1 < a->n_keys ? pos + 1 : a->n_keys;
        if (a->window > 0 && pos - a->window + 1 > 0) *j0 = pos - a->window + 1;
    }
}

static float *partial(const fa_task *a, int t, int h, int chunk) {
    return a->partials + (((size_t) t * a->n_heads + h) * a->n_chunks + chunk) * (size_t) (2 + a->head_dim);
}

/* One (tile, key chunk): online softmax over the chunk's visible keys, block by block. */
static void fa_unit(const fa_task *a, int tile, int chunk, float *scores) {
    const int kvh = tile % a->n_kv_heads, t0 = tile / a->n_kv_heads * FA_TQ;
    const int t1 = t0 + FA_TQ < a->n_tokens ? t0 + FA_TQ : a->n_tokens, hd = a->head_dim;
    const size_t kv_row = (size_t) a->n_kv_heads * hd * a->elem;
    const uint8_t *kbase = a->k + (size_t) kvh * hd * a->elem, *vbase = a->v + (size_t) kvh * hd * a->elem;
    const int c0 = chunk * a->chunk_keys, c1 = c0 + a->chunk_keys < a->n_keys ? c0 + a->chunk_keys : a->n_keys;
    int lo = c1, hi = c0; /* keys any query of the tile sees inside the chunk */
    for (int t = t0; t < t1; t++) {
        int j0, j1;
        visible_keys(a, t, &j0, &j1);
        for (int h = kvh * a->group; h < (kvh + 1) * a->group; h++) {
            float *p = partial(a, t, h, chunk);
            p[0] = -INFINITY;
            p[1] = 0.0f;
            for (int d = 0; d < hd; d++) p[2 + d] = 0.0f;
        }
        if (j0 < c0) j0 = c0;
        if (j1 > c1) j1 = c1;
        if (j0 < j1 && j0 < lo) lo = j0;
        if (j0 < j1 && j1 > hi) hi = j1;
    }
    for (int jb = lo; jb < hi; jb += FA_BK) {
        const int je = jb + FA_BK < hi ? jb + FA_BK : hi;
        for (int t = t0; t < t1; t++) {
            int j0, j1;
            visible_keys(a, t, &j0, &j1);
            if (j0 < jb) j0 = jb;
            if (j1 > je) j1 = je;
            if (j0 >= j1) continue; /* the block is outside this token's window or future */
            for (int h = kvh * a->group; h < (kvh + 1) * a->group; h++) {
                const float *q = a->q + ((size_t) t * a->n_heads + h) * hd;
                float *p = partial(a, t, h, chunk), *acc = p + 2, bmax = -INFINITY;
                for (int j = j0; j < j1; j++) {
                    const float s = a->dot(q, kbase + (size_t) j * kv_row, hd) * a->scale;
                    scores[j - j0] = s;
                    if (s > bmax) bmax = s;
                }
                if (bmax > p[0]) {
                    const float r = expf(p[0] - bmax); /* 0 while nothing was seen (max -inf) */
                    for (int d = 0; d < hd; d++) acc[d] *= r;
                    p[1] *= r;
                    p[0] = bmax;
                }
                for (int j = j0; j < j1; j++) {
                    const float e = expf(scores[j - j0] - p[0]);
                    p[1] += e;
                    a->axpy(acc, e, vbase + (size_t) j * kv_row, hd);
                }
            }
        }
    }
}

static void fa_worker(void *arg, int ith, int nth) {
    const fa_task *a = arg;
    const int units = a->n_tiles * a->n_chunks;
    const int u0 = (int) ((int64_t) units * ith / nth), u1 = (int) ((int64_t) units * (ith + 1) / nth);
    float *scores = a->scores + (size_t) ith * a->scores_per_worker;
    for (int u = u0; u < u1; u++) fa_unit(a, u / a->n_chunks, u % a->n_chunks, scores);
}

/* The split-K reduction: out = sum_c e^(m_c - M) acc_c / sum_c e^(m_c - M) S_c. */
static void fa_reduce(const fa_task *a) {
    const int hd = a->head_dim;
    for (int t = 0; t < a->n_tokens; t++)
        for (int h = 0; h < a->n_heads; h++) {
            float m = -INFINITY, s = 0.0f;
            float *out = a->out + ((size_t) t * a->n_heads + h) * hd;
            for (int c = 0; c < a->n_chunks; c++)
                if (partial(a, t, h, c)[0] > m) m = partial(a, t, h, c)[0];
            for (int d = 0; d < hd; d++) out[d] = 0.0f;
            for (int c = 0; c < a->n_chunks && m > -INFINITY; c++) {
                const float *p = partial(a, t, h, c);
                if (p[0] == -INFINITY) continue;
                const float w = expf(p[0] - m);
                s += w * p[1];
                for (int d = 0; d < hd; d++) out[d] += w * p[2 + d];
            }
            const float inv = s > 0.0f ? 1.0f / s : 0.0f;
            for (int d = 0; d < hd; d++) out[d] *= inv;
        }
}

int k3k_attention_flash(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                        int n_tokens, int pos0, int n_keys, int n_heads, int n_kv_heads, int head_dim,
                        float scale, int causal, int window) {
    if ((kv_type != K3K_F32 && kv_type != K3K_F16) || n_heads <= 0 || n_kv_heads <= 0 ||
        n_heads % n_kv_heads != 0 || head_dim <= 0 || n_tokens < 0 || n_keys < 0) return -1;
    const int nth = k3k_pool_threads(pool);
    fa_task a = {
        .q = q, .k = k, .v = v, .elem = kv_type == K3K_F16 ? sizeof(k3k_half) : sizeof(float), .out = out,
        .n_tokens = n_tokens, .pos0 = pos0, .n_keys = n_keys, .n_heads = n_heads, .n_kv_heads = n_kv_heads,
        .head_dim = head_dim, .causal = causal, .window = window, .group = n_heads / n_kv_heads, .scale = scale,
        .dot = k3k_traits(kv_type)->kv_dot, .axpy = k3k_traits(kv_type)->kv_axpy,
    };
    a.n_tiles = (n_tokens + FA_TQ - 1) / FA_TQ * n_kv_heads;
    /* split the keys only when the tiles cannot keep every worker busy */
    int chunks = a.n_tiles >= nth || a.n_tiles == 0 ? 1 : (nth + a.n_tiles - 1) / a.n_tiles;
    if (chunks > n_keys / FA_MIN_CHUNK) chunks = n_keys / FA_MIN_CHUNK;
    a.n_chunks = chunks < 1 ? 1 : chunks;
    a.chunk_keys = (n_keys + a.n_chunks - 1) / a.n_chunks;
    if (a.chunk_keys < 1) a.chunk_keys = 1;
    const size_t partial_floats = (size_t) n_tokens * n_heads * a.n_chunks * (2 + (size_t) head_dim);
    a.scores_per_worker = ((size_t) FA_BK * sizeof(float) + 63) / 64 * 64 / sizeof(float);
    float *scratch = k3k_pool_scratch(pool, (partial_floats + a.scores_per_worker * (size_t) nth) * sizeof(float) + 64);
    if (!scratch) return -1;
    a.partials = scratch;
    a.scores = scratch + (partial_floats + 15) / 16 * 16;
    if (n_tokens == 0) return 0;
    k3k_pool_run(pool, fa_worker, &a);
    fa_reduce(&a);
    return 0;
}
