/* riscv64 RVV 1.0 IQ4_NL x Q8_0 and IQ4_XS x Q8_K, VLEN-agnostic (16-byte vectors, which every VLEN >= 128
 * holds): vrgather turns 16 nibbles into their codebook values, widening multiplies (pair sums <= 2 * 127
 * * 127, exact in int16) and one widening reduction per group. The float products keep the generic order,
 * so results are bit-identical to the generic dots. One kernel serves one token and four (prefill): the
 * weights are unpacked once per row. */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>

#define H2F k3k_fp16_to_fp32
#define INLINE __attribute__((always_inline)) inline

/* sum(lo * q8[0..15] + hi * q8[16..31]) for one group. */
static INLINE int group_dot(vint8m1_t lo, vint8m1_t hi, const int8_t *q8, size_t vl) {
    vint16m2_t p = __riscv_vwmul_vv_i16m2(lo, __riscv_vle8_v_i8m1(q8, vl), vl);
    p = __riscv_vwmacc_vv_i16m2(p, hi, __riscv_vle8_v_i8m1(q8 + 16, vl), vl);
    return __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, __riscv_vmv_s_x_i32m1(0, 1), vl));
}

/* The codebook values of a group's low nibbles (elements 0..15) and high nibbles (16..31). */
static INLINE void group_values(const uint8_t *qs, vint8m1_t codebook, vint8m1_t *lo, vint8m1_t *hi, size_t vl) {
    const vuint8m1_t b = __riscv_vle8_v_u8m1(qs, vl);
    *lo = __riscv_vrgather_vv_i8m1(codebook, __riscv_vand_vx_u8m1(b, 0x0F, vl), vl);
    *hi = __riscv_vrgather_vv_i8m1(codebook, __riscv_vsrl_vx_u8m1(b, 4, vl), vl);
}

static INLINE void iq4_nl_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_nl *x = vx;
    const size_t vl = __riscv_vsetvl_e8m1(16);
    const vint8m1_t codebook = __riscv_vle8_v_i8m1(k3k_kvalues_iq4nl, vl);
    const block_q8_0 *y[4];
    float sumf[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_0 *) ((const uint8_t *) vy + t * by);
        sumf[t] = 0.0f;
    }
    for (int ib = 0; ib < n / QK4_NL; ib++) {
        vint8m1_t lo, hi;
        group_values(x[ib].qs, codebook, &lo, &hi, vl);
        for (int t = 0; t < nt; t++) {
            const float d = H2F(y[t][ib].d) * H2F(x[ib].d);
            sumf[t] += d * group_dot(lo, hi, y[t][ib].qs, vl);
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

static INLINE void iq4_xs_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_xs *x = vx;
    const size_t vl = __riscv_vsetvl_e8m1(16);
    const vint8m1_t codebook = __riscv_vle8_v_i8m1(k3k_kvalues_iq4nl, vl);
    const block_q8_K *y[4];
    float sumf[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_K *) ((const uint8_t *) vy + t * by);
        sumf[t] = 0.0f;
    }
    for (int ibl = 0; ibl < n / QK_K; ibl++) {
        const float dx = H2F(x[ibl].d);
        for (int ib = 0; ib < QK_K / 32; ib++) {
            vint8m1_t lo, hi;
            group_values(x[ibl].qs + 16 * ib, codebook, &lo, &hi, vl);
            const int ls = k3k_iq4_xs_scale(&x[ibl], ib);
            for (int t = 0; t < nt; t++) {
                const float dl = dx * y[t][ibl].d * ls;
                sumf[t] += dl * group_dot(lo, hi, y[t][ibl].qs + 32 * ib, vl);
            }
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = sumf[t];
}

K3K_TOKEN_ENTRIES(, dot_iq4_nl, iq4_nl_tokens)
K3K_TOKEN_ENTRIES(, dot_iq4_xs, iq4_xs_tokens)

void k3k_install_riscv_rvv_iq4(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_IQ4_NL], dot_iq4_nl, dot_iq4_nl_4t, "rvv");
    k3k_set_dots(&t[K3K_IQ4_XS], dot_iq4_xs, dot_iq4_xs_4t, "rvv");
}

#else
void k3k_install_riscv_rvv_iq4(k3k_type_traits *t) {
    (void) t;
}
#endif
