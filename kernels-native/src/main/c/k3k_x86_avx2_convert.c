/* x86_64 AVX2 activation converters, bit-identical to the portable ones: Q8_K (the activation type of every
 * K-quant and IQ4_XS weight; prefill quantises each token's row before each matrix) and F16 (the KV cache's
 * rows and F16 weights' activations), both scalar loops otherwise (3.5 % and 2.9 % of a Qwen3-0.6B Q4_K_M
 * pp512 profile on the AVX2 path). */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_x86_avx2.h"

/* quantize_row_q8_K_ref: the scale from the first element of largest magnitude (the scalar scan's strict
 * '>' keeps the first; NaN never wins), then k3k_nearest_int's magic-number rounding, capped at 127 and cut
 * to its low byte as the scalar cast does, and the sums of each 16 bytes. */
AVX2 static void quantize_row_q8_K(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    const __m256 sign = _mm256_set1_ps(-0.0f), magic = _mm256_set1_ps(12582912.f);
    const __m256i mant = _mm256_set1_epi32(0x007fffff), bias = _mm256_set1_epi32(0x00400000);
    const __m256i top = _mm256_set1_epi32(127), low_byte = _mm256_set1_epi32(0xff), flip = _mm256_set1_epi8((char) 0x80);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        __m256 m = _mm256_setzero_ps();
        for (int k = 0; k < QK_K / 8; k++) m = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * k)), m);
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        const float amax = _mm_cvtss_f32(m4);
        if (!amax) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        const __m256 am = _mm256_set1_ps(amax);
        int first = 0;
        for (int k = 0; k < QK_K / 8; k++) {
            const int hit = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * k)), am, _CMP_EQ_OQ));
            if (hit) {
                first = 8 * k + __builtin_ctz((unsigned) hit);
                break;
            }
        }
        const float iscale = -127.f / x[first];
        const __m256 is = _mm256_set1_ps(iscale);
        for (int k = 0; k < QK_K / 32; k++) {
            __m256i q[4];
            for (int u = 0; u < 4; u++) {
                const __m256 v = _mm256_add_ps(_mm256_mul_ps(is, _mm256_loadu_ps(x + 32 * k + 8 * u)), magic);
                const __m256i r = _mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(v), mant), bias);
                q[u] = _mm256_and_si256(_mm256_min_epi32(r, top), low_byte);
            }
            const __m256i bytes = _mm256_permutevar8x32_epi32(
                _mm256_packus_epi16(_mm256_packus_epi32(q[0], q[1]), _mm256_packus_epi32(q[2], q[3])), order);
            _mm256_storeu_si256((__m256i *) (y[i].qs + 32 * k), bytes);
            /* sums of 8 bytes as unsigned (each byte + 128), so a sum of 16 carries 2048 extra */
            const __m256i s8 = _mm256_sad_epu8(_mm256_xor_si256(bytes, flip), _mm256_setzero_si256());
            y[i].bsums[2 * k] = (int16_t) (_mm256_extract_epi64(s8, 0) + _mm256_extract_epi64(s8, 1) - 2048);
            y[i].bsums[2 * k + 1] = (int16_t) (_mm256_extract_epi64(s8, 2) + _mm256_extract_epi64(s8, 3) - 2048);
        }
        y[i].d = 1 / iscale;
    }
}

/* fp32 -> fp16 with F16C, round to nearest even as the portable converter rounds (NaN kept quiet, its top
 * mantissa bits kept, as there). */
AVX2 static void quantize_row_f16(const float *x, void *vy, int64_t n) {
    k3k_half *y = vy;
    int64_t d = 0;
    for (; d + 8 <= n; d += 8)
        _mm_storeu_si128((__m128i *) (y + d), _mm256_cvtps_ph(_mm256_loadu_ps(x + d), _MM_FROUND_TO_NEAREST_INT));
    for (; d < n; d++) y[d] = k3k_fp32_to_fp16(x[d]);
}

void k3k_install_x86_avx2_convert(k3k_type_traits *t) {
    for (int type = 0; type < K3K_TYPE_COUNT; type++)
        if (t[type].from_float == k3k_quantize_row_q8_K) t[type].from_float = quantize_row_q8_K;
    t[K3K_F16].from_float = quantize_row_f16;
}
#endif
