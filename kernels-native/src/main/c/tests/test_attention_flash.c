/* The tiled (flash) attention against a double-precision softmax on every cache type, GQA group and path; a masked
 * V row that must not leak; the pools' own path settings; bad arguments. */
#include <string.h>
#include "k3k_test.h"
#include "../k3k_pool.h"

/* The tiled kernel against a double-precision softmax over the cache's (dequantised) rows with q unrounded
 * (quantised caches: q rounded through Q8_0, the vec_dot type it is read with), at odd token and key counts,
 * GQA, a sliding window, and caches long enough to split over workers. */
static void flash_case_heads(k3k_pool *pool, int kv_type, int nt, int nk, int hd, int window, int nh) {
    const int pos0 = nk - nt, nkv = 2, n = nk * nkv * hd;
    const float scale = 0.25f;
    float *q = test_random_floats(nt * nh * hd, 1.0f), *kf = test_random_floats(n, 1.0f), *vf = test_random_floats(n, 1.0f);
    void *k = kf, *v = vf;
    k3k_half *kh = malloc(sizeof(k3k_half) * n), *vh = malloc(sizeof(k3k_half) * n);
    if (kv_type == K3K_F16) {
        k3k_quantize(K3K_F16, kf, kh, n);
        k3k_quantize(K3K_F16, vf, vh, n);
        k3k_dequantize(K3K_F16, kh, kf, n);
        k3k_dequantize(K3K_F16, vh, vf, n);
        k = kh;
        v = vh;
    }
    void *kq = malloc(k3k_row_bytes(K3K_Q8_0, n) + 64), *vq = malloc(k3k_row_bytes(K3K_Q8_0, n) + 64);
    float *qref = malloc(sizeof(float) * nt * nh * hd);
    memcpy(qref, q, sizeof(float) * nt * nh * hd);
    if (kv_type == K3K_Q8_0 || kv_type == K3K_Q4_0) {
        CHECK(k3k_quantize(kv_type, kf, kq, n) == 0 && k3k_quantize(kv_type, vf, vq, n) == 0, "quantise the cache");
        k3k_dequantize(kv_type, kq, kf, n);
        k3k_dequantize(kv_type, vq, vf, n);
        void *qq = malloc(k3k_row_bytes(K3K_Q8_0, nt * nh * hd));
        k3k_quantize(K3K_Q8_0, q, qq, nt * nh * hd);
        k3k_dequantize(K3K_Q8_0, qq, qref, nt * nh * hd);
        free(qq);
        k = kq;
        v = vq;
    }
    float *out = malloc(sizeof(float) * nt * nh * hd);
    double *ref = malloc(sizeof(double) * nt * nh * hd), *s = malloc(sizeof(double) * nk);
    CHECK(k3k_attention_flash(pool, q, k, v, kv_type, out, nt, pos0, nk, 0, nh, nkv, hd, scale, 1, window) == 0, "flash");
    for (int t = 0; t < nt; t++)
        for (int h = 0; h < nh; h++) {
            const int kvh = h / (nh / nkv), pos = pos0 + t;
            double mx = -1e300, sum = 0;
            for (int j = 0; j < nk; j++) {
                s[j] = -1e300;
                if (j > pos || (window > 0 && j <= pos - window)) continue;
                double d = 0;
                for (int i = 0; i < hd; i++) d += (double) qref[(t * nh + h) * hd + i] * kf[(j * nkv + kvh) * hd + i];
                s[j] = d * scale;
                if (s[j] > mx) mx = s[j];
            }
            for (int j = 0; j < nk; j++) sum += s[j] > -1e299 ? exp(s[j] - mx) : 0;
            for (int i = 0; i < hd; i++) {
                double o = 0;
                for (int j = 0; j < nk; j++)
                    if (s[j] > -1e299) o += exp(s[j] - mx) / sum * vf[(j * nkv + kvh) * hd + i];
                ref[(t * nh + h) * hd + i] = o;
            }
        }
    CHECK(close_abs_rel(out, ref, nt * nh * hd, 2e-6, 2e-5) == 0, "flash kv %d tokens %d keys %d head_dim %d window %d heads %d",
          kv_type, nt, nk, hd, window, nh);
    free(q); free(kf); free(vf); free(kh); free(vh); free(kq); free(vq); free(qref); free(out); free(ref); free(s);
}

/* GQA groups of 3 (6 heads over 2): one score tile of three rows per token. */
static void flash_case(k3k_pool *pool, int kv_type, int nt, int nk, int hd, int window) {
    flash_case_heads(pool, kv_type, nt, nk, hd, window, 6);
}

