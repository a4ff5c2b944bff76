/* Expert products of a mixture-of-experts layer (llama.cpp's mul_mat_id): every (token, slot) pair
 * multiplies its activation row by the slab of the expert it was routed to. The pairs are grouped by
 * expert, each activation row is quantised once, and the pool takes (expert, row-chunk) work items
 * from a shared counter: an item reads its rows of one expert once for all of that expert's tokens,
 * and no slab of an expert nobody chose is touched. Packed slabs (k3k_packed.h) use the packed kernels
 * where the type has them. A pair of matrices on the same activations (a SwiGLU's gate and up) shares the
 * grouping, the quantised rows and one pool round: decode of a 6-layer MoE model otherwise spends a
 * round and a quantisation per projection per layer. */
#include <stdatomic.h>
#include <string.h>
#include "k3k.h"
#include "k3k_packed.h"
#include "k3k_pool.h"

#define ROW_TILE 16
#define MAX_MATS 2
/* Activations up to this many floats are quantised on the calling thread: a pool round costs more than
 * quantising one token's row or a decode step's eight down-projection rows. */
#define INLINE_QUANT_ELEMS 8192
/* Work items per thread: the dynamic counter evens out the tail to about half an item. */
#define ITEMS_PER_THREAD 16

typedef struct {
    const k3k_type_traits *tr;
    int type, use_packed;
    const uint8_t *packed[MAX_MATS], *file[MAX_MATS];
    float *y[MAX_MATS];
    int n_mats;
    size_t slab_bytes, w_row_bytes, group_bytes; /* group_bytes: eight packed rows */
    int n_expert, rows, cols, nb, n_used, n_pairs, n_x, x_per_slot;
    const float *x;
    size_t act_bytes;
    uint8_t *xq;      /* per-token rows when x is shared by a token's slots */
    uint8_t *act;     /* one row per pair, in expert order */
    const int32_t *ids;
    int32_t *order;   /* pair index of each expert-ordered position */
    int32_t *where;   /* expert-ordered position of each pair */
    int32_t *offset;  /* [n_expert + 1]: expert e owns positions offset[e]..offset[e+1] */
    int32_t *item_expert, *item_row, *item_end, *item_mat;
    int n_items;
    _Atomic int next_item;
} ex_task;

static void share(int total, int ith, int nth, int *from, int *to) {
    *from = (int) ((int64_t) total * ith / nth);
    *to = (int) ((int64_t) total * (ith + 1) / nth);
}

static void quantize_row(const ex_task *t, const float *x, uint8_t *out) {
    if (t->use_packed) k3k_packed_quantize_act(t->type, x, out, t->cols);
    else t->tr->from_float(x, out, t->cols);
}

/* Each activation row once: a token's row (then copied to its slots) or, per slot, straight into place. */
static void quantize_task(void *arg, int ith, int nth) {
    const ex_task *t = arg;
    int r0, r1;
    share(t->n_x, ith, nth, &r0, &r1);
    for (int r = r0; r < r1; r++) {
        uint8_t *out = t->x_per_slot ? t->act + (size_t) t->where[r] * t->act_bytes : t->xq + (size_t) r * t->act_bytes;
        quantize_row(t, t->x + (size_t) r * t->cols, out);
    }
}

static void gather_task(void *arg, int ith, int nth) {
    const ex_task *t = arg;
    int p0, p1;
    share(t->n_pairs, ith, nth, &p0, &p1);
    for (int p = p0; p < p1; p++)
        memcpy(t->act + (size_t) t->where[p] * t->act_bytes, t->xq + (size_t) (p / t->n_used) * t->act_bytes, t->act_bytes);
}

/* Rows r0..r1 of expert e for its positions pos0..pos1, four tokens per weight read; the results land
 * in a small tile first and go from there to each pair's output row. */
static void item_packed(const ex_task *t, int m, int e, int r0, int r1, int pos0, int pos1) {
    const uint8_t *slab = t->packed[m] + (size_t) e * (size_t) (t->rows / 8) * t->group_bytes;
    float tile[4 * 8];
    for (int i = 0; i < (r1 - r0) / 8; i++) {
        const int g = r0 / 8 + k3k_two_streams(i, (r1 - r0) / 8);
        for (int pos = pos0; pos < pos1; pos += 4) {
            const int n = pos1 - pos < 4 ? pos1 - pos : 4;
            t->tr->packed(t->nb, slab + (size_t) g * t->group_bytes, t->act + (size_t) pos * t->act_bytes, t->act_bytes, n,
                          tile, 8);
            for (int k = 0; k < n; k++) memcpy(t->y[m] + (size_t) t->order[pos + k] * t->rows + 8 * g, tile + 8 * k, 8 * sizeof(float));
        }
    }
}

