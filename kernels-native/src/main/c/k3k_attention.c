/* Scaled dot-product attention over an F32, F16, Q8_0 or Q4_0 key/value store, spread over the pool: F32/F16
 * caches in units of query rows (a KV head's GQA group for a few tokens, or one (token, head) pair) walking the
 * keys in blocks widened to f32 once per unit, the scores and p*v by the tiled kernel's micro-kernels
 * (k3k_fa_micro.h, the same bits on every ISA; the block steps in k3k_attention_blocks.c); quantised rows use the
 * type's vec_dot against the query quantised to Q8_0 (per ISA). */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

/* One sequence of a call: its queries, its cache region and its positions. Units (tiles, or (token, head)
 * pairs) are numbered across all the call's sequences, from unit0 on. */
typedef struct {
    const float *q;
    const uint8_t *k, *v;
    float *out;
    int n_tokens, pos0, n_keys;
    size_t row_stride, head_stride; /* k3k_kv_strides */
    int tile_tokens; /* F32/F16 in tiles (attend_tile): tokens per tile; 0: one (token, head) per unit */
    int unit0, units;
} attn_seq;

typedef struct {
    const attn_seq *seqs;
    int n_seqs, units;
    int kv_f16;
    int kv_type;
    int n_heads, n_kv_heads, head_dim, causal, window, max_keys;
    float scale;
    int rows;         /* query rows a worker's scratch holds: the largest tile's tokens x the GQA group, or 1 */
    uint8_t *scratch; /* worker_scratch_bytes() per worker */
    const k3k_type_traits *tr;
    const k3k_type_traits *micro; /* F32's row: the micro-kernels */
} attn_task;

/* Keys [j0, j1) token t of sequence s sees. */
static void visible(const attn_task *a, const attn_seq *s, int t, int *j0, int *j1) {
    const int pos = s->pos0 + t;
    *j0 = 0;
    *j1 = s->n_keys;
    if (a->causal) {
        *j1 = pos + 1 < s->n_keys ? pos + 1 : s->n_keys;
        if (a->window > 0 && pos - a->window + 1 > 0) *j0 = pos - a->window + 1;
    }
}

static size_t scores_floats(int n_keys, int head_dim) {
    return ((size_t) (n_keys > head_dim ? n_keys : head_dim) * sizeof(float) + 63) / 64 * 64 / sizeof(float);
}

/* The queries (or probabilities) as the cache type holds them: rounded through F16 for an F16 cache. */
static void round_to_cache(const attn_task *a, float *x, int n) {
    if (a->kv_f16 && n > 0) a->tr->kv_round(x, n);
}

