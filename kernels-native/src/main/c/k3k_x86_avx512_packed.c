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
#include "k3k_x86_avx2.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,f16c,fma")))
#define INLINE AVX512 static inline __attribute__((always_inline))

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

/* Both groups' streams PREFETCH_AHEAD bytes ahead, as the eight-row kernels read theirs. The tiles run from
 * nine tokens on (prefill), where it is within the noise (k3k_bench's 32-token GEMM, GMAC/s with / without,
 * three alternated runs: Q4_0 138-149 / 136-156, Q8_0 102-119 / 103-109, Q4_K 146-155 / 127-149, Q6_K
 * 85-93 / 85-99); it did not lift the tiles' one-token rate from memory either. */
static inline void prefetch_pair(const void *b0, const void *b1, size_t bytes) {
    prefetch_ahead(b0, bytes);
    prefetch_ahead(b1, bytes);
}

/* The sixteen rows' scales as floats. */
AVX512 static inline __m512 pair_scales(const uint16_t *d0, const uint16_t *d1) {
    const __m256i h = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *) d0)),
                                              _mm_loadu_si128((const __m128i *) d1), 1);
    return _mm512_cvtph_ps(h);
}

/* acc[t] += sum[t] * (dx * dy[t]), the generic model's order: product first, one rounding each. The
 * callers subtract the activation's correction from the integer sum first (exact in int32). */
AVX512 static inline __m512 accumulate(__m512 acc, __m512i sum, __m512 dx, float dy) {
    const __m512 d = _mm512_mul_ps(dx, _mm512_set1_ps(dy));
    return _mm512_add_ps(acc, _mm512_mul_ps(_mm512_cvtepi32_ps(sum), d));
}

/* The tile's activation views and zeroed accumulators. */
INLINE void start_tile(k3k_packed_act *a, __m512 *acc, const uint8_t *act, size_t act_stride, int n_tok,
                                     int nb) {
    for (int t = 0; t < n_tok; t++) {
        a[t] = k3k_packed_act_view(act + (size_t) t * act_stride, nb);
        acc[t] = _mm512_setzero_ps();
    }
}

INLINE void store_tile(const __m512 *acc, int n_tok, float *y, size_t y_stride) {
    for (int t = 0; t < n_tok; t++) _mm512_storeu_ps(y + (size_t) t * y_stride, acc[t]);
}

/* The tiles are written once as always-inline bodies over a token count N and instantiated for
 * N = 1..8 (TOKEN_COUNTS): with N a constant the token loops unroll and the N accumulators stay in
 * registers instead of a stack array indexed at run time. */
#define TOKEN_COUNTS(BODY, ...)                                      \
    switch (n_tok) {                                                 \
    case 8: BODY(8, __VA_ARGS__); break;                             \
    case 7: BODY(7, __VA_ARGS__); break;                             \
    case 6: BODY(6, __VA_ARGS__); break;                             \
    case 5: BODY(5, __VA_ARGS__); break;                             \
    case 4: BODY(4, __VA_ARGS__); break;                             \
    case 3: BODY(3, __VA_ARGS__); break;                             \
    case 2: BODY(2, __VA_ARGS__); break;                             \
    default: BODY(1, __VA_ARGS__); break;                            \
    }

INLINE void q4_0x16_tile(const int N, int nb, const block_q4_0x8 *x0, const block_q4_0x8 *x1, const uint8_t *act,
                         size_t act_stride, float *y, size_t y_stride) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    k3k_packed_act a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile(a, acc, act, act_stride, N, nb);
    for (int b = 0; b < nb; b++) {
        prefetch_pair(&x0[b], &x1[b], sizeof(x0[b]));
        __m512i lo[4], hi[4];
        for (int k = 0; k < 4; k++) {
            const __m512i q = pair_chunk(x0[b].qs + 32 * k, x1[b].qs + 32 * k);
            lo[k] = _mm512_and_si512(q, m4);
            hi[k] = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);
        }
        /* weight vector outer, token inner: the N sums' chains interleave, so each vpdpbusd waits on
         * one N instructions back rather than on the one before it */
        __m512i s[K3K_PACKED_PAIR_TOKENS];
        for (int t = 0; t < N; t++) s[t] = _mm512_setzero_si512();
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < N; t++) s[t] = _mm512_dpbusd_epi32(s[t], lo[k], bcast4(a[t].q[b].qs + 4 * k));
            for (int t = 0; t < N; t++) s[t] = _mm512_dpbusd_epi32(s[t], hi[k], bcast4(a[t].q[b].qs + 16 + 4 * k));
        }
        const __m512 dx = pair_scales(x0[b].d, x1[b].d);
        for (int t = 0; t < N; t++) acc[t] = accumulate(acc[t], _mm512_sub_epi32(s[t], _mm512_set1_epi32(a[t].sum8[b])), dx, a[t].d[b]);
    }
    store_tile(acc, N, y, y_stride);
}