static void item_file(const ex_task *t, int m, int e, int r0, int r1, int pos0, int pos1) {
    const uint8_t *slab = t->file[m] + (size_t) e * t->slab_bytes;
    const k3k_vec_dot_4t_fn dot_4t = t->tr->dot_4t;
    float tile[4 * ROW_TILE];
    for (int rb = r0; rb < r1; rb += ROW_TILE) {
        const int re = rb + ROW_TILE < r1 ? rb + ROW_TILE : r1;
        for (int pos = pos0; pos < pos1; pos += 4) {
            const int n = pos1 - pos < 4 ? pos1 - pos : 4;
            const uint8_t *act = t->act + (size_t) pos * t->act_bytes;
            for (int r = rb; r < re; r++) {
                const uint8_t *w = slab + (size_t) r * t->w_row_bytes;
                if (n == 4 && dot_4t) dot_4t(t->cols, &tile[r - rb], ROW_TILE, w, act, t->act_bytes);
                else
                    for (int k = 0; k < n; k++) t->tr->dot(t->cols, &tile[k * ROW_TILE + r - rb], w, act + (size_t) k * t->act_bytes);
            }
            for (int k = 0; k < n; k++)
                memcpy(t->y[m] + (size_t) t->order[pos + k] * t->rows + rb, tile + k * ROW_TILE, (size_t) (re - rb) * sizeof(float));
        }
    }
}

static void product_task(void *arg, int ith, int nth) {
    (void) ith;
    (void) nth;
    ex_task *t = arg;
    for (int i; (i = atomic_fetch_add_explicit(&t->next_item, 1, memory_order_relaxed)) < t->n_items;) {
        const int e = t->item_expert[i], r0 = t->item_row[i], r1 = t->item_end[i], m = t->item_mat[i];
        if (t->use_packed) item_packed(t, m, e, r0, r1, t->offset[e], t->offset[e + 1]);
        else item_file(t, m, e, r0, r1, t->offset[e], t->offset[e + 1]);
    }
}

/* Counting sort of the pairs by expert (stable: token order within an expert); the largest count. */
static int group_by_expert(ex_task *t) {
    memset(t->offset, 0, sizeof(int32_t) * (size_t) (t->n_expert + 1));
    for (int p = 0; p < t->n_pairs; p++) t->offset[t->ids[p] + 1]++;
    int most = 0;
    for (int e = 0; e < t->n_expert; e++) {
        most = t->offset[e + 1] > most ? t->offset[e + 1] : most;
        t->offset[e + 1] += t->offset[e];
    }
    int32_t *fill = t->item_expert; /* free until the items are planned: the next free position per expert */
    memcpy(fill, t->offset, sizeof(int32_t) * (size_t) t->n_expert);
    for (int p = 0; p < t->n_pairs; p++) {
        const int pos = fill[t->ids[p]]++;
        t->order[pos] = p;
        t->where[p] = pos;
    }
    return most;
}

/* Items of whole ROW_TILEs sized by work (rows x the expert's tokens), ITEMS_PER_THREAD per thread: an
 * expert with many tokens is split into more row chunks than one with a single token, so the workers
 * finish together. Items of one expert and matrix are consecutive, so its slab streams in order. */
static void plan_items(ex_task *t, int threads) {
    const int64_t per = (int64_t) ITEMS_PER_THREAD * threads;
    const int64_t target = ((int64_t) t->n_mats * t->n_pairs * t->rows + per - 1) / per;
    t->n_items = 0;
    for (int em = 0; em < t->n_expert * t->n_mats; em++) {
        const int e = em / t->n_mats, m = em % t->n_mats;
        const int count = t->offset[e + 1] - t->offset[e];
        if (count == 0) continue;
        int64_t chunk = (target + count - 1) / count;
        chunk = (chunk + ROW_TILE - 1) / ROW_TILE * ROW_TILE;
        if (chunk > t->rows) chunk = t->rows;
        for (int r = 0; r < t->rows; r += (int) chunk) {
            t->item_expert[t->n_items] = e;
            t->item_mat[t->n_items] = m;
            t->item_row[t->n_items] = r;
            t->item_end[t->n_items++] = r + (int) chunk < t->rows ? r + (int) chunk : t->rows;
        }
    }
    atomic_store(&t->next_item, 0);
}

