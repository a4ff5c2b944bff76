/* The tiled attention kernel's float micro-kernels (k3k_attention_flash.c, and the exact path's and the delta-net's
 * products), written once in plain C that compilers vectorise, and instantiated per ISA with K3K_FA_MICRO(attributes,
 * suffix): the generic build, AVX2 and AVX-512 through target attributes, NEON and RVV by their base flags. Every
 * multiply-add is fused (fmaf: one rounding, the FMA units' instruction on every path that has one) and each output
 * sees the same operations in the same order, so every instance, and the hand-written AVX2 tiles (k3k_x86_avx2_kv.c),
 * give the same bits.
 *
 * A score is a dot product over the head in eight interleaved partial sums, lane l summing the dimensions d = l mod 8
 * in ascending order (a last partial group padded with zeros), then added as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) +
 * (s6 + s7)) and times scale: the order eight-float registers give without a transpose (K's rows as the cache holds
 * them) and that their horizontal adds reduce. p*v adds each key's p * v[d] to the accumulator in key order.
 * A block holds K3K_FA_BK keys; V's rows widened as vb[j * hd + d]. */
#ifndef K3K_FA_MICRO_H
#define K3K_FA_MICRO_H

#define K3K_FA_BK 32 /* keys per block */
#define K3K_FA_DV 32 /* value dimensions kept in registers while a block's keys stream past */
#define K3K_FA_LANES 8 /* a score's interleaved partial sums */
#define K3K_FA_RK 12   /* keys per scoring step (k3k_fa_block_scores): whole tiles of 3, 4 and 6 keys */

/* A score's eight partial sums added in the fixed order every path uses. */
static inline float k3k_fa_sum8(const float *a) { return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])); }

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

/* One score tile: rows [0, R) of q against keys [0, J) of kb, every product fused into its partial sum (eight lanes a
 * dimension group, a last group padded with zeros), then each score's sums in k3k_fa_sum8's order times scale. Plain
 * arrays and loops with the lanes innermost: GCC and clang turn the fmaf into the ISA's vector FMA (GCC left a
 * vector type's per-lane fmaf scalar). */
#define K3K_FA_SCORE_TILE(q, q_stride, kb, kb_stride, hd, scale, s, s_stride, R, J)                          \
    do {                                                                                                 \
        float acc_[R][J][K3K_FA_LANES] = {{{0}}};                                                        \
        int d0_ = 0;                                                                                     \
        for (; d0_ + K3K_FA_LANES <= (hd); d0_ += K3K_FA_LANES)                                          \
            for (int i_ = 0; i_ < (R); i_++)                                                             \
                for (int j_ = 0; j_ < (J); j_++)                                                         \
                    for (int l_ = 0; l_ < K3K_FA_LANES; l_++)                                            \
                        acc_[i_][j_][l_] = __builtin_fmaf((q)[(size_t) i_ * (q_stride) + d0_ + l_],      \
                            (kb)[(size_t) j_ * (kb_stride) + d0_ + l_], acc_[i_][j_][l_]);               \
        if (d0_ < (hd))                                                                                  \
            for (int i_ = 0; i_ < (R); i_++)                                                             \
                for (int j_ = 0; j_ < (J); j_++)                                                         \
                    for (int l_ = 0; l_ < K3K_FA_LANES; l_++) {                                          \
                        const int d_ = d0_ + l_;                                                         \
                        const float x_ = d_ < (hd) ? (q)[(size_t) i_ * (q_stride) + d_] : 0.0f;          \
                        const float y_ = d_ < (hd) ? (kb)[(size_t) j_ * (kb_stride) + d_] : 0.0f;        \
                        acc_[i_][j_][l_] = __builtin_fmaf(x_, y_, acc_[i_][j_][l_]);                     \
                    }                                                                                    \
        for (int i_ = 0; i_ < (R); i_++)                                                                 \
            for (int j_ = 0; j_ < (J); j_++) (s)[(size_t) i_ * (s_stride) + j_] = k3k_fa_sum8(acc_[i_][j_]) * (scale); \
    } while (0)

/* R rows from row r against every key: tiles of R x 4 keys, then the last keys one at a time. */
#define K3K_FA_SCORE_ROWS(q, q_stride, kb, kb_stride, n, hd, scale, s, s_stride, r, R)                      \
    do {                                                                                                 \
        const float *qr_ = (q) + (size_t) (r) * (q_stride);                                              \
        float *sr_ = (s) + (size_t) (r) * (s_stride);                                                    \
        int jt_ = 0;                                                                                     \
        for (; jt_ + 4 <= (n); jt_ += 4)                                                                 \
            K3K_FA_SCORE_TILE(qr_, q_stride, (kb) + (size_t) jt_ * (kb_stride), kb_stride, hd, scale, sr_ + jt_, s_stride, R, 4); \
        for (; jt_ < (n); jt_++)                                                                         \
            K3K_FA_SCORE_TILE(qr_, q_stride, (kb) + (size_t) jt_ * (kb_stride), kb_stride, hd, scale, sr_ + jt_, s_stride, R, 1); \
    } while (0)

/* Scores go in tiles of 2 rows x 4 keys (each loaded K vector serves two rows, each query vector four keys: eight
 * independent chains of fused adds), the edges one row or one key at a time; p*v's rows in blocks of RB (the
 * instance's register budget: RB rows x K3K_FA_DV value dimensions of accumulators), so each loaded V vector serves
 * RB rows. Blocking changes no output's operations, so every tile shape gives the same bits. */
