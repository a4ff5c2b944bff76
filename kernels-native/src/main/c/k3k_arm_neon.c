/* aarch64 NEON + dotprod dots for the decode-critical types: Q4_0, Q8_0, Q4_K, Q6_K, F16. Integer block
 * sums are exact; the float accumulation is vectorised, so results differ from the generic path only by
 * float reassociation. Chosen at run time from HWCAP (dotprod). */
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

static void dot_q4_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    float sumf = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        uint32_t utmp[4];
        k3k_unpack_k4_scales(x[i].scales, utmp);
        const uint8_t *sc = (const uint8_t *) utmp, *mins = sc + 8;
        /* mins: min j covers bsums 2j and 2j+1 */
        const int16x8_t bs = vpaddq_s16(vld1q_s16(y[i].bsums), vld1q_s16(y[i].bsums + 8));
        const int16x8_t m = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(mins)));
        const int32_t summ = vaddvq_s32(vaddq_s32(vmull_s16(vget_low_s16(bs), vget_low_s16(m)),
                                                  vmull_high_s16(bs, m)));
        int32_t sumi = 0;
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        for (int j = 0; j < QK_K / 64; j++) {
            const uint8x16_t b0 = vld1q_u8(q4 + 32 * j), b1 = vld1q_u8(q4 + 32 * j + 16);
            const int8x16_t l0 = vreinterpretq_s8_u8(vandq_u8(b0, vdupq_n_u8(0x0F)));
            const int8x16_t l1 = vreinterpretq_s8_u8(vandq_u8(b1, vdupq_n_u8(0x0F)));
            const int8x16_t h0 = vreinterpretq_s8_u8(vshrq_n_u8(b0, 4)), h1 = vreinterpretq_s8_u8(vshrq_n_u8(b1, 4));
            const int32x4_t plo = vdotq_s32(vdotq_s32(vdupq_n_s32(0), l0, vld1q_s8(q8 + 64 * j)), l1, vld1q_s8(q8 + 64 * j + 16));
            const int32x4_t phi = vdotq_s32(vdotq_s32(vdupq_n_s32(0), h0, vld1q_s8(q8 + 64 * j + 32)), h1, vld1q_s8(q8 + 64 * j + 48));
            sumi += vaddvq_s32(plo) * sc[2 * j] + vaddvq_s32(phi) * sc[2 * j + 1];
        }
        sumf += H2F(x[i].d) * y[i].d * sumi - H2F(x[i].dmin) * y[i].d * summ;
    }
    *s = sumf;
}

static void dot_q6_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m3 = vdupq_n_u8(3);
    float sumf = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs, *sc = x[i].scales;
        int32_t sumi = 0;
        for (int half = 0; half < 2; half++) {
            for (int h = 0; h < 2; h++) { /* elements 16h .. 16h+15 of each of the 4 groups */
                const uint8x16_t l0 = vld1q_u8(ql + 16 * h), l1 = vld1q_u8(ql + 32 + 16 * h), hb = vld1q_u8(qh + 16 * h);
                uint8x16_t q[4];
                q[0] = vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(hb, m3), 4));
                q[1] = vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 2), m3), 4));
                q[2] = vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hb, 4), m3), 4));
                q[3] = vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(hb, 6), 4));
                for (int g = 0; g < 4; g++) {
                    const int8x16_t v = vsubq_s8(vreinterpretq_s8_u8(q[g]), vdupq_n_s8(32));
                    sumi += vaddvq_s32(vdotq_s32(vdupq_n_s32(0), v, vld1q_s8(q8 + 32 * g + 16 * h))) * sc[2 * g + h];
                }
            }
            ql += 64;
            qh += 32;
            q8 += 128;
            sc += 8;
        }
        sumf += H2F(x[i].d) * y[i].d * sumi;
    }
    *s = sumf;
}

static void dot_f16(int n, float *s, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const float16x8_t hx = vreinterpretq_f16_u16(vld1q_u16(x + i)), hy = vreinterpretq_f16_u16(vld1q_u16(y + i));
        a0 = vfmaq_f32(a0, vcvt_f32_f16(vget_low_f16(hx)), vcvt_f32_f16(vget_low_f16(hy)));
        a1 = vfmaq_f32(a1, vcvt_high_f32_f16(hx), vcvt_high_f32_f16(hy));
    }
    double sum = vaddvq_f32(vaddq_f32(a0, a1));
    for (; i < n; i++) sum += (double) (H2F(x[i]) * H2F(y[i]));
    *s = (float) sum;
}

/* BF16 widens exactly by a 16-bit shift; the same lanes and double tail as F16. */
static void dot_bf16(int n, float *s, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const uint16x8_t bx = vld1q_u16(x + i), by = vld1q_u16(y + i);
        a0 = vfmaq_f32(a0, vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(bx), 16)),
                       vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(by), 16)));
        a1 = vfmaq_f32(a1, vreinterpretq_f32_u32(vshll_high_n_u16(bx, 16)), vreinterpretq_f32_u32(vshll_high_n_u16(by, 16)));
    }
    double sum = vaddvq_f32(vaddq_f32(a0, a1));
    for (; i < n; i++) sum += (double) (k3k_bf16_to_fp32(x[i]) * k3k_bf16_to_fp32(y[i]));
    *s = (float) sum;
}

