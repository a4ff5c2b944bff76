/* Pieces of the x86 kernels over the packed K-quant layouts (k3k_packed.h) shared by the AVX2 and the
 * AVX512-VNNI files (included only inside #if defined(__x86_64__), after k3k_x86_avx2.h). */
#ifndef K3K_X86_PACKED_H
#define K3K_X86_PACKED_H

#include <string.h>
#include "k3k_packed.h"

/* Keeps an accumulator in its register at this point of the chain: GCC otherwise reassociates a fully
 * unrolled chain of int16 adds into a tree over every product, which spills each product to the stack
 * (Q4_K x8 with four tokens: 64 stores and 64 reloads per 64-element group). Emits no instruction. */
#define KEEP_IN_REGISTER(v) __asm__("" : "+x"(v))

/* The four activation bytes at p in every 32-bit lane. */
AVX2 static inline __m256i bcast4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

/* Q4_0 x8 and Q8_0 x8, the end of a block column for one token: the two int32 chains' sum less the
 * activation's offset, then acc + sum * (dx * dy), the generic model's order. */
AVX2 static inline __m256 legacy_update(__m256 acc, __m256i s0, __m256i s1, int32_t offset, __m256 dx, float dy) {
    const __m256i sum = _mm256_sub_epi32(_mm256_add_epi32(s0, s1), _mm256_set1_epi32(offset));
    return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtepi32_ps(sum), _mm256_mul_ps(dx, _mm256_set1_ps(dy))));
}

/* The Q4_0 x8 and Q8_0 x8 kernels of the AVX2 and VNNI files, one body each, for NT tokens (1..4, a constant so
 * the accumulators stay in registers). Per block column every chunk is loaded once for all tokens, and each token
 * sums it in two int32 chains: ACC(s, w, y) adds chunk w's products with the token's four activation bytes y
 * (bcast4) to s, WIDEN(s) takes a chain to int32 lanes at the block's end (AVX2 sums int16 pairs first), then
 * legacy_update subtracts the activation's offset. Q4_0: the chunk's low nibbles feed chain 0, its high ones
 * chain 1, offset 8 sum(y). Q8_0: PREP(w) readies the signed bytes for ACC, even and odd chunks alternate the
 * chains, offset OFFSET(8 sum(y)). The nibble kernel's MAP(v) turns nibbles into the values ACC multiplies
 * (Q4_0: the nibbles; IQ4_NL: their codebook entries, with no offset). */
