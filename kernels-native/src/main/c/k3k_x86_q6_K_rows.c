/* x86_64 one-token Q6_K products over the file's own rows, in the packed kernels' float order: per super-block
 * the exact integer sum of sc * sum((q - 32) y), then acc + sumi * (d * dy), super-blocks in order: the bits of
 * the packed generic model (and so of every packed kernel, and of a sequence decoded alone or in a batch).
 * Why a row layout for one token: each row's 210-byte blocks are read front to back, one stream the hardware
 * prefetcher follows, where the eight-row kernel walks each 1680-byte group's ql, qh and scales in four places.
 * One process alternating both over the LM head shape (151936 x 2048, two threads, from memory; EPYC Zen4):
 * rows 29-36 GB/s on 4 KiB pages and 37-44 on huge pages, the eight-row VNNI kernel 28-35 and 30-40. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"
#include "k3k_x86_packed.h"

#define VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))

/* One row: chunk k of half n holds sub-blocks 8n + 2k (int32 lanes 0-3, each four values) and 8n + 2k + 1
 * (lanes 4-7); DOT4 gives those lanes, each times its sub-block's scale; the -32 offset comes once per block
 * as 32 sum(sc * bsum). |sumi| < 16 * 127 * 16 * 63 * 128 < 2^31. */
#define Q6_ROW(ATTR, NAME, SCALES, DOT4_SCALED)                                                                  \
ATTR static float NAME(const void *row, const void *act, int nb) {                                              \
    const block_q6_K *x = row;                                                                                  \
    const block_q8_K *a = act;                                                                                  \
    float acc = 0.0f;                                                                                           \
    for (int b = 0; b < nb; b++) {                                                                              \
        __m256i sum = _mm256_setzero_si256();                                                                   \
        for (int n = 0; n < 2; n++) {                                                                           \
            __m256i v[4];                                                                                       \
            q6_unpack(_mm256_loadu_si256((const __m256i *) (x[b].ql + 64 * n)),                              \
                      _mm256_loadu_si256((const __m256i *) (x[b].ql + 64 * n + 32)),                         \
                      _mm256_loadu_si256((const __m256i *) (x[b].qh + 32 * n)), v);                                 \
            const __m256i sc = SCALES(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) (x[b].scales + 8 * n)))); \
            for (int k = 0; k < 4; k++) {                                                                       \
                const __m256i y = _mm256_loadu_si256((const __m256i *) (a[b].qs + 128 * n + 32 * k));          \
                const __m256i s = _mm256_permutevar8x32_epi32(sc, _mm256_setr_epi32(2 * k, 2 * k, 2 * k, 2 * k,  \
                                                               2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1));    \
                sum = _mm256_add_epi32(sum, DOT4_SCALED(v[k], y, s));                                           \
            }                                                                                                   \
        }                                                                                                       \
        const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *) x[b].scales));             \
        const __m256i bs = _mm256_loadu_si256((const __m256i *) a[b].bsums);                                    \
        sum = _mm256_sub_epi32(sum, _mm256_slli_epi32(_mm256_madd_epi16(sc16, bs), 5));                         \
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));             \
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4E));                                                    \
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xB1));                                                    \
        acc = acc + (float) _mm_cvtsi128_si32(s4) * (k3k_fp16_to_fp32(x[b].d) * a[b].d);                        \
    }                                                                                                           \
    return acc;                                                                                                 \
}

/* Each int32 lane's sum of four products times its sub-block's scale s. AVX2: maddubs pairs (63 * 128 * 2 <
 * 2^15: no saturation), then one madd against the scale in both int16 halves of the lane ([s, s], prepared
 * once per half-block by SCALE_PAIRS) sums the pairs and scales them: two multiplies, where madd by ones and
 * mullo took three (one thread, 4096 x 2048 in cache: 20.0-20.4 -> 21.4 GB/s; two threads over the LM head's
 * 151936 rows read at memory speed either way, 27-30 GB/s). VNNI: one vpdpbusd, then mullo. */
#define SCALE_PAIRS(sc) _mm256_or_si256(_mm256_and_si256((sc), _mm256_set1_epi32(0xFFFF)), _mm256_slli_epi32((sc), 16))
#define SCALE_LANES(sc) (sc)
#define DOT4_AVX2(v, y, s) _mm256_madd_epi16(_mm256_maddubs_epi16((v), (y)), (s))
#define DOT4_VNNI(v, y, s) _mm256_mullo_epi32(_mm256_dpbusd_epi32(_mm256_setzero_si256(), (v), (y)), (s))
Q6_ROW(AVX2, q6_K_row_avx2, SCALE_PAIRS, DOT4_AVX2)
Q6_ROW(VNNI, q6_K_row_vnni, SCALE_LANES, DOT4_VNNI)

void k3k_install_x86_q6_K_rows(k3k_type_traits *t, int vnni) {
    t[K3K_Q6_K].packed_row = vnni ? q6_K_row_vnni : q6_K_row_avx2;
    t[K3K_Q6_K].packed_row_path = vnni ? "avx512vnni" : "avx2";
}
#endif
