/* x86_64 AVX2 attention helpers over the key/value cache: F16 rows widened 8 at a time with F16C, Q8_0 and Q4_0 rows
 * dequantised 8 at a time, rounding through F16, the tiled kernel's micro-kernels compiled for AVX2 (k3k_fa_micro.h),
 * and by hand the register tiles of the scores and of p*v, over float rows and over F16 rows converted in registers. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_fa_micro.h"
#include "k3k_x86_avx2.h"

K3K_FA_MICRO(AVX2 static, avx2, 2)

/* Eight values of a Q8_0 / Q4_0 block dequantised as the generic rows are, q * d and (nibble - 8) * d: the same
 * bits. Q8_0: qs[k..k+7]; Q4_0: values k..k+7, k in {0, 8, 16, 24}, the low nibbles of qs[0..15] then the high. */
AVX2 static inline __m256 q8_0_values8(const int8_t *qs, __m256 d) {
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *) qs))), d);
}

AVX2 static inline __m256 q4_0_values8(const block_q4_0 *b, int k, __m256 d) {
    const __m256i q = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *) (b->qs + k % 16)));
    const __m256i v = k < 16 ? _mm256_and_si256(q, _mm256_set1_epi32(0x0F)) : _mm256_srli_epi32(q, 4);
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(v, _mm256_set1_epi32(8))), d);
}

/* Q8_0 and Q4_0 cache rows (n a multiple of 32): the tiled attention reads a quantised cache through these, once per
 * block for all of a tile's rows. */
AVX2 static void kv_widen_q8_0(const void *src, float *dst, int n) {
    const block_q8_0 *x = src;
    for (int b = 0; b < n / 32; b++) {
        const __m256 d = _mm256_set1_ps(H2F(x[b].d));
        for (int k = 0; k < 32; k += 8) _mm256_storeu_ps(dst + 32 * b + k, q8_0_values8(x[b].qs + k, d));
    }
}

AVX2 static void kv_widen_q4_0(const void *src, float *dst, int n) {
    const block_q4_0 *x = src;
    for (int b = 0; b < n / 32; b++) {
        const __m256 d = _mm256_set1_ps(H2F(x[b].d));
        for (int k = 0; k < 32; k += 8) _mm256_storeu_ps(dst + 32 * b + k, q4_0_values8(x + b, k, d));
    }
}

/* F16 cache rows widened to f32 with F16C (exact). */
AVX2 static void widen(const k3k_half *h, float *f, int n) {
    int d = 0;
    for (; d + 8 <= n; d += 8) _mm256_storeu_ps(f + d, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (h + d))));
    for (; d < n; d++) f[d] = H2F(h[d]);
}

AVX2 static void kv_widen_f16(const void *src, float *dst, int n) { widen(src, dst, n); }

/* fa_pv's tiles in registers: acc_r[d] += p_r[j] v_j[d], j ascending, fused as fa_pv's, so the same bits. R rows x W
 * vectors of eight dimensions stay in registers while the keys stream past; each loaded V vector (LOAD8: eight floats
 * from a row's bytes, ESIZE bytes a value) serves R rows. Over F16 rows converted in registers (kv_pv), no widened
 * block is written and read back (a GQA group of 8 decoding one token spent 10 % of its attention widening V); over
 * float rows it is fa_pv by hand (the C instance's blocks of 2 rows x 32 values ran 15 % slower). */
#define LOAD8_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (p)))
#define LOAD8_F32(p) _mm256_loadu_ps((const float *) (p))
#define PV_TILE(NAME, LOAD8, ESIZE)                                                                                   \
AVX2 static inline __attribute__((always_inline)) void NAME(float *acc, size_t acc_stride, const float *p, size_t p_stride, \
                                                             int n, const uint8_t *v, size_t v_stride, int d0, int R, int W) { \
    __m256 a[12];                                                                                                     \
    for (int i = 0; i < R; i++)                                                                                       \
        for (int w = 0; w < W; w++) a[i * W + w] = _mm256_loadu_ps(acc + (size_t) i * acc_stride + d0 + 8 * w);       \
    for (int j = 0; j < n; j++) {                                                                                     \
        const uint8_t *vj = v + (size_t) j * v_stride + (size_t) d0 * (ESIZE);                                        \
        __m256 x[4];                                                                                                  \
        for (int w = 0; w < W; w++) x[w] = LOAD8(vj + (size_t) 8 * w * (ESIZE));                                      \
        for (int i = 0; i < R; i++) {                                                                                 \
            const __m256 pj = _mm256_broadcast_ss(p + (size_t) i * p_stride + j);                                     \
            for (int w = 0; w < W; w++) a[i * W + w] = _mm256_fmadd_ps(pj, x[w], a[i * W + w]);                       \
        }                                                                                                             \
    }                                                                                                                 \
    for (int i = 0; i < R; i++)                                                                                       \
        for (int w = 0; w < W; w++) _mm256_storeu_ps(acc + (size_t) i * acc_stride + d0 + 8 * w, a[i * W + w]);       \
}