/* A V row a query may not see (a later position, or one outside its window) can hold anything, inf from an
 * overflowing F16 cache included: it must not reach that query's output, on the exact or the tiled path. The
 * outputs of every query that cannot see the poisoned row equal those of a run with a finite value there. */
static void masked_values_case(k3k_pool *pool, int flash, int window, int poisoned) {
    enum { NT = 40, NH = 4, NKV = 2, HD = 40 };
    float *q = test_random_floats(NT * NH * HD, 1.0f), *k = test_random_floats(NT * NKV * HD, 1.0f);
    float *v = test_random_floats(NT * NKV * HD, 1.0f), *with_inf = malloc(sizeof(float) * NT * NH * HD);
    float *with_zero = malloc(sizeof(float) * NT * NH * HD);
    k3k_set_flash(flash);
    v[(poisoned * NKV) * HD + 5] = INFINITY;
    CHECK(k3k_attention(pool, q, k, v, K3K_F32, with_inf, NT, 0, NT, NH, NKV, HD, 0.3f, 1, window) == 0, "attention");
    v[(poisoned * NKV) * HD + 5] = 0.0f;
    CHECK(k3k_attention(pool, q, k, v, K3K_F32, with_zero, NT, 0, NT, NH, NKV, HD, 0.3f, 1, window) == 0, "attention");
    k3k_set_flash(-1);
    int leaked = 0, seen = 0;
    for (int t = 0; t < NT; t++) {
        const int sees = t >= poisoned && (window == 0 || t - window < poisoned);
        seen += sees && !isfinite(with_inf[(t * NH) * HD + 5]);
        leaked += !sees && memcmp(with_inf + t * NH * HD, with_zero + t * NH * HD, sizeof(float) * NH * HD) != 0;
    }
    CHECK(leaked == 0 && seen > 0, "%s path, window %d: an inf in V row %d reaches %d queries that cannot see it (%d that can)",
          flash ? "tiled" : "exact", window, poisoned, leaked, seen);
    free(q); free(k); free(v); free(with_inf); free(with_zero);
}

/* A pool's own path setting takes its calls down that path and leaves other pools, and calls without a pool, on
 * theirs; it comes before the process-wide setting, and -2 hands it back to that. */
