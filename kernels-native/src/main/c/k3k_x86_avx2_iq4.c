/* x86_64 AVX2 IQ4_NL x Q8_0 and IQ4_XS x Q8_K. One byte shuffle turns 32 nibbles into their codebook
 * values (signed bytes, |v| <= 127), multiplied with the activations by maddubs after moving the weight's
 * sign onto the activation (pair sums <= 2 * 127 * 127: no saturation). Integer sums are exact; the float
 * accumulation is vectorised (FMA), so results differ from the generic dots only by float reassociation.
 * One kernel serves one token (decode) and four (prefill): the weight groups are unpacked once per row
 * and every token keeps the one-token dot's operations in the same order, so outputs are bit-identical. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

#define INLINE __attribute__((always_inline)) inline

/* The 32 codebook values of one group from its 16 packed bytes: low lane = elements 0..15 (low nibbles),
 * high lane = elements 16..31 (high nibbles), the order of the activation's 32 bytes. */
AVX2 static INLINE __m256i group_values(const uint8_t *qs, __m256i codebook) {
    const __m128i b = _mm_loadu_si128((const __m128i *) qs);
    const __m256i idx = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(b, 4), b), _mm256_set1_epi8(0x0F));
    return _mm256_shuffle_epi8(codebook, idx);
}

/* 16 int16 sums of adjacent q * y products: |q| (unsigned) times y carrying q's sign. */
AVX2 static INLINE __m256i pair_sums(__m256i abs_q, __m256i q, const int8_t *y) {
    return _mm256_maddubs_epi16(abs_q, _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *) y), q));
}

AVX2 static INLINE void iq4_nl_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_nl *x = vx;
    const int nb = n / QK4_NL;
    const __m256i codebook = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) k3k_kvalues_iq4nl));
    const __m256i ones = _mm256_set1_epi16(1);
    const block_q8_0 *y[4];
    __m256 acc0[4], acc1[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_0 *) ((const uint8_t *) vy + t * by);
        acc0[t] = acc1[t] = _mm256_setzero_ps();
    }
    int i = 0;
    for (; i + 2 <= nb; i += 2) {
        prefetch_ahead(&x[i], 2 * sizeof(x[i]));
        const __m256i q0 = group_values(x[i].qs, codebook), q1 = group_values(x[i + 1].qs, codebook);
        const __m256i a0 = _mm256_sign_epi8(q0, q0), a1 = _mm256_sign_epi8(q1, q1);
        const float dx0 = H2F(x[i].d), dx1 = H2F(x[i + 1].d);
        for (int t = 0; t < nt; t++) {
            const __m256i p0 = _mm256_madd_epi16(pair_sums(a0, q0, y[t][i].qs), ones);
            const __m256i p1 = _mm256_madd_epi16(pair_sums(a1, q1, y[t][i + 1].qs), ones);
            acc0[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx0 * H2F(y[t][i].d)), _mm256_cvtepi32_ps(p0), acc0[t]);
            acc1[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx1 * H2F(y[t][i + 1].d)), _mm256_cvtepi32_ps(p1), acc1[t]);
        }
    }
    if (i < nb) {
        const __m256i q0 = group_values(x[i].qs, codebook), a0 = _mm256_sign_epi8(q0, q0);
        const float dx0 = H2F(x[i].d);
        for (int t = 0; t < nt; t++) {
            const __m256i p0 = _mm256_madd_epi16(pair_sums(a0, q0, y[t][i].qs), ones);
            acc0[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx0 * H2F(y[t][i].d)), _mm256_cvtepi32_ps(p0), acc0[t]);
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = hsum_ps(_mm256_add_ps(acc0[t], acc1[t]));
}

/* Per super-block: the eight groups' products weighted by their integer scales (madd with the scale in
 * every int16 lane; at most 8 * 2 * 32258 * 32 per lane, exact in int32), then one float scale. */
AVX2 static INLINE void iq4_xs_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    const block_iq4_xs *x = vx;
    const int nb = n / QK_K;
    const __m256i codebook = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) k3k_kvalues_iq4nl));
    const block_q8_K *y[4];
    __m256 acc[4];
    for (int t = 0; t < nt; t++) {
        y[t] = (const block_q8_K *) ((const uint8_t *) vy + t * by);
        acc[t] = _mm256_setzero_ps();
    }
    for (int i = 0; i < nb; i++) {
        prefetch_ahead(&x[i], sizeof(x[i]));
        __m256i sumi[4];
        for (int t = 0; t < nt; t++) sumi[t] = _mm256_setzero_si256();
        for (int ib = 0; ib < QK_K / 32; ib++) {
            const __m256i q = group_values(x[i].qs + 16 * ib, codebook), a = _mm256_sign_epi8(q, q);
            const __m256i scale = _mm256_set1_epi16((short) k3k_iq4_xs_scale(&x[i], ib));
            for (int t = 0; t < nt; t++)
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(pair_sums(a, q, y[t][i].qs + 32 * ib), scale));
        }
        const float dx = H2F(x[i].d);
        for (int t = 0; t < nt; t++)
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * y[t][i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = hsum_ps(acc[t]);
}

K3K_TOKEN_ENTRIES(AVX2, dot_iq4_nl, iq4_nl_tokens)
K3K_TOKEN_ENTRIES(AVX2, dot_iq4_xs, iq4_xs_tokens)

void k3k_install_x86_avx2_iq4(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_IQ4_NL], dot_iq4_nl, dot_iq4_nl_4t, "avx2");
    k3k_set_dots(&t[K3K_IQ4_XS], dot_iq4_xs, dot_iq4_xs_4t, "avx2");
    t[K3K_IQ4_NL].from_float = k3k_quantize_row_q8_0_avx2;
}

#else
void k3k_install_x86_avx2_iq4(k3k_type_traits *t);
void k3k_install_x86_avx2_iq4(k3k_type_traits *t) {
    (void) t;
}
#endif
