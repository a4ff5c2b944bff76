/* x86_64 AVX2 Q4_1 x Q8_1, Q5_0 x Q8_0 and Q5_1 x Q8_1. A block's 16 packed bytes become its 32 weights
 * in activation order (low lane = low nibbles = elements 0..15, high lane = high nibbles = 16..31).
 * The 5th bit: qh's 32 bits are broadcast, byte k picks qh byte k/8 (one shuffle) and tests bit k%8 (AND
 * and compare with a 1,2,4..128 pattern), giving 0xFF where bit k is set.
 *  - Q4_1 / Q5_1: the weights are unsigned (the nibble; nibble | 0x10 where the bit is set), maddubs's
 *    unsigned operand as they are. The minimum enters as the block's m * s (s = dy * sum(y), stored by
 *    the Q8_1 quantizer), exactly the generic dot's term.
 *  - Q5_0: nibble | 0xF0 where the bit is clear is, as a signed byte, nibble - 16 (the plain nibble where
 *    it is set), the weight itself in -16..15; maddubs gets |q| and y carrying q's sign (|y| <= 127 from
 *    the Q8_0 quantizer, so moving the sign cannot overflow).
 * Four blocks at a time: their int16 pair sums are folded (unpack + add, each int16 then holds 8 products,
 * |sum| <= 8 * 31 * 128 < 32768) to one int32 per block and lane, [b0 b1 b2 b3 | b0 b1 b2 b3], so one
 * convert and one FMA serve four blocks; the four d (and m, s) halves are gathered in general registers
 * and converted in one instruction. Integer sums are exact; only the float accumulation is reassociated
 * (vectorised, FMA, the m * s terms summed apart).
 * One kernel serves one token (decode) and four (prefill): each weight block is unpacked once and every
 * token keeps the one-token dot's operations in the same order, so outputs are bit-identical. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

#define INLINE __attribute__((always_inline)) inline

enum { Q4_1, Q5_0, Q5_1 }; /* kernel kinds; always a constant, so every branch on it folds away */

static INLINE int load32(const void *p) {
    int v;
    memcpy(&v, p, sizeof(v));
    return v;
}

/* The 32 nibbles of one block in activation order (values 0..15). */
AVX2 static INLINE __m256i block_nibbles(const uint8_t *qs) {
    /* broadcast load (no shuffle uop), then the high lane shifted by 4 */
    const __m256i b = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *) qs));
    return _mm256_and_si256(_mm256_srlv_epi64(b, _mm256_setr_epi64x(0, 0, 4, 4)), _mm256_set1_epi8(0x0F));
}

/* 0xFF in byte k where bit k of the block's qh is set, else 0. */
AVX2 static INLINE __m256i block_high_bits(const uint8_t *qh) {
    const __m256i pick = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                          2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bit = _mm256_set1_epi64x((long long) 0x8040201008040201ULL);
    const __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32(load32(qh)), pick);
    return _mm256_cmpeq_epi8(_mm256_and_si256(bytes, bit), bit);
}

/* One block's weights: `a` is maddubs's unsigned operand, `q` (Q5_0 only) the signed weights whose
 * signs move onto the activations. */
typedef struct { __m256i a, q; } weights;

AVX2 static INLINE weights block_weights(const uint8_t *b, int kind) { /* byte offsets: b may be odd */
    weights w;
    if (kind == Q4_1) {
        w.a = w.q = block_nibbles(b + offsetof(block_q4_1, qs));
    } else if (kind == Q5_1) {
        const __m256i hi = _mm256_and_si256(block_high_bits(b + offsetof(block_q5_1, qh)), _mm256_set1_epi8(0x10));
        w.a = w.q = _mm256_or_si256(block_nibbles(b + offsetof(block_q5_1, qs)), hi);
    } else {
        const __m256i hi = _mm256_andnot_si256(block_high_bits(b + offsetof(block_q5_0, qh)), _mm256_set1_epi8((char) 0xF0));
        w.q = _mm256_or_si256(block_nibbles(b + offsetof(block_q5_0, qs)), hi);
        w.a = _mm256_sign_epi8(w.q, w.q);
    }
    return w;
}

/* 16 int16 sums of adjacent weight * activation products of one block (pairs <= 2 * 31 * 128). */
AVX2 static INLINE __m256i pair_sums(weights w, const int8_t *y, int kind) {
    const __m256i yv = _mm256_loadu_si256((const __m256i *) y);
    return _mm256_maddubs_epi16(w.a, kind == Q5_0 ? _mm256_sign_epi8(yv, w.q) : yv);
}

/* Four blocks' int16 pair sums folded to int32 [b0 b1 b2 b3 | b0 b1 b2 b3] (each an 8-product int16 sum
 * before the final madd, in range as the header says). */
