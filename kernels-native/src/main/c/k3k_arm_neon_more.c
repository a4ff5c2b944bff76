/* aarch64 NEON + dotprod Q4_1, Q5_0, Q5_1 (x Q8_1 / Q8_0) and Q2_K, Q3_K, Q5_K (x Q8_K) dots. Weights are
 * widened to int8 in registers (nibble masks; the fifth / third bit comes from a bit test, and a missing
 * high bit's negative offset is OR-ed in as set top bits), then sdot multiplies them with the activations.
 * The legacy types accumulate each block in four float lanes (reassociation only; Q4_1/Q5_1's m*s term
 * in a scalar); the K-quants sum a whole super-block in int32 lanes (Q2_K folds its 4-bit scale into the
 * weights, which still fit int8; Q3_K/Q5_K scale each sdot result), then scale once, so integer sums are
 * exact. One kernel serves one token and four (prefill): a block's weights are unpacked once and reused
 * by every token, each token keeping the one-token dot's float operations, so outputs are bit-identical. */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>

#define H2F k3k_fp16_to_fp32
#define INLINE __attribute__((always_inline)) inline

/* lo . q8[0..15] + hi . q8[16..31], in four int32 lanes. */
static INLINE int32x4_t dot32(int32x4_t acc, uint8x16_t lo, uint8x16_t hi, const int8_t *q8) {
    acc = vdotq_s32(acc, vreinterpretq_s8_u8(lo), vld1q_s8(q8));
    return vdotq_s32(acc, vreinterpretq_s8_u8(hi), vld1q_s8(q8 + 16));
}

/* Sum of 16 Q8_K bsums times 16 small weights (the K-quant mins). */
static INLINE int32_t bsums_dot(const int16_t *bsums, int16x8_t m0, int16x8_t m1) {
    const int16x8_t b0 = vld1q_s16(bsums), b1 = vld1q_s16(bsums + 8);
    int32x4_t a = vmull_s16(vget_low_s16(b0), vget_low_s16(m0));
    a = vmlal_high_s16(a, b0, m0);
    a = vmlal_s16(a, vget_low_s16(b1), vget_low_s16(m1));
    return vaddvq_s32(vmlal_high_s16(a, b1, m1));
}

/* ---- legacy 32-element blocks ---- */
enum { LEG_Q4_1, LEG_Q5_0, LEG_Q5_1 };

/* The 32 bits at qh as per-element masks: lane l of *lo is 0xFF if bit l is set, lane l of *hi if bit 16+l. */
static INLINE void high_bits(const uint8_t *qh, uint8x16_t *lo, uint8x16_t *hi) {
    static const uint8_t sel[32] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                    2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3};
    uint32_t bits;
    memcpy(&bits, qh, 4);
    const uint8x16_t b = vreinterpretq_u8_u32(vdupq_n_u32(bits));
    const uint8x16_t bit = vreinterpretq_u8_u64(vdupq_n_u64(0x8040201008040201ull)); /* lane l: 1 << (l % 8) */
    *lo = vtstq_u8(vqtbl1q_u8(b, vld1q_u8(sel)), bit);
    *hi = vtstq_u8(vqtbl1q_u8(b, vld1q_u8(sel + 16)), bit);
}