static void pool_flash_case(void) {
    enum { NT = 3, NK = 9, NH = 4, NKV = 2, HD = 37, N = NT * NH * HD };
    float *q = test_random_floats(N, 1.0f), *k = test_random_floats(NK * NKV * HD, 1.0f), *v = test_random_floats(NK * NKV * HD, 1.0f);
    float tiled[N], exact[N], out[N];
    k3k_pool *a = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER), *b = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    k3k_set_flash(1);
    CHECK(k3k_attention(NULL, q, k, v, K3K_F32, tiled, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0, "tiled");
    k3k_set_flash(0);
    CHECK(k3k_attention(NULL, q, k, v, K3K_F32, exact, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0, "exact");
    k3k_set_flash(-1);
    CHECK(memcmp(tiled, exact, sizeof tiled) != 0, "the two paths differ in some bit on this input (else nothing is told apart)");
    k3k_pool_set_flash(a, 1);
    CHECK(k3k_attention(a, q, k, v, K3K_F32, out, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0 &&
          memcmp(out, tiled, sizeof out) == 0, "a pool set to the tiled kernel takes it below %d keys", K3K_FLASH_MIN_KEYS);
    CHECK(k3k_attention(b, q, k, v, K3K_F32, out, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0 &&
          memcmp(out, exact, sizeof out) == 0, "another pool keeps the process-wide auto setting");
    CHECK(k3k_attention(NULL, q, k, v, K3K_F32, out, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0 &&
          memcmp(out, exact, sizeof out) == 0, "a call without a pool keeps the process-wide setting");
    k3k_set_flash(1);
    k3k_pool_set_flash(b, 0);
    CHECK(k3k_attention(b, q, k, v, K3K_F32, out, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0 &&
          memcmp(out, exact, sizeof out) == 0, "a pool's own setting comes before the process-wide one");
    k3k_pool_set_flash(b, -2);
    CHECK(k3k_attention(b, q, k, v, K3K_F32, out, NT, NK - NT, NK, NH, NKV, HD, 0.3f, 1, 0) == 0 &&
          memcmp(out, tiled, sizeof out) == 0, "-2 hands the pool back to the process-wide setting");
    k3k_set_flash(-1);
    CHECK(k3k_pool_flash(a) == 1 && k3k_pool_flash(b) == -2 && k3k_pool_flash(NULL) == -2, "the pools' settings read back");
    k3k_pool_destroy(a);
    k3k_pool_destroy(b);
    free(q); free(k); free(v);
}

void test_attention_flash(void) {
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    for (int generic = 0; generic < 2; generic++) {
        k3k_force_generic(generic);
        for (int type = 0; type < 2; type++) {
            const int kv = type ? K3K_F16 : K3K_F32;
            flash_case(NULL, kv, 5, 5, 37, 0);      /* prefill from an empty cache, scalar tails */
            flash_case(NULL, kv, 7, 133, 64, 0);    /* ragged tiles and blocks */
            flash_case(NULL, kv, 6, 200, 32, 45);   /* sliding window: whole blocks skipped */
            flash_case(pool, kv, 1, 1031, 64, 0);   /* one decoding sequence: split-K over the workers */
            flash_case(pool, kv, 1, 1031, 96, 300); /* split-K with a window */
            flash_case(pool, kv, 9, 777, 64, 0);
        }
        for (int type = 0; type < 2; type++) { /* quantised caches: head sizes of whole blocks */
            const int kv = type ? K3K_Q4_0 : K3K_Q8_0;
            flash_case(NULL, kv, 5, 5, 32, 0);
            flash_case(NULL, kv, 7, 133, 64, 0);
            flash_case(NULL, kv, 6, 200, 96, 45);
            flash_case(pool, kv, 1, 1031, 64, 0);
            flash_case(pool, kv, 1, 1031, 128, 300);
            flash_case(pool, kv, 9, 777, 64, 0);
        }
        for (int type = 0; type < 4; type++) { /* groups of 8 (16 heads over 2): the scores with the rows in the lanes */
            const int kv = type == 0 ? K3K_F32 : type == 1 ? K3K_F16 : type == 2 ? K3K_Q8_0 : K3K_Q4_0;
            flash_case_heads(pool, kv, 1, 1031, 64, 0, 16);  /* decoding: split-K, one tile per KV head */
            flash_case_heads(NULL, kv, 5, 133, 96, 0, 16);   /* a prompt chunk: 4 tokens a tile, ragged blocks */
            flash_case_heads(pool, kv, 3, 700, 32, 150, 16); /* a window */
        }
    }
    k3k_force_generic(0);
    k3k_pool_destroy(pool);
    pool_flash_case();
    /* forced on, a short cache takes the tiled kernel: within f32 rounding of the exact path on F32 rows */
    {
        const int nt = 3, nk = 9, nh = 4, nkv = 2, hd = 37;
        float *q = test_random_floats(nt * nh * hd, 1.0f), *k = test_random_floats(nk * nkv * hd, 1.0f),
              *v = test_random_floats(nk * nkv * hd, 1.0f), tiled[3 * 4 * 37], exact[3 * 4 * 37];
        double want[3 * 4 * 37];
        k3k_set_flash(1);
        CHECK(k3k_attention(NULL, q, k, v, K3K_F32, tiled, nt, nk - nt, nk, nh, nkv, hd, 0.3f, 1, 0) == 0, "forced flash");
        k3k_set_flash(0);
        CHECK(k3k_attention(NULL, q, k, v, K3K_F32, exact, nt, nk - nt, nk, nh, nkv, hd, 0.3f, 1, 0) == 0, "exact");
        k3k_set_flash(-1);
        for (int i = 0; i < nt * nh * hd; i++) want[i] = exact[i];
        CHECK(close_abs_rel(tiled, want, nt * nh * hd, 1e-6, 1e-5) == 0, "forced tiled equals exact on F32");
        free(q); free(k); free(v);
    }
    for (int flash = 0; flash < 2; flash++) {
        masked_values_case(NULL, flash, 0, 37); /* a later position, in the tiles' last key block */
        masked_values_case(NULL, flash, 5, 2);  /* a position behind the window of later queries */
    }
    CHECK(k3k_attention_flash(NULL, NULL, NULL, NULL, K3K_Q4_K, NULL, 1, 0, 1, 0, 4, 2, 256, 1, 1, 0) == -1,
          "flash: F32/F16/Q8_0/Q4_0 only");
    CHECK(k3k_attention_flash(NULL, NULL, NULL, NULL, K3K_Q8_0, NULL, 1, 0, 1, 0, 4, 2, 48, 1, 1, 0) == -1,
          "flash: a quantised head of a block and a half");
}