AVX2 static INLINE __m256i fold4(__m256i p0, __m256i p1, __m256i p2, __m256i p3) {
    const __m256i p01 = _mm256_add_epi16(_mm256_unpacklo_epi32(p0, p1), _mm256_unpackhi_epi32(p0, p1));
    const __m256i p23 = _mm256_add_epi16(_mm256_unpacklo_epi32(p2, p3), _mm256_unpackhi_epi32(p2, p3));
    const __m256i p = _mm256_add_epi16(_mm256_unpacklo_epi64(p01, p23), _mm256_unpackhi_epi64(p01, p23));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

/* The half at p as a float (rows may start at odd addresses). */
AVX2 static INLINE float half_at(const uint8_t *p) {
    k3k_half h;
    memcpy(&h, p, sizeof(h));
    return H2F(h);
}

/* The halves at p, p + stride, p + 2 stride, p + 3 stride (the d, or the m / s, of four blocks) as floats:
 * gathered in general registers (idle integer ports) and converted in one step. */
AVX2 static INLINE __m128 halves4(const uint8_t *p, size_t stride) {
    uint16_t h[4];
    for (int k = 0; k < 4; k++) memcpy(&h[k], p + k * stride, 2);
    const uint64_t v = h[0] | (uint64_t) h[1] << 16 | (uint64_t) h[2] << 32 | (uint64_t) h[3] << 48;
    return _mm_cvtph_ps(_mm_cvtsi64_si128((long long) v));
}

AVX2 static INLINE float hsum4(__m128 v) {
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v)));
}

AVX2 static INLINE void legacy_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt,
                                      int kind) {
    const size_t bs = kind == Q4_1 ? sizeof(block_q4_1) : kind == Q5_1 ? sizeof(block_q5_1) : sizeof(block_q5_0);
    const size_t ys = kind == Q5_0 ? sizeof(block_q8_0) : sizeof(block_q8_1);
    const size_t yq = kind == Q5_0 ? offsetof(block_q8_0, qs) : offsetof(block_q8_1, qs);
    const uint8_t *x = vx, *y[4];
    const int nb = n / 32;
    __m256 acc[4];
    __m128 accm[4]; /* the m * s terms (Q4_1, Q5_1) */
    for (int t = 0; t < nt; t++) {
        y[t] = (const uint8_t *) vy + t * by;
        acc[t] = _mm256_setzero_ps();
        accm[t] = _mm_setzero_ps();
    }
    int i = 0;
    for (; i + 4 <= nb; i += 4) {
        const uint8_t *b = x + i * bs;
        prefetch_ahead(b, 4 * bs);
        const weights w0 = block_weights(b, kind), w1 = block_weights(b + bs, kind);
        const weights w2 = block_weights(b + 2 * bs, kind), w3 = block_weights(b + 3 * bs, kind);
        const __m128 dx = halves4(b, bs), mx = kind != Q5_0 ? halves4(b + 2, bs) : dx;
        for (int t = 0; t < nt; t++) {
            const uint8_t *yb = y[t] + i * ys;
            const int8_t *q = (const int8_t *) (yb + yq);
            const __m256i sums = fold4(pair_sums(w0, q, kind), pair_sums(w1, q + ys, kind), pair_sums(w2, q + 2 * ys, kind),
                                       pair_sums(w3, q + 3 * ys, kind));
            const __m128 sc = _mm_mul_ps(dx, halves4(yb, ys));
            acc[t] = _mm256_fmadd_ps(_mm256_set_m128(sc, sc), _mm256_cvtepi32_ps(sums), acc[t]);
            if (kind != Q5_0) accm[t] = _mm_add_ps(accm[t], _mm_mul_ps(mx, halves4(yb + 2, ys)));
        }
    }
    for (; i < nb; i++) { /* the last 0-3 blocks one by one */
        const uint8_t *b = x + i * bs;
        const weights w = block_weights(b, kind);
        const float dx = half_at(b), mx = kind != Q5_0 ? half_at(b + 2) : 0;
        for (int t = 0; t < nt; t++) {
            const uint8_t *yb = y[t] + i * ys;
            const __m256i sums = _mm256_madd_epi16(pair_sums(w, (const int8_t *) (yb + yq), kind), _mm256_set1_epi16(1));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(dx * half_at(yb)), _mm256_cvtepi32_ps(sums), acc[t]);
            if (kind != Q5_0) accm[t] = _mm_add_ss(accm[t], _mm_set_ss(mx * half_at(yb + 2)));
        }
    }
    for (int t = 0; t < nt; t++) s[t * s_stride] = kind != Q5_0 ? hsum_ps(acc[t]) + hsum4(accm[t]) : hsum_ps(acc[t]);
}

AVX2 static INLINE void q4_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(n, s, s_stride, vx, vy, by, nt, Q4_1);
}
AVX2 static INLINE void q5_0_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(n, s, s_stride, vx, vy, by, nt, Q5_0);
}
AVX2 static INLINE void q5_1_tokens(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by, int nt) {
    legacy_tokens(n, s, s_stride, vx, vy, by, nt, Q5_1);
}

K3K_TOKEN_ENTRIES(AVX2, dot_q4_1, q4_1_tokens)
K3K_TOKEN_ENTRIES(AVX2, dot_q5_0, q5_0_tokens)
K3K_TOKEN_ENTRIES(AVX2, dot_q5_1, q5_1_tokens)

void k3k_install_x86_avx2_legacy(k3k_type_traits *t) {
    k3k_set_dots(&t[K3K_Q4_1], dot_q4_1, dot_q4_1_4t, "avx2");
    k3k_set_dots(&t[K3K_Q5_0], dot_q5_0, dot_q5_0_4t, "avx2");
    k3k_set_dots(&t[K3K_Q5_1], dot_q5_1, dot_q5_1_4t, "avx2");
}

#else
void k3k_install_x86_avx2_legacy(k3k_type_traits *t);
void k3k_install_x86_avx2_legacy(k3k_type_traits *t) {
    (void) t;
}
#endif