#define Q4_0X8_KERNEL(ATTR, NAME, NT, ACC, WIDEN) NIBBLE_X8_KERNEL(ATTR, NAME, NT, ACC, WIDEN, NIBBLES_AS_IS, SUM8_OFFSET)
#define NIBBLES_AS_IS(v) (v)
#define SUM8_OFFSET(sum8) (sum8)
#define NIBBLE_X8_KERNEL(ATTR, NAME, NT, ACC, WIDEN, MAP, OFFSET)                                                 \
ATTR static void NAME##_##NT(int nb, const block_q4_0x8 *x, const k3k_packed_act *a, float *y, size_t y_stride) { \
    const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                      \
    __m256 acc[NT];                                                                                                 \
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();                                                      \
    for (int b = 0; b < nb; b++) {                                                                                  \
        prefetch_ahead(&x[b], sizeof(x[b]));                                                                        \
        __m256i lo[NT], hi[NT];                                                                                     \
        for (int t = 0; t < NT; t++) lo[t] = hi[t] = _mm256_setzero_si256();                                        \
        for (int k = 0; k < 4; k++) {                                                                               \
            const __m256i q = _mm256_loadu_si256((const __m256i *) (x[b].qs + 32 * k));                            \
            const __m256i l = MAP(_mm256_and_si256(q, m4)), h = MAP(_mm256_and_si256(_mm256_srli_epi16(q, 4), m4)); \
            for (int t = 0; t < NT; t++) {                                                                          \
                ACC(lo[t], l, bcast4(a[t].q[b].qs + 4 * k));                                                        \
                ACC(hi[t], h, bcast4(a[t].q[b].qs + 16 + 4 * k));                                                   \
            }                                                                                                       \
        }                                                                                                           \
        const __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) x[b].d));                             \
        for (int t = 0; t < NT; t++)                                                                                \
            acc[t] = legacy_update(acc[t], WIDEN(lo[t]), WIDEN(hi[t]), OFFSET(a[t].sum8[b]), dx, a[t].d[b]);       \
    }                                                                                                               \
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(y + (size_t) t * y_stride, acc[t]);                             \
}
#define Q8_0X8_KERNEL(ATTR, NAME, NT, PREP, ACC, OFFSET)                                                          \
ATTR static void NAME##_##NT(int nb, const block_q8_0x8 *x, const k3k_packed_act *a, float *y, size_t y_stride) { \
    __m256 acc[NT];                                                                                                 \
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();                                                      \
    for (int b = 0; b < nb; b++) {                                                                                  \
        prefetch_ahead(&x[b], sizeof(x[b]));                                                                        \
        __m256i s[NT][2];                                                                                           \
        for (int t = 0; t < NT; t++) s[t][0] = s[t][1] = _mm256_setzero_si256();                                    \
        for (int k = 0; k < 8; k++) {                                                                               \
            const __m256i w = PREP(_mm256_loadu_si256((const __m256i *) (x[b].qs + 32 * k)));                      \
            for (int t = 0; t < NT; t++) ACC(s[t][k & 1], w, bcast4(a[t].q[b].qs + 4 * k));                         \
        }                                                                                                           \
        const __m256 dx = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) x[b].d));                             \
        for (int t = 0; t < NT; t++) acc[t] = legacy_update(acc[t], s[t][0], s[t][1], OFFSET(a[t].sum8[b]), dx, a[t].d[b]); \
    }                                                                                                               \
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(y + (size_t) t * y_stride, acc[t]);                             \
}
/* Both kernels for token counts 1..4 and their k3k_packed_fn entries (LEGACY_DISPATCH, below). */
#define LEGACY_X8_KERNELS(ATTR, Q4_0_NAME, Q4_0_ACC, Q4_0_WIDEN, Q8_0_NAME, Q8_0_PREP, Q8_0_ACC, Q8_0_OFFSET)      \
    Q4_0X8_KERNEL(ATTR, Q4_0_NAME, 1, Q4_0_ACC, Q4_0_WIDEN)                                                        \
    Q4_0X8_KERNEL(ATTR, Q4_0_NAME, 2, Q4_0_ACC, Q4_0_WIDEN)                                                        \
    Q4_0X8_KERNEL(ATTR, Q4_0_NAME, 3, Q4_0_ACC, Q4_0_WIDEN)                                                        \
    Q4_0X8_KERNEL(ATTR, Q4_0_NAME, 4, Q4_0_ACC, Q4_0_WIDEN)                                                        \
    Q8_0X8_KERNEL(ATTR, Q8_0_NAME, 1, Q8_0_PREP, Q8_0_ACC, Q8_0_OFFSET)                                            \
    Q8_0X8_KERNEL(ATTR, Q8_0_NAME, 2, Q8_0_PREP, Q8_0_ACC, Q8_0_OFFSET)                                            \
    Q8_0X8_KERNEL(ATTR, Q8_0_NAME, 3, Q8_0_PREP, Q8_0_ACC, Q8_0_OFFSET)                                            \
    Q8_0X8_KERNEL(ATTR, Q8_0_NAME, 4, Q8_0_PREP, Q8_0_ACC, Q8_0_OFFSET)                                            \
    LEGACY_DISPATCH(ATTR, Q4_0_NAME)                                                                               \
    LEGACY_DISPATCH(ATTR, Q8_0_NAME)