AVX512 static void q4_0x16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    TOKEN_COUNTS(q4_0x16_tile, nb, vx0, vx1, act, act_stride, y, y_stride)
}

INLINE void q8_0x16_tile(const int N, int nb, const block_q8_0x8 *x0, const block_q8_0x8 *x1, const uint8_t *act,
                         size_t act_stride, float *y, size_t y_stride) {
    const __m512i bias = _mm512_set1_epi8((char) 0x80);
    k3k_packed_act a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile(a, acc, act, act_stride, N, nb);
    for (int b = 0; b < nb; b++) {
        prefetch_pair(&x0[b], &x1[b], sizeof(x0[b]));
        __m512i w[8];
        for (int k = 0; k < 8; k++)
            w[k] = _mm512_xor_si512(pair_chunk((const uint8_t *) x0[b].qs + 32 * k, (const uint8_t *) x1[b].qs + 32 * k), bias);
        __m512i s[K3K_PACKED_PAIR_TOKENS];
        for (int t = 0; t < N; t++) s[t] = _mm512_setzero_si512();
        for (int k = 0; k < 8; k++)
            for (int t = 0; t < N; t++) s[t] = _mm512_dpbusd_epi32(s[t], w[k], bcast4(a[t].q[b].qs + 4 * k));
        const __m512 dx = pair_scales(x0[b].d, x1[b].d);
        /* 128 sum(y) = 16 (8 sum(y)), exact: |16 * 8 * 32 * 128| < 2^20 */
        for (int t = 0; t < N; t++)
            acc[t] = accumulate(acc[t], _mm512_sub_epi32(s[t], _mm512_set1_epi32(16 * a[t].sum8[b])), dx, a[t].d[b]);
    }
    store_tile(acc, N, y, y_stride);
}

AVX512 static void q8_0x16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    TOKEN_COUNTS(q8_0x16_tile, nb, vx0, vx1, act, act_stride, y, y_stride)
}

/* The K-quant tiles' activation views (Q8_K blocks and their aux sums) and zeroed accumulators. */
INLINE void start_tile_k(k3k_packed_act_k *a, __m512 *acc, const uint8_t *act, size_t act_stride, int n_tok,
                                       int nb) {
    for (int t = 0; t < n_tok; t++) {
        a[t] = k3k_packed_act_k_view(act + (size_t) t * act_stride, nb);
        acc[t] = _mm512_setzero_ps();
    }
}

/* Sixteen bytes, eight from each group's [row] array, in one 128-bit register. */
AVX512 static inline __m128i pair_bytes16(const void *b0, const void *b1) {
    long long u0, u1;
    memcpy(&u0, b0, 8);
    memcpy(&u1, b1, 8);
    return _mm_set_epi64x(u1, u0);
}
/* ... widened to the sixteen int32 lanes, unsigned (Q4_K's scales and mins) or signed (Q6_K's scales). */
AVX512 static inline __m512i pair_bytes(const uint8_t *b0, const uint8_t *b1) { return _mm512_cvtepu8_epi32(pair_bytes16(b0, b1)); }
AVX512 static inline __m512i pair_sbytes(const int8_t *b0, const int8_t *b1) { return _mm512_cvtepi8_epi32(pair_bytes16(b0, b1)); }

/* One sub-block half (low or high nibbles) of 64-element group j for the N tokens: sums interleaved
 * over the tokens per chunk, then one multiply by each row's scale into sumi. */
INLINE void q4_K_half(const int N, const uint8_t *q0, const uint8_t *q1, int shift, const int8_t *const *yq,
                      __m512i sc, __m512i *sumi) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    __m512i s[K3K_PACKED_PAIR_TOKENS];
    for (int t = 0; t < N; t++) s[t] = _mm512_setzero_si512();
    for (int k = 0; k < 8; k++) {
        const __m512i q = pair_chunk(q0 + 32 * k, q1 + 32 * k);
        const __m512i w = _mm512_and_si512(shift ? _mm512_srli_epi16(q, 4) : q, m4);
        for (int t = 0; t < N; t++) s[t] = _mm512_dpbusd_epi32(s[t], w, bcast4(yq[t] + 4 * k));
    }
    for (int t = 0; t < N; t++) sumi[t] = _mm512_add_epi32(sumi[t], _mm512_mullo_epi32(s[t], sc));
}

/* Q4_K x16: per 64-element group j, vpdpbusd sums each sub-block's 32 products of nibble x activation in
 * int32 (too wide for int16: 15 x 128 x 32), one multiply by the row's 6-bit scale adds it to sumi; the
 * mins are sum_s m_s bsum_s by vpdpwssd of [m_2i, m_2i+1] int16 pairs against the activation's pairs. */
