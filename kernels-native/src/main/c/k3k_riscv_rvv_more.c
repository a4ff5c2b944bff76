/* riscv64 RVV 1.0 dots for Q4_1, Q5_0, Q5_1 (x Q8_1 / Q8_0) and Q2_K, Q3_K, Q5_K (x Q8_K), VLEN-agnostic:
 * 16-byte vectors (e8m1, e16m2, e32m4 at vl 16), which every VLEN >= 128 holds. Weights are read with byte
 * loads only (rows may start at odd addresses). Q5 high bits come in as masks (vlm) and are ORed into the
 * nibbles under them. Integer sums are exact and the float steps follow the generic dots: the legacy types
 * and Q2_K reduce per block; Q3_K and Q5_K keep 16 int32 lanes per super-block and fold them into the
 * generic's 8 lanes (lane l + lane l + 8) before its per-lane float sums. Results are bit-identical to the
 * generic dots. One kernel serves one token and four (prefill): each block's weights are unpacked once. */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>

#define H2F k3k_fp16_to_fp32
#define INLINE __attribute__((always_inline)) inline
#define VL 16 /* elements per vector: 16 bytes, the most an e8m1 vector holds at VLEN 128 */

/* The activation rows of the nt tokens (by bytes apart) and their running sums. */
#define TOKENS_SETUP(type)                                                  \
    const type *y[4];                                                       \
    float sumf[4];                                                          \
    for (int t = 0; t < nt; t++) {                                          \
        y[t] = (const type *) ((const uint8_t *) vy + t * by);              \
        sumf[t] = 0.0f;                                                     \
    }

static INLINE int32_t redsum(vint32m4_t acc) {
    return __riscv_vmv_x_s_i32m1_i32(__riscv_vredsum_vs_i32m4_i32m1(acc, __riscv_vmv_s_x_i32m1(0, 1), VL));
}

/* sum(lo * q8[0..15] + hi * q8[16..31]), unsigned weights (pair sums <= 2 * 31 * 128: exact in int16). */
static INLINE int dot_su(vuint8m1_t lo, vuint8m1_t hi, const int8_t *q8) {
    vint16m2_t p = __riscv_vwmulsu_vv_i16m2(__riscv_vle8_v_i8m1(q8, VL), lo, VL);
    p = __riscv_vwmaccsu_vv_i16m2(p, __riscv_vle8_v_i8m1(q8 + 16, VL), hi, VL);
    return __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, __riscv_vmv_s_x_i32m1(0, 1), VL));
}

/* The same with signed weights (|w| <= 16). */
static INLINE int dot_ss(vint8m1_t lo, vint8m1_t hi, const int8_t *q8) {
    vint16m2_t p = __riscv_vwmul_vv_i16m2(lo, __riscv_vle8_v_i8m1(q8, VL), VL);
    p = __riscv_vwmacc_vv_i16m2(p, hi, __riscv_vle8_v_i8m1(q8 + 16, VL), VL);
    return __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, __riscv_vmv_s_x_i32m1(0, 1), VL));
}

/* A legacy block's 32 nibbles: elements 0..15 (low nibbles) and 16..31 (high). */
static INLINE void nibbles(const uint8_t *qs, vuint8m1_t *lo, vuint8m1_t *hi) {
    const vuint8m1_t b = __riscv_vle8_v_u8m1(qs, VL);
    *lo = __riscv_vand_vx_u8m1(b, 0x0F, VL);
    *hi = __riscv_vsrl_vx_u8m1(b, 4, VL);
}

/* Adds Q5's fifth bits: bit j of the 32-bit qh belongs to element j, so its bytes are the lanes' masks. */
static INLINE void fifth_bits(const uint8_t *qh, vuint8m1_t *lo, vuint8m1_t *hi) {
    *lo = __riscv_vor_vx_u8m1_mu(__riscv_vlm_v_b8(qh, VL), *lo, *lo, 0x10, VL);
    *hi = __riscv_vor_vx_u8m1_mu(__riscv_vlm_v_b8(qh + 2, VL), *hi, *hi, 0x10, VL);
}