/* Q6_K x8: four values of every row in each stream st = 0..3 of 128-element half n (elements 128 n + 32 st +
 * 4 c..) from one load of ql chunk c (low nibbles: stream 0, high: stream 2), one of ql chunk c + 8 (streams
 * 1 and 3) and one of qh chunk c, whose bit pairs 2 st, 2 st + 1 move to bits 4, 5: each byte is read once,
 * in address order within its 32-byte run, instead of once per stream. */
/* Four 6-bit streams as unsigned bytes from two bytes of low nibbles and one of 2-bit high pairs: the low
 * and high nibbles of q0, then of q1, each with its two bits of qh (Q6_K's layout, in the file and packed). */
AVX2 static inline void q6_unpack(__m256i q0, __m256i q1, __m256i qh, __m256i v[4]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    v[0] = _mm256_or_si256(_mm256_and_si256(q0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
    v[1] = _mm256_or_si256(_mm256_and_si256(q1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
    v[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q0, 4), m4), _mm256_and_si256(qh, m30));
    v[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
}

AVX2 static inline void q6_streams(const block_q6_Kx8 *x, int n, int c, __m256i v[4]) {
    q6_unpack(_mm256_loadu_si256((const __m256i *) (x->ql + 512 * n + 32 * c)),
              _mm256_loadu_si256((const __m256i *) (x->ql + 512 * n + 32 * (c + 8))),
              _mm256_loadu_si256((const __m256i *) (x->qh + 256 * n + 32 * c)), v);
}

/* Q4_K x8: the eight rows' byte pairs [lo8[r], hi8[r]] as int16 pairs in their int32 lanes. */
AVX2 static inline __m256i pairs_from_bytes(const uint8_t *lo8, const uint8_t *hi8) {
    const __m256i lo = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *) lo8));
    const __m256i hi = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *) hi8));
    return _mm256_or_si256(lo, _mm256_slli_epi32(hi, 16));
}

/* Q4_K x8, the end of block column b (X) for NT tokens: each token's mins, sum_s m_s bsum_s by one madd of
 * [m_2i, m_2i+1] pairs against the activation's sub-block sum pairs per i, then the generic model's float
 * step acc = (acc + sumi * (d * dy)) - mins * (dmin * dy). */
#define Q4_K_FINISH(NT, X, a, b, sumi, acc)                                                                       \
    do {                                                                                                          \
        __m256i mp_[4];                                                                                           \
        for (int i_ = 0; i_ < 4; i_++) mp_[i_] = pairs_from_bytes((X).m[2 * i_], (X).m[2 * i_ + 1]);              \
        const __m256 d_ = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (X).d));                             \
        const __m256 dmin_ = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (X).dmin));                        \
        for (int t_ = 0; t_ < (NT); t_++) {                                                                       \
            const int32_t *yp_ = (a)[t_].aux + 4 * (b);                                                           \
            __m256i mins_ = _mm256_madd_epi16(mp_[0], _mm256_set1_epi32(yp_[0]));                                 \
            for (int i_ = 1; i_ < 4; i_++) mins_ = _mm256_add_epi32(mins_, _mm256_madd_epi16(mp_[i_], _mm256_set1_epi32(yp_[i_]))); \
            const __m256 dy_ = _mm256_set1_ps((a)[t_].q[b].d);                                                    \
            (acc)[t_] = _mm256_sub_ps(_mm256_add_ps((acc)[t_], _mm256_mul_ps(_mm256_cvtepi32_ps((sumi)[t_]), _mm256_mul_ps(d_, dy_))), \
                                      _mm256_mul_ps(_mm256_cvtepi32_ps(mins_), _mm256_mul_ps(dmin_, dy_)));       \
        }                                                                                                         \
    } while (0)