/* One or two matrices (file[1] NULL: one) of the same type and shape on the same activations. */
static int experts(k3k_pool *pool, int type, const void *const packed[MAX_MATS], const void *const file[MAX_MATS],
                   int n_expert, int rows, int cols, const float *x, int x_per_slot, const int32_t *ids, int n_tokens,
                   int n_used, float *const y[MAX_MATS]) {
    const k3k_type_traits *tr = k3k_traits(type);
    if (!tr || !tr->dot || !file[0] || n_expert <= 0 || rows <= 0 || cols <= 0 || n_tokens < 0 || n_used <= 0) return -1;
    if (cols % k3k_block_size(type) != 0 || cols % k3k_block_size(tr->vec_dot_type) != 0) return -1;
    if (packed[0] && k3k_packed_bytes(type, rows, cols) == 0) return -1;
    for (int p = 0; p < n_tokens * n_used; p++)
        if (ids[p] < 0 || ids[p] >= n_expert) return -1;
    if (n_tokens == 0) return 0;
    ex_task t = {
        .tr = tr, .type = type, .packed = {packed[0], packed[1]}, .file = {file[0], file[1]}, .y = {y[0], y[1]},
        .n_mats = file[1] ? 2 : 1, .w_row_bytes = k3k_row_bytes(type, cols),
        .n_expert = n_expert, .rows = rows, .cols = cols, .n_used = n_used, .n_pairs = n_tokens * n_used,
        .x_per_slot = x_per_slot, .x = x, .ids = ids,
    };
    t.slab_bytes = t.w_row_bytes * (size_t) rows;
    t.n_x = x_per_slot ? t.n_pairs : n_tokens;
    if (packed[0]) {
        t.nb = cols / k3k_packed_block_elems(type);
        t.group_bytes = (size_t) t.nb * k3k_packed_group_block_bytes(type);
    }
    const size_t file_act = k3k_act_row_bytes(tr, cols), packed_act = packed[0] ? k3k_packed_act_row_bytes(type, cols) : 0;
    const size_t act_max = file_act > packed_act ? file_act : packed_act;
    const int max_items = t.n_mats * n_expert * ((rows + ROW_TILE - 1) / ROW_TILE);
    const size_t ints = (size_t) 2 * t.n_pairs + (size_t) n_expert + 1 + 4 * (size_t) max_items;
    const size_t index_bytes = (sizeof(int32_t) * ints + 63) & ~(size_t) 63;
    uint8_t *scratch = k3k_pool_scratch(pool, index_bytes + act_max * (size_t) (t.n_pairs + (x_per_slot ? 0 : n_tokens)));
    if (!scratch) return -1;
    t.order = (int32_t *) scratch;
    t.where = t.order + t.n_pairs;
    t.offset = t.where + t.n_pairs;
    t.item_expert = t.offset + n_expert + 1;
    t.item_row = t.item_expert + max_items;
    t.item_end = t.item_row + max_items;
    t.item_mat = t.item_end + max_items;
    const int most = group_by_expert(&t);
    /* the packed kernels unless every expert has fewer tokens than they need to beat the file layout */
    t.use_packed = packed[0] && most >= tr->packed_min_tokens;
    t.act_bytes = t.use_packed ? packed_act : file_act;
    t.act = scratch + index_bytes;
    t.xq = t.act + t.act_bytes * (size_t) t.n_pairs;
    if ((int64_t) t.n_x * cols <= INLINE_QUANT_ELEMS) quantize_task(&t, 0, 1);
    else k3k_pool_run(pool, quantize_task, &t);
    if (!x_per_slot) {
        if (t.n_pairs <= 16) gather_task(&t, 0, 1);
        else k3k_pool_run(pool, gather_task, &t);
    }
    plan_items(&t, k3k_pool_threads(pool));
    k3k_pool_run(pool, product_task, &t);
    return 0;
}

int k3k_matmul_experts(k3k_pool *pool, int type, const void *packed, const void *file, int n_expert, int rows, int cols,
                       const float *x, int x_per_slot, const int32_t *ids, int n_tokens, int n_used, float *y) {
    const void *const p[MAX_MATS] = {packed, NULL}, *const f[MAX_MATS] = {file, NULL};
    float *const out[MAX_MATS] = {y, NULL};
    return experts(pool, type, p, f, n_expert, rows, cols, x, x_per_slot, ids, n_tokens, n_used, out);
}

int k3k_matmul_experts_pair(k3k_pool *pool, int type, const void *packed_a, const void *file_a, const void *packed_b,
                            const void *file_b, int n_expert, int rows, int cols, const float *x, const int32_t *ids,
                            int n_tokens, int n_used, float *y_a, float *y_b) {
    if (!file_b || !y_b || (packed_a == NULL) != (packed_b == NULL)) return -1;
    const void *const p[MAX_MATS] = {packed_a, packed_b}, *const f[MAX_MATS] = {file_a, file_b};
    float *const out[MAX_MATS] = {y_a, y_b};
    return experts(pool, type, p, f, n_expert, rows, cols, x, 0, ids, n_tokens, n_used, out);
}
