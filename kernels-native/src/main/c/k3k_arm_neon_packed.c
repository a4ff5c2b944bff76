/* aarch64 kernels over the packed Q4_0, Q8_0, Q4_K, Q6_K, IQ4_NL and IQ4_XS x8 layouts (k3k_packed.h). Each type
 * unpacks a block column of eight rows into "pieces" of signed bytes in the Q8_0 x8 chunk layout
 * (w[2c + h]: chunk c of rows 4h..4h+3, four consecutive elements per row) and one integer core sums
 * them against every token: dotprod (sdot by lane: the token's four bytes of chunk c broadcast to the
 * four rows) or i8mm (smmla: chunks 2m and 2m+1 zipped into 8-byte rows, two rows x eight elements
 * against two tokens x eight elements, a 2x2 tile per instruction). The integer sums are exact and the
 * float steps are the generic model's (d = dx * dy, acc + sum * d, no fused multiply-add), so every
 * output is bit-identical to k3k_*x8_generic. The sixteen-row entry runs its two eight-row groups one
 * after the other with up to K3K_PACKED_PAIR_TOKENS tokens per weight unpack: 32 NEON registers hold
 * one group's unpacked piece beside a token pair's tiles, not two groups'. */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
#include <sys/auxv.h>
#include "k3k_packed.h"
#ifndef HWCAP2_I8MM
#define HWCAP2_I8MM (1 << 13)
#endif

#define I8MM __attribute__((target("+i8mm")))
#define INLINE static inline __attribute__((always_inline))
#define MAX_TOK K3K_PACKED_PAIR_TOKENS

/* Sums of chunks 0..3 of one half (rows 4h..4h+3) against the sixteen activation bytes Y. */
#define SDOT4(S, W, Y)                                                                                     \
    do {                                                                                                   \
        S = vdotq_laneq_s32(S, (W)[0], Y, 0);                                                             \
        S = vdotq_laneq_s32(S, (W)[2], Y, 1);                                                             \
        S = vdotq_laneq_s32(S, (W)[4], Y, 2);                                                             \
        S = vdotq_laneq_s32(S, (W)[6], Y, 3);                                                             \
    } while (0)

/* One token: s[h] = the piece's nch (4 or 8) chunks of rows 4h..4h+3 dotted with y[0 .. 4 nch). */
INLINE void piece_dot_token(const int8x16_t *w, int nch, const int8_t *y, int32x4_t s[2]) {
    const int8x16_t y0 = vld1q_s8(y);
    for (int h = 0; h < 2; h++) {
        int32x4_t acc = vdupq_n_s32(0);
        SDOT4(acc, w + h, y0);
        if (nch == 8) {
            const int8x16_t y1 = vld1q_s8(y + 16);
            SDOT4(acc, w + 8 + h, y1);
        }
        s[h] = acc;
    }
}

static inline void piece_dot(const int8x16_t *w, int nch, const int8_t *const *y, int n_tok, int32x4_t (*s)[2]) {
    for (int t = 0; t < n_tok; t++) piece_dot_token(w, nch, y[t], s[t]);
}

/* Token pairs by smmla; an odd last token by sdot. Tile p holds [row 2p . t0, row 2p . t1, row 2p+1 . t0,
 * row 2p+1 . t1]; unzipping tiles 0,1 (2,3) gives each token's rows 0..3 (4..7). */
I8MM static inline void piece_mmla(const int8x16_t *w, int nch, const int8_t *const *y, int n_tok, int32x4_t (*s)[2]) {
    int8x16_t a[4][4]; /* [row pair][eight-element group] */
    for (int m = 0; m < nch / 2; m++)
        for (int h = 0; h < 2; h++) {
            const int32x4_t c0 = vreinterpretq_s32_s8(w[4 * m + h]), c1 = vreinterpretq_s32_s8(w[4 * m + 2 + h]);
            a[2 * h][m] = vreinterpretq_s8_s32(vzip1q_s32(c0, c1));
            a[2 * h + 1][m] = vreinterpretq_s8_s32(vzip2q_s32(c0, c1));
        }
    int t = 0;
    for (; t + 2 <= n_tok; t += 2) {
        int32x4_t p[4];
        for (int q = 0; q < 4; q++) p[q] = vdupq_n_s32(0);
        for (int m = 0; m < nch / 2; m++) {
            const int8x16_t b = vcombine_s8(vld1_s8(y[t] + 8 * m), vld1_s8(y[t + 1] + 8 * m));
            for (int q = 0; q < 4; q++) p[q] = vmmlaq_s32(p[q], a[q][m], b);
        }
        s[t][0] = vuzp1q_s32(p[0], p[1]);
        s[t + 1][0] = vuzp2q_s32(p[0], p[1]);
        s[t][1] = vuzp1q_s32(p[2], p[3]);
        s[t + 1][1] = vuzp2q_s32(p[2], p[3]);
    }
    if (t < n_tok) piece_dot_token(w, nch, y[t], s[t]);
}

