/* The attention's float micro-kernels (k3k_fa_micro.h): each ISA path against the generic C, many rows at once
 * against one by one, the widening and rounding helpers, and the exponential against libm. */
#include <math.h>
#include <string.h>
#include "k3k_test.h"
#include "../k3k_fa_micro.h"

/* The tiled kernel's float micro-kernels: this CPU's path equals the generic C bit for bit (the same C vectorised, or
 * the AVX2 register tiles), at head sizes with and without a tail and partial blocks; the generic scores and p*v are
 * the order k3k_fa_micro.h states; the exponential is within 2 ulp of libm's. */
void test_fa_micro(void) {
    enum { BK = K3K_FA_BK };
    k3k_force_generic(1);
    const k3k_type_traits g = *k3k_traits(K3K_F32);
    k3k_force_generic(0);
    const k3k_type_traits *f = k3k_traits(K3K_F32);
    { /* fa_scores: this CPU's path equals the generic C bit for bit, and both the order k3k_fa_micro.h states (eight
       * fused partial sums, the last group zero-padded, added as a fixed tree, times scale), at every row count of the
       * tiles' edges, ragged key counts and head sizes, a key row stride past the head; rows at once equal one by one */
        enum { MAXR = 11, SS = BK + 5, KS = 300 };
        const int hd1[] = {37, 64, 128, 256}, nks[] = {1, 2, 5, 7, 12, 13, BK};
        for (int i = 0; i < 4; i++) {
            const int hd = hd1[i];
            float *q = test_random_floats(MAXR * hd, 1.0f), *kb = test_random_floats(BK * KS, 1.0f);
            for (int rows = 1; rows <= MAXR; rows++)
                for (int c = 0; c < 7; c++) {
                    const int nk = nks[c];
                    float sg[MAXR * SS], sf[MAXR * SS], s1[MAXR * SS];
                    memset(sg, 0, sizeof sg);
                    memset(sf, 0, sizeof sf);
                    memset(s1, 0, sizeof s1);
                    g.fa_scores(q, hd, rows, kb, KS, nk, hd, 0.3f, sg, SS);
                    f->fa_scores(q, hd, rows, kb, KS, nk, hd, 0.3f, sf, SS);
                    for (int r = 0; r < rows; r++) f->fa_scores(q + r * hd, hd, 1, kb, KS, nk, hd, 0.3f, s1 + r * SS, SS);
                    int model = 1, near = 1;
                    for (int r = 0; r < rows; r++)
                        for (int j = 0; j < nk; j++) {
                            float lane[8] = {0};
                            double want = 0.0;
                            for (int d = 0; d < (hd + 7) / 8 * 8; d++) {
                                const float x = d < hd ? q[r * hd + d] : 0.0f, y = d < hd ? kb[j * KS + d] : 0.0f;
                                lane[d % 8] = fmaf(x, y, lane[d % 8]);
                                want += (double) x * y;
                            }
                            const float got = sg[r * SS + j];
                            model &= got == (((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]))) * 0.3f;
                            near &= fabs(got - 0.3 * want) <= 1e-5 * (1.0 + fabs(want));
                        }
                    CHECK(model && near, "fa_scores generic head %d rows %d keys %d: the stated order, near the exact sum", hd,
                          rows, nk);
                    CHECK(memcmp(sg, sf, sizeof sg) == 0, "fa_scores %s head %d rows %d keys %d: equals generic", f->fa_path, hd,
                          rows, nk);
                    CHECK(memcmp(s1, sf, sizeof sf) == 0, "fa_scores %s head %d rows %d keys %d: rows at once equal one by one",
                          f->fa_path, hd, rows, nk);
                }
            free(q); free(kb);
        }
    }
    const int hds[] = {37, 64, 128};
    for (int i = 0; i < 3; i++) {
        const int hd = hds[i], rows = 5;
        float *vb = test_random_floats(BK * hd, 1.0f);
        enum { PS = BK + 3, AS = 131 }; /* row strides of the probabilities and accumulators */
        for (int n = 1; n <= BK; n += 10) {
            float ag[5 * AS] = {0}, af[5 * AS] = {0}, a1[5 * AS] = {0}, p[5 * PS];
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < n; j++) p[r * PS + j] = (float) (j + 1 + r) / (float) (n + r);
            g.fa_pv(ag, AS, p, PS, rows, n, vb, hd);
            f->fa_pv(af, AS, p, PS, rows, n, vb, hd);
            CHECK(memcmp(ag, af, sizeof ag) == 0, "fa_pv %s head %d keys %d: equals generic", f->fa_path, hd, n);
            for (int r = 0; r < rows; r++) f->fa_pv(a1 + r * AS, AS, p + r * PS, PS, 1, n, vb, hd);
            CHECK(memcmp(a1, af, sizeof af) == 0, "fa_pv %s head %d keys %d: five rows at once equal one by one",
                  f->fa_path, hd, n);
            for (int r = 0; r < rows; r++) {
                double w = 0.0;
                float chain = 0.0f;
                for (int j = 0; j < n; j++) {
                    w += (double) p[r * PS + j] * vb[j * hd + hd - 1];
                    chain = fmaf(p[r * PS + j], vb[j * hd + hd - 1], chain);
                }
                CHECK(ag[r * AS + hd - 1] == chain && fabs(ag[r * AS + hd - 1] - w) <= 1e-5 * (1.0 + fabs(w)),
                      "fa_pv head %d keys %d: row %d's last dimension, fused in key order", hd, n, r);
            }
        }
        free(vb);
    }
    { /* kv_scores and kv_pv (scores and p*v from F16 rows converted in registers, where the ISA has them) give
       * widening + fa_scores' and fa_pv's bits, at every row count of their tiles' edges, ragged head sizes and key
       * counts, a row stride past the head */
        k3k_force_generic(1);
        const k3k_type_traits g16 = *k3k_traits(K3K_F16);
        k3k_force_generic(0);
        const k3k_type_traits *f16 = k3k_traits(K3K_F16);
        CHECK(g16.kv_scores == NULL && g16.kv_pv == NULL, "kv_scores, kv_pv: the generic C widens instead");
        enum { MAXR = 11, RS = 300, SS = BK + 1 };
        const int hd3[] = {37, 64, 256}, ns[] = {1, 2, 7, 9, 12, BK};
        for (int i = 0; (f16->kv_scores || f16->kv_pv) && i < 3; i++) {
            const int hd = hd3[i];
            float *src = test_random_floats(BK * RS, 1.0f), *q = test_random_floats(MAXR * hd, 1.0f);
            float *p = test_random_floats(MAXR * SS, 1.0f), *wide = malloc(sizeof(float) * BK * hd);
            k3k_half *h = malloc(sizeof(k3k_half) * BK * RS);
            k3k_quantize(K3K_F16, src, h, BK * RS);
            for (int j = 0; j < BK; j++) g16.kv_widen(h + j * RS, wide + j * hd, hd);
            for (int rows = 1; rows <= MAXR; rows++)
                for (int c = 0; c < 6; c++) {
                    if (f16->kv_scores) {
                        float want[MAXR * SS], got[MAXR * SS];
                        memset(want, 0, sizeof want);
                        memset(got, 0, sizeof got);
                        g.fa_scores(q, hd, rows, wide, hd, ns[c], hd, 0.7f, want, SS);
                        f16->kv_scores(q, hd, rows, h, RS * sizeof(k3k_half), ns[c], hd, 0.7f, got, SS);
                        CHECK(memcmp(want, got, sizeof want) == 0, "kv_scores %s head %d rows %d keys %d: widen + fa_scores' bits",
                              f16->kv_path, hd, rows, ns[c]);
                    }
                    if (f16->kv_pv) {
                        float *want = test_random_floats(MAXR * hd, 1.0f), *got = malloc(sizeof(float) * MAXR * hd);
                        memcpy(got, want, sizeof(float) * MAXR * hd);
                        g.fa_pv(want, hd, p, SS, rows, ns[c], wide, hd);
                        f16->kv_pv(got, hd, p, SS, rows, ns[c], h, RS * sizeof(k3k_half), hd);
                        CHECK(memcmp(want, got, sizeof(float) * MAXR * hd) == 0, "kv_pv %s head %d rows %d keys %d: widen + fa_pv's bits",
                              f16->kv_path, hd, rows, ns[c]);
                        free(want); free(got);
                    }
                }
            free(src); free(q); free(p); free(wide); free(h);
        }
    }
    { /* the F16/F32 widening and rounding: data movement and exact conversions, so equal to generic */
        enum { NK = 13, HD = 37, STRIDE = 3 * HD };
        float *src = test_random_floats(NK * STRIDE, 2.0f), rg[HD], rf[HD];
        k3k_half h[NK * STRIDE];
        k3k_quantize(K3K_F16, src, h, NK * STRIDE);
        k3k_force_generic(1);
        const k3k_type_traits g16 = *k3k_traits(K3K_F16);
        k3k_force_generic(0);
        const k3k_type_traits *f16 = k3k_traits(K3K_F16);
        g16.kv_widen(h + STRIDE, rg, HD);
        f16->kv_widen(h + STRIDE, rf, HD);
        CHECK(memcmp(rg, rf, sizeof rg) == 0 && rg[3] == k3k_fp16_to_fp32(h[STRIDE + 3]), "kv_widen F16: equals generic");
        memcpy(rg, src, sizeof rg);
        memcpy(rf, src, sizeof rf);
        g16.kv_round(rg, HD);
        f16->kv_round(rf, HD);
        CHECK(memcmp(rg, rf, sizeof rg) == 0 && rg[7] == k3k_fp16_to_fp32(k3k_fp32_to_fp16(src[7])), "kv_round F16: equals generic");
        free(src);
    }
    { /* a quantised cache's rows dequantised for the tiled attention: every path's widening equals the type's
       * dequantisation bit for bit, in rows that are not contiguous */
        enum { NK = 11, MAX_HD = 288, STRIDE_BLOCKS = 10 };
        const int types[2] = {K3K_Q8_0, K3K_Q4_0};
        for (int ti = 0; ti < 4; ti++) { /* head sizes 96 and 288 */
            const int type = types[ti % 2], HD = ti < 2 ? 96 : MAX_HD;
            const size_t row_bytes = k3k_row_bytes(type, 32) * STRIDE_BLOCKS;
            float *src = test_random_floats(NK * 32 * STRIDE_BLOCKS, 3.0f), want[MAX_HD], got[MAX_HD];
            uint8_t *rows = malloc(row_bytes * NK);
            CHECK(k3k_quantize(type, src, rows, NK * 32 * STRIDE_BLOCKS) == 0, "quantise %d", type);
            k3k_force_generic(1);
            const k3k_type_traits gt = *k3k_traits(type);
            int rows_equal = 1, nonzero = 0;
            for (int j = 0; j < NK; j++) {
                CHECK(k3k_dequantize_row(type, rows + j * row_bytes, want, HD) == 0, "dequantise");
                for (int d = 0; d < HD; d++) nonzero += want[d] != 0.0f;
                gt.kv_widen(rows + j * row_bytes, got, HD);
                rows_equal &= memcmp(want, got, sizeof(float) * HD) == 0;
            }
            k3k_force_generic(0);
            const k3k_type_traits *ft = k3k_traits(type);
            for (int j = 0; j < NK; j++) {
                CHECK(k3k_dequantize_row(type, rows + j * row_bytes, want, HD) == 0, "dequantise");
                ft->kv_widen(rows + j * row_bytes, got, HD);
                rows_equal &= memcmp(want, got, sizeof(float) * HD) == 0;
            }
            CHECK(rows_equal && nonzero > NK * HD / 2, "kv_widen %d (%s) head %d: every row equals its dequantisation", type,
                  ft->kv_path, HD);
            free(src); free(rows);
        }
    }
    float xg[205], xf[205];
    for (int i = 0; i < 203; i++) xg[i] = xf[i] = -90.0f + 0.4437f * (float) i; /* -90 .. 0 */
    xg[202] = xf[202] = 0.0f;
    xg[203] = xf[203] = -INFINITY; /* a masked score */
    xg[204] = xf[204] = -87.0f;
    g.fa_exp(xg, 205, 0.0f);
    f->fa_exp(xf, 205, 0.0f);
    CHECK(memcmp(xg, xf, sizeof xg) == 0, "fa_exp %s: equals generic", f->fa_path);
    CHECK(xg[203] == xg[204] && xg[0] == xg[204] && xg[204] > 0.0f && xg[204] < 2e-38f, "fa_exp: below -87 and -inf give e^-87");
    float ng[2] = {NAN, -NAN}, nf[2] = {NAN, -NAN};
    g.fa_exp(ng, 2, 0.0f);
    f->fa_exp(nf, 2, 0.0f);
    CHECK(isnan(ng[0]) && isnan(ng[1]) && isnan(nf[0]) && isnan(nf[1]), "fa_exp %s: a NaN score stays NaN", f->fa_path);
    int worst = 0;
    for (int i = 0; i < 203; i++) {
        const float x = i == 202 ? 0.0f : -90.0f + 0.4437f * (float) i, want = expf(x);
        if (x < -87.0f) continue; /* clamped to e^-87 there */
        int32_t a, b;
        memcpy(&a, &xg[i], 4);
        memcpy(&b, &want, 4);
        if (abs(a - b) > worst) worst = abs(a - b);
    }
    CHECK(worst <= 2, "fa_exp: %d ulp from libm's expf at worst (at most 2)", worst);
    CHECK(xg[202] == 1.0f, "fa_exp(0) = 1");
}

