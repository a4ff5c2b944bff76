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

