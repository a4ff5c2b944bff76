/* riscv64 RVV 1.0 kernels over the packed Q4_0, Q8_0, Q4_K and Q6_K x8 layouts (k3k_packed.h),
 * VLEN-agnostic. Per block column the weights of one or two eight-row groups are unpacked once into
 * signed bytes in the x8 chunk layout, then widened to int16 "element-major" (segment loads transpose
 * each chunk: wt[e * ROWS + r] is element e of row r, both groups side by side), so a token's dot over
 * the tile is one vwmacc.vx per element: its activation byte times the 8 or 16 rows' weights, summed in
 * int32 lanes (one per row; vl = 8 or 16 fits e32m4 at VLEN >= 128). The integer sums are exact and the
 * float steps are the generic model's (d = dx * dy, acc + sum * d, no fused multiply-add), so every
 * output is bit-identical to k3k_*x8_generic. The float accumulators live in the output rows. */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>
#include "k3k_packed.h"

#define ROWS 16 /* the row stride of the widened weights: two eight-row groups */

/* Chunks c < nch of eight rows (row r's four bytes at 32 c + 4 r) widened into wt (element 4c + i of
 * row r at wt[(4c + i) * ROWS + r]). */
static void spread(const int8_t *chunks, int nch, int16_t *wt) {
    const size_t vl = __riscv_vsetvl_e8mf2(8);
    for (int c = 0; c < nch; c++) {
        const vint8mf2x4_t f = __riscv_vlseg4e8_v_i8mf2x4(chunks + 32 * c, vl);
        int16_t *e = wt + 4 * c * ROWS;
        __riscv_vse16_v_i16m1(e, __riscv_vsext_vf2_i16m1(__riscv_vget_v_i8mf2x4_i8mf2(f, 0), vl), vl);
        __riscv_vse16_v_i16m1(e + ROWS, __riscv_vsext_vf2_i16m1(__riscv_vget_v_i8mf2x4_i8mf2(f, 1), vl), vl);
        __riscv_vse16_v_i16m1(e + 2 * ROWS, __riscv_vsext_vf2_i16m1(__riscv_vget_v_i8mf2x4_i8mf2(f, 2), vl), vl);
        __riscv_vse16_v_i16m1(e + 3 * ROWS, __riscv_vsext_vf2_i16m1(__riscv_vget_v_i8mf2x4_i8mf2(f, 3), vl), vl);
    }
}

/* The low and high nibbles of n bytes (hi may be NULL). */
static void nibbles(const uint8_t *in, int n, int8_t *lo, int8_t *hi) {
    for (size_t i = 0, vl; i < (size_t) n; i += vl) {
        vl = __riscv_vsetvl_e8m4((size_t) n - i);
        const vuint8m4_t v = __riscv_vle8_v_u8m4(in + i, vl);
        __riscv_vse8_v_u8m4((uint8_t *) lo + i, __riscv_vand_vx_u8m4(v, 0x0F, vl), vl);
        if (hi) __riscv_vse8_v_u8m4((uint8_t *) hi + i, __riscv_vsrl_vx_u8m4(v, 4, vl), vl);
    }
}

/* q - 32 of elements 128 n + 32 st + 4 c + i (c < 8) of a Q6_K x8 block column, as x8 chunks: four bits
 * from ql chunks c + 8 (st & 1) (low nibble for st < 2), two from qh chunks c (bits 2 st, 2 st + 1). */
static void q6_piece(const block_q6_Kx8 *x, int n, int st, int8_t *out) {
    const uint8_t *ql = x->ql + 512 * n + 256 * (st & 1), *qh = x->qh + 256 * n;
    for (size_t i = 0, vl; i < 256; i += vl) {
        vl = __riscv_vsetvl_e8m4(256 - i);
        const vuint8m4_t a = __riscv_vle8_v_u8m4(ql + i, vl), h = __riscv_vle8_v_u8m4(qh + i, vl);
        const vuint8m4_t low = st < 2 ? __riscv_vand_vx_u8m4(a, 0x0F, vl) : __riscv_vsrl_vx_u8m4(a, 4, vl);
        const vuint8m4_t top = __riscv_vsll_vx_u8m4(__riscv_vand_vx_u8m4(__riscv_vsrl_vx_u8m4(h, 2 * st, vl), 3, vl), 4, vl);
        const vint8m4_t q = __riscv_vreinterpret_v_u8m4_i8m4(__riscv_vor_vv_u8m4(low, top, vl));
        __riscv_vse8_v_i8m4(out + i, __riscv_vsub_vx_i8m4(q, 32, vl), vl);
    }
}