/* mm is a constant in each instantiation: the dotprod kernels never reach the i8mm code. */
INLINE void piece(const int8x16_t *w, int nch, const int8_t *const *y, int n_tok, int32x4_t (*s)[2], int mm) {
    if (mm) piece_mmla(w, nch, y, n_tok, s);
    else piece_dot(w, nch, y, n_tok, s);
}

INLINE void scales8(const k3k_half *d, float32x4_t f[2]) {
    f[0] = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(d)));
    f[1] = vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(d + 4)));
}
INLINE void widen_u8(const uint8_t *p, int32x4_t v[2]) {
    const uint16x8_t w = vmovl_u8(vld1_u8(p));
    v[0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(w)));
    v[1] = vreinterpretq_s32_u32(vmovl_high_u16(w));
}
INLINE void widen_s8(const int8_t *p, int32x4_t v[2]) {
    const int16x8_t w = vmovl_s8(vld1_s8(p));
    v[0] = vmovl_s16(vget_low_s16(w));
    v[1] = vmovl_high_s16(w);
}
/* acc + sum * (dx * dy): the generic model's order, one rounding per step. */
INLINE float32x4_t update(float32x4_t acc, int32x4_t sum, float32x4_t dx, float dy) {
    return vaddq_f32(acc, vmulq_f32(vcvtq_f32_s32(sum), vmulq_n_f32(dx, dy)));
}
INLINE void store(float32x4_t (*acc)[2], int n_tok, float *y, size_t y_stride) {
    for (int t = 0; t < n_tok; t++) {
        vst1q_f32(y + (size_t) t * y_stride, acc[t][0]);
        vst1q_f32(y + (size_t) t * y_stride + 4, acc[t][1]);
    }
}
INLINE void zero(float32x4_t (*acc)[2], int n_tok) {
    for (int t = 0; t < n_tok; t++) acc[t][0] = acc[t][1] = vdupq_n_f32(0.0f);
}
/* The low and high nibbles of n chunks (32 bytes each) from qs, as two pieces. */
INLINE void nibbles(const uint8_t *qs, int n, int8x16_t *lo, int8x16_t *hi) {
    for (int i = 0; i < 2 * n; i++) {
        const uint8x16_t raw = vld1q_u8(qs + 16 * i);
        lo[i] = vreinterpretq_s8_u8(vandq_u8(raw, vdupq_n_u8(0x0F)));
        hi[i] = vreinterpretq_s8_u8(vshrq_n_u8(raw, 4));
    }
}

/* Q4_0: the low nibbles of chunks 0..3 are elements 0..15, the high ones 16..31: one eight-chunk piece
 * of unsigned values, the activation's 8 sum(y) taken off. IQ4_NL (Q4_0 x8's bytes): the same nibbles through
 * the codebook (tbl), signed values, nothing taken off. Q8_0's chunks are a piece as they are. */
