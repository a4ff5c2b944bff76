/* x86_64 eight-row kernels over the packed x8 layouts (Q4_0, Q8_0, Q4_K, Q6_K) with 256-bit vpdpbusd
 * (AVX512-VL VNNI): products of up to eight tokens (decode steps, batched decode, speculative verification)
 * and the lone eight-row group after the sixteen-row tiles. Where the AVX2 kernels spend maddubs, an int16
 * add and a madd per chunk, vpdpbusd sums four unsigned weight bytes x signed activation bytes straight into
 * each row's int32 lane; one multiply per 16- or 32-element sub-block applies a K-quant row's scale. One
 * thread, 512 x 2048 in L2, GB/s of weights, AVX2 / VNNI: Q6_K 1 token 19.6 / 39.8, 4 tokens 10.0 / 17.6; Q4_K
 * 1 token 37.3 / 46.3, 4 tokens 11.8 / 18.7 (EPYC Zen4, one process alternating both). The integer sums are
 * exact and the float steps are the generic model's, so every output is bit-identical to the generic kernels. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"
#include "k3k_x86_packed.h"

#define VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))

/* Q4_0 x8 and Q8_0 x8 (LEGACY_X8_KERNELS): vpdpbusd sums each chunk straight into int32. Q8_0's weights are
 * offset by 128 to unsigned bytes, so its offset is 128 sum(y) = 16 (8 sum(y)), exact as |16 x 8 x 32 x 128| <
 * 2^20. */
#define DPBUSD_ACC(s, w, y) ((s) = _mm256_dpbusd_epi32((s), (w), (y)))
#define INT32_LANES(s) (s)
#define Q8_0_PREP_BIAS(w) _mm256_xor_si256((w), _mm256_set1_epi8((char) 0x80))
#define Q8_0_OFFSET_BIAS(sum8) (16 * (sum8))
LEGACY_X8_KERNELS(VNNI, q4_0x8_vnni, DPBUSD_ACC, INT32_LANES, q8_0x8_vnni, Q8_0_PREP_BIAS, DPBUSD_ACC, Q8_0_OFFSET_BIAS)

/* The row's eight scale bytes widened to its int32 lane, unsigned (Q4_K) or signed (Q6_K). */
VNNI static inline __m256i row_bytes(const uint8_t *b) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *) b)); }
VNNI static inline __m256i row_sbytes(const int8_t *b) { return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) b)); }

/* Q4_K x8, NT tokens: per 64-element group j each of its two sub-blocks sums in int32, times the row's 6-bit
 * scale; the mins and the float step are Q4_K_FINISH's, as in the AVX2 kernel. One
 * token sums each sub-block in two chains (even and odd chunks) so its vpdpbusd do not wait on each other;
 * more tokens interleave their own chains, and a second set would spill. */
#define CHAIN(NT, k) ((NT) == 1 ? (k) & 1 : 0)
#define Q4_KX8_VNNI(NT)                                                                                          \
VNNI static void q4_Kx8_vnni_##NT(int nb, const block_q4_Kx8 *x, const k3k_packed_act_k *a, float *y,             \
                                  size_t y_stride) {                                                               \
    const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                      \
    __m256 acc[NT];                                                                                                 \
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();                                                      \
    for (int b = 0; b < nb; b++) {                                                                                  \
        prefetch_ahead(&x[b], sizeof(x[b]));                                                                        \
        __m256i sumi[NT];                                                                                           \
        for (int t = 0; t < NT; t++) sumi[t] = _mm256_setzero_si256();                                             \
        for (int j = 0; j < 4; j++) {                                                                               \
            __m256i lo[NT][2], hi[NT][2];                                                                           \
            for (int t = 0; t < NT; t++) lo[t][0] = lo[t][1] = hi[t][0] = hi[t][1] = _mm256_setzero_si256();       \
            for (int k = 0; k < 8; k++) {                                                                           \
                const __m256i q = _mm256_loadu_si256((const __m256i *) (x[b].qs + 256 * j + 32 * k));              \
                const __m256i l = _mm256_and_si256(q, m4), h = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);      \
                for (int t = 0; t < NT; t++) {                                                                      \
                    const int8_t *yq = a[t].q[b].qs + 64 * j + 4 * k;                                               \
                    lo[t][CHAIN(NT, k)] = _mm256_dpbusd_epi32(lo[t][CHAIN(NT, k)], l, bcast4(yq));                  \
                    hi[t][CHAIN(NT, k)] = _mm256_dpbusd_epi32(hi[t][CHAIN(NT, k)], h, bcast4(yq + 32));             \
                }                                                                                                   \
            }                                                                                                       \
            const __m256i sc_lo = row_bytes(x[b].sc[2 * j]), sc_hi = row_bytes(x[b].sc[2 * j + 1]);                \
            for (int t = 0; t < NT; t++)                                                                            \
                sumi[t] = _mm256_add_epi32(sumi[t],                                                                 \
                    _mm256_add_epi32(_mm256_mullo_epi32(_mm256_add_epi32(lo[t][0], lo[t][1]), sc_lo),              \
                                     _mm256_mullo_epi32(_mm256_add_epi32(hi[t][0], hi[t][1]), sc_hi)));            \
        }                                                                                                           \
        Q4_K_FINISH(NT, x[b], a, b, sumi, acc);                                                                     \
    }                                                                                                               \
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(y + (size_t) t * y_stride, acc[t]);                             \
}
Q4_KX8_VNNI(1)
Q4_KX8_VNNI(2)
Q4_KX8_VNNI(3)
Q4_KX8_VNNI(4)