/* sum over elements e < n of y[e] * wt[e][rows]: one int32 lane per row. */
static inline vint32m4_t dot_elems(const int16_t *wt, int n, const int8_t *y, size_t vl) {
    vint32m4_t s = __riscv_vmv_v_x_i32m4(0, vl);
    for (int e = 0; e < n; e++) s = __riscv_vwmacc_vx_i32m4(s, y[e], __riscv_vle16_v_i16m2(wt + e * ROWS, vl), vl);
    return s;
}

/* acc = acc + sum * (dx * dy) over the tile's rows, in the output row itself. */
static inline void update(float *acc, vint32m4_t sum, const float *dx, float dy, size_t vl) {
    const vfloat32m4_t d = __riscv_vfmul_vf_f32m4(__riscv_vle32_v_f32m4(dx, vl), dy, vl);
    const vfloat32m4_t p = __riscv_vfmul_vv_f32m4(__riscv_vfcvt_f_x_v_f32m4(sum, vl), d, vl);
    __riscv_vse32_v_f32m4(acc, __riscv_vfadd_vv_f32m4(__riscv_vle32_v_f32m4(acc, vl), p, vl), vl);
}

static void zero_rows(float *y, size_t y_stride, int n_tok, size_t vl) {
    for (int t = 0; t < n_tok; t++) __riscv_vse32_v_f32m4(y + (size_t) t * y_stride, __riscv_vfmv_v_f_f32m4(0.0f, vl), vl);
}

/* The eight rows' fp16 scales of group g into f[8 g ..]. */
static void scales8(const k3k_half *d, float *f, int g) {
    for (int r = 0; r < 8; r++) f[8 * g + r] = k3k_fp16_to_fp32(d[r]);
}

/* Q4_0 / Q8_0 over `groups` (1 or 2) eight-row groups x[g]: one 32-element piece per block column;
 * Q4_0's nibbles are unsigned (low: elements 0..15, high: 16..31), the activation's 8 sum(y) taken off. */
static void q_0_rows(int q4, int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride, int n_tok,
                     float *y, size_t y_stride) {
    const size_t vl = __riscv_vsetvl_e32m4(8 * (size_t) groups), block = q4 ? sizeof(block_q4_0x8) : sizeof(block_q8_0x8);
    int16_t wt[32 * ROWS];
    int8_t buf[256];
    float dx[ROWS];
    zero_rows(y, y_stride, n_tok, vl);
    for (int b = 0; b < nb; b++) {
        for (int g = 0; g < groups; g++) {
            const uint8_t *xb = (const uint8_t *) x[g] + (size_t) b * block;
            if (q4) {
                const block_q4_0x8 *q = (const block_q4_0x8 *) xb;
                nibbles(q->qs, 128, buf, buf + 128);
                spread(buf, 8, wt + 8 * g);
                scales8(q->d, dx, g);
            } else {
                const block_q8_0x8 *q = (const block_q8_0x8 *) xb;
                spread(q->qs, 8, wt + 8 * g);
                scales8(q->d, dx, g);
            }
        }
        for (int t = 0; t < n_tok; t++) {
            const k3k_packed_act a = k3k_packed_act_view(act + (size_t) t * act_stride, nb);
            const vint32m4_t s = dot_elems(wt, 32, a.q[b].qs, vl);
            update(y + (size_t) t * y_stride, q4 ? __riscv_vsub_vx_i32m4(s, a.sum8[b], vl) : s, dx, a.d[b], vl);
        }
    }
}

/* Q4_K: the super-block's 256 elements widened (group j's low nibbles are sub-block 2j, the high ones
 * 2j+1); per token sumi = sum_s sc_s dot_s and mins = sum_s m_s (bsum_2s + bsum_2s+1) in int32, then
 * acc = (acc + sumi * (d * dy)) - mins * (dmin * dy). */
