/* The Q6_K rows kernel's VNNI variant, modelled on any x86_64 CPU with AVX2: its scale handling (the block's scales
 * widened to int32 lanes per half, one vpermd per chunk, mullo) instantiated from the same body
 * (k3k_x86_q6_K_rows.h) with vpdpbusd emulated exactly (bytes widened to int16, pair sums, then the pairs of
 * pairs), against the AVX2 variant, which test_packed checks against the generic model. A CPU with VNNI runs the
 * real variant in test_packed as well. */
#include "k3k_test.h"

#if defined(__x86_64__)
#include <string.h>
#include "../k3k_x86_q6_K_rows.h"

/* vpdpbusd from zero: each int32 lane the sum of its four unsigned x signed byte products, exactly */
AVX2 static inline __m256i dpbusd_model(__m256i u, __m256i s) {
    const __m256i z = _mm256_setzero_si256();
    const __m256i ulo = _mm256_unpacklo_epi8(u, z), uhi = _mm256_unpackhi_epi8(u, z);
    const __m256i slo = _mm256_srai_epi16(_mm256_unpacklo_epi8(z, s), 8), shi = _mm256_srai_epi16(_mm256_unpackhi_epi8(z, s), 8);
    return _mm256_hadd_epi32(_mm256_madd_epi16(ulo, slo), _mm256_madd_epi16(uhi, shi));
}
#define DOT4_VNNI_MODEL(v, y, s) _mm256_mullo_epi32(dpbusd_model((v), (y)), (s))
Q6_ROW(AVX2, q6_row_vnni_model, VNNI_HALF_SCALES, VNNI_PICK, DOT4_VNNI_MODEL)
Q6_ROW(AVX2, q6_row_avx2_copy, AVX2_HALF_SCALES, AVX2_PICK, DOT4_AVX2)

void test_q6_rows_model(void) {
    if (!__builtin_cpu_supports("avx2")) return;
    enum { NB = 9, ROWS = 64 };
    block_q6_K *w = malloc(sizeof(block_q6_K) * NB * ROWS);
    block_q8_K *a = malloc(sizeof(block_q8_K) * NB);
    float *x = malloc(sizeof(float) * 256 * NB);
    uint32_t s = 12345;
    for (size_t i = 0; i < sizeof(block_q6_K) * NB * ROWS; i++) {
        s = s * 1103515245u + 12345u;
        ((uint8_t *) w)[i] = (uint8_t) (s >> 16);
    }
    for (int i = 0; i < NB * ROWS; i++) w[i].d = (k3k_half) (0x2000 + i % 64); /* finite block scales */
    for (int i = 0; i < 256 * NB; i++) x[i] = (float) ((i * 37) % 101) * 0.02f - 1.0f;
    k3k_quantize(K3K_Q8_K, x, a, 256 * NB);
    /* 1..9 blocks: the eight-block reduction, its tail, and both together */
    for (int r = 0; r < ROWS; r++)
        for (int nb = 1; nb <= NB; nb++) {
            const float vnni = q6_row_vnni_model(w + (size_t) r * NB, a, nb), avx2 = q6_row_avx2_copy(w + (size_t) r * NB, a, nb);
            CHECK(memcmp(&vnni, &avx2, sizeof(float)) == 0, "Q6_K rows, VNNI model, row %d, %d blocks: %g, AVX2 %g", r, nb,
                  (double) vnni, (double) avx2);
        }
    free(w);
    free(a);
    free(x);
}
#else
void test_q6_rows_model(void) {}
#endif
