/* x86_64 AVX2 kernel for the Q4_0 x8 packed layout: per block column one 256-bit load holds four
 * elements of each of the eight rows (one row per 32-bit lane); the token's four matching activations
 * are broadcast, maddubs multiplies the unsigned nibbles, and the eight rows come out in eight lanes.
 * Up to four tokens share each load and unpack. Q8_0 x8 below works the same way on signed bytes. The
 * integer sums are exact and the float steps the generic kernel's, so the result is bit-identical to it. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_packed.h"
#include "k3k_x86_avx2.h"
#include "k3k_x86_packed.h"

/* Q4_0 x8 and Q8_0 x8 (LEGACY_X8_KERNELS). Q4_0: maddubs products of the unsigned nibbles sum in int16 per
 * chain (at most 8 products of 15 x 128 a lane), kept in its register at each step (KEEP_IN_REGISTER), widened
 * once per block. Q8_0: signed weights, so the sign trick (|w| times y carrying w's sign; |w| is the same for
 * every token, taken once) feeds maddubs; two products of up to 128 x 127 fill an int16 lane, so each chunk
 * widens to int32 before it is added. */
#define Q4_0_ACC_AVX2(s, w, y)                                   \
    do {                                                         \
        (s) = _mm256_add_epi16((s), _mm256_maddubs_epi16((w), (y))); \
        KEEP_IN_REGISTER(s);                                     \
    } while (0)
#define Q4_0_WIDEN_AVX2(s) _mm256_madd_epi16((s), _mm256_set1_epi16(1))
#define Q8_0_PREP_AVX2(w) (w)
#define Q8_0_ACC_AVX2(s, w, y)                                                                                    \
    ((s) = _mm256_add_epi32((s), _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_sign_epi8((w), (w)),              \
                                                                        _mm256_sign_epi8((y), (w))),             \
                                                   _mm256_set1_epi16(1))))
#define Q8_0_OFFSET_NONE(sum8) 0
LEGACY_X8_KERNELS(AVX2, q4_0x8_avx2, Q4_0_ACC_AVX2, Q4_0_WIDEN_AVX2, q8_0x8_avx2, Q8_0_PREP_AVX2, Q8_0_ACC_AVX2,
                  Q8_0_OFFSET_NONE)

/* IQ4_NL x8: Q4_0 x8's loads and unpack, one byte shuffle from nibbles to codebook values (|v| <= 127), then
 * Q8_0's signed accumulate; no offset. The float step per block column is one vector over the eight rows,
 * where the file-layout dot pays a convert and a broadcast scale per row and block. */
#define IQ4_NL_MAP_AVX2(v) _mm256_shuffle_epi8(_mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) k3k_kvalues_iq4nl)), (v))
#define AS_INT32(s) (s)
NIBBLE_X8_KERNEL(AVX2, iq4_nlx8_avx2, 1, Q8_0_ACC_AVX2, AS_INT32, IQ4_NL_MAP_AVX2, Q8_0_OFFSET_NONE)
NIBBLE_X8_KERNEL(AVX2, iq4_nlx8_avx2, 2, Q8_0_ACC_AVX2, AS_INT32, IQ4_NL_MAP_AVX2, Q8_0_OFFSET_NONE)
NIBBLE_X8_KERNEL(AVX2, iq4_nlx8_avx2, 3, Q8_0_ACC_AVX2, AS_INT32, IQ4_NL_MAP_AVX2, Q8_0_OFFSET_NONE)
NIBBLE_X8_KERNEL(AVX2, iq4_nlx8_avx2, 4, Q8_0_ACC_AVX2, AS_INT32, IQ4_NL_MAP_AVX2, Q8_0_OFFSET_NONE)
LEGACY_DISPATCH(AVX2, iq4_nlx8_avx2)

/* IQ4_XS x8, NT tokens: per group the same codebook values and signed products as IQ4_NL x8, but each chunk's
 * int16 pair sums go to int32 by one madd against the rows' [sc, sc] scale pairs (at most 2 x 32258 x 32 a lane,
 * and 256 x 127 x 127 x 32 a super-block: exact in int32), then one float step per super-block. */
