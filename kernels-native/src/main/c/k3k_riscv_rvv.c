/* riscv64 RVV 1.0 dots for Q4_0, Q8_0, Q4_K and Q6_K, VLEN-agnostic: vectors of 16 or 32 bytes, which
 * every VLEN >= 128 holds. Integer sums are exact; Q4_0/Q8_0 keep the generic float order (bit-identical),
 * the K-quants sum per super-block (float reassociation only). The other types: k3k_riscv_rvv_more.c (quantised)
 * and k3k_riscv_rvv_float.c (F32, F16, BF16). */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>
#include <sys/auxv.h>

#define H2F k3k_fp16_to_fp32

static void dot_q4_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    const size_t vl = __riscv_vsetvl_e8m1(16);
    const vint32m1_t zero = __riscv_vmv_s_x_i32m1(0, 1);
    float sumf = 0.0f;
    for (int i = 0; i < n / QK8_0; i++) {
        const vuint8m1_t b = __riscv_vle8_v_u8m1(x[i].qs, vl);
        const vint8m1_t lo = __riscv_vsub_vx_i8m1(__riscv_vreinterpret_v_u8m1_i8m1(__riscv_vand_vx_u8m1(b, 0x0F, vl)), 8, vl);
        const vint8m1_t hi = __riscv_vsub_vx_i8m1(__riscv_vreinterpret_v_u8m1_i8m1(__riscv_vsrl_vx_u8m1(b, 4, vl)), 8, vl);
        vint16m2_t p = __riscv_vwmul_vv_i16m2(lo, __riscv_vle8_v_i8m1(y[i].qs, vl), vl);
        p = __riscv_vwmacc_vv_i16m2(p, hi, __riscv_vle8_v_i8m1(y[i].qs + 16, vl), vl);
        const int sumi = __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, zero, vl));
        sumf += sumi * H2F(x[i].d) * H2F(y[i].d);
    }
    *s = sumf;
}

static void dot_q8_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q8_0 *x = vx, *y = vy;
    const size_t vl = __riscv_vsetvl_e8m2(32);
    const vint32m1_t zero = __riscv_vmv_s_x_i32m1(0, 1);
    float sumf = 0.0f;
    for (int i = 0; i < n / QK8_0; i++) {
        const vint16m4_t p = __riscv_vwmul_vv_i16m4(__riscv_vle8_v_i8m2(x[i].qs, vl), __riscv_vle8_v_i8m2(y[i].qs, vl), vl);
        const int sumi = __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m4_i32m1(p, zero, vl));
        sumf += sumi * (H2F(x[i].d) * H2F(y[i].d));
    }
    *s = sumf;
}

/* sum(q8 * q) over vl elements: q unsigned (K-quant nibbles), q8 signed; exact in int32. */
static inline int32_t dot_su(const int8_t *q8, vuint8m1_t q, size_t vl) {
    const vint16m2_t p = __riscv_vwmulsu_vv_i16m2(__riscv_vle8_v_i8m1(q8, vl), q, vl);
    return __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, __riscv_vmv_s_x_i32m1(0, 1), vl));
}

static void dot_q4_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    const size_t vl = __riscv_vsetvl_e8m1(16);
    float sumf = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        uint32_t utmp[4];
        k3k_unpack_k4_scales(x[i].scales, utmp);
        const uint8_t *sc = (const uint8_t *) utmp, *mins = sc + 8;
        int32_t summ = 0, sumi = 0;
        for (int j = 0; j < QK_K / 16; j++) summ += y[i].bsums[j] * mins[j / 2];
        for (int j = 0; j < QK_K / 64; j++) {
            int32_t lo = 0, hi = 0;
            for (int h = 0; h < 2; h++) {
                const vuint8m1_t b = __riscv_vle8_v_u8m1(x[i].qs + 32 * j + 16 * h, vl);
                lo += dot_su(y[i].qs + 64 * j + 16 * h, __riscv_vand_vx_u8m1(b, 0x0F, vl), vl);
                hi += dot_su(y[i].qs + 64 * j + 32 + 16 * h, __riscv_vsrl_vx_u8m1(b, 4, vl), vl);
            }
            sumi += lo * sc[2 * j] + hi * sc[2 * j + 1];
        }
        sumf += H2F(x[i].d) * y[i].d * sumi - H2F(x[i].dmin) * y[i].d * summ;
    }
    *s = sumf;
}