PV_TILE(pv_tile_f16, LOAD8_F16, sizeof(k3k_half))
PV_TILE(pv_tile_f32, LOAD8_F32, sizeof(float))
K3K_KV_PV(AVX2, kv_pv_f16, pv_tile_f16, K3K_KV_HALF)
K3K_KV_PV(AVX2, pv_f32, pv_tile_f32, K3K_KV_FLOAT)

AVX2 static void fa_pv_avx2_tiles(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n,
                                  const float *vb, int hd) {
    pv_f32(acc, acc_stride, p, p_stride, rows, n, vb, (size_t) hd * sizeof(float), hd);
}

/* Round-to-nearest-even through F16C, as the portable converter rounds. */
AVX2 static void kv_round_f16(float *x, int n) {
    int d = 0;
    for (; d + 8 <= n; d += 8)
        _mm256_storeu_ps(x + d, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(x + d), _MM_FROUND_TO_NEAREST_INT)));
    for (; d < n; d++) x[d] = H2F(_cvtss_sh(x[d], _MM_FROUND_TO_NEAREST_INT));
}

/* Eight scores' partial-sum vectors reduced to one vector of their sums, lane i = a[i]'s k3k_fa_sum8: the horizontal
 * adds pair neighbours ((s0 + s1), (s2 + s3), then their sum) within each 128-bit half, and the halves are added last. */
