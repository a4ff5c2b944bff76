/* aarch64 NEON + dotprod dots for Q4_0 and Q8_0 (the decode-critical types); the rest stay generic. */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif

#define H2F k3k_fp16_to_fp32

static void dot_q4_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int i = 0; i < n / QK8_0; i++) {
        const uint8x16_t b = vld1q_u8(x[i].qs);
        const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(b, vdupq_n_u8(0x0F))), vdupq_n_s8(8));
        const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(b, 4)), vdupq_n_s8(8));
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), lo, vld1q_s8(y[i].qs));
        p = vdotq_s32(p, hi, vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), H2F(x[i].d) * H2F(y[i].d));
    }
    *s = vaddvq_f32(acc);
}

static void dot_q8_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q8_0 *x = vx, *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int i = 0; i < n / QK8_0; i++) {
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), vld1q_s8(x[i].qs), vld1q_s8(y[i].qs));
        p = vdotq_s32(p, vld1q_s8(x[i].qs + 16), vld1q_s8(y[i].qs + 16));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), H2F(x[i].d) * H2F(y[i].d));
    }
    *s = vaddvq_f32(acc);
}

int k3k_install_arm_neon(k3k_type_traits *t) {
    if (!(getauxval(AT_HWCAP) & HWCAP_ASIMDDP)) return 0;
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q4_0].path = "neon-dotprod";
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q8_0].path = "neon-dotprod";
    return 1;
}

#else
int k3k_install_arm_neon(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