/* Q6_K x8, NT tokens: per 128-element half n and chunk c, q6_streams gives four 6-bit values of every row
 * in each of the four streams. vpdpbusd sums q y per 16-element sub-block
 * (stream st, chunks 4h..4h+3: sub-block 8n + 2st + h) from 32 times minus the activation's sum over the
 * sub-block (sum((q - 32) y) = sum(q y) - 32 sum(y); Q8_K's bsums are those sums), then one multiply by the
 * row's signed scale. */
#define Q6_KX8_VNNI(NT)                                                                                          \
VNNI static void q6_Kx8_vnni_##NT(int nb, const block_q6_Kx8 *x, const k3k_packed_act_k *a, float *y,             \
                                  size_t y_stride) {                                                               \
    __m256 acc[NT];                                                                                                 \
    for (int t = 0; t < NT; t++) acc[t] = _mm256_setzero_ps();                                                      \
    for (int b = 0; b < nb; b++) {                                                                                  \
        prefetch_ahead(&x[b], sizeof(x[b]));                                                                        \
        __m256i sumi[NT];                                                                                           \
        for (int t = 0; t < NT; t++) sumi[t] = _mm256_setzero_si256();                                             \
        for (int n = 0; n < 2; n++)                                                                                 \
            for (int h = 0; h < 2; h++) {                                                                           \
                __m256i s[NT][4];                                                                                   \
                for (int t = 0; t < NT; t++)                                                                        \
                    for (int st = 0; st < 4; st++) s[t][st] = _mm256_set1_epi32(-32 * a[t].q[b].bsums[8 * n + 2 * st + h]); \
                for (int c = 4 * h; c < 4 * h + 4; c++) {                                                           \
                    __m256i v[4];                                                                                   \
                    q6_streams(&x[b], n, c, v);                                                                     \
                    for (int t = 0; t < NT; t++)                                                                    \
                        for (int st = 0; st < 4; st++)                                                              \
                            s[t][st] = _mm256_dpbusd_epi32(s[t][st], v[st], bcast4(a[t].q[b].qs + 128 * n + 32 * st + 4 * c)); \
                }                                                                                                   \
                for (int st = 0; st < 4; st++) {                                                                    \
                    const __m256i sc = row_sbytes(x[b].sc[8 * n + 2 * st + h]);                                     \
                    for (int t = 0; t < NT; t++) sumi[t] = _mm256_add_epi32(sumi[t], _mm256_mullo_epi32(s[t][st], sc)); \
                }                                                                                                   \
            }                                                                                                       \
        const __m256 d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) x[b].d));                               \
        for (int t = 0; t < NT; t++)                                                                                \
            acc[t] = _mm256_add_ps(acc[t], _mm256_mul_ps(_mm256_cvtepi32_ps(sumi[t]), _mm256_mul_ps(d, _mm256_set1_ps(a[t].q[b].d)))); \
    }                                                                                                               \
    for (int t = 0; t < NT; t++) _mm256_storeu_ps(y + (size_t) t * y_stride, acc[t]);                             \
}
Q6_KX8_VNNI(1)
Q6_KX8_VNNI(2)
Q6_KX8_VNNI(3)
Q6_KX8_VNNI(4)

K_DISPATCH(VNNI, q4_Kx8_vnni)
K_DISPATCH(VNNI, q6_Kx8_vnni)

void k3k_install_x86_avx512_packed_x8(k3k_type_traits *t) {
    t[K3K_Q4_0].packed = q4_0x8_vnni;
    t[K3K_Q4_0].packed_path = "avx512vnni";
    t[K3K_Q8_0].packed = q8_0x8_vnni;
    t[K3K_Q8_0].packed_path = "avx512vnni";
    t[K3K_Q4_K].packed = q4_Kx8_vnni;
    t[K3K_Q4_K].packed_path = "avx512vnni";
    t[K3K_Q6_K].packed = q6_Kx8_vnni;
    t[K3K_Q6_K].packed_path = "avx512vnni";
    k3k_install_x86_q6_K_rows(t, 1);
}
#endif