/* The frame of the K-quant eight-row kernels (Q8_K activations, NT = 1..4 tokens, a constant so the per-token
 * accumulators stay in registers): per super-block b the prefetch, then BLOCK_SUMS(NT, X, a, b, sumi, ARG) adds each
 * token's int32 row sums of block X = x[b] to sumi[t], and FINISH(NT, X, a, b, sumi, acc) is the type's float step;
 * ARG passes through to BLOCK_SUMS (the vpdpbusd bodies' instruction). KX8_KERNELS makes the kernel for 1..4 tokens
 * and its k3k_packed_fn. */
#define KX8_KERNEL(ATTR, NAME, NT, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                \
ATTR static void NAME##_##NT(int nb, const BLOCK_T *x, const k3k_packed_act_k *a, float *y, size_t y_stride) {      \
    __m256 acc[NT];                                                                                                 \
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();                                                      \
    for (int b = 0; b < nb; b++) {                                                                                  \
        prefetch_ahead(&x[b], sizeof(x[b]));                                                                        \
        __m256i sumi[NT];                                                                                           \
        for (int t = 0; t < NT; t++) sumi[t] = _mm256_setzero_si256();                                              \
        BLOCK_SUMS(NT, x[b], a, b, sumi, ARG);                                                                      \
        FINISH(NT, x[b], a, b, sumi, acc);                                                                          \
    }                                                                                                               \
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(y + (size_t) t * y_stride, acc[t]);                               \
}
#define KX8_KERNELS(ATTR, NAME, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                   \
    KX8_KERNEL(ATTR, NAME, 1, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                     \
    KX8_KERNEL(ATTR, NAME, 2, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                     \
    KX8_KERNEL(ATTR, NAME, 3, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                     \
    KX8_KERNEL(ATTR, NAME, 4, BLOCK_T, BLOCK_SUMS, FINISH, ARG)                                                     \
    K_DISPATCH(ATTR, NAME)

/* The float step of a type with one scale d per super-block and row (Q6_K, IQ4_XS): acc + sumi * (d * dy). */
#define D_FINISH(NT, X, a, b, sumi, acc)                                                                            \
    do {                                                                                                            \
        const __m256 d_ = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (X).d));                                \
        for (int t_ = 0; t_ < (NT); t_++)                                                                           \
            (acc)[t_] = _mm256_add_ps((acc)[t_], _mm256_mul_ps(_mm256_cvtepi32_ps((sumi)[t_]),                      \
                                                               _mm256_mul_ps(d_, _mm256_set1_ps((a)[t_].q[b].d)))); \
    } while (0)

/* The k3k_packed_fn of a kernel compiled for ATTR: the tokens' activation views (VIEW_TYPE made by VIEW),
 * then NAME_1..NAME_4 for the token count (1..4, a constant in each so the per-token accumulators stay in
 * registers). K_DISPATCH for the K-quants' Q8_K views, LEGACY_DISPATCH for Q4_0's and Q8_0's Q8_0 views. */
#define K_DISPATCH(ATTR, NAME) PACKED_DISPATCH(ATTR, NAME, k3k_packed_act_k, k3k_packed_act_k_view)
#define LEGACY_DISPATCH(ATTR, NAME) PACKED_DISPATCH(ATTR, NAME, k3k_packed_act, k3k_packed_act_view)
#define PACKED_DISPATCH(ATTR, NAME, VIEW_TYPE, VIEW)                                                              \
    ATTR static void NAME(int nb, const void *vx, const uint8_t *act, size_t act_stride, int n_tok, float *y,   \
                          size_t y_stride) {                                                                      \
        VIEW_TYPE a[4];                                                                                           \
        for (int t = 0; t < n_tok; t++) a[t] = VIEW(act + (size_t) t * act_stride, nb);                          \
        switch (n_tok) {                                                                                          \
        case 1: NAME##_1(nb, vx, a, y, y_stride); break;                                                          \
        case 2: NAME##_2(nb, vx, a, y, y_stride); break;                                                          \
        case 3: NAME##_3(nb, vx, a, y, y_stride); break;                                                          \
        default: NAME##_4(nb, vx, a, y, y_stride); break;                                                         \
        }                                                                                                         \
    }

#endif
