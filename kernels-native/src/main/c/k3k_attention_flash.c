/* Tiled (flash-style, online-softmax) attention over an F32, F16, Q8_0 or Q4_0 cache. A tile is one KV head's query
 * heads (its GQA group) for up to FA_TQ tokens (about FA_ROWS query rows); the tile walks the visible keys in
 * blocks of FA_BK rows, so each K/V block comes from memory once per tile and serves every query of it; blocks
 * outside the tile's causal/sliding-window range are skipped. A long cache with few tiles (decoding one sequence) is split
 * into key chunks over the pool's workers (split-K): each writes its running max, sum and accumulator, and
 * a final pass merges them. The scores, exponentials and p*v run as micro-kernels over the whole block for all of the
 * tile's rows (k3k_fa_micro.h: plain C that each ISA vectorises, and hand-written AVX2 tiles, the same bits on every
 * path), each K and V row read from the cache as it is (F32, or F16 converted in registers where the ISA can) or
 * widened once per tile. Unlike the exact path (k3k_attention.c) it keeps q and the
 * probabilities in f32.
 * A quantised cache (Q8_0, Q4_0) reads the values ggml's flash path reads, each query rounded through Q8_0 (its
 * vec_dot type) and K and V dequantised, but multiplies them as floats with the float path's micro-kernels, each
 * K and V block dequantised once per tile: f32 rounding away from ggml's integer sums per block. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

K3K_FA_MICRO(, generic, 2)

#define FA_ROWS 32        /* query rows per tile: 4 tokens of a GQA group of 8, 16 of a group of 2 */
#define FA_TQ 16          /* at most this many tokens per tile */
#define FA_BK K3K_FA_BK   /* keys per block */
#define FA_MIN_CHUNK 256  /* fewest keys worth a split */
#define FA_UNITS_PER_WORKER 4 /* a long cache with few tiles is split until each worker has about this many units */

