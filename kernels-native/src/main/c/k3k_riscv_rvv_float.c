/* riscv64 RVV 1.0 dots for the float weight types F32, F16 and BF16, VLEN-agnostic (strip-mined with
 * vsetvl, the last partial strip accumulated tail-undisturbed so idle lanes keep adding zero).
 * Widening is exact: BF16 is a 16-bit shift; F16 (no Zvfh in rv64gcv) goes through integer ops and one
 * exact float multiply: the half's exponent+mantissa bits placed at a float's (h << 13) read as a float
 * worth the half times 2^-112 (half subnormals become float subnormals), so x 2^112 rescales it exactly;
 * inf/NaN and the sign are patched in with masked ORs. Products are accumulated in float lanes (fused
 * multiply-add) and the lanes summed in double, so results differ from the generic double-chain dots
 * only by reassociation. Rows may start at any byte address (an odd F16 row, an F32 row at +1): such
 * rows are read with byte loads reinterpreted in the register, the same values as an aligned load, so an
 * unaligned row gives the same bits. */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>

/* Element loads. RVV may trap (or emulate slowly) on misaligned element accesses; byte loads never do,
 * and the register holds the bytes little-endian either way. */
static inline vuint16m2_t ld16(const uint8_t *p, size_t vl, int aligned) {
    if (aligned) return __riscv_vle16_v_u16m2((const uint16_t *) p, vl);
    return __riscv_vreinterpret_v_u8m2_u16m2(__riscv_vle8_v_u8m2(p, 2 * vl));
}

static inline vfloat32m8_t ld32(const uint8_t *p, size_t vl, int aligned) {
    if (aligned) return __riscv_vle32_v_f32m8((const float *) p, vl);
    return __riscv_vreinterpret_v_u32m8_f32m8(__riscv_vreinterpret_v_u8m8_u32m8(__riscv_vle8_v_u8m8(p, 4 * vl)));
}

/* IEEE half -> float, bit-identical to k3k_fp16_to_fp32 for every input (NaN payloads included). */
static inline vfloat32m4_t h2f(vuint16m2_t h, size_t vl) {
    const vuint16m2_t em = __riscv_vand_vx_u16m2(h, 0x7fff, vl);
    const vbool8_t neg = __riscv_vmsgtu_vx_u16m2_b8(h, 0x7fff, vl);
    const vbool8_t special = __riscv_vmsgtu_vx_u16m2_b8(em, 0x7bff, vl); /* exponent 31: inf or NaN */
    vuint32m4_t b = __riscv_vwmulu_vx_u32m4(em, 1u << 13, vl);
    /* exact: the result is a normal float for every finite half (largest 65504, smallest 2^-24) */
    b = __riscv_vreinterpret_v_f32m4_u32m4(__riscv_vfmul_vf_f32m4(__riscv_vreinterpret_v_u32m4_f32m4(b), 0x1p112f, vl));
    /* exponent 31 came out as float exponent 143 with the mantissa intact: OR makes it 255 */
    b = __riscv_vor_vx_u32m4_mu(special, b, b, 0x7f800000u, vl);
    b = __riscv_vor_vx_u32m4_mu(neg, b, b, 0x80000000u, vl);
    return __riscv_vreinterpret_v_u32m4_f32m4(b);
}

static inline vfloat32m4_t b2f(vuint16m2_t h, size_t vl) {
    return __riscv_vreinterpret_v_u32m4_f32m4(__riscv_vsll_vx_u32m4(__riscv_vzext_vf2_u32m4(h, vl), 16, vl));
}

/* Lane sums in double over all VLMAX lanes: a fixed vl, so the (unordered) reduction tree is fixed too
 * (RVV requires it to be deterministic for a given vtype and vl). */
static inline double lanes_sum_m4(vfloat32m4_t acc) {
    const size_t vlmax = __riscv_vsetvlmax_e32m4();
    return __riscv_vfmv_f_s_f64m1_f64(__riscv_vfwredusum_vs_f32m4_f64m1(acc, __riscv_vfmv_s_f_f64m1(0.0, 1), vlmax));
}

static inline double lanes_sum_m8(vfloat32m8_t acc) {
    const size_t vlmax = __riscv_vsetvlmax_e32m8();
    return __riscv_vfmv_f_s_f64m1_f64(__riscv_vfwredusum_vs_f32m8_f64m1(acc, __riscv_vfmv_s_f_f64m1(0.0, 1), vlmax));
}

static void dot_f32(int n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int aligned = !(((uintptr_t) x | (uintptr_t) y) & 3);
    vfloat32m8_t acc = __riscv_vfmv_v_f_f32m8(0.0f, __riscv_vsetvlmax_e32m8());
    for (size_t i = 0, vl; i < (size_t) (n > 0 ? n : 0); i += vl) {
        vl = __riscv_vsetvl_e32m8((size_t) n - i);
        acc = __riscv_vfmacc_vv_f32m8_tu(acc, ld32(x + 4 * i, vl, aligned), ld32(y + 4 * i, vl, aligned), vl);
    }
    *s = (float) lanes_sum_m8(acc);
}

/* F16 and BF16 rows: each half widened to f32 (WIDEN: h2f or b2f), then the F32 dot's accumulate. */
#define HALF_DOT(NAME, WIDEN)                                                                                      \
    static void NAME(int n, float *s, const void *vx, const void *vy) {                                           \
        const uint8_t *x = vx, *y = vy;                                                                           \
        const int aligned = !(((uintptr_t) x | (uintptr_t) y) & 1);                                               \
        vfloat32m4_t acc = __riscv_vfmv_v_f_f32m4(0.0f, __riscv_vsetvlmax_e32m4());                              \
        for (size_t i = 0, vl; i < (size_t) (n > 0 ? n : 0); i += vl) {                                           \
            vl = __riscv_vsetvl_e16m2((size_t) n - i);                                                            \
            acc = __riscv_vfmacc_vv_f32m4_tu(acc, WIDEN(ld16(x + 2 * i, vl, aligned), vl),                        \
                                             WIDEN(ld16(y + 2 * i, vl, aligned), vl), vl);                        \
        }                                                                                                         \
        *s = (float) lanes_sum_m4(acc);                                                                           \
    }
HALF_DOT(dot_f16, h2f)
HALF_DOT(dot_bf16, b2f)

/* Only .dot and .path: the F32 row also carries the attention and delta-net kernels of other files. */
void k3k_install_riscv_rvv_float(k3k_type_traits *t) {
    t[K3K_F32].dot = dot_f32;
    t[K3K_F32].path = "rvv";
    t[K3K_F16].dot = dot_f16;
    t[K3K_F16].path = "rvv";
    t[K3K_BF16].dot = dot_bf16;
    t[K3K_BF16].path = "rvv";
}
#else
void k3k_install_riscv_rvv_float(k3k_type_traits *t) {
    (void) t;
}
#endif