enum { Q8_0_KIND, Q4_0_KIND, IQ4_NL_KIND };
INLINE void codebook_values(int8x16_t *w, int n) {
    const int8x16_t codebook = vld1q_s8(k3k_kvalues_iq4nl);
    for (int i = 0; i < n; i++) w[i] = vqtbl1q_s8(codebook, vreinterpretq_u8_s8(w[i]));
}
INLINE void q_0_body(int kind, int nb, const void *vx, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                     size_t y_stride, int mm) {
    const int nibble = kind != Q8_0_KIND;
    const size_t block = nibble ? sizeof(block_q4_0x8) : sizeof(block_q8_0x8);
    k3k_packed_act a[MAX_TOK];
    float32x4_t acc[MAX_TOK][2];
    for (int t = 0; t < n_tok; t++) a[t] = k3k_packed_act_view(act + (size_t) t * act_stride, nb);
    zero(acc, n_tok);
    for (int b = 0; b < nb; b++) {
        const uint8_t *xb = (const uint8_t *) vx + (size_t) b * block;
        const k3k_half *d = nibble ? ((const block_q4_0x8 *) xb)->d : ((const block_q8_0x8 *) xb)->d;
        int8x16_t w[16];
        if (nibble) nibbles(((const block_q4_0x8 *) xb)->qs, 4, w, w + 8);
        else
            for (int i = 0; i < 16; i++) w[i] = vld1q_s8(((const block_q8_0x8 *) xb)->qs + 16 * i);
        if (kind == IQ4_NL_KIND) codebook_values(w, 16);
        const int8_t *yq[MAX_TOK];
        int32x4_t s[MAX_TOK][2];
        for (int t = 0; t < n_tok; t++) yq[t] = a[t].q[b].qs;
        piece(w, 8, yq, n_tok, s, mm);
        float32x4_t dx[2];
        scales8(d, dx);
        for (int t = 0; t < n_tok; t++) {
            const int32x4_t off = vdupq_n_s32(kind == Q4_0_KIND ? a[t].sum8[b] : 0);
            for (int h = 0; h < 2; h++) acc[t][h] = update(acc[t][h], vsubq_s32(s[t][h], off), dx[h], a[t].d[b]);
        }
    }
    store(acc, n_tok, y, y_stride);
}
INLINE void q4_0_body(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys, int mm) {
    q_0_body(Q4_0_KIND, nb, x, act, as, n_tok, y, ys, mm);
}
INLINE void q8_0_body(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys, int mm) {
    q_0_body(Q8_0_KIND, nb, x, act, as, n_tok, y, ys, mm);
}
INLINE void iq4_nl_body(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys, int mm) {
    q_0_body(IQ4_NL_KIND, nb, x, act, as, n_tok, y, ys, mm);
}

/* The K-quant tile's activation views and zeroed accumulators. */
INLINE void start_k(k3k_packed_act_k *a, float32x4_t (*acc)[2], const uint8_t *act, size_t act_stride, int n_tok, int nb) {
    for (int t = 0; t < n_tok; t++) a[t] = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb);
    zero(acc, n_tok);
}
INLINE void zero_sums(int32x4_t (*sumi)[2], int n_tok) {
    for (int t = 0; t < n_tok; t++) sumi[t][0] = sumi[t][1] = vdupq_n_s32(0);
}
/* Two sub-blocks' pieces (w0 against y + off, w1 against y + off + gap, nch chunks each) into sumi:
 * sumi[t] += dot0 * sc0 + dot1 * sc1 per row, the sub-blocks' integer scales. */
INLINE void two_subblocks(int32x4_t (*sumi)[2], const int8x16_t *w0, const int8x16_t *w1, int nch, const k3k_packed_act_k *a,
                          int b, int off, int gap, int n_tok, const int32x4_t *sc0, const int32x4_t *sc1, int mm) {
    const int8_t *y0[MAX_TOK], *y1[MAX_TOK];
    int32x4_t s0[MAX_TOK][2], s1[MAX_TOK][2];
    for (int t = 0; t < n_tok; t++) {
        y0[t] = a[t].q[b].qs + off;
        y1[t] = y0[t] + gap;
    }
    piece(w0, nch, y0, n_tok, s0, mm);
    piece(w1, nch, y1, n_tok, s1, mm);
    for (int t = 0; t < n_tok; t++)
        for (int h = 0; h < 2; h++) sumi[t][h] = vmlaq_s32(vmlaq_s32(sumi[t][h], s0[t][h], sc0[h]), s1[t][h], sc1[h]);
}

/* Q4_K: per 64-element group j the low nibbles are sub-block 2j, the high ones 2j+1, one piece each;
 * sumi += sc * dot per sub-block, mins = sum_s m_s (bsum_2s + bsum_2s+1), all in int32. */
