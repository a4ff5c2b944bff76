/* The x86_64 Q6_K rows kernel's body: k3k_x86_q6_K_rows.c instantiates it for AVX2, k3k_x86_dpbusd_x8.h for each
 * vpdpbusd (AVX512-VL VNNI, AVX-VNNI, and the exact AVX2 model of the C tests). */
#ifndef K3K_X86_Q6_K_ROWS_H
#define K3K_X86_Q6_K_ROWS_H
#if defined(__x86_64__)
#include "k3k_internal.h"
#include "k3k_x86_avx2.h"
#include "k3k_x86_packed.h"

/* One row: chunk k of half n holds sub-blocks 8n + 2k (int32 lanes 0-3, each four values) and 8n + 2k + 1
 * (lanes 4-7); DOT4 gives those lanes, each times its sub-block's scale; the -32 offset comes once per block
 * as 32 sum(sc * bsum). |sumi| < 16 * 127 * 16 * 63 * 128 < 2^31. */
#define Q6_ROW(ATTR, NAME, HALF_SCALES, PICK, DOT4_SCALED)                                                      \
ATTR static inline __m256i NAME##_block(const block_q6_K *x, const block_q8_K *a) {                             \
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) x->scales));                   \
    __m256i sum = _mm256_setzero_si256();                                                                       \
    for (int n = 0; n < 2; n++) {                                                                               \
        __m256i v[4];                                                                                           \
        q6_unpack(_mm256_loadu_si256((const __m256i *) (x->ql + 64 * n)),                                       \
                  _mm256_loadu_si256((const __m256i *) (x->ql + 64 * n + 32)),                                  \
                  _mm256_loadu_si256((const __m256i *) (x->qh + 32 * n)), v);                                   \
        const __m256i sc = HALF_SCALES(sc16, n);                                                                \
        for (int k = 0; k < 4; k++) {                                                                           \
            const __m256i y = _mm256_loadu_si256((const __m256i *) (a->qs + 128 * n + 32 * k));                 \
            sum = _mm256_add_epi32(sum, DOT4_SCALED(v[k], y, PICK(sc, k)));                                     \
        }                                                                                                       \
    }                                                                                                           \
    const __m256i bs = _mm256_loadu_si256((const __m256i *) a->bsums);                                          \
    return _mm256_sub_epi32(sum, _mm256_slli_epi32(_mm256_madd_epi16(sc16, bs), 5));                            \
}                                                                                                               \
ATTR static float NAME(const void *row, const void *act, int nb) {                                              \
    const block_q6_K *x = row;                                                                                  \
    const block_q8_K *a = act;                                                                                  \
    float acc = 0.0f;                                                                                           \
    int b = 0;                                                                                                  \
    for (; b + 8 <= nb; b += 8) { /* eight blocks' lane sums reduced together, then the float steps in order */ \
        const __m256i t0 = _mm256_hadd_epi32(NAME##_block(x + b, a + b), NAME##_block(x + b + 1, a + b + 1));  \
        const __m256i t1 = _mm256_hadd_epi32(NAME##_block(x + b + 2, a + b + 2), NAME##_block(x + b + 3, a + b + 3)); \
        const __m256i u0 = _mm256_hadd_epi32(t0, t1);                                                           \
        const __m256i t2 = _mm256_hadd_epi32(NAME##_block(x + b + 4, a + b + 4), NAME##_block(x + b + 5, a + b + 5)); \
        const __m256i t3 = _mm256_hadd_epi32(NAME##_block(x + b + 6, a + b + 6), NAME##_block(x + b + 7, a + b + 7)); \
        const __m256i u1 = _mm256_hadd_epi32(t2, t3);                                                           \
        int32_t sumi[8];                                                                                        \
        _mm256_storeu_si256((__m256i *) sumi, _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20),        \
                                                               _mm256_permute2x128_si256(u0, u1, 0x31)));       \
        for (int j = 0; j < 8; j++) acc = acc + (float) sumi[j] * (_cvtsh_ss(x[b + j].d) * a[b + j].d);         \
    }                                                                                                           \
    for (; b + 4 <= nb; b += 4) { /* four blocks reduced together (rows of 1024: Qwen3-0.6B's LM head) */     \
        const __m256i t0 = _mm256_hadd_epi32(NAME##_block(x + b, a + b), NAME##_block(x + b + 1, a + b + 1));  \
        const __m256i t1 = _mm256_hadd_epi32(NAME##_block(x + b + 2, a + b + 2), NAME##_block(x + b + 3, a + b + 3)); \
        const __m256i u = _mm256_hadd_epi32(t0, t1);                                                            \
        int32_t sumi[4];                                                                                        \
        _mm_storeu_si128((__m128i *) sumi, _mm_add_epi32(_mm256_castsi256_si128(u), _mm256_extracti128_si256(u, 1))); \
        for (int j = 0; j < 4; j++) acc = acc + (float) sumi[j] * (_cvtsh_ss(x[b + j].d) * a[b + j].d);         \
    }                                                                                                           \
    for (; b < nb; b++) {                                                                                       \
        const __m256i sum = NAME##_block(x + b, a + b);                                                         \
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));             \
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4E));                                                    \
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xB1));                                                    \
        acc = acc + (float) _mm_cvtsi128_si32(s4) * (_cvtsh_ss(x[b].d) * a[b].d);                               \
    }                                                                                                           \
    return acc;                                                                                                 \
}

/* Each int32 lane's sum of four products times its sub-block's scale s. AVX2: maddubs pairs (63 * 128 * 2 <
 * 2^15: no saturation), then one madd against the scale in both int16 halves of the lane sums the pairs and
 * scales them (two multiplies, where madd by ones and mullo took three). The [s, s] pairs come from the block's
 * scales as int16 (sc16, which the -32 offset's madd uses too): the half's eight copied to both 128-bit lanes,
 * then one in-lane byte shuffle per chunk, where a cross-lane vpermd per chunk cost Zen 3 two uops (the kernel
 * is bound by vector uops over the four FP pipes, llvm-mca -mcpu=znver3). vpdpbusd (DOT4 of k3k_x86_dpbusd_x8.h): one
 * vpdpbusd, then mullo by the scales widened to int32 lanes. */
#define AVX2_HALF_SCALES(sc16, n) \
    ((n) ? _mm256_permute2x128_si256((sc16), (sc16), 0x11) : _mm256_permute2x128_si256((sc16), (sc16), 0x00))
#define AVX2_PICK(sc, k)                                                                                         \
    _mm256_shuffle_epi8((sc), _mm256_setr_epi8(4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1,   \
        4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1, 4 * (k), 4 * (k) + 1, \
        4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3,     \
        4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3, 4 * (k) + 2, 4 * (k) + 3))
#define VNNI_HALF_SCALES(sc16, n) \
    _mm256_cvtepi16_epi32((n) ? _mm256_extracti128_si256((sc16), 1) : _mm256_castsi256_si128(sc16))
#define VNNI_PICK(sc, k) _mm256_permutevar8x32_epi32((sc), _mm256_setr_epi32(2 * (k), 2 * (k), 2 * (k), 2 * (k), \
                                                                      2 * (k) + 1, 2 * (k) + 1, 2 * (k) + 1, 2 * (k) + 1))
#define DOT4_AVX2(v, y, s) _mm256_madd_epi16(_mm256_maddubs_epi16((v), (y)), (s))

#endif
#endif
