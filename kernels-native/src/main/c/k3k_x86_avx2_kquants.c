/* x86_64 AVX2 Q2_K, Q3_K and Q5_K x Q8_K. The quants are unpacked to unsigned bytes and multiplied with the
 * signed activations by maddubs; every pair sum stays far inside int16 (Q5_K: 2 * 31 * 128, Q3_K:
 * 2 * 7 * 128, Q2_K: 2 * 3 * 128). Scales are applied by madd (int16 x int16 -> int32), so all integer
 * sums are exact:
 *  - Q5_K: q = low nibble | qh bit << 4 (0..31); the 6-bit mins meet Q8_K's bsums, as in the Q4_K dot.
 *  - Q3_K: q' = 2-bit quant | hmask bit << 2 (0..7) is the true value + 4, so
 *    sum (q' - 4) * y * sc = sum q' * y * sc - 4 * sum sc * bsum: the -4 becomes a min term on bsums.
 *  - Q2_K: 2-bit quants times the low 4-bit scales; the high 4-bit mins meet bsums.
 * The float accumulation is vectorised (FMA), so results differ from the generic dots only by float
 * reassociation. One kernel serves one token (decode) and four (prefill): a super-block's quants and
 * scales are unpacked once and every token keeps the one-token dot's operations in the same order, so
 * outputs are bit-identical. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

#define INLINE __attribute__((always_inline)) inline

/* The activation rows of the nt tokens, and zeroed float accumulators for the scales and the mins. */
#define TOKENS_SETUP                                                 \
    const block_q8_K *y[4];                                          \
    __m256 acc[4], accm[4];                                          \
    for (int t = 0; t < nt; t++) {                                   \
        y[t] = (const block_q8_K *) ((const uint8_t *) vy + t * by); \
        acc[t] = accm[t] = _mm256_setzero_ps();                      \
    }

/* 8 int32: madd of Q8_K's 16 bsums with 16 int16 weights (mins, or Q3_K's scales). */
AVX2 static INLINE __m256i bsums_dot(const block_q8_K *y, __m256i w16) {
    return _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *) y->bsums), w16);
}

/* For the per-16 scales of Q2_K/Q3_K: the 16 int16 scales as two vectors holding scales 0..7 (resp.
 * 8..15) in both lanes; a byte shuffle with idx then puts scale 2g in lane 0 and 2g + 1 in lane 1,
 * matching maddubs' output for group g (lane 0: elements 0..15, lane 1: elements 16..31). */
#define FIRST_PAIR_IDX _mm256_set_m128i(_mm_set1_epi16(0x0302), _mm_set1_epi16(0x0100))
#define NEXT_PAIR_IDX _mm256_set1_epi16(0x0404)

/* ---- Q5_K ---- */

