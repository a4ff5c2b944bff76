/* Attention against direct double-precision formulas: the exact path (F32/F16, tiles and single heads, several
 * sequences in one call) and the quantised caches (the tiled kernel: test_attention_flash.c; its micro-kernels:
 * test_fa_micro.c). */
#include <string.h>
#include "k3k_test.h"
#include "../k3k_pool.h"

static double to_half(double x) { return k3k_fp16_to_fp32(k3k_fp32_to_fp16((float) x)); }

static void attention_case(int kv_type, int causal, int window, int hd) {
    const int nt = 3, pos0 = 4, nk = 7, nh = 4, nkv = 2;
    const float scale = 0.4f;
    float *q = test_random_floats(nt * nh * hd, 1.0f), *kf = test_random_floats(nk * nkv * hd, 1.0f),
          *vf = test_random_floats(nk * nkv * hd, 1.0f);
    void *k = kf, *v = vf;
    k3k_half *kh = malloc(sizeof(k3k_half) * nk * nkv * hd), *vh = malloc(sizeof(k3k_half) * nk * nkv * hd);
    if (kv_type == K3K_F16) {
        k3k_quantize(K3K_F16, kf, kh, nk * nkv * hd);
        k3k_quantize(K3K_F16, vf, vh, nk * nkv * hd);
        k3k_dequantize(K3K_F16, kh, kf, nk * nkv * hd);
        k3k_dequantize(K3K_F16, vh, vf, nk * nkv * hd);
        k = kh;
        v = vh;
    }
    float *out = malloc(sizeof(float) * nt * nh * hd);
    double *ref = malloc(sizeof(double) * nt * nh * hd);
    CHECK(k3k_attention(NULL, q, k, v, kv_type, out, nt, pos0, nk, nh, nkv, hd, scale, causal, window) == 0, "attention");
    for (int t = 0; t < nt; t++)
        for (int h = 0; h < nh; h++) {
            const int kvh = h / (nh / nkv), pos = pos0 + t;
            double s[7], mx = -1e300, sum = 0;
            for (int j = 0; j < nk; j++) {
                const int visible = !causal || (j <= pos && (window <= 0 || j > pos - window));
                s[j] = -1e300;
                if (!visible) continue;
                double d = 0;
                for (int i = 0; i < hd; i++) {
                    const double qi = q[(t * nh + h) * hd + i];
                    d += (kv_type == K3K_F16 ? to_half(qi) : qi) * kf[(j * nkv + kvh) * hd + i];
                }
                s[j] = d * scale;
                if (s[j] > mx) mx = s[j];
            }
            for (int j = 0; j < nk; j++) sum += s[j] > -1e299 ? exp(s[j] - mx) : 0;
            for (int i = 0; i < hd; i++) {
                double o = 0;
                for (int j = 0; j < nk; j++) {
                    if (s[j] <= -1e299) continue;
                    const double p = exp(s[j] - mx) / sum;
                    o += (kv_type == K3K_F16 ? to_half(p) : p) * vf[(j * nkv + kvh) * hd + i];
                }
                ref[(t * nh + h) * hd + i] = o;
            }
        }
    /* F16 caches round q and the probabilities to half (as llama.cpp does), and so does the reference;
     * what is left is f32 accumulation and the odd probability that rounds to the neighbouring half */
    CHECK(close_abs_rel(out, ref, nt * nh * hd, kv_type == K3K_F16 ? 3e-5 : 1e-6, 1e-5) == 0,
          "attention kv %d causal %d window %d head_dim %d", kv_type, causal, window, hd);
    free(q); free(kf); free(vf); free(kh); free(vh); free(out); free(ref);
}


/* The exact path in tiles (a KV head's query heads for several tokens per unit of work) is bit-identical to
 * one (token, head) per unit, which it takes where the tiles cannot keep every worker busy: a batch against
 * each of its tokens decoded alone on three workers, at ragged blocks, GQA and a window. */