INLINE void q4_Kx16_tile(const int N, int nb, const block_q4_Kx8 *x0, const block_q4_Kx8 *x1, const uint8_t *act,
                         size_t act_stride, float *y, size_t y_stride) {
    k3k_packed_act_k a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile_k(a, acc, act, act_stride, N, nb);
    for (int b = 0; b < nb; b++) {
        prefetch_pair(&x0[b], &x1[b], sizeof(x0[b]));
        __m512i sumi[K3K_PACKED_PAIR_TOKENS];
        for (int t = 0; t < N; t++) sumi[t] = _mm512_setzero_si512();
        for (int j = 0; j < 4; j++) {
            const int8_t *yq[K3K_PACKED_PAIR_TOKENS];
            for (int t = 0; t < N; t++) yq[t] = a[t].q[b].qs + 64 * j;
            q4_K_half(N, x0[b].qs + 256 * j, x1[b].qs + 256 * j, 0, yq, pair_bytes(x0[b].sc[2 * j], x1[b].sc[2 * j]), sumi);
            for (int t = 0; t < N; t++) yq[t] += 32;
            q4_K_half(N, x0[b].qs + 256 * j, x1[b].qs + 256 * j, 1, yq, pair_bytes(x0[b].sc[2 * j + 1], x1[b].sc[2 * j + 1]),
                      sumi);
        }
        __m512i mp[4];
        for (int i = 0; i < 4; i++)
            mp[i] = _mm512_or_si512(pair_bytes(x0[b].m[2 * i], x1[b].m[2 * i]),
                                    _mm512_slli_epi32(pair_bytes(x0[b].m[2 * i + 1], x1[b].m[2 * i + 1]), 16));
        const __m512 d = pair_scales(x0[b].d, x1[b].d), dmin = pair_scales(x0[b].dmin, x1[b].dmin);
        for (int t = 0; t < N; t++) {
            const int32_t *yp = a[t].aux + 4 * b;
            __m512i mins = _mm512_setzero_si512();
            for (int i = 0; i < 4; i++) mins = _mm512_dpwssd_epi32(mins, mp[i], _mm512_set1_epi32(yp[i]));
            const __m512 dy = _mm512_set1_ps(a[t].q[b].d);
            acc[t] = _mm512_sub_ps(_mm512_add_ps(acc[t], _mm512_mul_ps(_mm512_cvtepi32_ps(sumi[t]), _mm512_mul_ps(d, dy))),
                                   _mm512_mul_ps(_mm512_cvtepi32_ps(mins), _mm512_mul_ps(dmin, dy)));
        }
    }
    store_tile(acc, N, y, y_stride);
}

AVX512 static void q4_Kx16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    TOKEN_COUNTS(q4_Kx16_tile, nb, vx0, vx1, act, act_stride, y, y_stride)
}

/* Elements 128 n + 32 st + 4 c.. of sixteen rows as 6-bit values (0..63): four bits from ql, two from qh. */
AVX512 static inline __m512i q6_stream(const block_q6_Kx8 *x0, const block_q6_Kx8 *x1, int n, int st, int c) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const size_t lo_at = 512 * (size_t) n + 32 * (size_t) (c + (st & 1 ? 8 : 0)), hi_at = 256 * (size_t) n + 32 * (size_t) c;
    const __m512i a = pair_chunk(x0->ql + lo_at, x1->ql + lo_at), h = pair_chunk(x0->qh + hi_at, x1->qh + hi_at);
    const __m512i low = st < 2 ? _mm512_and_si512(a, m4) : _mm512_and_si512(_mm512_srli_epi16(a, 4), m4);
    /* bits 2 st, 2 st + 1 of h moved to bits 4, 5 */
    const __m512i top = _mm512_and_si512(st < 2 ? _mm512_slli_epi16(h, 4 - 2 * st) : _mm512_srli_epi16(h, 2 * st - 4),
                                         _mm512_set1_epi8(0x30));
    return _mm512_or_si512(low, top);
}

/* Q6_K x16: per 16-element sub-block, vpdpbusd sums q y of the unsigned 6-bit values and one multiply by the
 * row's signed scale adds it; the offset, sum((q - 32) y) = sum(q y) - 32 sum(y), comes once per super-block
 * as 32 sum_s sc_s bsum_s by vpdpwssd of [sc_2i, sc_2i+1] pairs against the activation's bsums pairs. */
