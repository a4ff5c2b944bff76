/* The row-wise ops of a batch on the pool: a prompt's norms, RoPE and gated activation are scalar C
 * (k3k_ops.c) and ran on the calling thread while the other workers waited for the next product.
 * Each worker takes a contiguous share of rows, tokens or elements and runs the same function on it,
 * so the result is bit for bit the one-thread result. Small inputs (a decode step) stay on the caller. */
#include "k3k.h"
#include "k3k_pool.h"

/* Below this many elements, one thread: a decode step (or a few sequences' steps) is a few microseconds
 * of work, less than waking the pool. */
#define POOL_MIN_ELEMS 8192

typedef struct {
    const float *x, *w, *up, *freq_factors;
    float *out, *xw;
    int n, n_rows, n_heads, head_dim, rope_dims, pos0, neox;
    float eps, base, freq_scale, cap;
} ops_task;

static void share(int total, int align, int ith, int nth, int *from, int *to) {
    const int units = (total + align - 1) / align;
    *from = (int) ((int64_t) units * ith / nth) * align;
    *to = (int) ((int64_t) units * (ith + 1) / nth) * align;
    if (*to > total) *to = total;
    if (*from > total) *from = total;
}

static void rms_norm_task(void *arg, int ith, int nth) {
    const ops_task *t = arg;
    int r0, r1;
    share(t->n_rows, 1, ith, nth, &r0, &r1);
    if (r1 > r0) k3k_rms_norm(t->x + (size_t) r0 * t->n, t->w, t->out + (size_t) r0 * t->n, t->n, r1 - r0, t->eps);
}

void k3k_rms_norm_on(k3k_pool *pool, const float *x, const float *w, float *out, int n, int n_rows, float eps) {
    ops_task t = {.x = x, .w = w, .out = out, .n = n, .n_rows = n_rows, .eps = eps};
    if ((int64_t) n * n_rows < POOL_MIN_ELEMS) rms_norm_task(&t, 0, 1);
    else k3k_pool_run(pool, rms_norm_task, &t);
}

static void rope_task(void *arg, int ith, int nth) {
    const ops_task *t = arg;
    int t0, t1;
    share(t->n_rows, 1, ith, nth, &t0, &t1);
    if (t1 > t0)
        k3k_rope(t->xw + (size_t) t0 * t->n_heads * t->head_dim, t1 - t0, t->n_heads, t->head_dim, t->rope_dims,
                 t->pos0 + t0, t->base, t->freq_scale, t->neox, t->freq_factors);
}

void k3k_rope_on(k3k_pool *pool, float *x, int n_tokens, int n_heads, int head_dim, int rope_dims, int pos0, float base,
                 float freq_scale, int neox, const float *freq_factors) {
    ops_task t = {.xw = x, .n_rows = n_tokens, .n_heads = n_heads, .head_dim = head_dim, .rope_dims = rope_dims,
                  .pos0 = pos0, .base = base, .freq_scale = freq_scale, .neox = neox, .freq_factors = freq_factors};
    if ((int64_t) n_tokens * n_heads * head_dim < POOL_MIN_ELEMS) rope_task(&t, 0, 1);
    else k3k_pool_run(pool, rope_task, &t);
}

static void swiglu_task(void *arg, int ith, int nth) {
    const ops_task *t = arg;
    int i0, i1;
    share(t->n, 16, ith, nth, &i0, &i1); /* whole 64-byte lines per worker */
    if (i1 > i0) k3k_swiglu(t->x + i0, t->up + i0, t->out + i0, i1 - i0);
}

void k3k_swiglu_on(k3k_pool *pool, const float *gate, const float *up, float *out, int n) {
    ops_task t = {.x = gate, .up = up, .out = out, .n = n};
    if (n < POOL_MIN_ELEMS) swiglu_task(&t, 0, 1);
    else k3k_pool_run(pool, swiglu_task, &t);
}

static void geglu_task(void *arg, int ith, int nth) {
    const ops_task *t = arg;
    int i0, i1;
    share(t->n, 16, ith, nth, &i0, &i1);
    if (i1 > i0) k3k_geglu(t->x + i0, t->up + i0, t->out + i0, i1 - i0);
}

/* Gemma's FFN gate (12288 elements a decode step for the E2B shape) and its per-layer embedding gate. */
void k3k_geglu_on(k3k_pool *pool, const float *gate, const float *up, float *out, int n) {
    ops_task t = {.x = gate, .up = up, .out = out, .n = n};
    if (n < POOL_MIN_ELEMS) geglu_task(&t, 0, 1);
    else k3k_pool_run(pool, geglu_task, &t);
}

static void softcap_task(void *arg, int ith, int nth) {
    const ops_task *t = arg;
    int i0, i1;
    share(t->n, 16, ith, nth, &i0, &i1);
    if (i1 > i0) k3k_softcap(t->xw + i0, t->cap, i1 - i0);
}

/* The final logits' soft-capping: one tanh per vocabulary entry (262144 for Gemma 4), a few ms on one thread. */
void k3k_softcap_on(k3k_pool *pool, float *x, float cap, int n) {
    ops_task t = {.xw = x, .n = n, .cap = cap};
    if (n < POOL_MIN_ELEMS) softcap_task(&t, 0, 1);
    else k3k_pool_run(pool, softcap_task, &t);
}