static void dot_q6_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const size_t vl = __riscv_vsetvl_e8m1(16);
    const vint32m1_t zero = __riscv_vmv_s_x_i32m1(0, 1);
    float sumf = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs, *sc = x[i].scales;
        int32_t sumi = 0;
        for (int half = 0; half < 2; half++) {
            for (int h = 0; h < 2; h++) {
                const vuint8m1_t l0 = __riscv_vle8_v_u8m1(ql + 16 * h, vl), l1 = __riscv_vle8_v_u8m1(ql + 32 + 16 * h, vl);
                const vuint8m1_t hb = __riscv_vle8_v_u8m1(qh + 16 * h, vl);
                vuint8m1_t q0, q1, q2, q3;
                q0 = __riscv_vor_vv_u8m1(__riscv_vand_vx_u8m1(l0, 0x0F, vl), __riscv_vsll_vx_u8m1(__riscv_vand_vx_u8m1(hb, 3, vl), 4, vl), vl);
                q1 = __riscv_vor_vv_u8m1(__riscv_vand_vx_u8m1(l1, 0x0F, vl),
                                           __riscv_vsll_vx_u8m1(__riscv_vand_vx_u8m1(__riscv_vsrl_vx_u8m1(hb, 2, vl), 3, vl), 4, vl), vl);
                q2 = __riscv_vor_vv_u8m1(__riscv_vsrl_vx_u8m1(l0, 4, vl),
                                           __riscv_vsll_vx_u8m1(__riscv_vand_vx_u8m1(__riscv_vsrl_vx_u8m1(hb, 4, vl), 3, vl), 4, vl), vl);
                q3 = __riscv_vor_vv_u8m1(__riscv_vsrl_vx_u8m1(l1, 4, vl), __riscv_vsll_vx_u8m1(__riscv_vsrl_vx_u8m1(hb, 6, vl), 4, vl), vl);
                for (int g = 0; g < 4; g++) {
                    const vuint8m1_t qg = g == 0 ? q0 : g == 1 ? q1 : g == 2 ? q2 : q3;
                    const vint8m1_t v = __riscv_vsub_vx_i8m1(__riscv_vreinterpret_v_u8m1_i8m1(qg), 32, vl);
                    const vint16m2_t p = __riscv_vwmul_vv_i16m2(v, __riscv_vle8_v_i8m1(q8 + 32 * g + 16 * h, vl), vl);
                    sumi += __riscv_vmv_x_s_i32m1_i32(__riscv_vwredsum_vs_i16m2_i32m1(p, zero, vl)) * sc[2 * g + h];
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

/* The gated delta rule's state-column loops, eight floats per step (e32m2 holds eight at any VLEN >= 128).
 * The eight partial sums are stored and reduced in the generic model's order; no fused multiply-add, so
 * the results equal the generic ones bit for bit. */
static float lanes_sum(vfloat32m2_t acc) {
    float a[8];
    __riscv_vse32_v_f32m2(a, acc, 8);
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

static float gdn_decay_dot(float *m, float decay, const float *k, int s) {
    const size_t vl = __riscv_vsetvl_e32m2(8);
    vfloat32m2_t acc = __riscv_vfmv_v_f_f32m2(0.0f, vl);
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const vfloat32m2_t v = __riscv_vfmul_vf_f32m2(__riscv_vle32_v_f32m2(m + i, vl), decay, vl);
        __riscv_vse32_v_f32m2(m + i, v, vl);
        acc = __riscv_vfadd_vv_f32m2(acc, __riscv_vfmul_vv_f32m2(v, __riscv_vle32_v_f32m2(k + i, vl), vl), vl);
    }
    float sum = lanes_sum(acc);
    for (; i < s; i++) {
        m[i] = m[i] * decay;
        sum += m[i] * k[i];
    }
    return sum;
}

static float gdn_update_dot(float *m, const float *k, float d, const float *q, int s) {
    const size_t vl = __riscv_vsetvl_e32m2(8);
    vfloat32m2_t acc = __riscv_vfmv_v_f_f32m2(0.0f, vl);
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const vfloat32m2_t kd = __riscv_vfmul_vf_f32m2(__riscv_vle32_v_f32m2(k + i, vl), d, vl);
        const vfloat32m2_t v = __riscv_vfadd_vv_f32m2(__riscv_vle32_v_f32m2(m + i, vl), kd, vl);
        __riscv_vse32_v_f32m2(m + i, v, vl);
        acc = __riscv_vfadd_vv_f32m2(acc, __riscv_vfmul_vv_f32m2(v, __riscv_vle32_v_f32m2(q + i, vl), vl), vl);
    }
    float sum = lanes_sum(acc);
    for (; i < s; i++) {
        m[i] = m[i] + k[i] * d;
        sum += m[i] * q[i];
    }
    return sum;
}

/* The convolution's tap sums, as many channels per step as the vector length holds, taps in the generic
 * order: bit-identical. */
static void conv_taps(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n) {
    for (int c = 0; c < n;) {
        const size_t vl = __riscv_vsetvl_e32m2((size_t) (n - c));
        vfloat32m2_t acc = __riscv_vfmv_v_f_f32m2(0.0f, vl);
        for (int i = 0; i < d_conv; i++)
            acc = __riscv_vfadd_vv_f32m2(acc, __riscv_vfmul_vv_f32m2(__riscv_vle32_v_f32m2(rows[i] + c, vl),
                                                                   __riscv_vle32_v_f32m2(wrows[i] + c, vl), vl), vl);
        __riscv_vse32_v_f32m2(sum + c, acc, vl);
        c += (int) vl;
    }
}

int k3k_install_riscv_rvv(k3k_type_traits *t) {
    if (!(getauxval(AT_HWCAP) & (1UL << ('V' - 'A')))) return 0;
    t[K3K_F32].conv_taps = conv_taps;
    t[K3K_F32].gdn_decay_dot = gdn_decay_dot;
    t[K3K_F32].gdn_update_dot = gdn_update_dot;
    t[K3K_F32].gdn_path = "rvv";
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q4_0].path = "rvv";
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q8_0].path = "rvv";
    t[K3K_Q4_K].dot = dot_q4_K_q8_K;
    t[K3K_Q4_K].path = "rvv";
    t[K3K_Q6_K].dot = dot_q6_K_q8_K;
    t[K3K_Q6_K].path = "rvv";
    k3k_install_riscv_rvv_iq4(t);
    k3k_install_riscv_rvv_more(t);
    k3k_install_riscv_rvv_float(t);
    k3k_install_riscv_rvv_packed(t);
    return 1;
}

#else
int k3k_install_riscv_rvv(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