static void q4_K_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride, int n_tok,
                      float *y, size_t y_stride) {
    const size_t vl = __riscv_vsetvl_e32m4(8 * (size_t) groups);
    int16_t wt[QK_K * ROWS];
    int8_t buf[512];
    int32_t sc[8][ROWS], m[8][ROWS];
    float d[ROWS], dmin[ROWS];
    zero_rows(y, y_stride, n_tok, vl);
    for (int b = 0; b < nb; b++) {
        for (int g = 0; g < groups; g++) {
            const block_q4_Kx8 *q = (const block_q4_Kx8 *) x[g] + b;
            for (int j = 0; j < 4; j++) {
                nibbles(q->qs + 256 * j, 256, buf, buf + 256);
                spread(buf, 8, wt + 64 * j * ROWS + 8 * g);
                spread(buf + 256, 8, wt + (64 * j + 32) * ROWS + 8 * g);
            }
            for (int s = 0; s < 8; s++)
                for (int r = 0; r < 8; r++) {
                    sc[s][8 * g + r] = q->sc[s][r];
                    m[s][8 * g + r] = q->m[s][r];
                }
            scales8(q->d, d, g);
            scales8(q->dmin, dmin, g);
        }
        for (int t = 0; t < n_tok; t++) {
            const block_q8_K *a = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb).q + b;
            vint32m4_t sumi = __riscv_vmv_v_x_i32m4(0, vl), mins = sumi;
            for (int s = 0; s < 8; s++) {
                sumi = __riscv_vmacc_vv_i32m4(sumi, dot_elems(wt + 32 * s * ROWS, 32, a->qs + 32 * s, vl),
                                              __riscv_vle32_v_i32m4(sc[s], vl), vl);
                mins = __riscv_vmacc_vx_i32m4(mins, a->bsums[2 * s] + a->bsums[2 * s + 1], __riscv_vle32_v_i32m4(m[s], vl), vl);
            }
            float *acc = y + (size_t) t * y_stride;
            update(acc, sumi, d, a->d, vl);
            const vfloat32m4_t dm = __riscv_vfmul_vf_f32m4(__riscv_vle32_v_f32m4(dmin, vl), a->d, vl);
            const vfloat32m4_t p = __riscv_vfmul_vv_f32m4(__riscv_vfcvt_f_x_v_f32m4(mins, vl), dm, vl);
            __riscv_vse32_v_f32m4(acc, __riscv_vfsub_vv_f32m4(__riscv_vle32_v_f32m4(acc, vl), p, vl), vl);
        }
    }
}

/* Q6_K: the super-block's 256 values q - 32 widened; per token sumi = sum over the sixteen sub-blocks
 * of sc_s dot_s in int32, then acc + sumi * (d * dy). */
static void q6_K_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride, int n_tok,
                      float *y, size_t y_stride) {
    const size_t vl = __riscv_vsetvl_e32m4(8 * (size_t) groups);
    int16_t wt[QK_K * ROWS];
    int8_t buf[256];
    int32_t sc[16][ROWS];
    float d[ROWS];
    zero_rows(y, y_stride, n_tok, vl);
    for (int b = 0; b < nb; b++) {
        for (int g = 0; g < groups; g++) {
            const block_q6_Kx8 *q = (const block_q6_Kx8 *) x[g] + b;
            for (int n = 0; n < 2; n++)
                for (int st = 0; st < 4; st++) {
                    q6_piece(q, n, st, buf);
                    spread(buf, 8, wt + (128 * n + 32 * st) * ROWS + 8 * g);
                }
            for (int s = 0; s < 16; s++)
                for (int r = 0; r < 8; r++) sc[s][8 * g + r] = q->sc[s][r];
            scales8(q->d, d, g);
        }
        for (int t = 0; t < n_tok; t++) {
            const block_q8_K *a = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb).q + b;
            vint32m4_t sumi = __riscv_vmv_v_x_i32m4(0, vl);
            for (int s = 0; s < 16; s++)
                sumi = __riscv_vmacc_vv_i32m4(sumi, dot_elems(wt + 16 * s * ROWS, 16, a->qs + 16 * s, vl),
                                              __riscv_vle32_v_i32m4(sc[s], vl), vl);
            update(y + (size_t) t * y_stride, sumi, d, a->d, vl);
        }
    }
}

static void q4_0_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) {
    q_0_rows(1, groups, nb, x, act, as, n_tok, y, ys);
}
static void q8_0_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) {
    q_0_rows(0, groups, nb, x, act, as, n_tok, y, ys);
}

/* Per type: the eight-row kernel and the sixteen-row micro-kernel (both groups in one tile). */
#define KERNELS(NAME)                                                                                                  \
    static void NAME##x8_rvv(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) {  \
        const void *g[2] = {x, x};                                                                                     \
        NAME##_rows(1, nb, g, act, as, n_tok, y, ys);                                                                  \
    }                                                                                                                  \
    static void NAME##x16_rvv(int nb, const void *x0, const void *x1, const uint8_t *act, size_t as, int n_tok,       \
                              float *y, size_t ys) {                                                                   \
        const void *g[2] = {x0, x1};                                                                                   \
        NAME##_rows(2, nb, g, act, as, n_tok, y, ys);                                                                  \
    }
KERNELS(q4_0)
KERNELS(q8_0)
KERNELS(q4_K)
KERNELS(q6_K)

#define INSTALL(T, NAME)                                     \
    do {                                                     \
        t[T].packed = NAME##x8_rvv;                          \
        t[T].packed_pair = NAME##x16_rvv;                    \
        t[T].packed_path = t[T].packed_pair_path = "rvv";    \
    } while (0)

void k3k_install_riscv_rvv_packed(k3k_type_traits *t) {
    INSTALL(K3K_Q4_0, q4_0);
    INSTALL(K3K_Q8_0, q8_0);
    INSTALL(K3K_Q4_K, q4_K);
    INSTALL(K3K_Q6_K, q6_K);
}

#else
void k3k_install_riscv_rvv_packed(k3k_type_traits *t) { (void) t; }
#endif
