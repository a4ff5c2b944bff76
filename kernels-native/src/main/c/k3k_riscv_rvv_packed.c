/* riscv64 RVV 1.0 kernels over the packed Q4_0, Q8_0, Q4_K, Q6_K, IQ4_NL and IQ4_XS x8 layouts (k3k_packed.h),
 * VLEN-agnostic (vl fixed at 32 bytes / 8 rows, which every VLEN >= 128 holds). Per block column each
 * eight-row group is unpacked once into signed bytes in the x8 chunk layout (row r's four bytes at
 * 32 c + 4 r); a token's dot multiplies a whole chunk by its four activation bytes repeated eight times
 * (vwmul to int16), sums the chunks in 32 int32 lanes (vwadd.wv), and folds lanes 4r..4r+3 into row r
 * at the end. The integer sums are exact and the float steps are the generic model's (d = dx * dy,
 * acc + sum * d, no fused multiply-add), so every output is bit-identical to k3k_*x8_generic. The
 * sixteen-row entry unpacks both groups of a block column before running its tokens over them; the
 * float accumulators live in the output rows. */
#include "k3k_internal.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>
#include <string.h>
#include "k3k_packed.h"

#define CHUNK 32 /* bytes of one chunk: eight rows x four */

/* The low and high nibbles of n bytes: as they are, or (iq4) through the IQ4_NL codebook by vrgather. */
static void nibbles(const uint8_t *in, int n, int8_t *lo, int8_t *hi, int iq4) {
    const vint8m4_t book = __riscv_vle8_v_i8m4(k3k_kvalues_iq4nl, 16);
    for (size_t i = 0, vl; i < (size_t) n; i += vl) {
        vl = __riscv_vsetvl_e8m4((size_t) n - i);
        const vuint8m4_t v = __riscv_vle8_v_u8m4(in + i, vl);
        const vuint8m4_t l = __riscv_vand_vx_u8m4(v, 0x0F, vl), h = __riscv_vsrl_vx_u8m4(v, 4, vl);
        if (iq4) {
            __riscv_vse8_v_i8m4(lo + i, __riscv_vrgather_vv_i8m4(book, l, vl), vl);
            __riscv_vse8_v_i8m4(hi + i, __riscv_vrgather_vv_i8m4(book, h, vl), vl);
        } else {
            __riscv_vse8_v_u8m4((uint8_t *) lo + i, l, vl);
            __riscv_vse8_v_u8m4((uint8_t *) hi + i, h, vl);
        }
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

/* Per row, sum over chunks c < nch of w's four bytes of that row times y[4c .. 4c+3] (8 int32 lanes). */
static inline vint32m2_t chunk_dot(const int8_t *w, int nch, const int8_t *y) {
    vint32m8_t acc = __riscv_vmv_v_x_i32m8(0, CHUNK);
    for (int c = 0; c < nch; c++) {
        int32_t y4;
        memcpy(&y4, y + 4 * c, 4);
        const vint8m2_t yv = __riscv_vreinterpret_v_i32m2_i8m2(__riscv_vmv_v_x_i32m2(y4, CHUNK / 4));
        acc = __riscv_vwadd_wv_i32m8(acc, __riscv_vwmul_vv_i16m4(__riscv_vle8_v_i8m2(w + CHUNK * c, CHUNK), yv, CHUNK), CHUNK);
    }
    /* lanes 4r..4r+3 into row r: twice, the two 32-bit halves of each 64-bit lane added */
    const vint64m8_t p2 = __riscv_vreinterpret_v_i32m8_i64m8(acc);
    const vint32m4_t s2 = __riscv_vadd_vv_i32m4(__riscv_vnsra_wx_i32m4(p2, 0, 16), __riscv_vnsra_wx_i32m4(p2, 32, 16), 16);
    const vint64m4_t p4 = __riscv_vreinterpret_v_i32m4_i64m4(s2);
    return __riscv_vadd_vv_i32m2(__riscv_vnsra_wx_i32m2(p4, 0, 8), __riscv_vnsra_wx_i32m2(p4, 32, 8), 8);
}

/* Eight unsigned (Q4_K) or signed (Q6_K) bytes, one per row, widened to int32 lanes. */
static inline vint32m2_t rows_u8(const uint8_t *p) {
    return __riscv_vreinterpret_v_u32m2_i32m2(__riscv_vzext_vf4_u32m2(__riscv_vle8_v_u8mf2(p, 8), 8));
}
static inline vint32m2_t rows_s8(const int8_t *p) { return __riscv_vsext_vf4_i32m2(__riscv_vle8_v_i8mf2(p, 8), 8); }

/* sum_s sc_s dot_s over `subs` sub-blocks of nch chunks each (sub-block s: w's chunks from nch s, y from 4 nch s),
 * each times its signed scale per row, in int32 (Q6_K's sixteen of four chunks, IQ4_XS's eight of eight). */
static inline vint32m2_t scaled_sums(const int8_t *w, int subs, int nch, const int8_t *y, const int8_t (*sc)[8]) {
    vint32m2_t sumi = __riscv_vmv_v_x_i32m2(0, 8);
    for (int s = 0; s < subs; s++)
        sumi = __riscv_vmacc_vv_i32m2(sumi, chunk_dot(w + CHUNK * nch * s, nch, y + 4 * nch * s), rows_s8(sc[s]), 8);
    return sumi;
}

/* acc = acc + sum * (dx * dy) over a group's eight rows, in the output row itself. */
static inline void update(float *acc, vint32m2_t sum, const float *dx, float dy) {
    const vfloat32m2_t d = __riscv_vfmul_vf_f32m2(__riscv_vle32_v_f32m2(dx, 8), dy, 8);
    const vfloat32m2_t p = __riscv_vfmul_vv_f32m2(__riscv_vfcvt_f_x_v_f32m2(sum, 8), d, 8);
    __riscv_vse32_v_f32m2(acc, __riscv_vfadd_vv_f32m2(__riscv_vle32_v_f32m2(acc, 8), p, 8), 8);
}

static void zero_rows(float *y, size_t y_stride, int n_tok, int groups) {
    for (int t = 0; t < n_tok; t++) memset(y + (size_t) t * y_stride, 0, sizeof(float) * 8 * (size_t) groups);
}

/* The eight rows' fp16 scales as floats. */
static void scales8(const k3k_half *d, float *f) {
    for (int r = 0; r < 8; r++) f[r] = k3k_fp16_to_fp32(d[r]);
}

/* Q4_0 / Q8_0 / IQ4_NL over `groups` (1 or 2) eight-row groups x[g]: one eight-chunk piece per block column;
 * Q4_0's nibbles are unsigned (low: elements 0..15, high: 16..31), the activation's 8 sum(y) taken off; IQ4_NL's
 * (Q4_0 x8's bytes) go through the codebook, nothing taken off. */
enum { Q8_0_KIND, Q4_0_KIND, IQ4_NL_KIND };
static void q_0_rows(int kind, int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride, int n_tok,
                     float *y, size_t y_stride) {
    const int q4 = kind != Q8_0_KIND;
    const size_t block = q4 ? sizeof(block_q4_0x8) : sizeof(block_q8_0x8);
    int8_t buf[2][8 * CHUNK];
    const int8_t *w[2];
    float dx[2][8];
    zero_rows(y, y_stride, n_tok, groups);
    for (int b = 0; b < nb; b++) {
        for (int g = 0; g < groups; g++) {
            const uint8_t *xb = (const uint8_t *) x[g] + (size_t) b * block;
            if (q4) {
                const block_q4_0x8 *q = (const block_q4_0x8 *) xb;
                nibbles(q->qs, 4 * CHUNK, buf[g], buf[g] + 4 * CHUNK, kind == IQ4_NL_KIND);
                w[g] = buf[g];
                scales8(q->d, dx[g]);
            } else {
                const block_q8_0x8 *q = (const block_q8_0x8 *) xb;
                w[g] = q->qs;
                scales8(q->d, dx[g]);
            }
        }
        for (int t = 0; t < n_tok; t++) {
            const k3k_packed_act a = k3k_packed_act_view(act + (size_t) t * act_stride, nb);
            for (int g = 0; g < groups; g++) {
                const vint32m2_t s = chunk_dot(w[g], 8, a.q[b].qs);
                update(y + (size_t) t * y_stride + 8 * g, kind == Q4_0_KIND ? __riscv_vsub_vx_i32m2(s, a.sum8[b], 8) : s, dx[g],
                       a.d[b]);
            }
        }
    }
}

/* Q4_K: group j's low nibbles are sub-block 2j, the high ones 2j+1 (one eight-chunk piece each); per token
 * sumi = sum_s sc_s dot_s and mins = sum_s m_s (bsum_2s + bsum_2s+1) in int32, then
 * acc = (acc + sumi * (d * dy)) - mins * (dmin * dy). */
static void q4_K_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride, int n_tok,
                      float *y, size_t y_stride) {
    int8_t buf[2][QK_K * 8];
    float d[2][8], dmin[2][8];
    zero_rows(y, y_stride, n_tok, groups);
    for (int b = 0; b < nb; b++) {
        for (int g = 0; g < groups; g++) {
            const block_q4_Kx8 *q = (const block_q4_Kx8 *) x[g] + b;
            for (int j = 0; j < 4; j++) nibbles(q->qs + 256 * j, 256, buf[g] + 512 * j, buf[g] + 512 * j + 256, 0);
            scales8(q->d, d[g]);
            scales8(q->dmin, dmin[g]);
        }
        for (int t = 0; t < n_tok; t++) {
            const block_q8_K *a = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb).q + b;
            for (int g = 0; g < groups; g++) {
                const block_q4_Kx8 *q = (const block_q4_Kx8 *) x[g] + b;
                vint32m2_t sumi = __riscv_vmv_v_x_i32m2(0, 8), mins = sumi;
                for (int s = 0; s < 8; s++) {
                    sumi = __riscv_vmacc_vv_i32m2(sumi, chunk_dot(buf[g] + 256 * s, 8, a->qs + 32 * s), rows_u8(q->sc[s]), 8);
                    mins = __riscv_vmacc_vx_i32m2(mins, a->bsums[2 * s] + a->bsums[2 * s + 1], rows_u8(q->m[s]), 8);
                }
                float *acc = y + (size_t) t * y_stride + 8 * g;
                update(acc, sumi, d[g], a->d);
                const vfloat32m2_t dm = __riscv_vfmul_vf_f32m2(__riscv_vle32_v_f32m2(dmin[g], 8), a->d, 8);
                const vfloat32m2_t p = __riscv_vfmul_vv_f32m2(__riscv_vfcvt_f_x_v_f32m2(mins, 8), dm, 8);
                __riscv_vse32_v_f32m2(acc, __riscv_vfsub_vv_f32m2(__riscv_vle32_v_f32m2(acc, 8), p, 8), 8);
            }
        }
    }
}