AVX2 static INLINE void q5_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q5_K *x = vx;
    const __m256i m4 = _mm256_set1_epi8(0x0F), b4 = _mm256_set1_epi8(0x10);
    TOKENS_SETUP
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const __m256i mins_scales = k4_scales_mins16(x[i].scales);
        /* mins: each applies to two bsums (16 elements each) */
        const __m128i mins = _mm256_extracti128_si256(mins_scales, 1);
        const __m256i mins2 = _mm256_set_m128i(_mm_unpackhi_epi16(mins, mins), _mm_unpacklo_epi16(mins, mins));
        const float dmin = H2F(x[i].dmin), d = H2F(x[i].d);
        for (int t = 0; t < nt; t++)
            accm[t] = _mm256_fmadd_ps(_mm256_set1_ps(dmin * y[t][i].d), _mm256_cvtepi32_ps(bsums_dot(&y[t][i], mins2)), accm[t]);
        /* the 8 scales as int16 in both lanes; a byte shuffle broadcasts scale k to all 16 lanes */
        const __m256i sc = _mm256_broadcastsi128_si256(_mm256_castsi256_si128(mins_scales));
        __m256i idx = _mm256_set1_epi16(0x0100);
        const __m256i step = _mm256_set1_epi16(0x0202);
        __m256i sumi[4];
        for (int t = 0; t < nt; t++) sumi[t] = _mm256_setzero_si256();
        /* bit 2j of qh byte l is element 64j + l's fifth bit, bit 2j + 1 element 64j + 32 + l's: shifting
         * the 16-bit words right by 2 per step keeps both bits of interest inside their byte */
        __m256i h = _mm256_loadu_si256((const __m256i *) x[i].qh);
        for (int j = 0; j < QK_K / 64; j++) {
            const __m256i b = _mm256_loadu_si256((const __m256i *) (x[i].qs + 32 * j));
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(b, m4), _mm256_and_si256(_mm256_slli_epi16(h, 4), b4));
            const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b, 4), m4), _mm256_and_si256(_mm256_slli_epi16(h, 3), b4));
            h = _mm256_srli_epi16(h, 2);
            const __m256i s_lo = _mm256_shuffle_epi8(sc, idx);
            idx = _mm256_add_epi16(idx, step);
            const __m256i s_hi = _mm256_shuffle_epi8(sc, idx);
            idx = _mm256_add_epi16(idx, step);
            for (int t = 0; t < nt; t++) {
                const int8_t *q8 = y[t][i].qs + 64 * j;
                const __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) q8));
                const __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (q8 + 32)));
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(plo, s_lo), _mm256_madd_epi16(phi, s_hi)));
            }
        }
        for (int t = 0; t < nt; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t][i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = hsum_ps(acc[t]) - hsum_ps(accm[t]);
}

/* ---- Q3_K ---- */

/* The 16 6-bit scales minus 32 as int16, in element order (q3k_scales in k3k_dot_kquants.c): scale k
 * has its low 4 bits in byte k % 8 (low nibble for k < 8, high for k >= 8) and its high 2 bits at bit
 * 2 * (k / 4) of byte 8 + k % 4. Reads exactly the 12 bytes (the row may end 2 bytes later). */
AVX2 static INLINE __m256i q3_K_scales(const uint8_t *packed) {
    uint32_t a2;
    memcpy(&a2, packed + 8, 4);
    const __m128i b = _mm_loadl_epi64((const __m128i *) packed);
    const __m128i low = _mm_and_si128(_mm_unpacklo_epi64(b, _mm_srli_epi16(b, 4)), _mm_set1_epi8(0x0F));
    const __m128i high = _mm_and_si128(_mm_srlv_epi32(_mm_set1_epi32((int) a2), _mm_setr_epi32(0, 2, 4, 6)), _mm_set1_epi8(3));
    return _mm256_cvtepi8_epi16(_mm_sub_epi8(_mm_or_si128(low, _mm_slli_epi16(high, 4)), _mm_set1_epi8(32)));
}

/* hmask bit g (element 32g + l's high bit, g = 0..7) moved to bit 2 of every byte, then masked: a
 * 16-bit shift by at most 5 brings each byte's own bit g there. One mask for all g keeps the constants
 * few (g is a constant once the loops unroll). */
AVX2 static INLINE __m256i q3_high(__m256i hm, int g, __m256i bit2) {
    const __m256i moved = g < 2 ? _mm256_slli_epi16(hm, 2 - g) : g == 2 ? hm : _mm256_srli_epi16(hm, g - 2);
    return _mm256_and_si256(moved, bit2);
}