INLINE void q6_Kx16_tile(const int N, int nb, const block_q6_Kx8 *x0, const block_q6_Kx8 *x1, const uint8_t *act,
                         size_t act_stride, float *y, size_t y_stride) {
    k3k_packed_act_k a[K3K_PACKED_PAIR_TOKENS];
    __m512 acc[K3K_PACKED_PAIR_TOKENS];
    start_tile_k(a, acc, act, act_stride, N, nb);
    for (int b = 0; b < nb; b++) {
        prefetch_pair(&x0[b], &x1[b], sizeof(x0[b]));
        __m512i sumi[K3K_PACKED_PAIR_TOKENS];
        for (int t = 0; t < N; t++) sumi[t] = _mm512_setzero_si512();
        for (int n = 0; n < 2; n++)
            for (int st = 0; st < 4; st++) {
                __m512i e[8];
                for (int c = 0; c < 8; c++) e[c] = q6_stream(&x0[b], &x1[b], n, st, c);
                const int sub = 8 * n + 2 * st;
                const __m512i sc0 = pair_sbytes(x0[b].sc[sub], x1[b].sc[sub]);
                const __m512i sc1 = pair_sbytes(x0[b].sc[sub + 1], x1[b].sc[sub + 1]);
                /* each 16-element sub-block's sums interleaved over the tokens, then its scale */
                for (int h = 0; h < 2; h++) {
                    __m512i sum[K3K_PACKED_PAIR_TOKENS];
                    for (int t = 0; t < N; t++) sum[t] = _mm512_setzero_si512();
                    for (int c = 0; c < 4; c++)
                        for (int t = 0; t < N; t++)
                            sum[t] = _mm512_dpbusd_epi32(sum[t], e[4 * h + c], bcast4(a[t].q[b].qs + 128 * n + 32 * st + 16 * h + 4 * c));
                    for (int t = 0; t < N; t++) sumi[t] = _mm512_add_epi32(sumi[t], _mm512_mullo_epi32(sum[t], h ? sc1 : sc0));
                }
            }
        __m512i sp[8];
        for (int i = 0; i < 8; i++) {
            const __m512i lo = pair_sbytes(x0[b].sc[2 * i], x1[b].sc[2 * i]);
            const __m512i hi = pair_sbytes(x0[b].sc[2 * i + 1], x1[b].sc[2 * i + 1]);
            sp[i] = _mm512_or_si512(_mm512_and_si512(lo, _mm512_set1_epi32(0xFFFF)), _mm512_slli_epi32(hi, 16));
        }
        const __m512 d = pair_scales(x0[b].d, x1[b].d);
        for (int t = 0; t < N; t++) {
            const int16_t *bs = a[t].q[b].bsums;
            __m512i corr = _mm512_setzero_si512();
            for (int i = 0; i < 8; i++) {
                int32_t pair;
                memcpy(&pair, bs + 2 * i, 4);
                corr = _mm512_dpwssd_epi32(corr, sp[i], _mm512_set1_epi32(pair));
            }
            const __m512i total = _mm512_sub_epi32(sumi[t], _mm512_slli_epi32(corr, 5));
            acc[t] = _mm512_add_ps(acc[t], _mm512_mul_ps(_mm512_cvtepi32_ps(total), _mm512_mul_ps(d, _mm512_set1_ps(a[t].q[b].d))));
        }
    }
    store_tile(acc, N, y, y_stride);
}

AVX512 static void q6_Kx16_vnni(int nb, const void *vx0, const void *vx1, const uint8_t *act, size_t act_stride,
                                int n_tok, float *y, size_t y_stride) {
    TOKEN_COUNTS(q6_Kx16_tile, nb, vx0, vx1, act, act_stride, y, y_stride)
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
    t[K3K_Q4_K].packed_pair = q4_Kx16_vnni;
    t[K3K_Q4_K].packed_pair_path = "avx512vnni";
    t[K3K_Q6_K].packed_pair = q6_Kx16_vnni;
    t[K3K_Q6_K].packed_pair_path = "avx512vnni";
    /* a matrix read from memory runs faster through the eight-row VNNI kernels up to eight tokens (decode
     * steps of a batch, speculative verification): one process alternating both over 151936 x 2048, one
     * thread, GB/s x tokens, x8 / x16: Q4_K 1 token 18.9 / 12.0, 4 tokens 63.4 / 37.9, 8 tokens 52.7 / 53.6;
     * Q6_K 19.1 / 7.3, 52.0 / 26.6, 50.8 / 38.0; the tiles win from 16 tokens on (prefill) */
    for (int type = 0; type < K3K_TYPE_COUNT; type++)
        if (t[type].packed_pair) t[type].packed_pair_min_tokens = K3K_PACKED_PAIR_TOKENS + 1;
    k3k_install_x86_avx512_packed_x8(t);
    k3k_install_x86_avx512_fa(t);
    return 1;
}

#else
int k3k_install_x86_avx512(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