static void exact_tiles_case(k3k_pool *pool, int kv_type, int window, int nh) {
    const int nt = 7, nk = 133, pos0 = nk - nt, nkv = 2, hd = 37, n = nk * nkv * hd;
    float *q = test_random_floats(nt * nh * hd, 1.0f), *kf = test_random_floats(n, 1.0f), *vf = test_random_floats(n, 1.0f);
    k3k_half *kh = malloc(sizeof(k3k_half) * n), *vh = malloc(sizeof(k3k_half) * n);
    k3k_quantize(K3K_F16, kf, kh, n);
    k3k_quantize(K3K_F16, vf, vh, n);
    const void *k = kv_type == K3K_F16 ? (const void *) kh : kf, *v = kv_type == K3K_F16 ? (const void *) vh : vf;
    float *batch = malloc(sizeof(float) * nt * nh * hd), *alone = malloc(sizeof(float) * nt * nh * hd);
    CHECK(k3k_attention(NULL, q, k, v, kv_type, batch, nt, pos0, nk, nh, nkv, hd, 0.3f, 1, window) == 0, "batch");
    for (int t = 0; t < nt; t++)
        CHECK(k3k_attention(pool, q + t * nh * hd, k, v, kv_type, alone + t * nh * hd, 1, pos0 + t, nk, nh, nkv, hd,
                            0.3f, 1, window) == 0, "one token");
    CHECK(memcmp(batch, alone, sizeof(float) * nt * nh * hd) == 0, "exact tiles kv %d window %d heads %d: bit-identical",
          kv_type, window, nh);
    /* the micro-kernels, widening and rounding give every ISA path the generic C's bits */
    float *generic = malloc(sizeof(float) * nt * nh * hd);
    k3k_force_generic(1);
    CHECK(k3k_attention(NULL, q, k, v, kv_type, generic, nt, pos0, nk, nh, nkv, hd, 0.3f, 1, window) == 0, "generic");
    k3k_force_generic(0);
    CHECK(memcmp(batch, generic, sizeof(float) * nt * nh * hd) == 0, "exact path kv %d window %d heads %d: %s equals generic",
          kv_type, window, nh, k3k_isa());
    free(generic);
    free(q); free(kf); free(vf); free(kh); free(vh); free(batch); free(alone);
}

/* The tiled kernel on this CPU's path gives the generic C's bits (the micro-kernels, widening and p*v from F16 rows
 * are the same sums), decoding one token split over the workers and a 9-token tile, at a GQA group of nh / 2. */
static void flash_bits_case(k3k_pool *pool, int kv_type, int nt, int nh) {
    const int nk = 1031, nkv = 2, hd = 64, n = nk * nkv * hd;
    float *q = test_random_floats(nt * nh * hd, 1.0f), *kf = test_random_floats(n, 1.0f), *vf = test_random_floats(n, 1.0f);
    void *k = malloc(k3k_row_bytes(kv_type, n)), *v = malloc(k3k_row_bytes(kv_type, n));
    CHECK(k3k_quantize(kv_type, kf, k, n) == 0 && k3k_quantize(kv_type, vf, v, n) == 0, "cache rows");
    float *isa = malloc(sizeof(float) * nt * nh * hd), *generic = malloc(sizeof(float) * nt * nh * hd);
    CHECK(k3k_attention_flash(pool, q, k, v, kv_type, isa, nt, nk - nt, nk, 0, nh, nkv, hd, 0.2f, 1, 0) == 0, "flash");
    k3k_force_generic(1);
    CHECK(k3k_attention_flash(pool, q, k, v, kv_type, generic, nt, nk - nt, nk, 0, nh, nkv, hd, 0.2f, 1, 0) == 0, "flash");
    k3k_force_generic(0);
    CHECK(memcmp(isa, generic, sizeof(float) * nt * nh * hd) == 0, "flash kv %d tokens %d heads %d/%d: %s equals generic",
          kv_type, nt, nh, nkv, k3k_isa());
    free(q); free(kf); free(vf); free(k); free(v); free(isa); free(generic);
}

