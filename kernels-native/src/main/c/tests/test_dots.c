/* Every weight type: the dispatched (ISA) dot equals the generic dot within float reassociation, the
 * generic dot equals a double-precision dot of the dequantised operands, and the pooled matmul equals
 * the single-threaded one exactly, on odd sizes and misaligned rows. */
#include "k3k_test.h"

static const int TYPES[] = {K3K_F32, K3K_F16, K3K_BF16, K3K_Q4_0, K3K_Q4_1, K3K_Q5_0, K3K_Q5_1, K3K_Q8_0,
                            K3K_Q2_K, K3K_Q3_K, K3K_Q4_K, K3K_Q5_K, K3K_Q6_K, K3K_Q8_K, K3K_IQ4_NL, K3K_IQ4_XS};

static void check_type(int type, int cols, int rows) {
    const k3k_type_traits *tr = k3k_traits(type);
    CHECK(tr != NULL, "type %d has a dot", type);
    if (!tr) return;
    uint8_t *w = test_random_row(type, cols, rows);
    const size_t rb = k3k_row_bytes(type, cols);
    uint8_t *w_odd = malloc(rb * rows + 1); /* rows starting at odd addresses */
    memcpy(w_odd + 1, w, rb * rows);
    float *x = test_random_floats(cols, 2.0f);
    uint8_t *xq = malloc(k3k_act_row_bytes(tr, cols));
    tr->from_float(x, xq, cols);
    float *wf = malloc(sizeof(float) * cols), *xf = malloc(sizeof(float) * cols);
    k3k_dequantize_row(tr->vec_dot_type, xq, xf, cols);
    /* the RVV dots of these types keep the generic float order: bit-identical */
    const int exact = !strcmp(tr->path, "rvv") && (type == K3K_Q4_0 || type == K3K_Q8_0 || type == K3K_IQ4_NL || type == K3K_IQ4_XS ||
                                                   type == K3K_Q4_1 || type == K3K_Q5_0 || type == K3K_Q5_1 || type == K3K_Q2_K ||
                                                   type == K3K_Q3_K || type == K3K_Q5_K);
    int bad_fast = 0, bad_ref = 0;
    for (int r = 0; r < rows; r++) {
        float g, f, f_odd;
        tr->generic(cols, &g, w + r * rb, xq);
        tr->dot(cols, &f, w + r * rb, xq);
        tr->dot(cols, &f_odd, w_odd + 1 + r * rb, xq);
        k3k_dequantize_row(type, w + r * rb, wf, cols);
        double ref = 0, mag = 0;
        for (int i = 0; i < cols; i++) {
            ref += (double) wf[i] * xf[i];
            mag += fabs((double) wf[i] * xf[i]);
        }
        const double tol = 1e-5 * mag + 1e-6;
        if (!(fabs(f - g) <= tol) || f != f_odd || (exact && f != g)) { /* a NaN fails */
            if (!bad_fast++) printf("  type %d row %d: fast %.9g generic %.9g odd %.9g tol %.3g\n", type, r, f, g, f_odd, tol);
        }
        if (!(fabs(g - ref) <= 1e-4 * mag + 1e-6)) {
            if (!bad_ref++) printf("  type %d row %d: generic %.9g dequantised %.9g\n", type, r, g, ref);
        }
    }
    if (tr->dot_4t) { /* 4 tokens at once: each output exactly the one-token dot's */
        const size_t xb = k3k_act_row_bytes(tr, cols);
        uint8_t *x4 = malloc(xb * 4);
        float *xs = test_random_floats(cols * 4, 1.0f);
        for (int k = 0; k < 4; k++) tr->from_float(xs + k * cols, x4 + k * xb, cols);
        int bad4 = 0;
        for (int r = 0; r < rows; r++) {
            float s4[8];
            tr->dot_4t(cols, s4, 2, w_odd + 1 + r * rb, x4, xb);
            for (int k = 0; k < 4; k++) {
                float one;
                tr->dot(cols, &one, w + r * rb, x4 + k * xb);
                bad4 += one != s4[2 * k];
            }
        }
        CHECK(bad4 == 0, "type %d (%s) cols %d: %d four-token outputs differ from the one-token dot", type, tr->path, cols, bad4);
        free(x4);
        free(xs);
    }
    CHECK(bad_fast == 0, "type %d (%s) cols %d: %d rows differ from generic", type, tr->path, cols, bad_fast);
    CHECK(bad_ref == 0, "type %d cols %d: %d generic rows differ from the dequantised dot", type, cols, bad_ref);
    free(w); free(w_odd); free(x); free(xq); free(wf); free(xf);
}

/* F16 and BF16 rows of zeros, subnormals and extreme normals: the widening paths random normal values never
 * reach (a naive exponent rebias turns +-0 into 2^-15 and mangles subnormals). */
