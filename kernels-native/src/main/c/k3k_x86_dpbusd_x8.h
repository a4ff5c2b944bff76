/* The eight-row kernels over the packed x8 layouts (Q4_0, Q8_0, Q4_K, Q6_K) and the Q6_K rows kernel, built on a
 * 256-bit vpdpbusd: one body for every instruction that computes it. DPBUSD_X8_KERNELS instantiates them for
 * AVX512-VL VNNI (k3k_x86_avx512_packed_x8.c), for AVX-VNNI's VEX form (k3k_x86_avxvnni.c: Intel cores and Xeons
 * with AVX-VNNI and no AVX-512) and for the AVX2 model of the C tests (tests/test_dpbusd_model.c), which runs
 * these bodies on any x86_64 CPU with vpdpbusd emulated exactly. The macros' arguments:
 *   DP(s, w, y)    s plus, in each int32 lane, the four products of w's unsigned bytes and y's signed bytes
 *   ACC(s, w, y)   s = DP(s, w, y)
 *   DOT4(v, y, s)  DP from zero times s (the Q6_K rows kernel's scaled sub-block sums, DPBUSD_Q6_ROW)
 * Where the AVX2 kernels spend maddubs, an int16 add and a madd per chunk, vpdpbusd sums four unsigned weight bytes
 * x signed activation bytes straight into each row's int32 lane; one multiply per 16- or 32-element sub-block
 * applies a K-quant row's scale. The integer sums are exact and the float steps are the generic model's, so every
 * output is bit-identical to the generic kernels. Included inside #if defined(__x86_64__). */
#ifndef K3K_X86_DPBUSD_X8_H
#define K3K_X86_DPBUSD_X8_H
#include "k3k_internal.h"
#include "k3k_x86_avx2.h"
#include "k3k_x86_packed.h"
#include "k3k_x86_q6_K_rows.h"

/* Q4_0 and Q8_0: chains already in int32 lanes. Q8_0's weights are offset by 128 to unsigned bytes, so its offset
 * is 128 sum(y) = 16 (8 sum(y)), exact as |16 x 8 x 32 x 128| < 2^20. */
#define DPBUSD_INT32_LANES(s) (s)
#define DPBUSD_Q8_0_PREP(w) _mm256_xor_si256((w), _mm256_set1_epi8((char) 0x80))
#define DPBUSD_Q8_0_OFFSET(sum8) (16 * (sum8))

/* The row's eight scale bytes widened to its int32 lane, unsigned (Q4_K) or signed (Q6_K). */
AVX2 static inline __m256i dpbusd_row_bytes(const uint8_t *b) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *) b));
}
AVX2 static inline __m256i dpbusd_row_sbytes(const int8_t *b) {
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) b));
}

/* Q4_K x8, NT tokens: per 64-element group j each of its two sub-blocks sums in int32, times the row's 6-bit
 * scale; the mins and the float step are Q4_K_FINISH's, as in the AVX2 kernel. One token sums each sub-block in
 * two chains (even and odd chunks) so its vpdpbusd do not wait on each other; more tokens interleave their own
 * chains, and a second set would spill. */
#define DPBUSD_CHAIN(NT, k) ((NT) == 1 ? (k) & 1 : 0)
#define Q4_K_SUMS_DPBUSD(NT, X, a, b, sumi, DP)                                                                     \
    do {                                                                                                            \
        const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                  \
        for (int j = 0; j < 4; j++) {                                                                               \
            __m256i lo[NT][2], hi[NT][2];                                                                           \
            for (int t = 0; t < NT; t++) lo[t][0] = lo[t][1] = hi[t][0] = hi[t][1] = _mm256_setzero_si256();        \
            for (int k = 0; k < 8; k++) {                                                                           \
                const __m256i q = _mm256_loadu_si256((const __m256i *) ((X).qs + 256 * j + 32 * k));                \
                const __m256i l = _mm256_and_si256(q, m4), h = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);       \
                for (int t = 0; t < NT; t++) {                                                                      \
                    const int8_t *yq = a[t].q[b].qs + 64 * j + 4 * k;                                               \
                    lo[t][DPBUSD_CHAIN(NT, k)] = DP(lo[t][DPBUSD_CHAIN(NT, k)], l, bcast4(yq));                     \
                    hi[t][DPBUSD_CHAIN(NT, k)] = DP(hi[t][DPBUSD_CHAIN(NT, k)], h, bcast4(yq + 32));                \
                }                                                                                                   \
            }                                                                                                       \
            const __m256i sc_lo = dpbusd_row_bytes((X).sc[2 * j]), sc_hi = dpbusd_row_bytes((X).sc[2 * j + 1]);     \
            for (int t = 0; t < NT; t++)                                                                            \
                sumi[t] = _mm256_add_epi32(sumi[t],                                                                 \
                    _mm256_add_epi32(_mm256_mullo_epi32(_mm256_add_epi32(lo[t][0], lo[t][1]), sc_lo),               \
                                     _mm256_mullo_epi32(_mm256_add_epi32(hi[t][0], hi[t][1]), sc_hi)));             \
        }                                                                                                           \
    } while (0)