/* Attention inner loops over an F16 cache row. */
/* F16 cache rows widened to f32 (exact) and floats rounded through f16 (round to nearest even, as the portable
 * converter), eight and four at a time. */
static void kv_widen_f16(const void *src, float *dst, int n) {
    const uint16_t *h = src;
    int d = 0;
    for (; d + 8 <= n; d += 8) {
        const float16x8_t hv = vreinterpretq_f16_u16(vld1q_u16(h + d));
        vst1q_f32(dst + d, vcvt_f32_f16(vget_low_f16(hv)));
        vst1q_f32(dst + d + 4, vcvt_high_f32_f16(hv));
    }
    for (; d < n; d++) dst[d] = H2F(h[d]);
}

static void kv_round_f16(float *x, int n) {
    int d = 0;
    for (; d + 4 <= n; d += 4) vst1q_f32(x + d, vcvt_f32_f16(vcvt_f16_f32(vld1q_f32(x + d))));
    for (; d < n; d++) x[d] = k3k_fp16_to_fp32(k3k_fp32_to_fp16(x[d]));
}

/* The gated delta rule's state-column loops: two registers hold the generic model's partial sums 0-3 and
 * 4-7, reduced in its order ((0+4)+(2+6))+((1+5)+(3+7)); no fused multiply-add, so bit-identical. */
static float lanes_sum(float32x4_t a, float32x4_t b) {
    const float32x4_t v = vaddq_f32(a, b);
    const float32x2_t p = vadd_f32(vget_low_f32(v), vget_high_f32(v));
    return vget_lane_f32(p, 0) + vget_lane_f32(p, 1);
}

static float gdn_decay_dot(float *m, float decay, const float *k, int s) {
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const float32x4_t v0 = vmulq_n_f32(vld1q_f32(m + i), decay), v1 = vmulq_n_f32(vld1q_f32(m + i + 4), decay);
        vst1q_f32(m + i, v0);
        vst1q_f32(m + i + 4, v1);
        a0 = vaddq_f32(a0, vmulq_f32(v0, vld1q_f32(k + i)));
        a1 = vaddq_f32(a1, vmulq_f32(v1, vld1q_f32(k + i + 4)));
    }
    float sum = lanes_sum(a0, a1);
    for (; i < s; i++) {
        m[i] = m[i] * decay;
        sum += m[i] * k[i];
    }
    return sum;
}

static float gdn_update_dot(float *m, const float *k, float d, const float *q, int s) {
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0;
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const float32x4_t v0 = vaddq_f32(vld1q_f32(m + i), vmulq_n_f32(vld1q_f32(k + i), d));
        const float32x4_t v1 = vaddq_f32(vld1q_f32(m + i + 4), vmulq_n_f32(vld1q_f32(k + i + 4), d));
        vst1q_f32(m + i, v0);
        vst1q_f32(m + i + 4, v1);
        a0 = vaddq_f32(a0, vmulq_f32(v0, vld1q_f32(q + i)));
        a1 = vaddq_f32(a1, vmulq_f32(v1, vld1q_f32(q + i + 4)));
    }
    float sum = lanes_sum(a0, a1);
    for (; i < s; i++) {
        m[i] = m[i] + k[i] * d;
        sum += m[i] * q[i];
    }
    return sum;
}

/* The convolution's tap sums, four channels at a time, taps in the generic order: bit-identical. */
static void conv_taps(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n) {
    int c = 0;
    for (; c + 4 <= n; c += 4) {
        float32x4_t acc = vdupq_n_f32(0.0f);
        for (int i = 0; i < d_conv; i++) acc = vaddq_f32(acc, vmulq_f32(vld1q_f32(rows[i] + c), vld1q_f32(wrows[i] + c)));
        vst1q_f32(sum + c, acc);
    }
    for (; c < n; c++) {
        float s = 0.0f;
        for (int i = 0; i < d_conv; i++) s += rows[i][c] * wrows[i][c];
        sum[c] = s;
    }
}

int k3k_install_arm_neon(k3k_type_traits *t) {
    if (!(getauxval(AT_HWCAP) & HWCAP_ASIMDDP)) return 0;
    t[K3K_F32].conv_taps = conv_taps;
    t[K3K_F32].gdn_decay_dot = gdn_decay_dot;
    t[K3K_F32].gdn_update_dot = gdn_update_dot;
    t[K3K_F32].gdn_path = "neon";
    t[K3K_F16].kv_widen = kv_widen_f16;
    t[K3K_F16].kv_round = kv_round_f16;
    t[K3K_F16].kv_path = "neon";
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q4_K].dot = dot_q4_K_q8_K;
    t[K3K_Q6_K].dot = dot_q6_K_q8_K;
    t[K3K_F16].dot = dot_f16;
    t[K3K_BF16].dot = dot_bf16;
    const int types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K, K3K_F16, K3K_BF16};
    for (int i = 0; i < 6; i++) t[types[i]].path = "neon-dotprod";
    k3k_install_arm_neon_iq4(t);
    k3k_install_arm_neon_more(t);
    k3k_install_arm_neon_float(t);
    k3k_install_arm_neon_packed(t);
    return 1;
}

#else
int k3k_install_arm_neon(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