AVX2 static inline __m256i signed_pairs(const int8_t *sc8) { /* the eight rows' scales as [sc, sc] int16 pairs */
    const __m256i v = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) sc8));
    return _mm256_or_si256(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)), _mm256_slli_epi32(v, 16));
}
#define IQ4_XS_SUMS_AVX2(NT, X, a, b, sumi, ARG)                                                                    \
    do {                                                                                                            \
        const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                  \
        for (int g = 0; g < 8; g++) {                                                                               \
            const __m256i sc = signed_pairs((X).sc[g]);                                                             \
            for (int k = 0; k < 4; k++) {                                                                           \
                const __m256i q = _mm256_loadu_si256((const __m256i *) ((X).qs + 128 * g + 32 * k));                \
                const __m256i l = IQ4_NL_MAP_AVX2(_mm256_and_si256(q, m4));                                         \
                const __m256i h = IQ4_NL_MAP_AVX2(_mm256_and_si256(_mm256_srli_epi16(q, 4), m4));                   \
                const __m256i al = _mm256_sign_epi8(l, l), ah = _mm256_sign_epi8(h, h);                             \
                for (int t = 0; t < NT; t++) {                                                                      \
                    const int8_t *yq = a[t].q[b].qs + 32 * g + 4 * k;                                               \
                    const __m256i pl = _mm256_maddubs_epi16(al, _mm256_sign_epi8(bcast4(yq), l));                   \
                    const __m256i ph = _mm256_maddubs_epi16(ah, _mm256_sign_epi8(bcast4(yq + 16), h));              \
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(pl, sc), _mm256_madd_epi16(ph, sc))); \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
    } while (0)
KX8_KERNELS(AVX2, iq4_xsx8_avx2, block_iq4_xsx8, IQ4_XS_SUMS_AVX2, D_FINISH, 0)

/* Q4_K x8's block sums (KX8_KERNELS gives the frame). Per 64-element
 * group j and chunk k one load gives both sub-blocks' nibbles of all eight rows; per token the int16
 * products of a sub-block (at most 8 x 3840) are multiplied by the row's scale with one madd against
 * [sc, sc] pairs; the mins and the float step are Q4_K_FINISH's. */
#define Q4_K_SUMS_AVX2(NT, X, a, b, sumi, ARG)                                                                      \
    do {                                                                                                            \
        const __m256i m4 = _mm256_set1_epi8(0x0F);                                                                  \
        for (int j = 0; j < 4; j++) {                                                                               \
            __m256i lo16[NT], hi16[NT];                                                                             \
            for (int t = 0; t < NT; t++) lo16[t] = hi16[t] = _mm256_setzero_si256();                                \
            for (int k = 0; k < 8; k++) {                                                                           \
                const __m256i q = _mm256_loadu_si256((const __m256i *) ((X).qs + 256 * j + 32 * k));                \
                const __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);     \
                for (int t = 0; t < NT; t++) {                                                                      \
                    const int8_t *yq = a[t].q[b].qs + 64 * j + 4 * k;                                               \
                    lo16[t] = _mm256_add_epi16(lo16[t], _mm256_maddubs_epi16(lo, bcast4(yq)));                      \
                    hi16[t] = _mm256_add_epi16(hi16[t], _mm256_maddubs_epi16(hi, bcast4(yq + 32)));                 \
                    KEEP_IN_REGISTER(lo16[t]);                                                                      \
                    KEEP_IN_REGISTER(hi16[t]);                                                                      \
                }                                                                                                   \
            }                                                                                                       \
            const __m256i sc_lo = pairs_from_bytes((X).sc[2 * j], (X).sc[2 * j]);                                   \
            const __m256i sc_hi = pairs_from_bytes((X).sc[2 * j + 1], (X).sc[2 * j + 1]);                           \
            for (int t = 0; t < NT; t++)                                                                            \
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(_mm256_madd_epi16(lo16[t], sc_lo),             \
                                                                     _mm256_madd_epi16(hi16[t], sc_hi)));           \
        }                                                                                                           \
    } while (0)
KX8_KERNELS(AVX2, q4_Kx8_avx2, block_q4_Kx8, Q4_K_SUMS_AVX2, Q4_K_FINISH, 0)

