/* x86_64 AVX512-VNNI row dots in the file layout, for the one-token products that stay there (the Q6_K
 * output matrix of most K-quant files is the largest single read of a decode step). Integer sums are exact;
 * the float accumulation runs in 16 lanes (FMA), so results differ from the generic dot only by float
 * reassociation, as the AVX2 dots do (tests/test_dots.c). */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_x86_avx2.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,f16c,fma")))

/* Each 16-quant sub-block's scale, repeated over the four int32 lanes that hold its sums. */
AVX512 static inline __m512i lane_scales(const int8_t *sc4) {
    int32_t four;
    memcpy(&four, sc4, 4);
    const __m128i s = _mm_cvtsi32_si128(four);
    const __m128i spread = _mm_shuffle_epi8(s, _mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3));
    return _mm512_cvtepi8_epi32(spread);
}

/* Q6_K x Q8_K: the six-bit quants are unsigned (0..63) for vpdpbusd; their -32 offset comes off once per
 * block as 32 * sum(scale * bsum), the activation's 16-quant sums. */
AVX512 static void dot_q6_K_q8_K_vnni(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const __m512i m4 = _mm512_set1_epi8(0x0F), m3 = _mm512_set1_epi8(3);
    __m512 acc = _mm512_setzero_ps();
    float offset = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs, *sc = x[i].scales;
        __m512i sumi = _mm512_setzero_si512();
        for (int half = 0; half < 2; half++) {
            const __m512i l = _mm512_loadu_si512((const void *) ql);
            const __m256i h = _mm256_loadu_si256((const __m256i *) qh);
            const __m512i hh = _mm512_inserti64x4(_mm512_castsi256_si512(h), _mm256_srli_epi16(h, 2), 1);
            const __m512i q01 = _mm512_or_si512(_mm512_and_si512(l, m4), _mm512_slli_epi16(_mm512_and_si512(hh, m3), 4));
            const __m512i q23 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), m4),
                                                _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(hh, 4), m3), 4));
            const __m512i p01 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q01, _mm512_loadu_si512((const void *) q8));
            const __m512i p23 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), q23, _mm512_loadu_si512((const void *) (q8 + 64)));
            sumi = _mm512_add_epi32(sumi, _mm512_add_epi32(_mm512_mullo_epi32(p01, lane_scales(sc)),
                                                           _mm512_mullo_epi32(p23, lane_scales(sc + 4))));
            ql += 64;
            qh += 32;
            q8 += 128;
            sc += 8;
        }
        const __m256i bsums = _mm256_loadu_si256((const __m256i *) y[i].bsums);
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) x[i].scales));
        const __m256i corr = _mm256_madd_epi16(bsums, scales16);
        const __m128i c4 = _mm_add_epi32(_mm256_castsi256_si128(corr), _mm256_extracti128_si256(corr, 1));
        const __m128i c2 = _mm_add_epi32(c4, _mm_unpackhi_epi64(c4, c4));
        const int32_t c = _mm_cvtsi128_si32(_mm_add_epi32(c2, _mm_shuffle_epi32(c2, 1)));
        const float d = H2F(x[i].d) * y[i].d;
        acc = _mm512_fmadd_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(sumi), acc);
        offset += d * (float) (32 * c);
    }
    *s = _mm512_reduce_add_ps(acc) - offset;
}

void k3k_install_x86_avx512_dots(k3k_type_traits *t) {
    t[K3K_Q6_K].dot = dot_q6_K_q8_K_vnni;
    t[K3K_Q6_K].path = "avx512vnni";
}

#endif