/* The softmax of one row's scores sc[j0..j1), in place, times 1/sum and rounded to the cache type. */
static void softmax_row(const attn_task *a, float *sc, int j0, int j1) {
    if (j1 > j0) a->micro->fa_exp(sc + j0, j1 - j0, k3k_fa_max(sc + j0, j1 - j0));
    /* the sum in double over eight interleaved partial sums (vectorised; one running sum was bound by the add's
     * latency), combined pairwise */
    double part[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    int j = j0;
    for (; j + 8 <= j1; j += 8)
        for (int i = 0; i < 8; i++) part[i] += sc[j + i];
    for (; j < j1; j++) part[j % 8] += sc[j];
    const double sum = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
    const float inv = j1 > j0 ? (float) (1.0 / sum) : 0.0f;
    for (int j = j0; j < j1; j++) sc[j] *= inv;
    round_to_cache(a, sc + j0, j1 - j0);
}

/* Keys [j0, j1) of block [jb, je) token t sees; 0 when none. */
static int visible_in_block(const attn_task *a, const attn_seq *s, int t, int jb, int je, int *j0, int *j1) {
    visible(a, s, t, j0, j1);
    if (*j0 < jb) *j0 = jb;
    if (*j1 > je) *j1 = je;
    return *j0 < *j1;
}

/* Follows llama.cpp's CPU attention: q converted to the cache type, softmax with the maximum subtracted,
 * probabilities converted to the cache type, values accumulated in f32. One unit: tokens [t0, t1) of sequence
 * s, query heads [h0, h1) of KV head kvh; its rows r = (t - t0) * (h1 - h0) + h - h0. Every row's scores over
 * the unit's keys [lo, hi) are kept (row r's key j at scores[r * stride + j - lo]); each key block of EXACT_BK
 * rows is read (or widened) and prefetched once for all the unit's rows, and one scores call per block
 * takes every row, one p*v call each run of rows with the same keys in the block (the micro-kernels' row blocks
 * share each loaded vector). A row's arithmetic does not depend on the unit around it (each score is its own sum
 * over d, each accumulator adds its keys in order): a GQA group's tile and its heads one by one give the same
 * bits. */
#define EXACT_BK K3K_FA_BK
static void attend_rows(const attn_task *a, const attn_seq *s, int t0, int t1, int kvh, int h0, int h1, float *scores,
                        float *qc, float *acc, float *kt) {
    const int hd = a->head_dim, nh = h1 - h0, rows = (t1 - t0) * nh;
    const size_t kv_row = s->row_stride, stride = scores_floats(a->max_keys, hd);
    const uint8_t *kbase = s->k + (size_t) kvh * s->head_stride, *vbase = s->v + (size_t) kvh * s->head_stride;
    float *vb = kt + (size_t) hd * EXACT_BK, *blk = vb + (size_t) EXACT_BK * hd; /* blk: rows x EXACT_BK scores */
    int lo = s->n_keys, hi = 0;
    for (int t = t0; t < t1; t++) {
        int j0, j1;
        visible(a, s, t, &j0, &j1);
        if (j0 < j1 && j0 < lo) lo = j0;
        if (j0 < j1 && j1 > hi) hi = j1;
        memcpy(qc + (size_t) (t - t0) * nh * hd, s->q + ((size_t) t * a->n_heads + h0) * hd, sizeof(float) * (size_t) nh * hd);
    }
    round_to_cache(a, qc, rows * hd);
    for (int jb = lo; jb < hi; jb += EXACT_BK) { /* the scores, a K block at a time */
        const int je = jb + EXACT_BK < hi ? jb + EXACT_BK : hi;
        int f0 = t0, f1, j0, j1;
        while (f0 < t1 && !visible_in_block(a, s, f0, jb, je, &j0, &j1)) f0++;
        for (f1 = f0; f1 < t1 && visible_in_block(a, s, f1, jb, je, &j0, &j1);) f1++;
        if (f0 == f1) continue; /* tokens in position order: those seeing the block are a range */
        const int r0 = (f0 - t0) * nh, r1 = (f1 - t0) * nh;
        k3k_fa_block_scores(a->kv_f16 ? K3K_F16 : K3K_F32, kbase, NULL, kv_row, jb, je, hi, qc, r0, r1, hd,
                            a->scale, kt, blk, EXACT_BK);
        for (int r = r0; r < r1; r++) {
            visible_in_block(a, s, t0 + r / nh, jb, je, &j0, &j1);
            memcpy(scores + (size_t) r * stride + (j0 - lo), blk + (size_t) (r - r0) * EXACT_BK + (j0 - jb),
                   sizeof(float) * (size_t) (j1 - j0));
        }
    }
    for (int r = 0; r < rows; r++) { /* each row's softmax over all its keys */
        int j0, j1;
        visible(a, s, t0 + r / nh, &j0, &j1);
        float *row = scores + (size_t) r * stride; /* key j at row[j - lo] */
        if (j0 < j1) softmax_row(a, row + (j0 - lo), 0, j1 - j0);
    }
    memset(acc, 0, sizeof(float) * (size_t) rows * hd);
    for (int jb = lo; jb < hi; jb += EXACT_BK) { /* the probabilities times V, a V block at a time */
        const int je = jb + EXACT_BK < hi ? jb + EXACT_BK : hi;
        k3k_fa_block_values(a->kv_f16 ? K3K_F16 : K3K_F32, vbase, kv_row, jb, je, hd, vb, 1);
        /* each run of rows with the same keys in the block (every row when it is wholly visible) in one call; a
         * row never reads V rows outside its range, which may hold anything (inf in an F16 cache) */
        for (int r = 0, run_end; r < rows; r = run_end) {
            int j0, j1, k0, k1;
            const int seen = visible_in_block(a, s, t0 + r / nh, jb, je, &j0, &j1);
            for (run_end = r + nh; run_end < rows; run_end += nh) {
                const int other = visible_in_block(a, s, t0 + run_end / nh, jb, je, &k0, &k1);
                if (other != seen || (seen && (k0 != j0 || k1 != j1))) break;
            }
            if (seen)
                k3k_fa_run_pv(a->kv_f16 ? K3K_F16 : K3K_F32, vbase, kv_row, jb, j0, j1, vb, acc + (size_t) r * hd, (size_t) hd,
                              scores + (size_t) r * stride + (j0 - lo), stride, run_end - r, hd);
        }
    }
    for (int r = 0; r < rows; r++)
        memcpy(s->out + ((size_t) (t0 + r / nh) * a->n_heads + h0 + r % nh) * hd, acc + (size_t) r * hd,
               sizeof(float) * (size_t) hd);
}

/* A quantised cache as ggml-cpu's flash-attention path reads it (llama.cpp needs flash attention for a
 * quantised V): q quantised to Q8_0, s = scale * vec_dot(k, q), online softmax (running max M, sum S, the
 * accumulator rescaled by expf(Mold - M) when the max rises), dequantised V rows accumulated in f32. */
static void attend_one_quant(const attn_task *a, const attn_seq *sq, int t, int h, uint8_t *qq, float *vrow, float *acc) {
    const k3k_type_traits *tr = a->tr;
    const int hd = a->head_dim, group = a->n_heads / a->n_kv_heads, kvh = h / group;
    const size_t head_bytes = k3k_row_bytes(a->kv_type, hd), kv_row = sq->row_stride;
    const uint8_t *kbase = sq->k + (size_t) kvh * sq->head_stride, *vbase = sq->v + (size_t) kvh * sq->head_stride;
    float *out = sq->out + ((size_t) t * a->n_heads + h) * hd;
    int j0, j1;
    visible(a, sq, t, &j0, &j1);
    tr->from_float(sq->q + ((size_t) t * a->n_heads + h) * hd, qq, hd);
    for (int d = 0; d < hd; d++) acc[d] = 0.0f;
    float m = -INFINITY, sum = 0.0f;
    for (int j = j0; j < j1; j++) {
        float s;
        k3k_prefetch_bytes(kbase + (size_t) (j + K3K_KV_AHEAD) * kv_row, head_bytes);
        k3k_prefetch_bytes(vbase + (size_t) (j + K3K_KV_AHEAD) * kv_row, head_bytes);
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
 * row) and the accumulators (head_dim floats per row), then for F32/F16 a widened K block, V block and one block's
 * scores for a token's rows (at most `rows`); every part starting on a 64-byte line so workers never share one. */
static size_t floats_rounded(size_t n) { return (n * sizeof(float) + 63) / 64 * 64; }
static size_t query_bytes(int kv_type, int head_dim) {
    const size_t f = floats_rounded((size_t) head_dim);
    if (kv_type == K3K_F32 || kv_type == K3K_F16) return f;
    const size_t act = (k3k_act_row_bytes(k3k_traits(kv_type), head_dim) + 63) / 64 * 64;
    return act > f ? act : f;
}
static size_t worker_scratch_bytes(int kv_type, int n_keys, int head_dim, int rows) {
    const size_t blocks = kv_type == K3K_F32 || kv_type == K3K_F16
                              ? floats_rounded(2 * (size_t) head_dim * EXACT_BK + (size_t) rows * EXACT_BK) : 0;
    return (size_t) rows * (scores_floats(n_keys, head_dim) * sizeof(float) + query_bytes(kv_type, head_dim) +
                            floats_rounded((size_t) head_dim)) + blocks;
}

static void attn_worker(void *arg, int ith, int nth) {
    const attn_task *a = arg;
    const int u0 = (int) ((int64_t) a->units * ith / nth), u1 = (int) ((int64_t) a->units * (ith + 1) / nth);
    const int group = a->n_heads / a->n_kv_heads;
    uint8_t *mine = a->scratch + (size_t) ith * worker_scratch_bytes(a->kv_type, a->max_keys, a->head_dim, a->rows);
    uint8_t *query = mine + (size_t) a->rows * scores_floats(a->max_keys, a->head_dim) * sizeof(float);
    float *scores = (float *) mine, *acc = (float *) (query + (size_t) a->rows * query_bytes(a->kv_type, a->head_dim));
    float *kt = acc + (size_t) a->rows * floats_rounded((size_t) a->head_dim) / sizeof(float);
    const int quant = a->kv_type != K3K_F32 && a->kv_type != K3K_F16;
    const attn_seq *s = a->seqs;
    for (int u = u0; u < u1; u++) {
        while (u >= s->unit0 + s->units) s++;
        const int i = u - s->unit0;
        if (s->tile_tokens) {
            const int kvh = i % a->n_kv_heads, t0 = i / a->n_kv_heads * s->tile_tokens;
            const int t1 = t0 + s->tile_tokens < s->n_tokens ? t0 + s->tile_tokens : s->n_tokens;
            attend_rows(a, s, t0, t1, kvh, kvh * group, (kvh + 1) * group, scores, (float *) query, acc, kt);
        } else if (quant) {
            attend_one_quant(a, s, i / a->n_heads, i % a->n_heads, query, scores, acc);
        } else {
            const int h = i % a->n_heads;
            attend_rows(a, s, i / a->n_heads, i / a->n_heads + 1, h / group, h, h + 1, scores, (float *) query, acc, kt);
        }
    }
}

/* Tokens per tile: about EXACT_ROWS query rows (a GQA group of 8 takes 4 tokens, of 2 takes 16, at most
 * EXACT_TQ), while the tile's scores fit EXACT_SCORES floats; a decode step's one token makes one-token tiles
 * (its GQA group shares each widened block). More rows per tile amortise each block's widening: 16-token tiles
 * made a 512-token prefill over 4608 keys with Qwen3-0.6B's heads (groups of 2) 1.33x faster than 4-token ones. */
#define EXACT_ROWS 32
#define EXACT_TQ 16
#define EXACT_SCORES (1024 * 1024)
static int exact_tile_tokens(int n_tokens, int n_keys, int group) {
    int tq = EXACT_ROWS / group < 1 ? 1 : EXACT_ROWS / group > EXACT_TQ ? EXACT_TQ : EXACT_ROWS / group;
    if (tq > n_tokens) tq = n_tokens;
    while (tq > 1 && (size_t) tq * group * (size_t) n_keys > EXACT_SCORES) tq--;
    return tq;
}

/* Every sequence's units: tiles where quantised caches do not forbid them, shrunk while the tiles would
 * leave workers idle, and (token, head) pairs for the whole call where even one-token tiles cannot fill the
 * pool. Returns the rows a worker's scratch must hold. */
static int plan_units(attn_seq *seqs, int n_seqs, int quant, int group, int n_heads, int n_kv_heads, int nth, int *units) {
    for (int i = 0; i < n_seqs; i++)
        seqs[i].tile_tokens = quant || seqs[i].n_tokens == 0 ? 0 : exact_tile_tokens(seqs[i].n_tokens, seqs[i].n_keys, group);
    for (;;) {
        int tiles = 0, widest = -1;
        for (int i = 0; i < n_seqs; i++) {
            const attn_seq *s = &seqs[i];
            if (s->tile_tokens) tiles += (s->n_tokens + s->tile_tokens - 1) / s->tile_tokens * n_kv_heads;
            if (s->tile_tokens > 1 && (widest < 0 || s->tile_tokens > seqs[widest].tile_tokens)) widest = i;
        }
        if (tiles >= nth || quant) break;
        if (widest < 0) {
            for (int i = 0; i < n_seqs; i++) seqs[i].tile_tokens = 0;
            break;
        }
        seqs[widest].tile_tokens--;
    }
    int total = 0, rows = 1;
    for (int i = 0; i < n_seqs; i++) {
        attn_seq *s = &seqs[i];
        s->unit0 = total;
        s->units = s->tile_tokens ? (s->n_tokens + s->tile_tokens - 1) / s->tile_tokens * n_kv_heads : s->n_tokens * n_heads;
        total += s->units;
        if (s->tile_tokens * group > rows) rows = s->tile_tokens * group;
    }
    *units = total;
    return rows;
}

/* The tiled kernel from K3K_FLASH_MIN_KEYS keys on (-1, auto); 0 keeps the exact path, 1 takes the tiled
 * one at any length. A pool's own setting (k3k_pool_set_flash) comes first, then the process-wide one
 * (k3k_set_flash), then the environment's K3K_FLASH. Each is read once per call, so one call's sequences all take
 * the path it started with. */
static _Atomic int flash_mode = -2;
static int env_flash_mode; /* K3K_FLASH, read once (every layer of every step asks) */
static pthread_once_t env_flash_once = PTHREAD_ONCE_INIT;

static void read_env_flash(void) {
    const char *env = getenv("K3K_FLASH");
    env_flash_mode = env && env[0] == '0' ? 0 : env && env[0] == '1' ? 1 : -1;
}

void k3k_set_flash(int mode) { atomic_store(&flash_mode, k3k_flash_value(mode)); }

static int flash_setting(const k3k_pool *pool) {
    const int own = k3k_pool_flash(pool);
    if (own != -2) return own;
    const int process = atomic_load(&flash_mode);
    if (process != -2) return process;
    pthread_once(&env_flash_once, read_env_flash);
    return env_flash_mode;
}

static int use_flash(int mode, int n_keys) { return mode == 1 || (mode == -1 && n_keys >= K3K_FLASH_MIN_KEYS); }

#define SEQS_ON_STACK 16

int k3k_attention_seqs(k3k_pool *pool, int n_seqs, const int64_t *q, const int64_t *k, const int64_t *v,
                       const int64_t *out, const int32_t *n_tokens, const int32_t *pos0, const int32_t *n_keys,
                       const int32_t *head_rows, int kv_type, int n_heads, int n_kv_heads, int head_dim, float scale,
                       int causal, int window) {
    const int quant = kv_type == K3K_Q8_0 || kv_type == K3K_Q4_0;
    if ((kv_type != K3K_F32 && kv_type != K3K_F16 && !quant) || n_heads <= 0 || n_kv_heads <= 0 ||
        n_heads % n_kv_heads != 0 || head_dim <= 0 || n_seqs < 0 ||
        (quant && head_dim % k3k_block_size(kv_type) != 0)) return -1;
    for (int i = 0; i < n_seqs; i++)
        if (n_tokens[i] < 0 || n_keys[i] < 0 || (head_rows && (head_rows[i] < 0 || (head_rows[i] > 0 && head_rows[i] < n_keys[i]))))
            return -1;
    const size_t head_bytes = k3k_row_bytes(kv_type, head_dim);
    attn_seq stack_seqs[SEQS_ON_STACK], *seqs = n_seqs <= SEQS_ON_STACK ? stack_seqs : malloc(sizeof(attn_seq) * (size_t) n_seqs);
    if (!seqs) return -1;
    int n = 0, max_keys = 0, rc = 0;
    const int flash = flash_setting(pool);
    for (int i = 0; i < n_seqs && rc == 0; i++) {
        if (use_flash(flash, n_keys[i])) { /* its own tiled kernel and pool rounds */
            rc = k3k_attention_flash(pool, (const float *) (intptr_t) q[i], (const void *) (intptr_t) k[i],
                                     (const void *) (intptr_t) v[i], kv_type, (float *) (intptr_t) out[i], n_tokens[i],
                                     pos0[i], n_keys[i], head_rows ? head_rows[i] : 0, n_heads, n_kv_heads, head_dim,
                                     scale, causal, window);
            continue;
        }
        seqs[n] = (attn_seq) {
            .q = (const float *) (intptr_t) q[i], .k = (const uint8_t *) (intptr_t) k[i], .v = (const uint8_t *) (intptr_t) v[i],
            .out = (float *) (intptr_t) out[i], .n_tokens = n_tokens[i], .pos0 = pos0[i], .n_keys = n_keys[i],
        };
        k3k_kv_strides(head_rows ? head_rows[i] : 0, n_kv_heads, head_bytes, &seqs[n].row_stride, &seqs[n].head_stride);
        n++;
        if (n_keys[i] > max_keys) max_keys = n_keys[i];
    }
    const int nth = k3k_pool_threads(pool);
    attn_task a = {
        .seqs = seqs, .n_seqs = n, .kv_f16 = kv_type == K3K_F16, .kv_type = kv_type, .n_heads = n_heads,
        .n_kv_heads = n_kv_heads, .head_dim = head_dim, .causal = causal, .window = window, .max_keys = max_keys,
        .scale = scale, .tr = k3k_traits(kv_type), .micro = k3k_traits(K3K_F32),
    };
    if (rc == 0 && n > 0) {
        a.rows = plan_units(seqs, n, quant, n_heads / n_kv_heads, n_heads, n_kv_heads, nth, &a.units);
        a.scratch = k3k_pool_scratch(pool, worker_scratch_bytes(kv_type, max_keys, head_dim, a.rows) * (size_t) nth);
        if (!a.scratch) rc = -1;
        else if (a.units > 0) k3k_pool_run(pool, attn_worker, &a);
    }
    if (seqs != stack_seqs) free(seqs);
    return rc;
}

int k3k_attention(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                  int n_tokens, int pos0, int n_keys, int n_heads, int n_kv_heads, int head_dim,
                  float scale, int causal, int window) {
    const int64_t qa = (intptr_t) q, ka = (intptr_t) k, va = (intptr_t) v, oa = (intptr_t) out;
    const int32_t nt = n_tokens, p0 = pos0, nk = n_keys;
    return k3k_attention_seqs(pool, 1, &qa, &ka, &va, &oa, &nt, &p0, &nk, NULL, kv_type, n_heads, n_kv_heads, head_dim,
                              scale, causal, window);
}
