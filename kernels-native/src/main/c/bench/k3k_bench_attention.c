/* Attention kernel timings on one 2-worker pool over an F16 cache: decoding one token at depth and a 512-token
 * prefill chunk at depth, TinyLlama-1.1B's head layout (32/4 heads of 64), Qwen3-0.6B's (16/8 of 128) and
 * Qwen3.6's full-attention layers' (16/2 of 256), the best of several calls each; then decoding over Q8_0 caches
 * (`-ctk q8_0 -ctv q8_0`), Llama 3.2 1B's layout (32/8 of 64) too, and one prefill chunk at depth on Q8_0. The
 * cache is head-major, as the engine keeps it, where the kernels take that layout (K3K_KV_HEAD_ROWS); builds
 * before it read llama.cpp's rows, as their engine kept them. Not a test: scripts/bench-attention.sh runs it, alternated with an earlier
 * commit's build for an A/B on a shared machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "../k3k.h"
#include "../k3k_internal.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static void run_type(k3k_pool *pool, int kv_type, int heads, int kv_heads, int dim, int keys, int tokens, int reps) {
    const size_t nq = (size_t) tokens * heads * dim, nkv = (size_t) keys * kv_heads * dim;
    float *q = malloc(sizeof(float) * nq), *out = malloc(sizeof(float) * nq);
    k3k_half *k = malloc(sizeof(k3k_half) * nkv), *v = malloc(sizeof(k3k_half) * nkv);
    for (size_t i = 0; i < nq; i++) q[i] = (float) ((int) (i * 7 % 13) - 6) * 0.05f;
    for (size_t i = 0; i < nkv; i++) { /* finite halves: 0.125-0.25 keys, 0.25-0.27 values */
        k[i] = (k3k_half) (0x3000 + (((uint32_t) i * 2654435761u) >> 22));
        v[i] = (k3k_half) (0x3400 + (((uint32_t) i * 40503u) >> 26));
    }
    if (kv_type != K3K_F16) { /* the same values quantised, in place (a quantised row is shorter than its halves) */
        float *f = malloc(sizeof(float) * nkv);
        k3k_dequantize(K3K_F16, k, f, (int64_t) nkv);
        k3k_quantize(kv_type, f, k, (int64_t) nkv);
        k3k_dequantize(K3K_F16, v, f, (int64_t) nkv);
        k3k_quantize(kv_type, f, v, (int64_t) nkv);
        free(f);
    }
    double best = 1e9;
    for (int r = 0; r <= reps; r++) { /* the first call warms up */
        const double t0 = now();
#ifdef K3K_KV_HEAD_ROWS
        const int64_t qa = (intptr_t) q, ka = (intptr_t) k, va = (intptr_t) v, oa = (intptr_t) out;
        const int32_t nt = tokens, p0 = keys - tokens, nk = keys, rows = keys;
        k3k_attention_seqs(pool, 1, &qa, &ka, &va, &oa, &nt, &p0, &nk, &rows, kv_type, heads, kv_heads, dim, 0.125f, 1, 0);
#else
        k3k_attention(pool, q, k, v, kv_type, out, tokens, keys - tokens, keys, heads, kv_heads, dim, 0.125f, 1, 0);
#endif
        const double dt = now() - t0;
        if (r > 0 && dt < best) best = dt;
    }
    size_t bad = 0; /* the bench's inputs are finite, so must its outputs be: a NaN path is not the one timed */
    for (size_t i = 0; i < nq; i++) bad += !isfinite(out[i]);
    printf("%sheads %d/%d dim %d keys %d tokens %d: %.3f ms%s\n", kv_type == K3K_Q8_0 ? "q8_0 " : "", heads, kv_heads,
           dim, keys, tokens, best * 1e3, bad ? " (NON-FINITE OUTPUT)" : "");
    free(q); free(out); free(k); free(v);
}

static void run(k3k_pool *pool, int heads, int kv_heads, int dim, int keys, int tokens, int reps) {
    run_type(pool, K3K_F16, heads, kv_heads, dim, keys, tokens, reps);
}

int main(void) {
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    run(pool, 32, 4, 64, 4096, 1, 50);
    run(pool, 16, 8, 128, 4096, 1, 50);
    run(pool, 32, 4, 64, 16384, 1, 20);
    run(pool, 16, 8, 128, 16384, 1, 20);
    run(pool, 32, 4, 64, 4096 + 512, 512, 3);
    run(pool, 16, 8, 128, 4096 + 512, 512, 3);
    run(pool, 16, 2, 256, 16384, 1, 10);
    run(pool, 16, 8, 128, 16384 + 512, 512, 1);
    run_type(pool, K3K_Q8_0, 32, 4, 64, 16384, 1, 20);
    run_type(pool, K3K_Q8_0, 32, 8, 64, 16384, 1, 20);
    run_type(pool, K3K_Q8_0, 16, 8, 128, 16384, 1, 20);
    run_type(pool, K3K_Q8_0, 16, 2, 256, 16384, 1, 10);
    run_type(pool, K3K_Q8_0, 16, 8, 128, 16384 + 512, 512, 1);
    k3k_pool_destroy(pool);
    return 0;
}