/* Q4_1/Q5_1: d * sum + m * s, as the generic dot. */
static INLINE float min_block(const block_q8_1 *y, float dx, float mx, vuint8m1_t lo, vuint8m1_t hi) {
    return (dx * H2F(y->d)) * dot_su(lo, hi, y->qs) + mx * H2F(y->s);
}

static INLINE void q4_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q4_1 *x = vx;
    TOKENS_SETUP(block_q8_1)
    for (int ib = 0; ib < n / QK4_1; ib++) {
        vuint8m1_t lo, hi;
        nibbles(x[ib].qs, &lo, &hi);
        const float dx = H2F(x[ib].d), mx = H2F(x[ib].m);
        for (int t = 0; t < nt; t++) sumf[t] += min_block(&y[t][ib], dx, mx, lo, hi);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

static INLINE void q5_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q5_1 *x = vx;
    TOKENS_SETUP(block_q8_1)
    for (int ib = 0; ib < n / QK5_1; ib++) {
        vuint8m1_t lo, hi;
        nibbles(x[ib].qs, &lo, &hi);
        fifth_bits(x[ib].qh, &lo, &hi);
        const float dx = H2F(x[ib].d), mx = H2F(x[ib].m);
        for (int t = 0; t < nt; t++) sumf[t] += min_block(&y[t][ib], dx, mx, lo, hi);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

static INLINE void q5_0_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q5_0 *x = vx;
    TOKENS_SETUP(block_q8_0)
    for (int ib = 0; ib < n / QK5_0; ib++) {
        vuint8m1_t lo, hi;
        nibbles(x[ib].qs, &lo, &hi);
        fifth_bits(x[ib].qh, &lo, &hi);
        const vint8m1_t slo = __riscv_vsub_vx_i8m1(__riscv_vreinterpret_v_u8m1_i8m1(lo), 16, VL);
        const vint8m1_t shi = __riscv_vsub_vx_i8m1(__riscv_vreinterpret_v_u8m1_i8m1(hi), 16, VL);
        const float dx = H2F(x[ib].d);
        for (int t = 0; t < nt; t++) sumf[t] += (dx * H2F(y[t][ib].d)) * dot_ss(slo, shi, y[t][ib].qs);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

/* ---- K-quants: per-lane int32 accumulators, one per token (acc0..acc3; vector types make no arrays) ---- */

/* Runs STEP(t) for each token t (STEP pastes acc##t etc.); nt is a constant once inlined. */
#define EACH_TOKEN(STEP)  \
    do {                  \
        STEP(0);          \
        if (nt == 4) {    \
            STEP(1);      \
            STEP(2);      \
            STEP(3);      \
        }                 \
    } while (0)

/* acc += sc * (w0 * q8[0..15] + w1 * q8[16..31]): one scale over 32 elements, pair sums (<= 2 * 31 * 128)
 * exact in int16. */
static INLINE vint32m4_t mac_pair(vint32m4_t acc, int16_t sc, vuint8m1_t w0, vuint8m1_t w1, const int8_t *q8) {
    vint16m2_t p = __riscv_vwmulsu_vv_i16m2(__riscv_vle8_v_i8m1(q8, VL), w0, VL);
    p = __riscv_vwmaccsu_vv_i16m2(p, __riscv_vle8_v_i8m1(q8 + 16, VL), w1, VL);
    return __riscv_vwmacc_vx_i32m4(acc, sc, p, VL);
}

/* sum(bsums[j] * m[j]) over the 16 sums of 16 activations: the minimums' term. */
static INLINE int32_t bsum_dot(const int16_t *bsums, vint16m2_t m) {
    return redsum(__riscv_vwmul_vv_i32m4(__riscv_vle16_v_i16m2(bsums, VL), m, VL));
}

static INLINE vint16m2_t widen_u8(vuint8m1_t v) {
    return __riscv_vreinterpret_v_u16m2_i16m2(__riscv_vzext_vf2_u16m2(v, VL));
}

/* The generic's 8 lanes aux32[l] = acc[l] + acc[l + 8], then sums[l] += d * aux32[l] in float. */
static INLINE vfloat32m2_t fold_lanes(vfloat32m2_t sums, vint32m4_t acc, float d) {
    const vint32m4_t up = __riscv_vslidedown_vx_i32m4(acc, 8, VL);
    const vint32m2_t a8 = __riscv_vadd_vv_i32m2(__riscv_vlmul_trunc_v_i32m4_i32m2(acc), __riscv_vlmul_trunc_v_i32m4_i32m2(up), 8);
    return __riscv_vfadd_vv_f32m2(sums, __riscv_vfmul_vf_f32m2(__riscv_vfcvt_f_x_v_f32m2(a8, 8), d, 8), 8);
}

/* sumf + sums[0] + ... + sums[7], in the generic order. */
static INLINE float add_lanes(float sumf, vfloat32m2_t sums) {
    float a[8];
    __riscv_vse32_v_f32m2(a, sums, 8);
    for (int l = 0; l < 8; l++) sumf += a[l];
    return sumf;
}

static INLINE void q2_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q2_K *x = vx;
    TOKENS_SETUP(block_q8_K)
    const vint32m4_t zero32 = __riscv_vmv_v_x_i32m4(0, VL);
    const vint16m2_t zero16 = __riscv_vmv_v_x_i16m2(0, VL);
    for (int i = 0; i < n / QK_K; i++) {
        const uint8_t *sc = x[i].scales;
        vint32m4_t acc0 = zero32, acc1 = zero32, acc2 = zero32, acc3 = zero32;
        /* group g = 8k + 2s + h: bytes 32k + 16h, bits 2s, activations 16g, scale sc[g] & 15 */
        for (int k = 0; k < 2; k++) {
            for (int h = 0; h < 2; h++) {
                const vuint8m1_t b = __riscv_vle8_v_u8m1(x[i].qs + 32 * k + 16 * h, VL);
                vint16m2_t p0 = zero16, p1 = zero16, p2 = zero16, p3 = zero16;
                for (int sh = 0; sh < 4; sh++) {
                    const int g = 8 * k + 2 * sh + h;
                    /* scale folded into the weight (<= 3 * 15); four groups sum to <= 4 * 45 * 128 in int16 */
                    const vuint8m1_t w = __riscv_vmul_vx_u8m1(__riscv_vand_vx_u8m1(__riscv_vsrl_vx_u8m1(b, 2 * sh, VL), 3, VL), sc[g] & 0xF, VL);
#define Q2_MAC(t) p##t = __riscv_vwmaccsu_vv_i16m2(p##t, __riscv_vle8_v_i8m1(y[t][i].qs + 16 * g, VL), w, VL)
                    EACH_TOKEN(Q2_MAC);
                }
#define Q2_WIDEN(t) acc##t = __riscv_vwadd_wv_i32m4(acc##t, p##t, VL)
                EACH_TOKEN(Q2_WIDEN);
            }
        }
        const vint16m2_t mins = widen_u8(__riscv_vsrl_vx_u8m1(__riscv_vle8_v_u8m1(sc, VL), 4, VL));
        const float xd = H2F(x[i].d), xmin = H2F(x[i].dmin);
#define Q2_SUM(t) sumf[t] += (y[t][i].d * xd) * redsum(acc##t) - (y[t][i].d * xmin) * bsum_dot(y[t][i].bsums, mins)
        EACH_TOKEN(Q2_SUM);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

/* Q3_K's 12 packed bytes as 16 signed scales: low 4 bits from bytes 0..7, high 2 from bytes 8..11. */
static INLINE void q3_K_scales(const uint8_t *p, int16_t *sc) {
    for (int j = 0; j < 16; j++) {
        const int lo = j < 8 ? p[j] & 0xF : p[j - 8] >> 4;
        sc[j] = (int16_t) ((lo | ((p[8 + j % 4] >> (2 * (j / 4))) & 3) << 4) - 32);
    }
}

static INLINE void q3_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q3_K *x = vx;
    TOKENS_SETUP(block_q8_K)
    const vint32m4_t zero32 = __riscv_vmv_v_x_i32m4(0, VL);
    vfloat32m2_t sums0, sums1, sums2, sums3;
    sums0 = sums1 = sums2 = sums3 = __riscv_vfmv_v_f_f32m2(0.0f, 8);
    for (int i = 0; i < n / QK_K; i++) {
        int16_t sc[16];
        q3_K_scales(x[i].scales, sc);
        vint32m4_t acc0 = zero32, acc1 = zero32, acc2 = zero32, acc3 = zero32;
        /* group g = 8k + 2s + h: bytes 32k + 16h, bits 2s, hmask bit 4k + s of bytes 16h */
        for (int k = 0; k < 2; k++) {
            for (int h = 0; h < 2; h++) {
                const vuint8m1_t b = __riscv_vle8_v_u8m1(x[i].qs + 32 * k + 16 * h, VL);
                const vuint8m1_t hb = __riscv_vle8_v_u8m1(x[i].hmask + 16 * h, VL);
                for (int sh = 0; sh < 4; sh++) {
                    const int g = 8 * k + 2 * sh + h;
                    const vint8m1_t q = __riscv_vreinterpret_v_u8m1_i8m1(__riscv_vand_vx_u8m1(__riscv_vsrl_vx_u8m1(b, 2 * sh, VL), 3, VL));
                    /* a clear hmask bit subtracts 4 */
                    const vbool8_t clear = __riscv_vmseq_vx_u8m1_b8(__riscv_vand_vx_u8m1(hb, 1 << (4 * k + sh), VL), 0, VL);
                    const vint8m1_t w = __riscv_vsub_vx_i8m1_mu(clear, q, q, 4, VL);
#define Q3_MAC(t) acc##t = __riscv_vwmacc_vx_i32m4(acc##t, sc[g], __riscv_vwmul_vv_i16m2(w, __riscv_vle8_v_i8m1(y[t][i].qs + 16 * g, VL), VL), VL)
                    EACH_TOKEN(Q3_MAC);
                }
            }
        }
        const float xd = H2F(x[i].d);
#define Q3_SUM(t) sums##t = fold_lanes(sums##t, acc##t, xd * y[t][i].d)
        EACH_TOKEN(Q3_SUM);
    }
    s[0] = add_lanes(0.0f, sums0);
    if (nt == 4) {
        s[s_stride] = add_lanes(0.0f, sums1);
        s[2 * s_stride] = add_lanes(0.0f, sums2);
        s[3 * s_stride] = add_lanes(0.0f, sums3);
    }
    (void) sumf;
}

static INLINE void q5_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q5_K *x = vx;
    TOKENS_SETUP(block_q8_K)
    const vint32m4_t zero32 = __riscv_vmv_v_x_i32m4(0, VL);
    const vuint8m1_t pair_idx = __riscv_vsrl_vx_u8m1(__riscv_vid_v_u8m1(VL), 1, VL); /* bsum j uses min j / 2 */
    vfloat32m2_t sums0, sums1, sums2, sums3;
    sums0 = sums1 = sums2 = sums3 = __riscv_vfmv_v_f_f32m2(0.0f, 8);
    for (int i = 0; i < n / QK_K; i++) {
        uint32_t utmp[4];
        k3k_unpack_k4_scales(x[i].scales, utmp);
        const uint8_t *sc = (const uint8_t *) utmp;
        vint32m4_t acc0 = zero32, acc1 = zero32, acc2 = zero32, acc3 = zero32;
        const vuint8m1_t hb0 = __riscv_vle8_v_u8m1(x[i].qh, VL), hb1 = __riscv_vle8_v_u8m1(x[i].qh + 16, VL);
        /* sub-block j (32 elements): nibbles (j odd: high) of bytes 32 (j / 2), fifth bit j of qh */
        for (int j = 0; j < QK_K / 32; j++) {
            vuint8m1_t w0 = __riscv_vle8_v_u8m1(x[i].qs + 32 * (j / 2), VL), w1 = __riscv_vle8_v_u8m1(x[i].qs + 32 * (j / 2) + 16, VL);
            w0 = j & 1 ? __riscv_vsrl_vx_u8m1(w0, 4, VL) : __riscv_vand_vx_u8m1(w0, 0xF, VL);
            w1 = j & 1 ? __riscv_vsrl_vx_u8m1(w1, 4, VL) : __riscv_vand_vx_u8m1(w1, 0xF, VL);
            w0 = __riscv_vor_vx_u8m1_mu(__riscv_vmsne_vx_u8m1_b8(__riscv_vand_vx_u8m1(hb0, 1 << j, VL), 0, VL), w0, w0, 16, VL);
            w1 = __riscv_vor_vx_u8m1_mu(__riscv_vmsne_vx_u8m1_b8(__riscv_vand_vx_u8m1(hb1, 1 << j, VL), 0, VL), w1, w1, 16, VL);
#define Q5_MAC(t) acc##t = mac_pair(acc##t, sc[j], w0, w1, y[t][i].qs + 32 * j)
            EACH_TOKEN(Q5_MAC);
        }
        const vint16m2_t mins = widen_u8(__riscv_vrgather_vv_u8m1(__riscv_vle8_v_u8m1(sc + 8, 8), pair_idx, VL));
        const float xd = H2F(x[i].d), xmin = H2F(x[i].dmin);
#define Q5_SUM(t)                                                    \
    sums##t = fold_lanes(sums##t, acc##t, xd * y[t][i].d);           \
    sumf[t] -= (xmin * y[t][i].d) * bsum_dot(y[t][i].bsums, mins)
        EACH_TOKEN(Q5_SUM);
    }
    s[0] = add_lanes(sumf[0], sums0);
    if (nt == 4) {
        s[s_stride] = add_lanes(sumf[1], sums1);
        s[2 * s_stride] = add_lanes(sumf[2], sums2);
        s[3 * s_stride] = add_lanes(sumf[3], sums3);
    }
}

K3K_TOKEN_ENTRIES(, dot_q4_1, q4_1_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_0, q5_0_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_1, q5_1_tokens)
K3K_TOKEN_ENTRIES(, dot_q2_K, q2_K_tokens)
K3K_TOKEN_ENTRIES(, dot_q3_K, q3_K_tokens)
K3K_TOKEN_ENTRIES(, dot_q5_K, q5_K_tokens)

void k3k_install_riscv_rvv_more(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_Q4_1], dot_q4_1, dot_q4_1_4t, "rvv");
    k3k_set_dots(&t[K3K_Q5_0], dot_q5_0, dot_q5_0_4t, "rvv");
    k3k_set_dots(&t[K3K_Q5_1], dot_q5_1, dot_q5_1_4t, "rvv");
    k3k_set_dots(&t[K3K_Q2_K], dot_q2_K, dot_q2_K_4t, "rvv");
    k3k_set_dots(&t[K3K_Q3_K], dot_q3_K, dot_q3_K_4t, "rvv");
    k3k_set_dots(&t[K3K_Q5_K], dot_q5_K, dot_q5_K_4t, "rvv");
}

#else
void k3k_install_riscv_rvv_more(k3k_type_traits *t) {
    (void) t;
}
#endif
