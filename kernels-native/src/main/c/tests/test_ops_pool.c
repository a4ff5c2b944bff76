/* The pooled row-wise ops (k3k_ops_pool.c) against the one-thread ones, bit for bit, at ragged sizes on
 * either side of the sizes that stay on the caller. */
#include <string.h>
#include "k3k_test.h"

static int differ(const float *a, const float *b, int n) {
    int d = 0;
    for (int i = 0; i < n; i++) d += memcmp(&a[i], &b[i], sizeof(float)) != 0;
    return d;
}

static void rms_norm_case(k3k_pool *pool, int n, int rows, int weighted) {
    float *x = test_random_floats(n * rows, 2.0f), *w = test_random_floats(n, 1.0f);
    float *one = malloc(sizeof(float) * n * rows), *pooled = malloc(sizeof(float) * n * rows);
    k3k_rms_norm(x, weighted ? w : NULL, one, n, rows, 1e-6f);
    k3k_rms_norm_on(pool, x, weighted ? w : NULL, pooled, n, rows, 1e-6f);
    CHECK(differ(one, pooled, n * rows) == 0, "rms_norm on the pool = one thread, %d x %d", rows, n);
    free(x); free(w); free(one); free(pooled);
}

static void rope_case(k3k_pool *pool, int tokens, int neox, int factors) {
    const int heads = 8, hd = 128, dims = 96, n = tokens * heads * hd;
    float *one = test_random_floats(n, 1.0f), *pooled = malloc(sizeof(float) * n), *ff = test_random_floats(dims / 2, 0.5f);
    for (int i = 0; i < dims / 2; i++) ff[i] += 1.0f;
    memcpy(pooled, one, sizeof(float) * n);
    k3k_rope(one, tokens, heads, hd, dims, 5, 10000.0f, 0.5f, neox, factors ? ff : NULL);
    k3k_rope_on(pool, pooled, tokens, heads, hd, dims, 5, 10000.0f, 0.5f, neox, factors ? ff : NULL);
    CHECK(differ(one, pooled, n) == 0, "rope on the pool = one thread, %d tokens, neox %d, factors %d", tokens, neox, factors);
    free(one); free(pooled); free(ff);
}

static void swiglu_case(k3k_pool *pool, int n) {
    float *g = test_random_floats(n, 4.0f), *u = test_random_floats(n, 2.0f);
    float *one = malloc(sizeof(float) * n), *pooled = malloc(sizeof(float) * n);
    k3k_swiglu(g, u, one, n);
    for (int i = 0; i < n; i++) pooled[i] = -1.0f;
    k3k_swiglu_on(pool, g, u, pooled, n);
    CHECK(differ(one, pooled, n) == 0, "swiglu on the pool = one thread, %d elements", n);
    free(g); free(u); free(one); free(pooled);
}

static void geglu_softcap_case(k3k_pool *pool, int n) {
    float *g = test_random_floats(n, 12.0f), *u = test_random_floats(n, 2.0f); /* past the +-10 GELU cut-offs too */
    float *one = malloc(sizeof(float) * n), *pooled = malloc(sizeof(float) * n);
    k3k_geglu(g, u, one, n);
    for (int i = 0; i < n; i++) pooled[i] = -1.0f;
    k3k_geglu_on(pool, g, u, pooled, n);
    CHECK(differ(one, pooled, n) == 0, "geglu on the pool = one thread, %d elements", n);
    memcpy(one, g, sizeof(float) * n);
    memcpy(pooled, g, sizeof(float) * n);
    k3k_softcap(one, 30.0f, n);
    k3k_softcap_on(pool, pooled, 30.0f, n);
    CHECK(differ(one, pooled, n) == 0, "softcap on the pool = one thread, %d elements", n);
    free(g); free(u); free(one); free(pooled);
}

void test_ops_pool(void) {
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    /* rows of 2051 and tokens of 1024 elements: up to 3 / 7 on the caller, from 4 / 8 on the pool */
    const int rows[] = {1, 3, 4, 7, 8, 13};
    for (int i = 0; i < 6; i++) {
        rms_norm_case(pool, 2051, rows[i], 1);
        rms_norm_case(pool, 2051, rows[i], 0);
        rms_norm_case(NULL, 2051, rows[i], 1);
        for (int neox = 0; neox < 2; neox++) rope_case(pool, rows[i], neox, neox);
    }
    const int elems[] = {100, 8191, 8192, 8192 + 37, 30011};
    for (int i = 0; i < 5; i++) {
        swiglu_case(pool, elems[i]);
        swiglu_case(NULL, elems[i]);
        geglu_softcap_case(pool, elems[i]);
        geglu_softcap_case(NULL, elems[i]);
    }
    k3k_pool_destroy(pool);
}
