/* x86_64 AVX2 attention helpers over the key/value cache: F16 rows widened 8 at a time with F16C (rows, and
 * blocks transposed in 8 x 8 register tiles), Q8_0 and Q4_0 rows dequantised 8 at a time, rounding through F16,
 * and the tiled kernel's micro-kernels compiled for AVX2 (k3k_fa_micro.h). */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_fa_micro.h"
#include "k3k_x86_avx2.h"

K3K_FA_MICRO(AVX2 static, avx2, 2)

/* Eight values of a Q8_0 / Q4_0 block dequantised as the generic rows are, q * d and (nibble - 8) * d: the same
 * bits. Q8_0: qs[k..k+7]; Q4_0: values k..k+7, k in {0, 8, 16, 24}, the low nibbles of qs[0..15] then the high. The
 * rows below and the transposing WIDEN_T loaders both go through these. */
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

/* fa_pv over F16 rows converted in registers: acc_r[d] += p_r[j] v_j[d], j ascending, a multiply then an add as
 * fa_pv's, so the same bits, without writing a widened block that fa_pv reads back (a GQA group of 8 decoding
 * one token spent 10 % of its attention widening V). R rows x W vectors of eight dimensions stay in registers
 * while the keys stream past; each converted V vector serves R rows. */
AVX2 static inline __attribute__((always_inline)) void pv_tile(float *acc, size_t acc_stride, const float *p, size_t p_stride,
                                                                int n, const uint8_t *v, size_t v_stride, int d0, int R, int W) {
    __m256 a[8];
    for (int i = 0; i < R; i++)
        for (int w = 0; w < W; w++) a[i * W + w] = _mm256_loadu_ps(acc + (size_t) i * acc_stride + d0 + 8 * w);
    for (int j = 0; j < n; j++) {
        const k3k_half *vj = (const k3k_half *) (v + (size_t) j * v_stride) + d0;
        __m256 x[4];
        for (int w = 0; w < W; w++) x[w] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (vj + 8 * w)));
        for (int i = 0; i < R; i++) {
            const __m256 pj = _mm256_broadcast_ss(p + (size_t) i * p_stride + j);
            for (int w = 0; w < W; w++) a[i * W + w] = _mm256_add_ps(a[i * W + w], _mm256_mul_ps(pj, x[w]));
        }
    }
    for (int i = 0; i < R; i++)
        for (int w = 0; w < W; w++) _mm256_storeu_ps(acc + (size_t) i * acc_stride + d0 + 8 * w, a[i * W + w]);
}

K3K_KV_PV(AVX2, pv_tile, H2F)

/* Round-to-nearest-even through F16C, as the portable converter rounds. */
AVX2 static void kv_round_f16(float *x, int n) {
    int d = 0;
    for (; d + 8 <= n; d += 8)
        _mm256_storeu_ps(x + d, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(x + d), _MM_FROUND_TO_NEAREST_INT)));
    for (; d < n; d++) x[d] = H2F(_cvtss_sh(x[d], _MM_FROUND_TO_NEAREST_INT));
}

/* Eight rows of eight floats, transposed in registers and stored as eight columns of kt. */
AVX2 static void store_transposed8(__m256 r[8], float *kt, int kt_stride) {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
        u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; i++) {
        _mm256_storeu_ps(kt + (size_t) i * kt_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x20));
        _mm256_storeu_ps(kt + (size_t) (i + 4) * kt_stride, _mm256_permute2f128_ps(u[i], u[i + 4], 0x31));
    }
}

/* kv_widen_t in 8 x 8 tiles (eight values of a row widened or dequantised into a register, register transposes);
 * the ragged edges element by element. LOAD8(row, d): values d..d+7 of a row (d a multiple of 8); ONE(row, d): value d. */
