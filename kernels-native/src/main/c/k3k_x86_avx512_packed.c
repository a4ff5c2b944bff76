/* x86_64 AVX512-VNNI micro-kernels over the packed Q4_0 x8 and Q8_0 x8 layouts (k3k_packed.h): a tile
 * of sixteen rows (two consecutive eight-row groups, one row per 32-bit lane of a 512-bit register)
 * times up to K3K_PACKED_PAIR_TOKENS tokens. Per block column the weights are loaded and unpacked once
 * for the whole tile; each token's four activation bytes per chunk are broadcast straight from memory
 * into vpdpbusd (unsigned weight bytes x signed activation bytes, four products summed per lane).
 * Q4_0's nibbles are unsigned already (sum((q - 8) y) = sum(q y) - 8 sum(y), the activation's sum8);
 * Q8_0's signed bytes are offset by 128 (sum(w y) = sum((w + 128) y) - 128 sum(y) = ... - 16 sum8).
 * The integer sums are exact and the float steps (d = dx * dy, acc + sum * d) are the generic model's,
 * so every output is bit-identical to k3k_q4_0x8_generic / k3k_q8_0x8_generic. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>
#include "k3k_packed.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,f16c,fma")))

AVX512 static inline __m512i bcast4(const int8_t *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/* Chunk k of two groups' block columns: group 0 in the low 256 bits, group 1 in the high. */
AVX512 static inline __m512i pair_chunk(const uint8_t *q0, const uint8_t *q1) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *) q0)),
                              _mm256_loadu_si256((const __m256i *) q1), 1);
}

/* The sixteen rows' scales as floats. */
AVX512 static inline __m512 pair_scales(const uint16_t *d0, const uint16_t *d1) {
    const __m256i h = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *) d0)),
                                              _mm_loadu_si128((const __m128i *) d1), 1);
    return _mm512_cvtph_ps(h);
}

/* acc[t] += (sum[t] - corr) * (dx * dy[t]), the generic model's order: product first, one rounding each. */
AVX512 static inline __m512 accumulate(__m512 acc, __m512i sum, int32_t corr, __m512 dx, float dy) {
    const __m512 d = _mm512_mul_ps(dx, _mm512_set1_ps(dy));
    return _mm512_add_ps(acc, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(sum, _mm512_set1_epi32(corr))), d));
}

/* The tile's activation views and zeroed accumulators. */
AVX512 static inline void start_tile(k3k_packed_act *a, __m512 *acc, const uint8_t *act, size_t act_stride, int n_tok,
                                     int nb) {
    for (int t = 0; t < n_tok; t++) {
        a[t] = k3k_packed_act_view(act + (size_t) t * act_stride, nb);
        acc[t] = _mm512_setzero_ps();
    }
}

AVX512 static void store_tile(const __m512 *acc, int n_tok, float *y, size_t y_stride) {
    for (int t = 0; t < n_tok; t++) _mm512_storeu_ps(y + (size_t) t * y_stride, acc[t]);
}

AVX512 static void q4_0x16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    const block_q4_0x8 *x0 = vx0, *x1 = vx1;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    k3k_packed_act a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile(a, acc, act, act_stride, n_tok, nb);
    for (int b = 0; b < nb; b++) {
        __m512i lo[4], hi[4];
        for (int k = 0; k < 4; k++) {
            const __m512i q = pair_chunk(x0[b].qs + 32 * k, x1[b].qs + 32 * k);
            lo[k] = _mm512_and_si512(q, m4);
            hi[k] = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);
        }
        const __m512 dx = pair_scales(x0[b].d, x1[b].d);
        for (int t = 0; t < n_tok; t++) {
            const int8_t *q = a[t].q[b].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 4; k++) {
                s = _mm512_dpbusd_epi32(s, lo[k], bcast4(q + 4 * k));
                s = _mm512_dpbusd_epi32(s, hi[k], bcast4(q + 16 + 4 * k));
            }
            acc[t] = accumulate(acc[t], s, a[t].sum8[b], dx, a[t].d[b]);
        }
    }
    store_tile(acc, n_tok, y, y_stride);
}

AVX512 static void q8_0x16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    const block_q8_0x8 *x0 = vx0, *x1 = vx1;
    const __m512i bias = _mm512_set1_epi8((char) 0x80);
    k3k_packed_act a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile(a, acc, act, act_stride, n_tok, nb);
    for (int b = 0; b < nb; b++) {
        __m512i w[8];
        for (int k = 0; k < 8; k++)
            w[k] = _mm512_xor_si512(pair_chunk((const uint8_t *) x0[b].qs + 32 * k, (const uint8_t *) x1[b].qs + 32 * k), bias);
        const __m512 dx = pair_scales(x0[b].d, x1[b].d);
        for (int t = 0; t < n_tok; t++) {
            const int8_t *q = a[t].q[b].qs;
            __m512i s = _mm512_setzero_si512();
            for (int k = 0; k < 8; k++) s = _mm512_dpbusd_epi32(s, w[k], bcast4(q + 4 * k));
            /* 128 sum(y) = 16 (8 sum(y)), exact: |16 * 8 * 32 * 128| < 2^20 */
            acc[t] = accumulate(acc[t], s, 16 * a[t].sum8[b], dx, a[t].d[b]);
        }
    }
    store_tile(acc, n_tok, y, y_stride);
}

int k3k_install_x86_avx512(k3k_type_traits *t) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vl") ||
        !__builtin_cpu_supports("avx512vnni") || !__builtin_cpu_supports("f16c") || !__builtin_cpu_supports("fma"))
        return 0;
    t[K3K_Q4_0].packed_pair = q4_0x16_vnni;
    t[K3K_Q4_0].packed_pair_path = "avx512vnni";
    t[K3K_Q8_0].packed_pair = q8_0x16_vnni;
    t[K3K_Q8_0].packed_pair_path = "avx512vnni";
    return 1;
}

#else
int k3k_install_x86_avx512(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