INLINE void q4_K_body(int nb, const void *vx, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                      size_t y_stride, int mm) {
    const block_q4_Kx8 *x = vx;
    k3k_packed_act_k a[MAX_TOK];
    float32x4_t acc[MAX_TOK][2];
    start_k(a, acc, act, act_stride, n_tok, nb);
    for (int b = 0; b < nb; b++) {
        int32x4_t sumi[MAX_TOK][2];
        zero_sums(sumi, n_tok);
        for (int j = 0; j < 4; j++) {
            int8x16_t lo[16], hi[16];
            nibbles(x[b].qs + 256 * j, 8, lo, hi);
            int32x4_t sc_lo[2], sc_hi[2];
            widen_u8(x[b].sc[2 * j], sc_lo);
            widen_u8(x[b].sc[2 * j + 1], sc_hi);
            two_subblocks(sumi, lo, hi, 8, a, b, 64 * j, 32, n_tok, sc_lo, sc_hi, mm);
        }
        int32x4_t m[8][2];
        for (int s = 0; s < 8; s++) widen_u8(x[b].m[s], m[s]);
        float32x4_t d[2], dmin[2];
        scales8(x[b].d, d);
        scales8(x[b].dmin, dmin);
        for (int t = 0; t < n_tok; t++) {
            const int16_t *bs = a[t].q[b].bsums;
            const float dy = a[t].q[b].d;
            for (int h = 0; h < 2; h++) {
                int32x4_t mins = vdupq_n_s32(0);
                for (int s = 0; s < 8; s++) mins = vmlaq_n_s32(mins, m[s][h], bs[2 * s] + bs[2 * s + 1]);
                const float32x4_t with_sum = vaddq_f32(acc[t][h], vmulq_f32(vcvtq_f32_s32(sumi[t][h]), vmulq_n_f32(d[h], dy)));
                acc[t][h] = vsubq_f32(with_sum, vmulq_f32(vcvtq_f32_s32(mins), vmulq_n_f32(dmin[h], dy)));
            }
        }
    }
    store(acc, n_tok, y, y_stride);
}

/* Kernels for super-blocks of signed-scale sub-block sums (Q6_K, IQ4_XS): per block NAME##_sums adds each token's
 * sc * dot per sub-block into sumi (int32), then acc + sumi * (d * dy), the generic model's float step. */
#define SCALED_BODY(NAME, BLOCK)                                                                                \
    INLINE void NAME##_body(int nb, const void *vx, const uint8_t *act, size_t act_stride, int n_tok, float *y,  \
                            size_t y_stride, int mm) {                                                          \
        const BLOCK *x = vx;                                                                                    \
        k3k_packed_act_k a[MAX_TOK];                                                                            \
        float32x4_t acc[MAX_TOK][2];                                                                            \
        start_k(a, acc, act, act_stride, n_tok, nb);                                                            \
        for (int b = 0; b < nb; b++) {                                                                          \
            int32x4_t sumi[MAX_TOK][2];                                                                         \
            zero_sums(sumi, n_tok);                                                                             \
            NAME##_sums(x + b, sumi, a, b, n_tok, mm);                                                          \
            float32x4_t d[2];                                                                                   \
            scales8(x[b].d, d);                                                                                 \
            for (int t = 0; t < n_tok; t++)                                                                     \
                for (int h = 0; h < 2; h++) acc[t][h] = update(acc[t][h], sumi[t][h], d[h], a[t].q[b].d);      \
        }                                                                                                       \
        store(acc, n_tok, y, y_stride);                                                                         \
    }

/* Q6_K: per 32 elements 128 n + 32 st .. the signed values q - 32 (four bits from ql, two from qh) make
 * one piece whose two sixteen-element halves are sub-blocks 8n + 2st and 8n + 2st + 1. */
INLINE void q6_K_sums(const block_q6_Kx8 *xb, int32x4_t (*sumi)[2], const k3k_packed_act_k *a, int b, int n_tok, int mm) {
    for (int n = 0; n < 2; n++)
        for (int st = 0; st < 4; st++) {
            const uint8_t *ql = xb->ql + 512 * n + 256 * (st & 1), *qh = xb->qh + 256 * n;
            const int8x16_t shift = vdupq_n_s8((int8_t) (-2 * st));
            int8x16_t w[16];
            for (int i = 0; i < 16; i++) {
                const uint8x16_t l = vld1q_u8(ql + 16 * i);
                const uint8x16_t low = st < 2 ? vandq_u8(l, vdupq_n_u8(0x0F)) : vshrq_n_u8(l, 4);
                const uint8x16_t top = vshlq_n_u8(vandq_u8(vshlq_u8(vld1q_u8(qh + 16 * i), shift), vdupq_n_u8(3)), 4);
                w[i] = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(low, top)), vdupq_n_s8(32));
            }
            const int sub = 8 * n + 2 * st;
            int32x4_t sc0[2], sc1[2];
            widen_s8(xb->sc[sub], sc0);
            widen_s8(xb->sc[sub + 1], sc1);
            two_subblocks(sumi, w, w + 8, 4, a, b, 128 * n + 32 * st, 16, n_tok, sc0, sc1, mm);
        }
}
SCALED_BODY(q6_K, block_q6_Kx8)

/* IQ4_XS: per 32-element group g (a Q4_0 x8 block's byte layout) the nibbles through the codebook, one
 * eight-chunk piece against the activations 32 g.., times the group's signed scale per row. */