#define WIDEN_T(NAME, LOAD8, ONE)                                                                                  \
    AVX2 static void NAME(const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {          \
        const uint8_t *base = rows;                                                                                \
        int j = 0;                                                                                                 \
        for (; j + 8 <= nk; j += 8) {                                                                              \
            int d = 0;                                                                                             \
            for (; d + 8 <= hd; d += 8) {                                                                          \
                __m256 r[8];                                                                                       \
                for (int i = 0; i < 8; i++) r[i] = LOAD8(base + (size_t) (j + i) * row_stride, d);                 \
                store_transposed8(r, kt + (size_t) d * kt_stride + j, kt_stride);                                  \
            }                                                                                                      \
            for (; d < hd; d++)                                                                                    \
                for (int i = 0; i < 8; i++) kt[(size_t) d * kt_stride + j + i] = ONE(base + (size_t) (j + i) * row_stride, d); \
        }                                                                                                          \
        for (; j < nk; j++)                                                                                        \
            for (int d = 0; d < hd; d++) kt[(size_t) d * kt_stride + j] = ONE(base + (size_t) j * row_stride, d);   \
    }
#define LOAD8_F16(row, d) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) ((const k3k_half *) (row) + (d))))
#define ONE_F16(row, d) H2F(((const k3k_half *) (row))[d])
#define LOAD8_F32(row, d) _mm256_loadu_ps((const float *) (row) + (d))
#define ONE_F32(row, d) (((const float *) (row))[d])
/* Quantised rows: a head is whole blocks of 32 (the cache refuses others), so eight values never cross a block. */
#define Q8_0_BLOCK(row, d) ((const block_q8_0 *) (row) + (d) / 32)
#define LOAD8_Q8_0(row, d) q8_0_values8(Q8_0_BLOCK(row, d)->qs + (d) % 32, _mm256_set1_ps(H2F(Q8_0_BLOCK(row, d)->d)))
#define ONE_Q8_0(row, d) (Q8_0_BLOCK(row, d)->qs[(d) % 32] * H2F(Q8_0_BLOCK(row, d)->d))
#define Q4_0_BLOCK(row, d) ((const block_q4_0 *) (row) + (d) / 32)
#define LOAD8_Q4_0(row, d) q4_0_values8(Q4_0_BLOCK(row, d), (d) % 32, _mm256_set1_ps(H2F(Q4_0_BLOCK(row, d)->d)))
#define ONE_Q4_0(row, d)                                                                                           \
    ((((d) % 32 < 16 ? Q4_0_BLOCK(row, d)->qs[(d) % 16] & 0x0F : Q4_0_BLOCK(row, d)->qs[(d) % 16] >> 4) - 8) *     \
     H2F(Q4_0_BLOCK(row, d)->d))
WIDEN_T(kv_widen_t_f16, LOAD8_F16, ONE_F16)
WIDEN_T(kv_widen_t_f32, LOAD8_F32, ONE_F32)
WIDEN_T(kv_widen_t_q8_0, LOAD8_Q8_0, ONE_Q8_0)
WIDEN_T(kv_widen_t_q4_0, LOAD8_Q4_0, ONE_Q4_0)

void k3k_install_x86_avx2_kv(k3k_type_traits *t) {
    t[K3K_F16].kv_widen_t = kv_widen_t_f16;
    t[K3K_F32].kv_widen_t = kv_widen_t_f32;
    t[K3K_F16].kv_round = kv_round_f16;
    t[K3K_F16].kv_widen = kv_widen_f16;
    t[K3K_F16].kv_pv = kv_pv_f16;
    K3K_FA_INSTALL(t[K3K_F32], avx2, "avx2");
    t[K3K_Q8_0].kv_widen = kv_widen_q8_0;
    t[K3K_Q4_0].kv_widen = kv_widen_q4_0;
    t[K3K_Q8_0].kv_widen_t = kv_widen_t_q8_0;
    t[K3K_Q4_0].kv_widen_t = kv_widen_t_q4_0;
    t[K3K_F16].kv_path = t[K3K_F32].kv_path = t[K3K_Q8_0].kv_path = t[K3K_Q4_0].kv_path = "avx2";
}
#endif