#define K3K_FA_MICRO(ATTR, SUFFIX, RB)                                                                    \
    /* s[r * s_stride + j] = scale * q_r . k_j (k3k_fa_micro.h's order) for rows r < rows and keys j < n, key j's row \
     * at kb + j * kb_stride */                                                                          \
    ATTR void k3k_fa_scores_##SUFFIX(const float *q, size_t q_stride, int rows, const float *kb, size_t kb_stride, \
                                     int n, int hd, float scale, float *s, size_t s_stride) {             \
        int r = 0;                                                                                       \
        for (; r + 2 <= rows; r += 2) K3K_FA_SCORE_ROWS(q, q_stride, kb, kb_stride, n, hd, scale, s, s_stride, r, 2); \
        for (; r < rows; r++) K3K_FA_SCORE_ROWS(q, q_stride, kb, kb_stride, n, hd, scale, s, s_stride, r, 1); \
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
                        for (int e = 0; e < K3K_FA_DV; e++) a[i][e] = __builtin_fmaf(pj, v[e], a[i][e]);   \
                    }                                                                                    \
                }                                                                                        \
                for (int i = 0; i < (RB); i++)                                                           \
                    for (int e = 0; e < K3K_FA_DV; e++) acc[(size_t) (r + i) * acc_stride + d0 + e] = a[i][e]; \
            }                                                                                            \
            for (int i = 0; i < (RB); i++)                                                               \
                for (int d = d0; d < hd; d++)                                                            \
                    for (int j = 0; j < n; j++)                                                          \
                        acc[(size_t) (r + i) * acc_stride + d] = __builtin_fmaf(p[(size_t) (r + i) * p_stride + j],  \
                            vb[(size_t) j * hd + d], acc[(size_t) (r + i) * acc_stride + d]);                      \
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
                    for (int e = 0; e < K3K_FA_DV; e++) a[e] = __builtin_fmaf(pj, v[e], a[e]);           \
                }                                                                                        \
                for (int e = 0; e < K3K_FA_DV; e++) ar[d0 + e] = a[e];                                   \
            }                                                                                            \
            for (int d = d0; d < hd; d++)                                                                \
                for (int j = 0; j < n; j++) ar[d] = __builtin_fmaf(pr[j], vb[(size_t) j * hd + d], ar[d]); \
        }                                                                                                \
    }

/* Installs an instance's three micro-kernels on the F32 row of a dispatch table and names the path. */
#define K3K_FA_INSTALL(ROW, SUFFIX, PATH)        \
    do {                                         \
        (ROW).fa_scores = k3k_fa_scores_##SUFFIX; \
        (ROW).fa_exp = k3k_fa_exp_##SUFFIX;       \
        (ROW).fa_pv = k3k_fa_pv_##SUFFIX;         \
        (ROW).fa_path = PATH;                    \
    } while (0)

/* kv_pv's row blocking, shared by the AVX2 and NEON kernels: rows in blocks of 4, 2 and 1, each over the head in
 * tiles of W groups of eight dimensions (TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, W) keeps R x W
 * groups in registers: 4 x 3 is twelve independent chains of fused adds, enough to cover their latency on two FMA
 * pipes, in AVX2's sixteen registers), then one group at a time, then the last dimensions one by one (ELEM(row, d): a
 * row's value d as a float). NAME_rows_R and NAME are the functions it defines; NAME has kv_pv's signature. */
#define K3K_KV_PV_ROWS(ATTR, NAME, TILE, ELEM, R, W)                                                              \
    ATTR static void NAME##_rows_##R(float *acc, size_t acc_stride, const float *p, size_t p_stride, int n,       \
                                     const uint8_t *v, size_t v_stride, int hd) {                                 \
        int d0 = 0;                                                                                               \
        for (; d0 + 8 * (W) <= hd; d0 += 8 * (W)) TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, W);   \
        for (; d0 + 8 <= hd; d0 += 8) TILE(acc, acc_stride, p, p_stride, n, v, v_stride, d0, R, 1);               \
        for (int i = 0; i < (R); i++)                                                                             \
            for (int d = d0; d < hd; d++)                                                                         \
                for (int j = 0; j < n; j++)                                                                       \
                    acc[(size_t) i * acc_stride + d] = __builtin_fmaf(p[(size_t) i * p_stride + j],              \
                        ELEM(v + (size_t) j * v_stride, d), acc[(size_t) i * acc_stride + d]);                    \
    }
#define K3K_KV_PV(ATTR, NAME, TILE, ELEM)                                                                         \
    K3K_KV_PV_ROWS(ATTR, NAME, TILE, ELEM, 4, 3)                                                                  \
    K3K_KV_PV_ROWS(ATTR, NAME, TILE, ELEM, 2, 4)                                                                  \
    K3K_KV_PV_ROWS(ATTR, NAME, TILE, ELEM, 1, 4)                                                                  \
    ATTR static void NAME(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n,        \
                          const void *v, size_t v_stride, int hd) {                                               \
        const uint8_t *vb = v;                                                                                    \
        int r = 0;                                                                                                \
        for (; r + 4 <= rows; r += 4)                                                                             \
            NAME##_rows_4(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);     \
        for (; r + 2 <= rows; r += 2)                                                                             \
            NAME##_rows_2(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);     \
        for (; r < rows; r++)                                                                                     \
            NAME##_rows_1(acc + r * acc_stride, acc_stride, p + r * p_stride, p_stride, n, vb, v_stride, hd);     \
    }
#define K3K_KV_HALF(row, d) k3k_fp16_to_fp32(((const k3k_half *) (row))[d])
#define K3K_KV_FLOAT(row, d) (((const float *) (row))[d])

#endif