INLINE void iq4_xs_sums(const block_iq4_xsx8 *xb, int32x4_t (*sumi)[2], const k3k_packed_act_k *a, int b, int n_tok,
                        int mm) {
    for (int g = 0; g < 8; g += 2) { /* two groups a step, as two sub-blocks */
        int8x16_t w0[16], w1[16];
        nibbles(xb->qs + 128 * g, 4, w0, w0 + 8);
        nibbles(xb->qs + 128 * (g + 1), 4, w1, w1 + 8);
        codebook_values(w0, 16);
        codebook_values(w1, 16);
        int32x4_t sc0[2], sc1[2];
        widen_s8(xb->sc[g], sc0);
        widen_s8(xb->sc[g + 1], sc1);
        two_subblocks(sumi, w0, w1, 8, a, b, 32 * g, 32, n_tok, sc0, sc1, mm);
    }
}
SCALED_BODY(iq4_xs, block_iq4_xsx8)

/* Per type: the eight-row kernel (1..K3K_PACKED_PAIR_TOKENS tokens) and the sixteen-row entry, each
 * for dotprod and for i8mm. */
#define KERNELS(NAME)                                                                                        \
    static void NAME##x8_dot(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y, size_t ys) { \
        NAME##_body(nb, x, act, as, n_tok, y, ys, 0);                                                               \
    }                                                                                                               \
    I8MM static void NAME##x8_mmla(int nb, const void *x, const uint8_t *act, size_t as, int n_tok, float *y,       \
                                   size_t ys) {                                                                     \
        NAME##_body(nb, x, act, as, n_tok, y, ys, 1);                                                               \
    }                                                                                                               \
    static void NAME##x16_dot(int nb, const void *x0, const void *x1, const uint8_t *act, size_t as, int n_tok,     \
                              float *y, size_t ys) {                                                                \
        NAME##x8_dot(nb, x0, act, as, n_tok, y, ys);                                                                \
        NAME##x8_dot(nb, x1, act, as, n_tok, y + 8, ys);                                                            \
    }                                                                                                               \
    I8MM static void NAME##x16_mmla(int nb, const void *x0, const void *x1, const uint8_t *act, size_t as,          \
                                    int n_tok, float *y, size_t ys) {                                               \
        NAME##x8_mmla(nb, x0, act, as, n_tok, y, ys);                                                               \
        NAME##x8_mmla(nb, x1, act, as, n_tok, y + 8, ys);                                                           \
    }
KERNELS(q4_0)
KERNELS(q8_0)
KERNELS(q4_K)
KERNELS(q6_K)
KERNELS(iq4_nl)
KERNELS(iq4_xs)

#define INSTALL(T, NAME, SUFFIX, PATH)                        \
    do {                                                      \
        t[T].packed = NAME##x8_##SUFFIX;                      \
        t[T].packed_pair = NAME##x16_##SUFFIX;                \
        t[T].packed_path = t[T].packed_pair_path = PATH;      \
    } while (0)

void k3k_install_arm_neon_packed(k3k_type_traits *t) {
    INSTALL(K3K_Q4_0, q4_0, dot, "neon-dotprod");
    INSTALL(K3K_Q8_0, q8_0, dot, "neon-dotprod");
    INSTALL(K3K_Q4_K, q4_K, dot, "neon-dotprod");
    INSTALL(K3K_Q6_K, q6_K, dot, "neon-dotprod");
    INSTALL(K3K_IQ4_NL, iq4_nl, dot, "neon-dotprod");
    INSTALL(K3K_IQ4_XS, iq4_xs, dot, "neon-dotprod");
}

int k3k_install_arm_i8mm(k3k_type_traits *t) {
    if (!(getauxval(AT_HWCAP2) & HWCAP2_I8MM)) return 0;
    INSTALL(K3K_Q4_0, q4_0, mmla, "neon-i8mm");
    INSTALL(K3K_Q8_0, q8_0, mmla, "neon-i8mm");
    INSTALL(K3K_Q4_K, q4_K, mmla, "neon-i8mm");
    INSTALL(K3K_Q6_K, q6_K, mmla, "neon-i8mm");
    INSTALL(K3K_IQ4_NL, iq4_nl, mmla, "neon-i8mm");
    INSTALL(K3K_IQ4_XS, iq4_xs, mmla, "neon-i8mm");
    return 1;
}

#else
void k3k_install_arm_neon_packed(k3k_type_traits *t) { (void) t; }
int k3k_install_arm_i8mm(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