typedef struct {
    const float *q;
    const uint8_t *k, *v;
    size_t head_bytes; /* one KV head's row */
    size_t row_stride, head_stride; /* k3k_kv_strides: position j of KV head h at h * head_stride + j * row_stride */
    int quant;         /* Q8_0/Q4_0: quantised queries, V dequantised per block */
    size_t act_bytes;  /* a query row quantised to Q8_0 (quantised caches) */
    float *out;
    int n_tokens, pos0, n_keys, n_heads, n_kv_heads, head_dim, causal, window, group;
    int kv_type;
    float scale;
    int tq, n_tiles, n_chunks, chunk_keys; /* tq: tokens per tile */
    float *partials;   /* [token][head][chunk][2 + head_dim]: max, sum, accumulator */
    float *scores;     /* per worker: fa_unit's rows, blocks and (quantised caches) quantised queries */
    size_t scores_per_worker;
    _Atomic int next_unit; /* units are taken first come first served: a worker slowed down takes fewer */
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

/* Keys [j0, j1) of block [jb, je) token t sees; 0 when none (the block is outside its window or future). */
static int visible_in_block(const fa_task *a, int t, int jb, int je, int *j0, int *j1) {
    visible_keys(a, t, j0, j1);
    if (*j0 < jb) *j0 = jb;
    if (*j1 > je) *j1 = je;
    return *j0 < *j1;
}

static float *partial(const fa_task *a, int t, int h, int chunk) {
    return a->partials + (((size_t) t * a->n_heads + h) * a->n_chunks + chunk) * (size_t) (2 + a->head_dim);
}

/* Bytes of one quantised query row (0 for F32/F16 caches). */
static size_t quant_bytes(const fa_task *a) { return a->quant ? a->act_bytes : 0; }

/* A tile's partials zeroed; returns the keys [lo, hi) any query of the tile sees inside the chunk [c0, c1). */
static void start_unit(const fa_task *a, int t0, int t1, int kvh, int chunk, int c0, int c1, int *lo, int *hi) {
    *lo = c1;
    *hi = c0;
    for (int t = t0; t < t1; t++) {
        int j0, j1;
        visible_keys(a, t, &j0, &j1);
        for (int h = kvh * a->group; h < (kvh + 1) * a->group; h++) {
            float *p = partial(a, t, h, chunk);
            p[0] = -INFINITY;
            p[1] = 0.0f;
            for (int d = 0; d < a->head_dim; d++) p[2 + d] = 0.0f;
        }
        if (j0 < c0) j0 = c0;
        if (j1 > c1) j1 = c1;
        if (j0 < j1 && j0 < *lo) *lo = j0;
        if (j0 < j1 && j1 > *hi) *hi = j1;
    }
}

/* A row's running maximum raised to bmax: its accumulator and sum rescaled by e^(old - new). */
static void raise_max(float *max, float *sum, float *acc, float bmax, int hd) {
    if (bmax <= *max) return;
    const float r = expf(*max - bmax); /* 0 while nothing was seen (max -inf) */
    for (int d = 0; d < hd; d++) acc[d] *= r;
    *sum *= r;
    *max = bmax;
}

/* The tokens of [t0, t1) that see a key of [jb, je): tokens are in position order, so they are a range. */
static void tokens_seeing(const fa_task *a, int t0, int t1, int jb, int je, int *f0, int *f1) {
    int j0, j1;
    *f0 = t0;
    while (*f0 < t1 && !visible_in_block(a, *f0, jb, je, &j0, &j1)) (*f0)++;
    *f1 = *f0;
    while (*f1 < t1 && visible_in_block(a, *f1, jb, je, &j0, &j1)) (*f1)++;
}

/* One (tile, key chunk). The tile's rows (r = (t - t0) * group + head in group) keep their queries, running max and
 * sum and accumulators side by side (a quantised cache's queries rounded through Q8_0 first), so per block K and V
 * are read (or widened or dequantised into kt and vb) once for all of them, then one scores call takes every row
 * that sees the block and one p*v call each run of rows with the same visible keys (the micro-kernels' row blocks
 * share each loaded vector): a row's bits are those of a walk over its own keys. */
static void fa_unit(const fa_task *a, int tile, int chunk, float *work) {
    const int kvh = tile % a->n_kv_heads, t0 = tile / a->n_kv_heads * a->tq, group = a->group;
    const int t1 = t0 + a->tq < a->n_tokens ? t0 + a->tq : a->n_tokens, hd = a->head_dim, rows = (t1 - t0) * group;
    const size_t kv_row = a->row_stride;
    const uint8_t *kbase = a->k + (size_t) kvh * a->head_stride, *vbase = a->v + (size_t) kvh * a->head_stride;
    const k3k_type_traits *f32 = k3k_traits(K3K_F32);
    const size_t max_rows = (size_t) a->tq * group;
    float *scores = work, *kt = scores + max_rows * FA_BK, *vb = kt + (size_t) hd * FA_BK;
    float *qc = vb + (size_t) FA_BK * hd, *acc = qc + max_rows * hd, *m = acc + max_rows * hd, *l = m + max_rows;
    uint8_t *qq = (uint8_t *) (l + max_rows); /* one query row quantised (quantised caches) */
    const int c0 = chunk * a->chunk_keys, c1 = c0 + a->chunk_keys < a->n_keys ? c0 + a->chunk_keys : a->n_keys;
    int lo, hi;
    start_unit(a, t0, t1, kvh, chunk, c0, c1, &lo, &hi);
    for (int t = t0; t < t1; t++)
        memcpy(qc + (size_t) (t - t0) * group * hd, a->q + ((size_t) t * a->n_heads + (size_t) kvh * group) * hd,
               sizeof(float) * (size_t) group * hd);
    for (int r = 0; r < rows && a->quant; r++) { /* the values ggml's dot reads: q through its Q8_0 rounding */
        k3k_traits(K3K_Q8_0)->from_float(qc + (size_t) r * hd, qq, hd);
        k3k_dequantize_row(K3K_Q8_0, qq, qc + (size_t) r * hd, hd);
    }
    for (int r = 0; r < rows; r++) {
        m[r] = -INFINITY;
        l[r] = 0.0f;
    }
    memset(acc, 0, sizeof(float) * (size_t) rows * hd);
    for (int jb = lo; jb < hi; jb += FA_BK) {
        const int je = jb + FA_BK < hi ? jb + FA_BK : hi;
        int f0, f1;
        tokens_seeing(a, t0, t1, jb, je, &f0, &f1);
        if (f0 == f1) continue;
        /* the block's scores (k3k_attention_blocks.c: it requests the next block's K and V rows as it goes, measured
         * 2x faster at 16K keys than none), then its V rows made ready */
        const int r0 = (f0 - t0) * group, r1 = (f1 - t0) * group;
        k3k_fa_block_scores(a->kv_type, kbase, vbase, kv_row, jb, je, hi, qc, r0, r1, hd, a->scale, kt,
                            scores + (size_t) r0 * FA_BK, FA_BK);
        k3k_fa_block_values(a->kv_type, vbase, kv_row, jb, je, hd, vb, 0);
        for (int r = r0; r < r1; r++) {
            int j0, j1;
            visible_in_block(a, t0 + r / group, jb, je, &j0, &j1);
            float *sc = scores + (size_t) r * FA_BK;
            raise_max(&m[r], &l[r], acc + (size_t) r * hd, k3k_fa_max(sc + (j0 - jb), j1 - j0), hd);
            f32->fa_exp(sc + (j0 - jb), j1 - j0, m[r]);
            for (int j = 0; j < j0 - jb; j++) sc[j] = 0.0f;
            for (int j = j1 - jb; j < je - jb; j++) sc[j] = 0.0f;
        }
        /* each row's sum in key order (the zeros add nothing), the rows interleaved so their adds overlap */
        for (int j = 0; j < je - jb; j++)
            for (int r = r0; r < r1; r++) l[r] += scores[(size_t) r * FA_BK + j];
        /* p*v over each run of rows with the same keys in the block (every row when the block is wholly visible):
         * a row never reads V rows outside its range, which may hold anything (inf in an F16 cache) */
        for (int r = r0, run_end; r < r1; r = run_end) {
            int j0, j1, k0, k1;
            visible_in_block(a, t0 + r / group, jb, je, &j0, &j1);
            for (run_end = r + group; run_end < r1; run_end += group) {
                visible_in_block(a, t0 + run_end / group, jb, je, &k0, &k1);
                if (k0 != j0 || k1 != j1) break;
            }
            k3k_fa_run_pv(a->kv_type, vbase, kv_row, jb, j0, j1, vb, acc + (size_t) r * hd, (size_t) hd,
                          scores + (size_t) r * FA_BK + (j0 - jb), FA_BK, run_end - r, hd);
        }
    }
    for (int r = 0; r < rows; r++) {
        float *p = partial(a, t0 + r / group, kvh * group + r % group, chunk);
        p[0] = m[r];
        p[1] = l[r];
        memcpy(p + 2, acc + (size_t) r * hd, sizeof(float) * (size_t) hd);
    }
}

static void fa_worker(void *arg, int ith, int nth) {
    (void) nth;
    fa_task *a = arg;
    const int units = a->n_tiles * a->n_chunks;
    float *scores = a->scores + (size_t) ith * a->scores_per_worker;
    for (int u; (u = atomic_fetch_add_explicit(&a->next_unit, 1, memory_order_relaxed)) < units;)
        fa_unit(a, u / a->n_chunks, u % a->n_chunks, scores);
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
                        int n_tokens, int pos0, int n_keys, int head_rows, int n_heads, int n_kv_heads, int head_dim,
                        float scale, int causal, int window) {
    const int quant = kv_type == K3K_Q8_0 || kv_type == K3K_Q4_0;
    if ((kv_type != K3K_F32 && kv_type != K3K_F16 && !quant) || n_heads <= 0 || n_kv_heads <= 0 ||
        n_heads % n_kv_heads != 0 || head_dim <= 0 || n_tokens < 0 || n_keys < 0 ||
        (quant && head_dim % k3k_block_size(kv_type) != 0) || head_rows < 0 || (head_rows > 0 && head_rows < n_keys))
        return -1;
    const int nth = k3k_pool_threads(pool);
    fa_task a = {
        .q = q, .k = k, .v = v, .kv_type = kv_type, .quant = quant,
        .head_bytes = k3k_row_bytes(kv_type, head_dim),
        .act_bytes = quant ? k3k_act_row_bytes(k3k_traits(K3K_Q8_0), head_dim) : 0, .out = out,
        .n_tokens = n_tokens, .pos0 = pos0, .n_keys = n_keys, .n_heads = n_heads, .n_kv_heads = n_kv_heads,
        .head_dim = head_dim, .causal = causal, .window = window, .group = n_heads / n_kv_heads, .scale = scale,
    };
    k3k_kv_strides(head_rows, n_kv_heads, a.head_bytes, &a.row_stride, &a.head_stride);
    a.tq = FA_ROWS / a.group < 1 ? 1 : FA_ROWS / a.group > FA_TQ ? FA_TQ : FA_ROWS / a.group;
    a.n_tiles = (n_tokens + a.tq - 1) / a.tq * n_kv_heads;
    /* split the keys only when the tiles are too few to even out between the workers (decoding a long cache: one
     * tile per KV head), into chunks the workers take in turn, so that one preempted or late worker does not leave
     * the others waiting at the end */
    const int want_units = FA_UNITS_PER_WORKER * nth;
    int chunks = a.n_tiles >= want_units || a.n_tiles == 0 ? 1 : (want_units + a.n_tiles - 1) / a.n_tiles;
    if (chunks > n_keys / FA_MIN_CHUNK) chunks = n_keys / FA_MIN_CHUNK;
    a.n_chunks = chunks < 1 ? 1 : chunks;
    a.chunk_keys = (n_keys + a.n_chunks - 1) / a.n_chunks;
    if (a.chunk_keys < 1) a.chunk_keys = 1;
    const size_t partial_floats = (size_t) n_tokens * n_heads * a.n_chunks * (2 + (size_t) head_dim);
    /* the tile's rows' scores for a block, its K, its V, then per row its query, accumulator, max and sum, and (a
     * quantised cache) one quantised query row */
    const size_t max_rows = (size_t) a.tq * a.group;
    a.scores_per_worker = ((max_rows * (FA_BK + 2 * (size_t) head_dim + 2) + 2 * (size_t) FA_BK * head_dim) *
                               sizeof(float) + quant_bytes(&a) + 63) / 64 * 64 / sizeof(float);
    float *scratch = k3k_pool_scratch(pool, (partial_floats + a.scores_per_worker * (size_t) nth) * sizeof(float) + 64);
    if (!scratch) return -1;
    a.partials = scratch;
    a.scores = scratch + (partial_floats + 15) / 16 * 16;
    if (n_tokens == 0) return 0;
    atomic_store(&a.next_unit, 0);
    k3k_pool_run(pool, fa_worker, &a);
    fa_reduce(&a);
    return 0;
}