/* Rows kernels for super-blocks of eight signed-scale sub-block sums (Q6_K, IQ4_XS): per block each group's values
 * unpacked to signed bytes once (UNPACK(q, buf)), then per token sumi = sum_s sc_s dot_s in int32 over SUBS
 * sub-blocks of NCH chunks (scaled_sums) and acc + sumi * (d * dy). */
#define SCALED_ROWS(NAME, BLOCK, UNPACK, SUBS, NCH)                                                                  \
    static void NAME##_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t act_stride,       \
                            int n_tok, float *y, size_t y_stride) {                                                 \
        int8_t buf[2][QK_K * 8];                                                                                    \
        float d[2][8];                                                                                              \
        zero_rows(y, y_stride, n_tok, groups);                                                                      \
        for (int b = 0; b < nb; b++) {                                                                              \
            for (int g = 0; g < groups; g++) {                                                                      \
                const BLOCK *q = (const BLOCK *) x[g] + b;                                                          \
                UNPACK(q, buf[g]);                                                                                  \
                scales8(q->d, d[g]);                                                                                \
            }                                                                                                       \
            for (int t = 0; t < n_tok; t++) {                                                                       \
                const block_q8_K *a = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb).q + b;              \
                for (int g = 0; g < groups; g++) {                                                                  \
                    const BLOCK *q = (const BLOCK *) x[g] + b;                                                      \
                    update(y + (size_t) t * y_stride + 8 * g, scaled_sums(buf[g], SUBS, NCH, a->qs, q->sc), d[g], a->d); \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
    }

/* Q6_K: per 32 elements 128 n + 32 st .. one eight-chunk piece of q - 32 whose halves are sub-blocks 8n + 2st and
 * 8n + 2st + 1 (so sub-block s is the four chunks at 128 s). */
static void q6_K_unpack(const block_q6_Kx8 *q, int8_t *buf) {
    for (int n = 0; n < 2; n++)
        for (int st = 0; st < 4; st++) q6_piece(q, n, st, buf + 256 * (4 * n + st));
}
SCALED_ROWS(q6_K, block_q6_Kx8, q6_K_unpack, 16, 4)

/* IQ4_XS: per 32-element group s (a Q4_0 x8 block's bytes) the nibbles through the codebook, one eight-chunk piece;
 * its scales are the signed group scales. */
static void iq4_xs_unpack(const block_iq4_xsx8 *q, int8_t *buf) {
    for (int s = 0; s < 8; s++) nibbles(q->qs + 128 * s, 4 * CHUNK, buf + 256 * s, buf + 256 * s + 4 * CHUNK, 1);
}
SCALED_ROWS(iq4_xs, block_iq4_xsx8, iq4_xs_unpack, 8, 8)

static void q4_0_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) {
    q_0_rows(Q4_0_KIND, groups, nb, x, act, as, n_tok, y, ys);
}
static void q8_0_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) {
    q_0_rows(Q8_0_KIND, groups, nb, x, act, as, n_tok, y, ys);
}
static void iq4_nl_rows(int groups, int nb, const void *const *x, const uint8_t *act, size_t as, int n_tok, float *y,
                        size_t ys) {
    q_0_rows(IQ4_NL_KIND, groups, nb, x, act, as, n_tok, y, ys);
}

/* Per type: the eight-row kernel and the sixteen-row micro-kernel (both groups unpacked per block column). */
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
KERNELS(iq4_nl)
KERNELS(iq4_xs)

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
    INSTALL(K3K_IQ4_NL, iq4_nl);
    INSTALL(K3K_IQ4_XS, iq4_xs);
}

#else
void k3k_install_riscv_rvv_packed(k3k_type_traits *t) { (void) t; }
#endif
