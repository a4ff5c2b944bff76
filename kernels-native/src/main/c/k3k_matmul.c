/* Matrix products on the pool. Activations are quantised once to the weight type's vec-dot type (in
 * the caller for one token, spread over the workers for a batch), then the workers take contiguous
 * chunks of output rows from a shared counter (IME batches: equal shares); for a batch each chunk is
 * walked in tiles of ROW_TILE rows x all tokens so a tile of weights stays in cache while every token
 * uses it. */
#include <stdatomic.h>
#include "k3k.h"
#include "k3k_ime.h"
#include "k3k_internal.h"
#include "k3k_pool.h"

#define ROW_TILE 16

typedef struct {
    const k3k_type_traits *tr;
    int type;
    const uint8_t *w;
    size_t w_row_bytes;
    int rows, cols, n_tokens;
    const float *x;
    uint8_t *xq;
    size_t xq_row_bytes;
    float *y;
    int chunk_rows, n_chunks;
    _Atomic int next_chunk; /* rows are handed out in chunks, first come first served (see k3k_packed.c) */
} mm_task;

static void share(int total, int ith, int nth, int *from, int *to) {
    *from = (int) ((int64_t) total * ith / nth);
    *to = (int) ((int64_t) total * (ith + 1) / nth);
}

static void quantize_task(void *arg, int ith, int nth) {
    const mm_task *t = arg;
    int t0, t1;
    share(t->n_tokens, ith, nth, &t0, &t1);
    for (int tok = t0; tok < t1; tok++)
        t->tr->from_float(t->x + (size_t) tok * t->cols, t->xq + (size_t) tok * t->xq_row_bytes, t->cols);
}

int k3k_ime_takes(int type, int n_tokens, int ime_status) {
    return n_tokens > 1 && (type == K3K_Q4_0 || type == K3K_Q8_0) && ime_status == K3K_IME_ENABLED;
}

/* Batches of Q4_0/Q8_0 on IME: the same row shares, tiled M tokens x N rows. */
static void ime_task(void *arg, int ith, int nth) {
    const mm_task *t = arg;
    int r0, r1;
    share(t->rows, ith, nth, &r0, &r1);
    const k3k_ime_geom g = k3k_ime_native_geom();
    k3k_ime_matmul_rows(t->type, t->w, t->w_row_bytes, r0, r1, t->cols, t->xq, t->xq_row_bytes, t->y, t->rows,
                        t->n_tokens, k3k_ime_real_vmadot(), &g);
}

static void dot_rows(const mm_task *t, int r0, int r1);

static void dot_task(void *arg, int ith, int nth) {
    (void) ith;
    (void) nth;
    mm_task *t = arg;
    for (int c; (c = atomic_fetch_add_explicit(&t->next_chunk, 1, memory_order_relaxed)) < t->n_chunks;) {
        const int r1 = (c + 1) * t->chunk_rows < t->rows ? (c + 1) * t->chunk_rows : t->rows;
        dot_rows(t, c * t->chunk_rows, r1);
    }
}

static void dot_rows(const mm_task *t, int r0, int r1) {
    const k3k_vec_dot_fn dot = t->tr->dot;
    if (t->n_tokens == 1) {
        for (int r = r0; r < r1; r++) dot(t->cols, &t->y[r], t->w + (size_t) r * t->w_row_bytes, t->xq);
        return;
    }
    const k3k_vec_dot_4t_fn dot_4t = t->tr->dot_4t;
    for (int rb = r0; rb < r1; rb += ROW_TILE) {
        const int re = rb + ROW_TILE < r1 ? rb + ROW_TILE : r1;
        int tok = 0;
        if (dot_4t) {
            for (; tok + 4 <= t->n_tokens; tok += 4) {
                const uint8_t *xq = t->xq + (size_t) tok * t->xq_row_bytes;
                float *y = t->y + (size_t) tok * t->rows;
                for (int r = rb; r < re; r++)
                    dot_4t(t->cols, &y[r], (size_t) t->rows, t->w + (size_t) r * t->w_row_bytes, xq, t->xq_row_bytes);
            }
        }
        for (; tok < t->n_tokens; tok++) {
            const uint8_t *xq = t->xq + (size_t) tok * t->xq_row_bytes;
            float *y = t->y + (size_t) tok * t->rows;
            for (int r = rb; r < re; r++) dot(t->cols, &y[r], t->w + (size_t) r * t->w_row_bytes, xq);
        }
    }
}

int k3k_matmul(k3k_pool *pool, int type, const void *w, int rows, int cols, const float *x, float *y, int n_tokens) {
    const k3k_type_traits *tr = k3k_traits(type);
    if (!tr || !tr->dot || rows < 0 || cols <= 0 || n_tokens < 0) return -1;
    if (cols % k3k_block_size(type) != 0 || cols % k3k_block_size(tr->vec_dot_type) != 0) return -1;
    if (rows == 0 || n_tokens == 0) return 0;
    mm_task t = {
        .tr = tr, .type = type, .w = w, .w_row_bytes = k3k_row_bytes(type, cols), .rows = rows, .cols = cols,
        .n_tokens = n_tokens, .x = x, .xq_row_bytes = k3k_act_row_bytes(tr, cols), .y = y,
    };
    t.xq = k3k_pool_scratch(pool, t.xq_row_bytes * (size_t) n_tokens);
    if (!t.xq) return -1;
    if (n_tokens == 1) quantize_task(&t, 0, 1);
    else k3k_pool_run(pool, quantize_task, &t);
    const int ime = k3k_ime_takes(type, n_tokens, k3k_ime_status(pool));
    /* chunks of whole ROW_TILEs, about 8 per thread */
    int per = (rows / (8 * k3k_pool_threads(pool)) + ROW_TILE - 1) / ROW_TILE * ROW_TILE;
    if (per < ROW_TILE) per = ROW_TILE;
    t.chunk_rows = per;
    t.n_chunks = (rows + per - 1) / per;
    atomic_store(&t.next_chunk, 0);
    k3k_pool_run_work(pool, ime ? ime_task : dot_task, &t, t.w_row_bytes * (size_t) rows * (size_t) n_tokens);
    return 0;
}
