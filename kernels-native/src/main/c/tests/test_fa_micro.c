/* The attention's float micro-kernels (k3k_fa_micro.h): each ISA path against the generic C, many rows at once
 * against one by one, the widening and rounding helpers, and the exponential against libm. */
#include <math.h>
#include <string.h>
#include "k3k_test.h"
#include "../k3k_fa_micro.h"

/* The tiled kernel's float micro-kernels: this CPU's path equals the generic C bit for bit (the same C, vectorised),
 * at head sizes with and without a 32-wide tail and partial blocks; the exponential is within 2 ulp of libm's. */
void test_fa_micro(void) {
    enum { BK = K3K_FA_BK };
    k3k_force_generic(1);
    const k3k_type_traits g = *k3k_traits(K3K_F32);
    k3k_force_generic(0);
    const k3k_type_traits *f = k3k_traits(K3K_F32);
    const int hds[] = {37, 64, 128};
    for (int i = 0; i < 3; i++) {
        const int hd = hds[i], rows = 5;
        float *q = test_random_floats(rows * hd, 1.0f), *kt = test_random_floats(hd * BK, 1.0f), *vb = test_random_floats(BK * hd, 1.0f);
        float sg[5 * BK], sf[5 * BK], s1[5 * BK];
        g.fa_scores(q, hd, rows, kt, hd, 0.3f, sg, BK);
        f->fa_scores(q, hd, rows, kt, hd, 0.3f, sf, BK);
        CHECK(memcmp(sg, sf, sizeof sg) == 0, "fa_scores %s head %d: equals generic", f->fa_path, hd);
        for (int r = 0; r < rows; r++) f->fa_scores(q + r * hd, hd, 1, kt, hd, 0.3f, s1 + r * BK, BK);
        CHECK(memcmp(s1, sf, sizeof sf) == 0, "fa_scores %s head %d: five rows at once equal one by one", f->fa_path, hd);
        double want = 0.0;
        for (int d = 0; d < hd; d++) want += (double) q[hd + d] * kt[d * BK + 7];
        CHECK(fabs(sg[BK + 7] - 0.3 * want) <= 1e-5 * (1.0 + fabs(want)), "fa_scores head %d: row 1 key 7", hd);
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
                for (int j = 0; j < n; j++) w += (double) p[r * PS + j] * vb[j * hd + hd - 1];
                CHECK(fabs(ag[r * AS + hd - 1] - w) <= 1e-5 * (1.0 + fabs(w)), "fa_pv head %d keys %d: row %d's last dimension",
                      hd, n, r);
            }
        }
        free(q); free(kt); free(vb);
    }
    { /* fa_scores_rows (rows across the lanes, K's rows as they are) gives fa_scores' bits (keys across the lanes,
       * K transposed), on this CPU's path and the generic C, at whole and ragged key blocks and head sizes */
        enum { RL = K3K_FA_RL, ROWS = 2 * RL, SS = BK + 5 };
        const int hd2[] = {37, 64, 256}, nks[] = {1, 7, 8, 13, BK};
        CHECK(g.fa_scores_rows != NULL, "fa_scores_rows: the generic C has it");
        for (int i = 0; i < 3; i++) {
            const int hd = hd2[i];
            float *q = test_random_floats(ROWS * hd, 1.0f), *kb = test_random_floats(BK * hd, 1.0f);
            float *qt = malloc(sizeof(float) * ROWS * hd), *kt = malloc(sizeof(float) * hd * BK);
            k3k_force_generic(1); /* the generic C has the rows form on every CPU (AVX-512 leaves it out) */
            CHECK(k3k_fa_rows_transposed(q, ROWS, hd, qt) == qt && k3k_fa_rows_transposed(q, RL - 1, hd, qt) == NULL,
                  "k3k_fa_rows_transposed: written for whole groups, not for fewer rows than one");
            k3k_force_generic(0);
            CHECK(qt[(hd + 3) * RL + 2] == q[(RL + 2) * hd + 3], "k3k_fa_rows_transposed: group 1 row 2 element 3");
            for (int n = 0; n < 5; n++) {
                const int nk = nks[n];
                for (int d = 0; d < hd; d++)
                    for (int j = 0; j < BK; j++) kt[d * BK + j] = j < nk ? kb[j * hd + d] : 0.0f;
                float want[ROWS * SS], got[ROWS * SS], gen[ROWS * SS];
                memset(got, 0, sizeof got);
                memset(gen, 0, sizeof gen);
                g.fa_scores(q, hd, ROWS, kt, hd, 0.3f, want, SS);
                (f->fa_scores_rows ? f->fa_scores_rows : g.fa_scores_rows)(qt, ROWS / RL, kb, nk, hd, 0.3f, got, SS);
                g.fa_scores_rows(qt, ROWS / RL, kb, nk, hd, 0.3f, gen, SS);
                int same = 1;
                for (int r = 0; r < ROWS; r++)
                    same &= memcmp(want + r * SS, got + r * SS, sizeof(float) * nk) == 0 &&
                            memcmp(got + r * SS, gen + r * SS, sizeof(float) * nk) == 0;
                CHECK(same, "fa_scores_rows %s head %d keys %d: fa_scores' bits, and generic's", f->fa_path, hd, nk);
            }
            free(q); free(kb); free(qt); free(kt);
        }
    }
    { /* kv_pv (p*v from F16 rows converted in registers, where the ISA has it) gives widening + fa_pv's bits, at
       * every row count of its row blocks' tails, ragged head sizes and key counts, a row stride past the head */
        k3k_force_generic(1);
        const k3k_type_traits g16 = *k3k_traits(K3K_F16);
        k3k_force_generic(0);
        const k3k_type_traits *f16 = k3k_traits(K3K_F16);
        CHECK(g16.kv_pv == NULL, "kv_pv: the generic C widens instead");
        enum { MAXR = 11, VS = 300, PS = BK + 1 };
        const int hd3[] = {37, 64, 256}, ns[] = {1, 9, BK};
        for (int i = 0; f16->kv_pv && i < 3; i++) {
            const int hd = hd3[i];
            float *src = test_random_floats(BK * VS, 1.0f), *p = test_random_floats(MAXR * PS, 1.0f);
            float *vb = malloc(sizeof(float) * BK * hd);
            k3k_half *vh = malloc(sizeof(k3k_half) * BK * VS);
            k3k_quantize(K3K_F16, src, vh, BK * VS);
            for (int j = 0; j < BK; j++) g16.kv_widen(vh + j * VS, vb + j * hd, hd);
            for (int rows = 1; rows <= MAXR; rows++)
                for (int c = 0; c < 3; c++) {
                    float *want = test_random_floats(MAXR * hd, 1.0f), *got = malloc(sizeof(float) * MAXR * hd);
                    memcpy(got, want, sizeof(float) * MAXR * hd);
                    g.fa_pv(want, hd, p, PS, rows, ns[c], vb, hd);
                    f16->kv_pv(got, hd, p, PS, rows, ns[c], vh, VS * sizeof(k3k_half), hd);
                    CHECK(memcmp(want, got, sizeof(float) * MAXR * hd) == 0, "kv_pv %s head %d rows %d keys %d: widen + fa_pv's bits",
                          f16->kv_path, hd, rows, ns[c]);
                    free(want); free(got);
                }
            free(src); free(p); free(vb); free(vh);
        }
    }
    { /* the F16/F32 widening and rounding: data movement and exact conversions, so equal to generic */
        enum { NK = 13, HD = 37, STRIDE = 3 * HD };
        float *src = test_random_floats(NK * STRIDE, 2.0f), kg[HD * 16], kf[HD * 16], rg[HD], rf[HD];
        k3k_half h[NK * STRIDE];
        k3k_quantize(K3K_F16, src, h, NK * STRIDE);
        k3k_force_generic(1);
        const k3k_type_traits g16 = *k3k_traits(K3K_F16);
        k3k_force_generic(0);
        const k3k_type_traits *f16 = k3k_traits(K3K_F16);
        for (int t = 0; t < 2; t++) {
            const void *rows = t ? (const void *) h : (const void *) src;
            const size_t row_bytes = (size_t) STRIDE * (t ? sizeof(k3k_half) : sizeof(float));
            const k3k_type_traits *gt = t ? &g16 : &g, *ft = t ? f16 : f;
            memset(kg, 0, sizeof kg);
            memset(kf, 0, sizeof kf);
            gt->kv_widen_t(rows, row_bytes, NK, HD, kg, 16);
            ft->kv_widen_t(rows, row_bytes, NK, HD, kf, 16);
            CHECK(memcmp(kg, kf, sizeof kg) == 0, "kv_widen_t %s: equals generic", t ? "F16" : "F32");
            const float want = t ? k3k_fp16_to_fp32(h[5 * STRIDE + 20]) : src[5 * STRIDE + 20];
            CHECK(kg[20 * 16 + 5] == want, "kv_widen_t %s: row 5 element 20 in column 5", t ? "F16" : "F32");
        }
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
       * dequantisation bit for bit, rows and transposed blocks, in rows that are not contiguous */
        enum { NK = 11, MAX_HD = 288, STRIDE_BLOCKS = 10 };
        const int types[2] = {K3K_Q8_0, K3K_Q4_0};
        for (int ti = 0; ti < 4; ti++) { /* head sizes 96 and 288 (the transposes go 256 values a slice) */
            const int type = types[ti % 2], HD = ti < 2 ? 96 : MAX_HD;
            const size_t row_bytes = k3k_row_bytes(type, 32) * STRIDE_BLOCKS;
            float *src = test_random_floats(NK * 32 * STRIDE_BLOCKS, 3.0f), want[MAX_HD], got[MAX_HD];
            float *kg = calloc(HD * 16, sizeof(float)), *kf = calloc(HD * 16, sizeof(float));
            uint8_t *rows = malloc(row_bytes * NK);
            CHECK(k3k_quantize(type, src, rows, NK * 32 * STRIDE_BLOCKS) == 0, "quantise %d", type);
            k3k_force_generic(1); /* the generic table's widenings run whole under it (they call the table's others) */
            const k3k_type_traits gt = *k3k_traits(type);
            gt.kv_widen_t(rows, row_bytes, NK, HD, kg, 16);
            int rows_equal = 1, t_equal = 1, nonzero = 0;
            for (int j = 0; j < NK; j++) {
                CHECK(k3k_dequantize_row(type, rows + j * row_bytes, want, HD) == 0, "dequantise");
                for (int d = 0; d < HD; d++) nonzero += want[d] != 0.0f;
                gt.kv_widen(rows + j * row_bytes, got, HD);
                rows_equal &= memcmp(want, got, sizeof(float) * HD) == 0;
            }
            k3k_force_generic(0);
            const k3k_type_traits *ft = k3k_traits(type);
            ft->kv_widen_t(rows, row_bytes, NK, HD, kf, 16);
            for (int j = 0; j < NK; j++) {
                CHECK(k3k_dequantize_row(type, rows + j * row_bytes, want, HD) == 0, "dequantise");
                ft->kv_widen(rows + j * row_bytes, got, HD);
                rows_equal &= memcmp(want, got, sizeof(float) * HD) == 0;
                for (int d = 0; d < HD; d++) t_equal &= kg[d * 16 + j] == want[d];
            }
            CHECK(rows_equal && nonzero > NK * HD / 2, "kv_widen %d (%s) head %d: every row equals its dequantisation", type,
                  ft->kv_path, HD);
            CHECK(t_equal && memcmp(kg, kf, sizeof(float) * HD * 16) == 0,
                  "kv_widen_t %d (%s) head %d: every row in its column, equal to generic", type, ft->kv_path, HD);
            free(src); free(kg); free(kf); free(rows);
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