/* Q6_K x8, NT tokens: per 128-element half n and chunk c, q6_streams gives four 6-bit values of every row in each
 * of the four streams. vpdpbusd sums q y per 16-element sub-block (stream st, chunks 4h..4h+3: sub-block
 * 8n + 2st + h) from 32 times minus the activation's sum over the sub-block (sum((q - 32) y) = sum(q y) - 32 sum(y);
 * Q8_K's bsums are those sums), then one multiply by the row's signed scale. */
#define Q6_K_SUMS_DPBUSD(NT, X, a, b, sumi, DP)                                                                     \
    do {                                                                                                            \
        for (int n = 0; n < 2; n++)                                                                                 \
            for (int h = 0; h < 2; h++) {                                                                           \
                __m256i s[NT][4];                                                                                   \
                for (int t = 0; t < NT; t++)                                                                        \
                    for (int st = 0; st < 4; st++) s[t][st] = _mm256_set1_epi32(-32 * a[t].q[b].bsums[8 * n + 2 * st + h]); \
                for (int c = 4 * h; c < 4 * h + 4; c++) {                                                           \
                    __m256i v[4];                                                                                   \
                    q6_streams(&(X), n, c, v);                                                                      \
                    for (int t = 0; t < NT; t++)                                                                    \
                        for (int st = 0; st < 4; st++)                                                              \
                            s[t][st] = DP(s[t][st], v[st], bcast4(a[t].q[b].qs + 128 * n + 32 * st + 4 * c));       \
                }                                                                                                   \
                for (int st = 0; st < 4; st++) {                                                                    \
                    const __m256i sc = dpbusd_row_sbytes((X).sc[8 * n + 2 * st + h]);                               \
                    for (int t = 0; t < NT; t++) sumi[t] = _mm256_add_epi32(sumi[t], _mm256_mullo_epi32(s[t][st], sc)); \
                }                                                                                                   \
            }                                                                                                       \
    } while (0)

/* Every eight-row kernel of the set for ATTR, named q4_0x8_SUFFIX, q8_0x8_SUFFIX, q4_Kx8_SUFFIX, q6_Kx8_SUFFIX (each
 * a k3k_packed_fn). */
#define DPBUSD_X8_KERNELS(ATTR, SUFFIX, DP, ACC)                                                                  \
    LEGACY_X8_KERNELS(ATTR, q4_0x8_##SUFFIX, ACC, DPBUSD_INT32_LANES, q8_0x8_##SUFFIX, DPBUSD_Q8_0_PREP, ACC,      \
                      DPBUSD_Q8_0_OFFSET)                                                                          \
    KX8_KERNELS(ATTR, q4_Kx8_##SUFFIX, block_q4_Kx8, Q4_K_SUMS_DPBUSD, Q4_K_FINISH, DP)                             \
    KX8_KERNELS(ATTR, q6_Kx8_##SUFFIX, block_q6_Kx8, Q6_K_SUMS_DPBUSD, D_FINISH, DP)

/* The Q6_K rows kernel q6_K_row_SUFFIX with vpdpbusd: the block's scales widened to int32 lanes per half, one vpermd
 * per chunk, mullo. It wants more than 16 vector registers: with AVX-VNNI's 16 it spills twice as much as the AVX2
 * rows kernel (`make asm-spills`), so that set keeps the AVX2 one. */
#define DPBUSD_Q6_ROW(ATTR, SUFFIX, DOT4) Q6_ROW(ATTR, q6_K_row_##SUFFIX, VNNI_HALF_SCALES, VNNI_PICK, DOT4)

/* Puts the eight-row set into the dispatch table under PATH. */
#define DPBUSD_X8_INSTALL(t, SUFFIX, PATH)                                                                        \
    do {                                                                                                          \
        (t)[K3K_Q4_0].packed = q4_0x8_##SUFFIX;                                                                    \
        (t)[K3K_Q8_0].packed = q8_0x8_##SUFFIX;                                                                    \
        (t)[K3K_Q4_K].packed = q4_Kx8_##SUFFIX;                                                                    \
        (t)[K3K_Q6_K].packed = q6_Kx8_##SUFFIX;                                                                    \
        (t)[K3K_Q4_0].packed_path = (t)[K3K_Q8_0].packed_path = (t)[K3K_Q4_K].packed_path =                       \
            (t)[K3K_Q6_K].packed_path = (PATH);                                                                    \
    } while (0)

#endif
