/* aarch64 NEON + dotprod IQ4_NL x Q8_0 and IQ4_XS x Q8_K: a table lookup (tbl) turns 16 nibbles into their
 * codebook values, sdot multiplies them with the activations. Integer sums are exact; IQ4_NL accumulates
 * in four float lanes (reassociation only), IQ4_XS sums each super-block in integers, then scales once.
 * One kernel serves one token and four (prefill): the weights are unpacked once per row and every token
 * keeps the one-token dot's operations, so outputs are bit-identical. */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>

#define H2F k3k_fp16_to_fp32
#define INLINE __attribute__((always_inline)) inline

static INLINE void iq4_nl_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_nl *x = vx;
    const int8x16_t codebook = vld1q_s8(k3k_kvalues_iq4nl);
    const block_q8_0 *y[4];
    float32x4_t acc[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_0 *) ((const uint8_t *) vy + t * by);
        acc[t] = vdupq_n_f32(0.0f);
    }
    for (int i = 0; i < n / QK4_NL; i++) {
        const uint8x16_t b = vld1q_u8(x[i].qs);
        const int8x16_t lo = vqtbl1q_s8(codebook, vandq_u8(b, vdupq_n_u8(0x0F))), hi = vqtbl1q_s8(codebook, vshrq_n_u8(b, 4));
        const float dx = H2F(x[i].d);
        for (int t = 0; t < nt; t++) {
            const int32x4_t p = vdotq_s32(vdotq_s32(vdupq_n_s32(0), lo, vld1q_s8(y[t][i].qs)), hi, vld1q_s8(y[t][i].qs + 16));
            acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(p), dx * H2F(y[t][i].d));
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = vaddvq_f32(acc[t]);
}

static INLINE void iq4_xs_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_xs *x = vx;
    const int8x16_t codebook = vld1q_s8(k3k_kvalues_iq4nl);
    const block_q8_K *y[4];
    float sumf[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_K *) ((const uint8_t *) vy + t * by);
        sumf[t] = 0.0f;
    }
    for (int i = 0; i < n / QK_K; i++) {
        int32_t sumi[4] = {0, 0, 0, 0};
        for (int ib = 0; ib < QK_K / 32; ib++) {
            const uint8x16_t b = vld1q_u8(x[i].qs + 16 * ib);
            const int8x16_t lo = vqtbl1q_s8(codebook, vandq_u8(b, vdupq_n_u8(0x0F))), hi = vqtbl1q_s8(codebook, vshrq_n_u8(b, 4));
            const int ls = k3k_iq4_xs_scale(&x[i], ib);
            for (int t = 0; t < nt; t++) {
                const int8_t *q8 = y[t][i].qs + 32 * ib;
                sumi[t] += vaddvq_s32(vdotq_s32(vdotq_s32(vdupq_n_s32(0), lo, vld1q_s8(q8)), hi, vld1q_s8(q8 + 16))) * ls;
            }
        }
        for (int t = 0; t < nt; t++) sumf[t] += H2F(x[i].d) * y[t][i].d * sumi[t];
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

K3K_TOKEN_ENTRIES(, dot_iq4_nl, iq4_nl_tokens)
K3K_TOKEN_ENTRIES(, dot_iq4_xs, iq4_xs_tokens)

void k3k_install_arm_neon_iq4(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_IQ4_NL], dot_iq4_nl, dot_iq4_nl_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_IQ4_XS], dot_iq4_xs, dot_iq4_xs_4t, "neon-dotprod");
}

#else
void k3k_install_arm_neon_iq4(k3k_type_traits *t) {
    (void) t;
}
#endif