/* kind is a constant at every call, so each instance keeps only its own type's branches. */
static INLINE void legacy_tokens(int kind, int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const uint8_t *y[4];
    float32x4_t acc[4];
    float summ[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const uint8_t *) vy + t * by;
        acc[t] = vdupq_n_f32(0.0f);
        summ[t] = 0.0f;
    }
    for (int i = 0; i < n / 32; i++) {
        k3k_half d, m = 0;
        const uint8_t *qs, *qh = NULL;
        if (kind == LEG_Q4_1) {
            const block_q4_1 *x = (const block_q4_1 *) vx + i;
            d = x->d, m = x->m, qs = x->qs;
        } else if (kind == LEG_Q5_0) {
            const block_q5_0 *x = (const block_q5_0 *) vx + i;
            d = x->d, qs = x->qs, qh = x->qh;
        } else {
            const block_q5_1 *x = (const block_q5_1 *) vx + i;
            d = x->d, m = x->m, qs = x->qs, qh = x->qh;
        }
        const uint8x16_t b = vld1q_u8(qs);
        uint8x16_t lo = vandq_u8(b, vdupq_n_u8(0x0F)), hi = vshrq_n_u8(b, 4);
        if (kind != LEG_Q4_1) {
            uint8x16_t hl, hh;
            high_bits(qh, &hl, &hh);
            if (kind == LEG_Q5_0) { /* x - 16: a clear bit makes the int8 nib - 16 = nib | 0xF0 */
                lo = vorrq_u8(lo, vbicq_u8(vdupq_n_u8(0xF0), hl));
                hi = vorrq_u8(hi, vbicq_u8(vdupq_n_u8(0xF0), hh));
            } else {
                lo = vorrq_u8(lo, vandq_u8(hl, vdupq_n_u8(0x10)));
                hi = vorrq_u8(hi, vandq_u8(hh, vdupq_n_u8(0x10)));
            }
        }
        const float dx = H2F(d), mx = H2F(m);
        for (int t = 0; t < nt; t++) {
            if (kind == LEG_Q5_0) {
                const block_q8_0 *q = (const block_q8_0 *) y[t] + i;
                acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(dot32(vdupq_n_s32(0), lo, hi, q->qs)), dx * H2F(q->d));
            } else {
                const block_q8_1 *q = (const block_q8_1 *) y[t] + i;
                acc[t] = vmlaq_n_f32(acc[t], vcvtq_f32_s32(dot32(vdupq_n_s32(0), lo, hi, q->qs)), dx * H2F(q->d));
                summ[t] += mx * H2F(q->s);
            }
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = vaddvq_f32(acc[t]) + summ[t];
}

static INLINE void q4_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(LEG_Q4_1, n, s, s_stride, vx, vy, by, nt);
}
static INLINE void q5_0_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(LEG_Q5_0, n, s, s_stride, vx, vy, by, nt);
}
static INLINE void q5_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(LEG_Q5_1, n, s, s_stride, vx, vy, by, nt);
}

/* ---- K-quants x Q8_K ---- */
#define Q8K_ROWS(vy, by, nt, y, sumf)                                          \
    for (int t = 0; t < (nt); t++) {                                           \
        y[t] = (const block_q8_K *) ((const uint8_t *) (vy) + t * (by));       \
        sumf[t] = 0.0f;                                                        \
    }

/* Q2_K: element 128k + 32j + l is bits 2j..2j+1 of qs[32k + l], scaled by the low nibble of scales[8k + 2j
 * + l/16]; the high nibble is the min. Scale (<= 15) times weight (<= 3) fits int8, so it is folded in. */
