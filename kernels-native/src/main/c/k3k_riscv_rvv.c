/* riscv64 RVV 1.0 dots for Q4_0 and Q8_0, VLEN-agnostic: each 32-element block is processed with a
 * vector length of 16 or 32 bytes, which every VLEN >= 128 holds. The integer block sums are exact and
 * the float accumulation is the generic one, so these match the generic path bit for bit. */
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

int k3k_install_riscv_rvv(k3k_type_traits *t) {
    if (!(getauxval(AT_HWCAP) & (1UL << ('V' - 'A')))) return 0;
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q4_0].path = "rvv";
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q8_0].path = "rvv";
    return 1;
}

#else
int k3k_install_riscv_rvv(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