/* Several sequences in one k3k_attention_seqs call equal each sequence alone, bit for bit: decode steps and a
 * prompt chunk at different lengths, each over its own cache, one long enough for the tiled kernel and one with
 * no query at all; on one worker and on the pool (where decode steps take one-token tiles). */
static void sequences_case(k3k_pool *pool, int kv_type) {
    enum { NS = 5, NH = 8, NKV = 2, HD = 64 };
    const int tokens[NS] = {1, 1, 6, 0, 1}, keys[NS] = {40, 97, 70, 12, 600};
    const size_t row_bytes = k3k_row_bytes(kv_type, NKV * HD);
    int64_t qa[NS], ka[NS], va[NS], oa[NS];
    int32_t nt[NS], p0[NS], nk[NS];
    float *q[NS], *together[NS], *alone[NS];
    void *k[NS], *v[NS];
    for (int i = 0; i < NS; i++) {
        const int n = keys[i] * NKV * HD, nq = tokens[i] * NH * HD;
        float *kf = test_random_floats(n, 1.0f), *vf = test_random_floats(n, 1.0f);
        k[i] = malloc(row_bytes * keys[i]);
        v[i] = malloc(row_bytes * keys[i]);
        CHECK(k3k_quantize(kv_type, kf, k[i], n) == 0 && k3k_quantize(kv_type, vf, v[i], n) == 0, "cache rows");
        free(kf); free(vf);
        q[i] = test_random_floats(nq > 0 ? nq : 1, 1.0f);
        together[i] = calloc(nq > 0 ? nq : 1, sizeof(float));
        alone[i] = calloc(nq > 0 ? nq : 1, sizeof(float));
        qa[i] = (intptr_t) q[i]; ka[i] = (intptr_t) k[i]; va[i] = (intptr_t) v[i]; oa[i] = (intptr_t) together[i];
        nt[i] = tokens[i]; p0[i] = keys[i] - tokens[i]; nk[i] = keys[i];
    }
    CHECK(k3k_attention_seqs(pool, NS, qa, ka, va, oa, nt, p0, nk, NULL, kv_type, NH, NKV, HD, 0.125f, 1, 0) == 0, "sequences");
    for (int i = 0; i < NS; i++) {
        CHECK(k3k_attention(pool, q[i], k[i], v[i], kv_type, alone[i], tokens[i], p0[i], keys[i], NH, NKV, HD, 0.125f, 1, 0) == 0,
              "alone");
        CHECK(memcmp(together[i], alone[i], sizeof(float) * tokens[i] * NH * HD) == 0,
              "sequences kv %d: sequence %d (%d tokens, %d keys) equals its call alone", kv_type, i, tokens[i], keys[i]);
        free(q[i]); free(together[i]); free(alone[i]); free(k[i]); free(v[i]);
    }
    nt[0] = -1;
    CHECK(k3k_attention_seqs(pool, NS, qa, ka, va, oa, nt, p0, nk, NULL, kv_type, NH, NKV, HD, 0.125f, 1, 0) == -1,
          "sequences: a negative token count is rejected");
}

/* Quantised caches (Q8_0, Q4_0): the ISA path (the type's vec_dot) equals the generic C within f32 summation
 * order, at odd key counts, a window and head sizes of one and three blocks. */