AVX2 static inline __m256 sum8x8(const __m256 *a) {
    const __m256 x = _mm256_hadd_ps(_mm256_hadd_ps(a[0], a[1]), _mm256_hadd_ps(a[2], a[3]));
    const __m256 y = _mm256_hadd_ps(_mm256_hadd_ps(a[4], a[5]), _mm256_hadd_ps(a[6], a[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(x, y, 0x20), _mm256_permute2f128_ps(x, y, 0x31));
}

/* fa_scores' tiles in registers: R rows x J keys (R * J <= 9) of partial sums, the J key vectors loaded (LOAD8: eight
 * floats of a key row from its bytes) then each row's query vector fused into them; a last partial group of dimensions
 * goes through zero-padded copies, as fa_scores pads it. Bits: fa_scores' (k3k_fa_micro.h). */
#define SCORE_TILES(NAME, LOAD8, ELEM, ESIZE)                                                                         \
    AVX2 static inline __attribute__((always_inline)) void NAME##_tile(const float *q, size_t q_stride,               \
        const uint8_t *k, size_t k_stride, int hd, __m256 scale, float *s, size_t s_stride, int R, int J) {           \
        __m256 a[16];                                                                                                 \
        for (int x = 0; x < 16; x++) a[x] = _mm256_setzero_ps();                                                      \
        int d = 0;                                                                                                    \
        for (; d + 8 <= hd; d += 8) {                                                                                 \
            __m256 kv[6];                                                                                             \
            for (int j = 0; j < J; j++) kv[j] = LOAD8(k + (size_t) j * k_stride + (size_t) d * (ESIZE));              \
            for (int i = 0; i < R; i++) {                                                                             \
                const __m256 qv = _mm256_loadu_ps(q + (size_t) i * q_stride + d);                                     \
                for (int j = 0; j < J; j++) a[i * J + j] = _mm256_fmadd_ps(qv, kv[j], a[i * J + j]);                  \
            }                                                                                                         \
        }                                                                                                             \
        if (d < hd) {                                                                                                 \
            float qt[8], kt[8];                                                                                       \
            for (int i = 0; i < R; i++) {                                                                             \
                for (int l = 0; l < 8; l++) qt[l] = d + l < hd ? q[(size_t) i * q_stride + d + l] : 0.0f;             \
                const __m256 qv = _mm256_loadu_ps(qt);                                                                \
                for (int j = 0; j < J; j++) {                                                                         \
                    for (int l = 0; l < 8; l++) kt[l] = d + l < hd ? ELEM(k + (size_t) j * k_stride, d + l) : 0.0f;   \
                    a[i * J + j] = _mm256_fmadd_ps(qv, _mm256_loadu_ps(kt), a[i * J + j]);                            \
                }                                                                                                     \
            }                                                                                                         \
        }                                                                                                             \
        float out[16];                                                                                                \
        _mm256_storeu_ps(out, _mm256_mul_ps(sum8x8(a), scale));                                                       \
        if (R * J > 8) _mm256_storeu_ps(out + 8, _mm256_mul_ps(sum8x8(a + 8), scale));                                \
        for (int i = 0; i < R; i++)                                                                                   \
            for (int j = 0; j < J; j++) s[(size_t) i * s_stride + j] = out[i * J + j];                                \
    }                                                                                                                 \
    /* R rows against every key: tiles of R x J, then the last keys two, then one at a time */                     \
    AVX2 static inline __attribute__((always_inline)) void NAME##_rows(const float *q, size_t q_stride,              \
        const uint8_t *k, size_t k_stride, int n, int hd, __m256 scale, float *s, size_t s_stride, int R, int J) {   \
        int j = 0;                                                                                                    \
        for (; j + J <= n; j += J) NAME##_tile(q, q_stride, k + (size_t) j * k_stride, k_stride, hd, scale, s + j, s_stride, R, J); \
        for (; j + 2 <= n; j += 2) NAME##_tile(q, q_stride, k + (size_t) j * k_stride, k_stride, hd, scale, s + j, s_stride, R, 2); \
        for (; j < n; j++) NAME##_tile(q, q_stride, k + (size_t) j * k_stride, k_stride, hd, scale, s + j, s_stride, R, 1); \
    }                                                                                                                 \
    /* rows in blocks of 3 (3 x 3 keys: nine chains of fused adds, enough for two FMA pipes of latency 4; 4 x 3 ran   \
     * 5 % slower on Zen 3, its query loads folded into every FMA), the last rows 2 x 4 or 1 x 6 */                  \
    AVX2 static void NAME(const float *q, size_t q_stride, int rows, const void *kv, size_t k_stride, int n, int hd,  \
                          float scale, float *s, size_t s_stride) {                                                   \
        const __m256 sc = _mm256_set1_ps(scale);                                                                      \
        int r = 0;                                                                                                    \
        for (; r + 3 <= rows; r += 3)                                                                                 \
            NAME##_rows(q + (size_t) r * q_stride, q_stride, kv, k_stride, n, hd, sc, s + (size_t) r * s_stride, s_stride, 3, 3); \
        if (rows - r == 2)                                                                                            \
            NAME##_rows(q + (size_t) r * q_stride, q_stride, kv, k_stride, n, hd, sc, s + (size_t) r * s_stride, s_stride, 2, 4); \
        else if (rows - r == 1)                                                                                       \
            NAME##_rows(q + (size_t) r * q_stride, q_stride, kv, k_stride, n, hd, sc, s + (size_t) r * s_stride, s_stride, 1, 6); \
    }
SCORE_TILES(kv_scores_f16, LOAD8_F16, K3K_KV_HALF, sizeof(k3k_half))
SCORE_TILES(scores_f32, LOAD8_F32, K3K_KV_FLOAT, sizeof(float))

/* fa_scores over float rows (kb_stride floats apart): the tiles above, fa_scores' bits */
AVX2 static void fa_scores_avx2_tiles(const float *q, size_t q_stride, int rows, const float *kb, size_t kb_stride, int n,
                                      int hd, float scale, float *s, size_t s_stride) {
    scores_f32(q, q_stride, rows, kb, kb_stride * sizeof(float), n, hd, scale, s, s_stride);
}

void k3k_install_x86_avx2_kv(k3k_type_traits *t) {
    t[K3K_F16].kv_round = kv_round_f16;
    t[K3K_F16].kv_widen = kv_widen_f16;
    t[K3K_F16].kv_pv = kv_pv_f16;
    K3K_FA_INSTALL(t[K3K_F32], avx2, "avx2");
    t[K3K_F32].fa_scores = fa_scores_avx2_tiles; /* the C instance's bits, its tiles in registers by hand */
    t[K3K_F32].fa_pv = fa_pv_avx2_tiles;
    t[K3K_F16].kv_scores = kv_scores_f16;
    t[K3K_Q8_0].kv_widen = kv_widen_q8_0;
    t[K3K_Q4_0].kv_widen = kv_widen_q4_0;
    t[K3K_F16].kv_path = t[K3K_F32].kv_path = t[K3K_Q8_0].kv_path = t[K3K_Q4_0].kv_path = "avx2";
}
#endif
