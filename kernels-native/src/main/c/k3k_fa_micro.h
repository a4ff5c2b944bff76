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

/* e^x for x <= 0 (a score minus the running maximum), to within 2 ulp: x = n ln2 + r with |r| <= ln2/2,
 * e^r by Cephes' degree-7 polynomial, times 2^n built in the exponent bits. Below -87 it returns e^-87
 * (1.6e-38): a probability that small adds nothing to a sum of at least 1. */
#define K3K_FA_EXP_BODY(x)                                                                               \
    do {                                                                                                 \
        const float xc_ = (x) < -87.0f ? -87.0f : (x);                                                   \
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

#define K3K_FA_MICRO(ATTR, SUFFIX)                                                                        \
    /* s[r * s_stride + j] = scale * sum_d q_r[d] kt[d][j] for the block's K3K_FA_BK keys, d ascending */  \
    ATTR void k3k_fa_scores_##SUFFIX(const float *q, size_t q_stride, int rows, const float *kt, int hd,  \
                                     float scale, float *s, size_t s_stride) {                            \
        for (int r = 0; r < rows; r++) {                                                                 \
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
    /* x[j] = e^(x[j] - m) for j < n */                                                                  \
    ATTR void k3k_fa_exp_##SUFFIX(float *x, int n, float m) {                                             \
        for (int j = 0; j < n; j++) {                                                                    \
            float v = x[j] - m;                                                                          \
            K3K_FA_EXP_BODY(v);                                                                          \
            x[j] = v;                                                                                    \
        }                                                                                                \
    }                                                                                                    \
    /* acc[d] += sum_j p[j] vb[j][d] over j < n, j ascending */                                           \
    ATTR void k3k_fa_pv_##SUFFIX(float *acc, const float *p, int n, const float *vb, int hd) {            \
        int d0 = 0;                                                                                      \
        for (; d0 + K3K_FA_DV <= hd; d0 += K3K_FA_DV) {                                                  \
            float a[K3K_FA_DV];                                                                          \
            for (int i = 0; i < K3K_FA_DV; i++) a[i] = acc[d0 + i];                                      \
            for (int j = 0; j < n; j++) {                                                                \
                const float pj = p[j];                                                                   \
                const float *v = vb + (size_t) j * hd + d0;                                              \
                for (int i = 0; i < K3K_FA_DV; i++) a[i] = a[i] + pj * v[i];                             \
            }                                                                                            \
            for (int i = 0; i < K3K_FA_DV; i++) acc[d0 + i] = a[i];                                      \
        }                                                                                                \
        for (int d = d0; d < hd; d++)                                                                    \
            for (int j = 0; j < n; j++) acc[d] = acc[d] + p[j] * vb[(size_t) j * hd + d];                \
    }

/* Installs an instance's three micro-kernels on the F32 row of a dispatch table and names the path. */
#define K3K_FA_INSTALL(ROW, SUFFIX, PATH)        \
    do {                                         \
        (ROW).fa_scores = k3k_fa_scores_##SUFFIX; \
        (ROW).fa_exp = k3k_fa_exp_##SUFFIX;       \
        (ROW).fa_pv = k3k_fa_pv_##SUFFIX;         \
        (ROW).fa_path = PATH;                    \
    } while (0)

#endif