AVX2 static INLINE void q3_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q3_K *x = vx;
    const __m256i m3 = _mm256_set1_epi8(3), bit2 = _mm256_set1_epi8(4);
    TOKENS_SETUP
    (void) accm; /* Q3_K's offset term joins the scale sum */
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const __m256i sc16 = q3_K_scales(x[i].scales);
        const __m256i sc_half[2] = {_mm256_permute2x128_si256(sc16, sc16, 0x00), _mm256_permute2x128_si256(sc16, sc16, 0x11)};
        const __m256i hm = _mm256_loadu_si256((const __m256i *) x[i].hmask);
        __m256i sumi[4];
        for (int t = 0; t < nt; t++) sumi[t] = _mm256_setzero_si256();
        for (int k = 0; k < 2; k++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *) (x[i].qs + 32 * k));
            __m256i idx = FIRST_PAIR_IDX;
            for (int sh = 0; sh < 4; sh++) {
                const __m256i qv = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 2 * sh), m3), q3_high(hm, 4 * k + sh, bit2));
                const __m256i scale = _mm256_shuffle_epi8(sc_half[k], idx);
                idx = _mm256_add_epi16(idx, NEXT_PAIR_IDX);
                for (int t = 0; t < nt; t++) {
                    const __m256i yv = _mm256_loadu_si256((const __m256i *) (y[t][i].qs + 128 * k + 32 * sh));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(_mm256_maddubs_epi16(qv, yv), scale));
                }
            }
        }
        const float d = H2F(x[i].d);
        for (int t = 0; t < nt; t++) {
            /* the offset 4 of q' = value + 4, times each 16-element scale and activation sum */
            const __m256i total = _mm256_sub_epi32(sumi[t], _mm256_slli_epi32(bsums_dot(&y[t][i], sc16), 2));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t][i].d), _mm256_cvtepi32_ps(total), acc[t]);
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = hsum_ps(acc[t]);
}

/* ---- Q2_K ---- */

AVX2 static INLINE void q2_K_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_q2_K *x = vx;
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const __m256i m3 = _mm256_set1_epi8(3);
    TOKENS_SETUP
    for (int i = 0; i < n / QK_K; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        const __m128i packed = _mm_loadu_si128((const __m128i *) x[i].scales);
        const __m256i sc16 = _mm256_cvtepu8_epi16(_mm_and_si128(packed, m4));
        const __m256i mins16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4));
        const __m256i sc_half[2] = {_mm256_permute2x128_si256(sc16, sc16, 0x00), _mm256_permute2x128_si256(sc16, sc16, 0x11)};
        const float dmin = H2F(x[i].dmin), d = H2F(x[i].d);
        for (int t = 0; t < nt; t++)
            accm[t] = _mm256_fmadd_ps(_mm256_set1_ps(dmin * y[t][i].d), _mm256_cvtepi32_ps(bsums_dot(&y[t][i], mins16)), accm[t]);
        __m256i sumi[4];
        for (int t = 0; t < nt; t++) sumi[t] = _mm256_setzero_si256();
        for (int k = 0; k < 2; k++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *) (x[i].qs + 32 * k));
            __m256i idx = FIRST_PAIR_IDX;
            for (int sh = 0; sh < 4; sh++) {
                const __m256i qv = _mm256_and_si256(_mm256_srli_epi16(q, 2 * sh), m3);
                const __m256i scale = _mm256_shuffle_epi8(sc_half[k], idx);
                idx = _mm256_add_epi16(idx, NEXT_PAIR_IDX);
                for (int t = 0; t < nt; t++) {
                    const __m256i yv = _mm256_loadu_si256((const __m256i *) (y[t][i].qs + 128 * k + 32 * sh));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(_mm256_maddubs_epi16(qv, yv), scale));
                }
            }
        }
        for (int t = 0; t < nt; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[t][i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = hsum_ps(acc[t]) - hsum_ps(accm[t]);
}

K3K_TOKEN_ENTRIES(AVX2, dot_q2_K, q2_K_tokens)
K3K_TOKEN_ENTRIES(AVX2, dot_q3_K, q3_K_tokens)
K3K_TOKEN_ENTRIES(AVX2, dot_q5_K, q5_K_tokens)

void k3k_install_x86_avx2_kquants(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_Q2_K], dot_q2_K, dot_q2_K_4t, "avx2");
    k3k_set_dots(&t[K3K_Q3_K], dot_q3_K, dot_q3_K_4t, "avx2");
    k3k_set_dots(&t[K3K_Q5_K], dot_q5_K, dot_q5_K_4t, "avx2");
}

#else
void k3k_install_x86_avx2_kquants(k3k_type_traits *t) {
    (void) t;
}
#endif