static INLINE void q2_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q2_K *x = vx;
    const block_q8_K *y[4];
    float sumf[4];
    Q8K_ROWS(vy, by, nt, y, sumf)
    for (int i = 0; i < n / QK_K; i++) {
        const uint8x16_t sc = vld1q_u8(x[i].scales);
        const int16x8_t m0 = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(vshrq_n_u8(sc, 4))));
        const int16x8_t m1 = vreinterpretq_s16_u16(vmovl_high_u8(vshrq_n_u8(sc, 4)));
        uint8_t scl[16];
        vst1q_u8(scl, vandq_u8(sc, vdupq_n_u8(0x0F)));
        int32x4_t isum[4];
        for (int t = 0; t < nt; t++) isum[t] = vdupq_n_s32(0);
        for (int k = 0; k < 2; k++) {
            uint8x16_t b0 = vld1q_u8(x[i].qs + 32 * k), b1 = vld1q_u8(x[i].qs + 32 * k + 16);
            for (int j = 0; j < 4; j++) {
                const uint8x16_t w0 = vmulq_u8(vandq_u8(b0, vdupq_n_u8(3)), vdupq_n_u8(scl[8 * k + 2 * j]));
                const uint8x16_t w1 = vmulq_u8(vandq_u8(b1, vdupq_n_u8(3)), vdupq_n_u8(scl[8 * k + 2 * j + 1]));
                b0 = vshrq_n_u8(b0, 2);
                b1 = vshrq_n_u8(b1, 2);
                for (int t = 0; t < nt; t++) isum[t] = dot32(isum[t], w0, w1, y[t][i].qs + 128 * k + 32 * j);
            }
        }
        const float dx = H2F(x[i].d), mx = H2F(x[i].dmin);
        for (int t = 0; t < nt; t++) {
            const int32_t summs = bsums_dot(y[t][i].bsums, m0, m1);
            sumf[t] += y[t][i].d * dx * vaddvq_s32(isum[t]) - y[t][i].d * mx * summs;
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

/* The 16 six-bit Q3_K scales minus 32: scale j has low bits (j < 8 ? p[j] : p[j-8] >> 4) & 15 and high
 * bits (p[8 + j%4] >> 2*(j/4)) & 3, i.e. byte j%4 of word j/4 of {h, h>>2, h>>4, h>>6}. */
static INLINE void q3_K_scales(const uint8_t *p, int8_t out[16]) {
    const uint8x8_t l = vld1_u8(p);
    uint32_t h;
    memcpy(&h, p + 8, 4);
    static const int32_t shifts[4] = {0, -2, -4, -6};
    const uint32x4_t hw = vandq_u32(vshlq_u32(vdupq_n_u32(h), vld1q_s32(shifts)), vdupq_n_u32(0x03030303));
    const uint8x16_t low = vcombine_u8(vand_u8(l, vdup_n_u8(0x0F)), vshr_n_u8(l, 4));
    const uint8x16_t v = vorrq_u8(low, vshlq_n_u8(vreinterpretq_u8_u32(hw), 4));
    vst1q_s8(out, vsubq_s8(vreinterpretq_s8_u8(v), vdupq_n_s8(32)));
}

/* Q3_K: element 128k + 32j + l is bits 2j..2j+1 of qs[32k + l], minus 4 unless bit 4k + j of hmask[l] is
 * set; 16-element group g has signed scale g. Scale times weight can reach 128, so sdot results are scaled. */
static INLINE void q3_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q3_K *x = vx;
    const block_q8_K *y[4];
    float sumf[4];
    Q8K_ROWS(vy, by, nt, y, sumf)
    for (int i = 0; i < n / QK_K; i++) {
        int8_t scl[16];
        q3_K_scales(x[i].scales, scl);
        uint8x16_t h0 = vld1q_u8(x[i].hmask), h1 = vld1q_u8(x[i].hmask + 16);
        int32x4_t isum[4];
        for (int t = 0; t < nt; t++) isum[t] = vdupq_n_s32(0);
        for (int k = 0; k < 2; k++) {
            uint8x16_t b0 = vld1q_u8(x[i].qs + 32 * k), b1 = vld1q_u8(x[i].qs + 32 * k + 16);
            for (int j = 0; j < 4; j++) {
                /* (q & 3) - 4 as int8 is (q & 3) | 0xFC: the top bits are set where the hmask bit is clear */
                const uint8x16_t one = vdupq_n_u8(1);
                const int8x16_t w0 = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(b0, vdupq_n_u8(3)), vbicq_u8(vdupq_n_u8(0xFC), vtstq_u8(h0, one))));
                const int8x16_t w1 = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(b1, vdupq_n_u8(3)), vbicq_u8(vdupq_n_u8(0xFC), vtstq_u8(h1, one))));
                b0 = vshrq_n_u8(b0, 2);
                b1 = vshrq_n_u8(b1, 2);
                h0 = vshrq_n_u8(h0, 1);
                h1 = vshrq_n_u8(h1, 1);
                const int s0 = scl[8 * k + 2 * j], s1 = scl[8 * k + 2 * j + 1];
                for (int t = 0; t < nt; t++) {
                    const int8_t *q8 = y[t][i].qs + 128 * k + 32 * j;
                    isum[t] = vmlaq_n_s32(isum[t], vdotq_s32(vdupq_n_s32(0), w0, vld1q_s8(q8)), s0);
                    isum[t] = vmlaq_n_s32(isum[t], vdotq_s32(vdupq_n_s32(0), w1, vld1q_s8(q8 + 16)), s1);
                }
            }
        }
        const float dx = H2F(x[i].d);
        for (int t = 0; t < nt; t++) sumf[t] += dx * y[t][i].d * vaddvq_s32(isum[t]);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

