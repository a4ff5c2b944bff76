/* The tiled attention kernel's float micro-kernels (k3k_attention_flash.c), written once in plain C that
 * compilers vectorise, and instantiated per ISA with K3K_FA_MICRO(attributes, suffix): the generic build,
 * AVX2 and AVX-512 through target attributes, NEON and RVV by their base flags. Every loop vectorises across
 * independent outputs (keys for the scores, head dimensions for the values, elements for exp) and each output
 * sees the same multiplies and adds in the same order (no fused multiply-add: the build has
 * -ffp-contract=off), so every instance gives the same bits.
 *
 * A block holds K3K_FA_BK keys: K transposed and widened to f32 (kt[d * K3K_FA_BK + j]), V widened (vb[j * hd + d]). */
#ifndef K3K_FA_MICRO_H
#define K3K_FA_MICRO_H

#define K3K_FA_BK 32 /* keys per block */
#define K3K_FA_DV 32 /* value dimensions kept in registers while a block's keys stream past */
#define K3K_FA_RL 8  /* fa_scores_rows: query rows across the lanes */
#define K3K_FA_RK 8  /* fa_scores_rows: keys in registers at once */
typedef float k3k_fa_v8 __attribute__((vector_size(K3K_FA_RL * sizeof(float))));

/* e^x for x <= 0 (a score minus the running maximum), to within 2 ulp: x = n ln2 + r with |r| <= ln2/2,
 * e^r by Cephes' degree-7 polynomial, times 2^n built in the exponent bits. Below -87 (and -inf) it returns
 * e^-87 (1.6e-38): a probability that small adds nothing to a sum of at least 1. The clamp compares the bits as
 * unsigned integers (a float below -87, down to -inf, has larger bits than -87's; zero and positive floats have
 * smaller ones, negative NaNs larger than -inf's), so the loop has no branch and vectorises; a float
 * compare-and-select here became a branch to a constant result and kept the whole loop scalar. */
#define K3K_FA_EXP_BODY(x)                                                                               \
    do {                                                                                                 \
        uint32_t u_;                                                                                     \
        memcpy(&u_, &(x), sizeof u_);                                                                    \
        const uint32_t c_ = u_ < 0xC2AE0000u ? u_ : 0xC2AE0000u; /* -87.0f */                               \
        u_ = u_ > 0xFF800000u ? u_ : c_;                          /* a NaN stays NaN */                     \
        float xc_;                                                                                       \
        memcpy(&xc_, &u_, sizeof xc_);                                                                   \
        const float n_ = (float) (int) (xc_ * 1.44269504088896341f - 0.5f); /* round(x / ln2), x <= 0 */ \
        const float r_ = (xc_ - n_ * 0.693359375f) - n_ * -2.12194440e-4f;                               \
        float p_ = 1.9875691500e-4f;                                                                     \
        p_ = p_ * r_ + 1.3981999507e-3f;                                                                 \
        p_ = p_ * r_ + 8.3334519073e-3f;                                                                 \
        p_ = p_ * r_ + 4.1665795894e-2f;                                                                 \
        p_ = p_ * r_ + 1.6666665459e-1f;                                                                 \
        p_ = p_ * r_ + 5.0000001201e-1f;                                                                 \
        p_ = (p_ * (r_ * r_) + r_) + 1.0f;                                                               \
        const int32_t bits_ = ((int32_t) n_ + 127) << 23;                                                \
        float scale_;                                                                                    \
        memcpy(&scale_, &bits_, sizeof scale_);                                                          \
        (x) = p_ * scale_;                                                                               \
    } while (0)

/* The largest of x[0..n) (n > 0; -inf when every x is): the maximum of the floats' bits mapped to integers in
 * the floats' order (negative ones with their magnitude bits flipped), a loop compilers vectorise where a float
 * maximum stays scalar. The same value as a float comparison but for the sign of a zero result, which nothing
 * downstream sees (x - m and e^(x - m) are the same for either zero). */