/* Q6_K x8, NT tokens: per half n and chunk c, q6_streams gives four unsigned 6-bit values of every row in
 * each stream st (sub-block 8 n + 2 st + h for chunks 4h..4h+3). maddubs of the values and the activation
 * bytes sums pairs in int16 (|63 x 128 x 2| per chunk, two chunks: 32256, no saturation), one madd against
 * [sc, sc] pairs takes each two-chunk sum to int32; the offset, sum((q - 32) y) = sum(q y) - 32 sum(y), is
 * 32 sc bsum per sub-block (Q8_K's bsums), subtracted in int32. */
#define Q6_K_SUMS_AVX2(NT, X, a, b, sumi, ARG)                                                                      \
    do {                                                                                                            \
        const __m256i lo16 = _mm256_set1_epi32(0xFFFF);                                                             \
        for (int n = 0; n < 2; n++)                                                                                 \
            for (int h = 0; h < 2; h++)                                                                             \
                for (int c = 4 * h; c < 4 * h + 4; c += 2) {                                                        \
                    __m256i v0[4], v1[4];                                                                           \
                    q6_streams(&(X), n, c, v0);                                                                     \
                    q6_streams(&(X), n, c + 1, v1);                                                                 \
                    for (int st = 0; st < 4; st++) {                                                                \
                        const __m256i s8 = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) (X).sc[8 * n + 2 * st + h])); \
                        const __m256i sc = _mm256_or_si256(_mm256_and_si256(s8, lo16), _mm256_slli_epi32(s8, 16));  \
                        for (int t = 0; t < NT; t++) {                                                              \
                            const int8_t *yq = a[t].q[b].qs + 128 * n + 32 * st + 4 * c;                            \
                            const __m256i p = _mm256_add_epi16(_mm256_maddubs_epi16(v0[st], bcast4(yq)),            \
                                                               _mm256_maddubs_epi16(v1[st], bcast4(yq + 4)));       \
                            sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, sc));                          \
                            KEEP_IN_REGISTER(sumi[t]);                                                              \
                        }                                                                                           \
                    }                                                                                               \
                }                                                                                                   \
        for (int sub = 0; sub < 16; sub++) {                                                                        \
            const __m256i sc32 = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) (X).sc[sub]));              \
            for (int t = 0; t < NT; t++)                                                                            \
                sumi[t] = _mm256_sub_epi32(sumi[t], _mm256_mullo_epi32(sc32, _mm256_set1_epi32(32 * a[t].q[b].bsums[sub]))); \
        }                                                                                                           \
    } while (0)
KX8_KERNELS(AVX2, q6_Kx8_avx2, block_q6_Kx8, Q6_K_SUMS_AVX2, D_FINISH, 0)

void k3k_install_x86_avx2_packed(k3k_type_traits *t) {
    t[K3K_Q6_K].packed = q6_Kx8_avx2;
    t[K3K_Q6_K].packed_path = "avx2";
    /* one token too: the same generic float order as a batch's tiles, so a sequence decoded alone and in a
     * batch of sequences gets the same bits (the row-wise dot reassociates; an output matrix's near-tie then
     * picked another greedy token). As fast as the row-wise dot on one token (KernelBench, EPYC Zen4, 2
     * threads, Q6_K 32000x2048: 34.7 vs 34.4 GB/s). */
    t[K3K_Q4_K].packed = q4_Kx8_avx2;
    t[K3K_Q4_K].packed_path = "avx2";
    t[K3K_Q4_0].packed = q4_0x8_avx2;
    t[K3K_Q4_0].packed_path = "avx2";
    t[K3K_Q8_0].packed = q8_0x8_avx2;
    t[K3K_Q8_0].packed_path = "avx2";
    t[K3K_IQ4_NL].packed = iq4_nlx8_avx2;
    t[K3K_IQ4_NL].packed_path = "avx2";
    t[K3K_IQ4_XS].packed = iq4_xsx8_avx2;
    t[K3K_IQ4_XS].packed_path = "avx2";
    k3k_install_x86_q6_K_rows(t);
}
#endif