/* Q5_K: element 64j + l (l < 32) is the low nibble of qs[32j + l] plus 16 if bit 2j of qh[l] is set,
 * element 64j + 32 + l the high nibble and bit 2j + 1; Q4_K's 6-bit scales and mins per 32 elements. */
static INLINE void q5_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q5_K *x = vx;
    const block_q8_K *y[4];
    float sumf[4];
    Q8K_ROWS(vy, by, nt, y, sumf)
    const uint8x16_t m4 = vdupq_n_u8(0x0F), b4 = vdupq_n_u8(0x10);
    for (int i = 0; i < n / QK_K; i++) {
        uint32_t utmp[4];
        k3k_unpack_k4_scales(x[i].scales, utmp);
        const uint8_t *sc = (const uint8_t *) utmp;
        /* min j/2 covers bsums j: each min twice */
        const int16x8_t mins = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(sc + 8)));
        const int16x8_t m0 = vzip1q_s16(mins, mins), m1 = vzip2q_s16(mins, mins);
        uint8x16_t h0 = vld1q_u8(x[i].qh), h1 = vld1q_u8(x[i].qh + 16);
        int32x4_t isum[4];
        for (int t = 0; t < nt; t++) isum[t] = vdupq_n_s32(0);
        for (int j = 0; j < 4; j++) {
            const uint8x16_t b0 = vld1q_u8(x[i].qs + 32 * j), b1 = vld1q_u8(x[i].qs + 32 * j + 16);
            const uint8x16_t l0 = vorrq_u8(vandq_u8(b0, m4), vandq_u8(vshlq_n_u8(h0, 4), b4));
            const uint8x16_t l1 = vorrq_u8(vandq_u8(b1, m4), vandq_u8(vshlq_n_u8(h1, 4), b4));
            const uint8x16_t u0 = vorrq_u8(vshrq_n_u8(b0, 4), vandq_u8(vshlq_n_u8(h0, 3), b4));
            const uint8x16_t u1 = vorrq_u8(vshrq_n_u8(b1, 4), vandq_u8(vshlq_n_u8(h1, 3), b4));
            h0 = vshrq_n_u8(h0, 2);
            h1 = vshrq_n_u8(h1, 2);
            const int s0 = sc[2 * j], s1 = sc[2 * j + 1];
            for (int t = 0; t < nt; t++) {
                const int8_t *q8 = y[t][i].qs + 64 * j;
                isum[t] = vmlaq_n_s32(isum[t], dot32(vdupq_n_s32(0), l0, l1, q8), s0);
                isum[t] = vmlaq_n_s32(isum[t], dot32(vdupq_n_s32(0), u0, u1, q8 + 32), s1);
            }
        }
        const float dx = H2F(x[i].d), mx = H2F(x[i].dmin);
        for (int t = 0; t < nt; t++) {
            const int32_t summ = bsums_dot(y[t][i].bsums, m0, m1);
            sumf[t] += dx * y[t][i].d * vaddvq_s32(isum[t]) - mx * y[t][i].d * summ;
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

K3K_TOKEN_ENTRIES(, dot_q4_1, q4_1_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_0, q5_0_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_1, q5_1_tokens)
K3K_TOKEN_ENTRIES(, dot_q2_K, q2_K_tokens)
K3K_TOKEN_ENTRIES(, dot_q3_K, q3_K_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_K, q5_K_tokens)

void k3k_install_arm_neon_more(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_Q4_1], dot_q4_1, dot_q4_1_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_Q5_0], dot_q5_0, dot_q5_0_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_Q5_1], dot_q5_1, dot_q5_1_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_Q2_K], dot_q2_K, dot_q2_K_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_Q3_K], dot_q3_K, dot_q3_K_4t, "neon-dotprod");
    k3k_set_dots(&t[K3K_Q5_K], dot_q5_K, dot_q5_K_4t, "neon-dotprod");
}

#else
void k3k_install_arm_neon_more(k3k_type_traits *t) {
    (void) t;
}
#endif