static void quant_attention_case(int kv_type, int nk, int hd, int window) {
    const int nt = 3, pos0 = nk - nt, nh = 4, nkv = 2, n = nk * nkv * hd;
    const float scale = 0.3f;
    float *q = test_random_floats(nt * nh * hd, 1.0f), *kf = test_random_floats(n, 1.0f), *vf = test_random_floats(n, 1.0f);
    void *k = malloc(k3k_row_bytes(kv_type, n)), *v = malloc(k3k_row_bytes(kv_type, n));
    CHECK(k3k_quantize(kv_type, kf, k, n) == 0 && k3k_quantize(kv_type, vf, v, n) == 0, "quantise the cache");
    float *generic = malloc(sizeof(float) * nt * nh * hd), *isa = malloc(sizeof(float) * nt * nh * hd);
    double *want = malloc(sizeof(double) * nt * nh * hd);
    k3k_force_generic(1);
    CHECK(k3k_attention(NULL, q, k, v, kv_type, generic, nt, pos0, nk, nh, nkv, hd, scale, 1, window) == 0, "attention");
    k3k_force_generic(0);
    CHECK(k3k_attention(NULL, q, k, v, kv_type, isa, nt, pos0, nk, nh, nkv, hd, scale, 1, window) == 0, "attention");
    for (int i = 0; i < nt * nh * hd; i++) want[i] = generic[i];
    CHECK(close_abs_rel(isa, want, nt * nh * hd, 1e-6, 1e-5) == 0, "quantised attention kv %d keys %d head_dim %d window %d",
          kv_type, nk, hd, window);
    free(q); free(kf); free(vf); free(k); free(v); free(generic); free(isa); free(want);
}

void test_attention(void) {
    /* head_dim 5: the scalar tails only; 37: two-register and one-register vector steps plus a tail */
    for (int generic = 0; generic < 2; generic++) {
        k3k_force_generic(generic);
        for (int hd = 5; hd <= 37; hd += 32) {
            attention_case(K3K_F32, 1, 0, hd);
            attention_case(K3K_F32, 1, 3, hd);
            attention_case(K3K_F32, 0, 0, hd);
            attention_case(K3K_F16, 1, 0, hd);
            attention_case(K3K_F16, 0, 2, hd);
        }
    }
    k3k_force_generic(0);
    {
        k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
        /* GQA groups of 3, 8 and 4: a token's rows and a tile's go through different register tiles of the scores
         * (3 x 3, 2 x 4, 1 x 6 rows x keys on AVX2), so the batch equals its tokens alone only if every tile shape
         * gives each score the same bits */
        const int heads[] = {6, 16, 8};
        for (int h = 0; h < 3; h++) {
            exact_tiles_case(pool, K3K_F32, 0, heads[h]);
            exact_tiles_case(pool, K3K_F16, 0, heads[h]);
            exact_tiles_case(pool, K3K_F16, 45, heads[h]);
            flash_bits_case(pool, K3K_F16, 1, heads[h]);
            flash_bits_case(pool, K3K_F16, 9, heads[h]);
            flash_bits_case(pool, K3K_F32, 9, heads[h]);
        }
        k3k_force_generic(1);
        exact_tiles_case(pool, K3K_F16, 0, 6);
        k3k_force_generic(0);
        k3k_pool_destroy(pool);
        for (int threads = 1; threads <= 2; threads++) {
            k3k_pool *p = threads > 1 ? k3k_pool_create(threads, NULL, 0, NULL, K3K_AI_NEVER) : NULL;
            sequences_case(p, K3K_F16);
            sequences_case(p, K3K_F32);
            sequences_case(p, K3K_Q8_0);
            if (p) k3k_pool_destroy(p);
        }
    }
    for (int t = 0; t < 2; t++) {
        const int type = t ? K3K_Q4_0 : K3K_Q8_0;
        quant_attention_case(type, 37, 32, 0);
        quant_attention_case(type, 41, 96, 7);
    }
    CHECK(k3k_attention(NULL, NULL, NULL, NULL, K3K_Q4_0, NULL, 1, 0, 1, 4, 3, 8, 1, 1, 0) == -1, "bad attention args");
    CHECK(k3k_attention(NULL, NULL, NULL, NULL, K3K_Q8_0, NULL, 1, 0, 1, 4, 2, 48, 1, 1, 0) == -1, "head of a block and a half");
}