static inline float k3k_fa_max(const float *x, int n) {
    int32_t best = INT32_MIN;
    for (int j = 0; j < n; j++) {
        int32_t b;
        memcpy(&b, x + j, sizeof b);
        b ^= (b >> 31) & 0x7FFFFFFF;
        best = b > best ? b : best;
    }
    best ^= (best >> 31) & 0x7FFFFFFF;
    float m;
    memcpy(&m, &best, sizeof m);
    return m;
}

/* Rows go through the scores and p*v in blocks of RB (the instance's register budget: RB rows x K3K_FA_BK
 * scores or x K3K_FA_DV value dimensions of accumulators), so each loaded K or V vector serves RB rows and
 * RB x 2-4 independent add chains hide the add latency; one row alone was bound by that latency. Blocking does
 * not change any output's operations, so every RB gives the same bits. */
#define K3K_FA_MICRO(ATTR, SUFFIX, RB)                                                                    \
    /* s[r * s_stride + j] = scale * sum_d q_r[d] kt[d][j] for the block's K3K_FA_BK keys, d ascending */  \
    ATTR void k3k_fa_scores_##SUFFIX(const float *q, size_t q_stride, int rows, const float *kt, int hd,  \
                                     float scale, float *s, size_t s_stride) {                            \
        int r = 0;                                                                                       \
        for (; r + (RB) <= rows; r += (RB)) {                                                            \
            float acc[RB][K3K_FA_BK];                                                                    \
            for (int i = 0; i < (RB); i++)                                                               \
                for (int j = 0; j < K3K_FA_BK; j++) acc[i][j] = 0.0f;                                    \
            for (int d = 0; d < hd; d++) {                                                               \
                const float *kd = kt + (size_t) d * K3K_FA_BK;                                           \
                for (int i = 0; i < (RB); i++) {                                                         \
                    const float qd = q[(size_t) (r + i) * q_stride + d];                                 \
                    for (int j = 0; j < K3K_FA_BK; j++) acc[i][j] = acc[i][j] + qd * kd[j];              \
                }                                                                                        \
            }                                                                                            \
            for (int i = 0; i < (RB); i++)                                                               \
                for (int j = 0; j < K3K_FA_BK; j++) s[(size_t) (r + i) * s_stride + j] = acc[i][j] * scale; \
        }                                                                                                \
        for (; r < rows; r++) {                                                                          \
            const float *qr = q + (size_t) r * q_stride;                                                 \
            float acc[K3K_FA_BK];                                                                        \
            for (int j = 0; j < K3K_FA_BK; j++) acc[j] = 0.0f;                                           \
            for (int d = 0; d < hd; d++) {                                                               \
                const float qd = qr[d];                                                                  \
                const float *kd = kt + (size_t) d * K3K_FA_BK;                                           \
                for (int j = 0; j < K3K_FA_BK; j++) acc[j] = acc[j] + qd * kd[j];                        \
            }                                                                                            \
            float *sr = s + (size_t) r * s_stride;                                                       \
            for (int j = 0; j < K3K_FA_BK; j++) sr[j] = acc[j] * scale;                                  \
        }                                                                                                \
    }                                                                                                    \
    /* The same scores with the rows, not the keys, across the vector lanes: rows in groups of K3K_FA_RL    \
     * (qt[(g * hd + d) * K3K_FA_RL + l] is row g * K3K_FA_RL + l's q[d]) against the keys' rows as the cache  \
     * holds them (kb[j * hd + d], widened but not transposed), keys j < n; each score's sum is fa_scores'   \
     * (d ascending, then times scale), so either kernel gives the same bits. A GQA group of 8 decoding one   \
     * token spent 16 % of its attention transposing K blocks for fa_scores. Written with the compilers'     \
     * vector type (k3k_fa_v8: lane-wise IEEE multiplies and adds, so the same bits as scalar code): left to   \
     * the vectoriser, GCC 12 put the keys across the lanes and gathered them. */                          \
    ATTR void k3k_fa_scores_rows_##SUFFIX(const float *qt, int groups, const float *kb, int n, int hd, float scale, \
                                          float *s, size_t s_stride) {                                     \
        for (int g = 0; g < groups; g++) {                                                               \
            const float *qg = qt + (size_t) g * hd * K3K_FA_RL;                                          \
            float *sg = s + (size_t) g * K3K_FA_RL * s_stride;                                           \
            int j = 0;                                                                                   \
            for (; j + K3K_FA_RK <= n; j += K3K_FA_RK) {                                                 \
                k3k_fa_v8 acc[K3K_FA_RK];                                                                \
                for (int i = 0; i < K3K_FA_RK; i++) acc[i] = (k3k_fa_v8) {0};                            \
                for (int d = 0; d < hd; d++) {                                                           \
                    k3k_fa_v8 qd;                                                                        \
                    memcpy(&qd, qg + (size_t) d * K3K_FA_RL, sizeof qd);                                 \
                    for (int i = 0; i < K3K_FA_RK; i++) acc[i] = acc[i] + qd * kb[(size_t) (j + i) * hd + d]; \
                }                                                                                        \
                for (int i = 0; i < K3K_FA_RK; i++)                                                      \
                    for (int l = 0; l < K3K_FA_RL; l++) sg[(size_t) l * s_stride + j + i] = acc[i][l] * scale; \
            }                                                                                            \
            for (; j < n; j++) { /* the last keys one at a time */                                       \
                k3k_fa_v8 acc = {0};                                                                     \
                for (int d = 0; d < hd; d++) {                                                           \
                    k3k_fa_v8 qd;                                                                        \
                    memcpy(&qd, qg + (size_t) d * K3K_FA_RL, sizeof qd);                                 \
                    acc = acc + qd * kb[(size_t) j * hd + d];                                            \
                }                                                                                        \
                for (int l = 0; l < K3K_FA_RL; l++) sg[(size_t) l * s_stride + j] = acc[l] * scale;      \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    /* x[j] = e^(x[j] - m) for j < n */                                                                  \
    ATTR void k3k_fa_exp_##SUFFIX(float *x, int n, float m) {                                             \
        for (int j = 0; j < n; j++) {                                                                    \
            float v = x[j] - m;                                                                          \
            K3K_FA_EXP_BODY(v);                                                                          \
            x[j] = v;                                                                                    \
        }                                                                                                \
    }                                                                                                    \
    /* acc_r[d] += sum_j p_r[j] vb[j][d] over j < n, j ascending, for rows r < rows (acc_r = acc + r * acc_stride, \
     * p_r = p + r * p_stride) */                                                                        \
    ATTR void k3k_fa_pv_##SUFFIX(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n, \
                                 const float *vb, int hd) {                                              \
        int r = 0;                                                                                       \
        for (; r + (RB) <= rows; r += (RB)) {                                                            \
            int d0 = 0;                                                                                  \
            for (; d0 + K3K_FA_DV <= hd; d0 += K3K_FA_DV) {                                              \
                float a[RB][K3K_FA_DV];                                                                  \
                for (int i = 0; i < (RB); i++)                                                           \
                    for (int e = 0; e < K3K_FA_DV; e++) a[i][e] = acc[(size_t) (r + i) * acc_stride + d0 + e]; \
                for (int j = 0; j < n; j++) {                                                            \
                    const float *v = vb + (size_t) j * hd + d0;                                          \
                    for (int i = 0; i < (RB); i++) {                                                     \
                        const float pj = p[(size_t) (r + i) * p_stride + j];                             \
                        for (int e = 0; e < K3K_FA_DV; e++) a[i][e] = a[i][e] + pj * v[e];               \
                    }                                                                                    \
                }                                                                                        \
                for (int i = 0; i < (RB); i++)                                                           \
                    for (int e = 0; e < K3K_FA_DV; e++) acc[(size_t) (r + i) * acc_stride + d0 + e] = a[i][e]; \
            }                                                                                            \
            for (int i = 0; i < (RB); i++)                                                               \
                for (int d = d0; d < hd; d++)                                                            \
                    for (int j = 0; j < n; j++)                                                          \
                        acc[(size_t) (r + i) * acc_stride + d] =                                         \
                            acc[(size_t) (r + i) * acc_stride + d] + p[(size_t) (r + i) * p_stride + j] * vb[(size_t) j * hd + d]; \
        }                                                                                                \
        for (; r < rows; r++) {                                                                          \
            float *ar = acc + (size_t) r * acc_stride;                                                   \
            const float *pr = p + (size_t) r * p_stride;                                                 \
            int d0 = 0;                                                                                  \
            for (; d0 + K3K_FA_DV <= hd; d0 += K3K_FA_DV) {                                              \
                float a[K3K_FA_DV];                                                                      \
                for (int e = 0; e < K3K_FA_DV; e++) a[e] = ar[d0 + e];                                   \
                for (int j = 0; j < n; j++) {                                                            \
                    const float pj = pr[j];                                                              \
                    const float *v = vb + (size_t) j * hd + d0;                                          \
                    for (int e = 0; e < K3K_FA_DV; e++) a[e] = a[e] + pj * v[e];                         \
                }                                                                                        \
                for (int e = 0; e < K3K_FA_DV; e++) ar[d0 + e] = a[e];                                   \
            }                                                                                            \
            for (int d = d0; d < hd; d++)                                                                \
                for (int j = 0; j < n; j++) ar[d] = ar[d] + pr[j] * vb[(size_t) j * hd + d];             \
        }                                                                                                \
    }

/* Installs an instance's three micro-kernels on the F32 row of a dispatch table and names the path. */
#define K3K_FA_INSTALL(ROW, SUFFIX, PATH)        \
    do {                                         \
        (ROW).fa_scores = k3k_fa_scores_##SUFFIX; \
        (ROW).fa_scores_rows = k3k_fa_scores_rows_##SUFFIX; \
        (ROW).fa_exp = k3k_fa_exp_##SUFFIX;       \
        (ROW).fa_pv = k3k_fa_pv_##SUFFIX;         \
        (ROW).fa_path = PATH;                    \
    } while (0)

/* kv_pv's row blocking, shared by the AVX2 and NEON kernels: rows in blocks of 8, 4, 2 and 1, each over the head in
 * tiles of W groups of eight dimensions (TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, W) keeps R x W
 * groups in registers), then one group at a time, then the last dimensions one by one (H2F: a half to a float). */
#define K3K_KV_PV_ROWS(ATTR, TILE, H2F_, R, W)                                                                    \
    ATTR static void kv_pv_rows_##R(float *acc, size_t acc_stride, const float *p, size_t p_stride, int n,        \
                                    const uint8_t *v, size_t v_stride, int hd) {                                  \
        int d0 = 0;                                                                                               \
        for (; d0 + 8 * (W) <= hd; d0 += 8 * (W)) TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, W);   \
        for (; d0 + 8 <= hd; d0 += 8) TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, 1);               \
        for (int i = 0; i < (R); i++)                                                                             \
            for (int d = d0; d < hd; d++)                                                                         \
                for (int j = 0; j < n; j++)                                                                       \
                    acc[(size_t) i * acc_stride + d] = acc[(size_t) i * acc_stride + d] +                         \
                        p[(size_t) i * p_stride + j] * H2F_(((const k3k_half *) (v + (size_t) j * v_stride))[d]); \
    }
#define K3K_KV_PV(ATTR, TILE, H2F_)                                                                               \
    K3K_KV_PV_ROWS(ATTR, TILE, H2F_, 8, 1)                                                                        \
    K3K_KV_PV_ROWS(ATTR, TILE, H2F_, 4, 2)                                                                        \
    K3K_KV_PV_ROWS(ATTR, TILE, H2F_, 2, 4)                                                                        \
    K3K_KV_PV_ROWS(ATTR, TILE, H2F_, 1, 4)                                                                        \
    ATTR static void kv_pv_f16(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n,   \
                               const void *v, size_t v_stride, int hd) {                                          \
        const uint8_t *vb = v;                                                                                    \
        int r = 0;                                                                                                \
        for (; r + 8 <= rows; r += 8)                                                                             \
            kv_pv_rows_8(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);      \
        for (; r + 4 <= rows; r += 4)                                                                             \
            kv_pv_rows_4(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);      \
        for (; r + 2 <= rows; r += 2)                                                                             \
            kv_pv_rows_2(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);      \
        for (; r < rows; r++)                                                                                     \
            kv_pv_rows_1(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);      \
    }

#endif