static void check_half_specials(int type) {
    const k3k_type_traits *tr = k3k_traits(type);
    enum { N = 70, NS = 12 };
    const uint16_t f16[NS] = {0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x83ff, 0x0200, 0x0400, 0x7bff, 0xfbff, 0x3c00, 0x0010};
    const uint16_t bf16[NS] = {0x0000, 0x8000, 0x0001, 0x8001, 0x007f, 0x807f, 0x0080, 0x7f7f, 0xff7f, 0x3f80, 0x0040, 0x0010};
    const uint16_t *special = type == K3K_F16 ? f16 : bf16;
    uint16_t w[N], x[N];
    for (int shift = 0; shift < NS; shift++) {
        double mag = 0;
        for (int i = 0; i < N; i++) {
            w[i] = special[(i + shift) % NS];
            x[i] = special[(3 * i + 1) % NS] & 0x807f; /* small activations: zero, subnormal or tiny normal */
            const float wf = type == K3K_F16 ? k3k_fp16_to_fp32(w[i]) : k3k_bf16_to_fp32(w[i]);
            const float xf = type == K3K_F16 ? k3k_fp16_to_fp32(x[i]) : k3k_bf16_to_fp32(x[i]);
            mag += fabs((double) wf * xf);
        }
        float g, f;
        tr->generic(N, &g, w, x);
        tr->dot(N, &f, w, x);
        CHECK(fabs((double) f - g) <= 1e-5 * mag + 1e-40, "type %d (%s) special halves, shift %d: fast %.9g generic %.9g",
              type, tr->path, shift, f, g);
    }
}

static void check_pooled_matmul(int type, int cols, int rows, int n_tokens) {
    uint8_t *w = test_random_row(type, cols, rows);
    float *x = test_random_floats(cols * n_tokens, 1.0f);
    float *y1 = calloc((size_t) rows * n_tokens, sizeof(float)), *y3 = calloc((size_t) rows * n_tokens, sizeof(float));
    CHECK(k3k_matmul(NULL, type, w, rows, cols, x, y1, n_tokens) == 0, "matmul type %d", type);
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    CHECK(pool != NULL, "pool of 3");
    CHECK(k3k_matmul(pool, type, w, rows, cols, x, y3, n_tokens) == 0, "pooled matmul type %d", type);
    k3k_pool_destroy(pool);
    int diff = 0;
    for (int i = 0; i < rows * n_tokens; i++) diff += y1[i] != y3[i];
    CHECK(diff == 0, "type %d %dx%d x %d tokens: pooled differs in %d outputs", type, rows, cols, n_tokens, diff);
    free(w); free(x); free(y1); free(y3);
}

void test_dots(void) {
    for (size_t i = 0; i < sizeof(TYPES) / sizeof(TYPES[0]); i++) {
        const int t = TYPES[i], bs = k3k_block_size(t) == 1 ? 32 : k3k_block_size(t);
        check_type(t, bs, 5);
        check_type(t, bs * 7, 9);
        check_type(t, bs * 13, 3);
        if (k3k_block_size(t) == 1) check_type(t, 37, 4); /* float types: ragged tails */
        check_pooled_matmul(t, bs * 3, 17, 1);
        check_pooled_matmul(t, bs * 2, 35, 5);
    }
    check_half_specials(K3K_F16);
    check_half_specials(K3K_BF16);
    char cov[2048];
    k3k_coverage(cov, sizeof(cov));
    CHECK(strstr(cov, "matmul.IQ4_NL ") && strstr(cov, "matmul.IQ4_XS "), "coverage lists the IQ4 types:\n%s", cov);
    /* a SIMD build leaves no quantised weight type on the generic dot (they ran 15-30x slower than a vector kernel) */
    if (strcmp(k3k_isa(), "generic") != 0) {
        const int quantised[] = {K3K_Q4_0, K3K_Q4_1, K3K_Q5_0, K3K_Q5_1, K3K_Q8_0, K3K_Q2_K, K3K_Q3_K,
                                 K3K_Q4_K, K3K_Q5_K, K3K_Q6_K, K3K_IQ4_NL, K3K_IQ4_XS};
        for (size_t i = 0; i < sizeof(quantised) / sizeof(quantised[0]); i++)
            CHECK(strcmp(k3k_traits(quantised[i])->path, "generic") != 0, "type %d has a dot of the %s path, not the generic one",
                  quantised[i], k3k_isa());
    }
    CHECK(k3k_matmul(NULL, 99, NULL, 1, 32, NULL, NULL, 1) == -1, "unknown type refused");
    CHECK(k3k_matmul(NULL, 21, NULL, 1, 256, NULL, NULL, 1) == -1, "IQ3_S (no kernel) refused");
    CHECK(k3k_matmul(NULL, K3K_Q4_0, NULL, 1, 33, NULL, NULL, 1) == -1, "ragged cols refused");
}
