/* x86_64 AVX2 Q4_0 x Q8_0, the decode-critical type. Two blocks per 256-bit step: block i's 16 packed
 * bytes in the low lane, block i+1's in the high lane, so one AND gives both blocks' low nibbles and one
 * shift+AND both high nibbles. The activation side is laid out to match once per token (after the
 * reference Q8_0 blocks, which stay as they are): per block pair the 64 activation bytes reordered as
 * [y_i 0..15 | y_i+1 0..15 | y_i 16..31 | y_i+1 16..31], the scales as floats, and 8 * y summed the way
 * maddubs+madd sum, so the nibbles stay unsigned: sum((q - 8) y) = sum(q y) - sum(8 y), exact in int32. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

/* aux bytes per block: float scale, half of a pair's int32x8 correction, half of a pair's 64 bytes */
#define Q4_0_AUX (4 + 16 + 32)

typedef struct {
    const float *ys;     /* [nb] activation scales */
    const int32_t *y8p;  /* [nb / 2][8] 8 * y, pair lanes */
    const int8_t *yp;    /* [nb / 2][64] pair-interleaved activations */
} q4_0_act;

static inline q4_0_act act_view(const void *vy, int n) {
    const int nb = n / QK8_0;
    q4_0_act a;
    a.ys = (const float *) ((const uint8_t *) vy + k3k_act_aux_offset(K3K_Q8_0, n));
    a.y8p = (const int32_t *) (a.ys + ((nb + 7) & ~7));
    a.yp = (const int8_t *) (a.y8p + 8 * (nb / 2));
    return a;
}

AVX2 static void from_float_q4_0_act(const float *x, void *vy, int64_t n) {
    k3k_quantize_row_q8_0_avx2(x, vy, n);
    const int nb = (int) (n / QK8_0);
    const block_q8_0 *y = vy;
    const q4_0_act a = act_view(vy, (int) n);
    float *ys = (float *) a.ys;
    int32_t *y8p = (int32_t *) a.y8p;
    int8_t *yp = (int8_t *) a.yp;
    const __m256i ones = _mm256_set1_epi16(1), eights = _mm256_set1_epi8(8);
    for (int i = 0; i < nb; i++) ys[i] = H2F(y[i].d);
    for (int p = 0; p < nb / 2; p++) {
        const block_q8_0 *b0 = &y[2 * p], *b1 = &y[2 * p + 1];
        int8_t *o = yp + 64 * p;
        memcpy(o, b0->qs, 16);
        memcpy(o + 16, b1->qs, 16);
        memcpy(o + 32, b0->qs + 16, 16);
        memcpy(o + 48, b1->qs + 16, 16);
        const __m256i lo = _mm256_loadu_si256((const __m256i *) o), hi = _mm256_loadu_si256((const __m256i *) (o + 32));
        const __m256i s16 = _mm256_add_epi16(_mm256_maddubs_epi16(eights, lo), _mm256_maddubs_epi16(eights, hi));
        _mm256_storeu_si256((__m256i *) (y8p + 8 * p), _mm256_madd_epi16(s16, ones));
    }
}

/* int32 lanes 0-3: block i's partial sums, 4-7: block i+1's, of (q - 8) * y. */
AVX2 static inline __m256i pair_dot(const block_q4_0 *x, const int8_t *yp, const int32_t *y8p) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i xv = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *) x[0].qs)),
                                               _mm_loadu_si128((const __m128i *) x[1].qs), 1);
    const __m256i lo = _mm256_and_si256(xv, m4), hi = _mm256_and_si256(_mm256_srli_epi16(xv, 4), m4);
    const __m256i p16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) yp)),
                                         _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (yp + 32))));
    return _mm256_sub_epi32(_mm256_madd_epi16(p16, _mm256_set1_epi16(1)), _mm256_loadu_si256((const __m256i *) y8p));
}

/* A lone last block (odd block count), from the plain Q8_0 block: signed nibbles and the sign trick. */
AVX2 static inline __m256i tail_dot(const block_q4_0 *x, const block_q8_0 *y) {
    const __m128i b = _mm_loadu_si128((const __m128i *) x->qs);
    const __m256i q = _mm256_sub_epi8(_mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(b, 4), b), _mm256_set1_epi8(0x0F)),
                                      _mm256_set1_epi8(8));
    const __m256i yv = _mm256_loadu_si256((const __m256i *) y->qs);
    const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(yv, q));
    return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

/* The eight scales of blocks i..i+7 (dx converted in one instruction, times the float dy). */
AVX2 static inline __m256 scales8(const block_q4_0 *x, const float *ys) {
    const __m128i hx = _mm_set_epi16((short) x[7].d, (short) x[6].d, (short) x[5].d, (short) x[4].d,
                                     (short) x[3].d, (short) x[2].d, (short) x[1].d, (short) x[0].d);
    return _mm256_mul_ps(_mm256_cvtph_ps(hx), _mm256_loadu_ps(ys));
}

/* Lane pattern picking pair k's two scales: [2k x4 | 2k+1 x4]. */
AVX2 static inline __m256i pair_lanes(int k) {
    return _mm256_setr_epi32(2 * k, 2 * k, 2 * k, 2 * k, 2 * k + 1, 2 * k + 1, 2 * k + 1, 2 * k + 1);
}

/* The float tail shared by both dots: blocks from `from` on, one pair or block at a time. */
AVX2 static inline __m256 dot_rest(const block_q4_0 *x, const block_q8_0 *y, const q4_0_act *a, int from, int nb, __m256 acc) {
    int i = from;
    for (; i + 2 <= nb; i += 2) {
        const __m256i p = pair_dot(&x[i], a->yp + 32 * i, a->y8p + 4 * i);
        const __m256 sc = _mm256_setr_m128(_mm_set1_ps(H2F(x[i].d) * a->ys[i]), _mm_set1_ps(H2F(x[i + 1].d) * a->ys[i + 1]));
        acc = _mm256_fmadd_ps(sc, _mm256_cvtepi32_ps(p), acc);
    }
    if (i < nb) acc = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * a->ys[i]), _mm256_cvtepi32_ps(tail_dot(&x[i], &y[i])), acc);
    return acc;
}

AVX2 static void dot_q4_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q4_0 *x = vx;
    const int nb = n / QK8_0;
    const q4_0_act a = act_view(vy, n);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= nb; i += 8) {
        prefetch_ahead(&x[i], 8 * sizeof(x[i]));
        const __m256 sc = scales8(&x[i], a.ys + i);
        for (int k = 0; k < 4; k += 2) {
            const __m256i p0 = pair_dot(&x[i + 2 * k], a.yp + 32 * (i + 2 * k), a.y8p + 4 * (i + 2 * k));
            const __m256i p1 = pair_dot(&x[i + 2 * k + 2], a.yp + 32 * (i + 2 * k + 2), a.y8p + 4 * (i + 2 * k + 2));
            acc0 = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(sc, pair_lanes(k)), _mm256_cvtepi32_ps(p0), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(sc, pair_lanes(k + 1)), _mm256_cvtepi32_ps(p1), acc1);
        }
    }
    acc0 = dot_rest(x, vy, &a, i, nb, acc0);
    *s = hsum_ps(_mm256_add_ps(acc0, acc1));
}

/* Four tokens at once: each weight pair is loaded and unpacked once. Per token the accumulators, their
 * order and the final sum are dot_q4_0_q8_0's, so every output is bit-identical to the one-token dot. */
AVX2 static void dot_4t_q4_0_q8_0(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by) {
    const block_q4_0 *x = vx;
    const int nb = n / QK8_0;
    q4_0_act a[4];
    for (int t = 0; t < 4; t++) a[t] = act_view((const uint8_t *) vy + t * by, n);
    const __m256i m4 = _mm256_set1_epi8(0x0F), ones = _mm256_set1_epi16(1);
    __m256 acc0[4], acc1[4];
    for (int t = 0; t < 4; t++) acc0[t] = acc1[t] = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= nb; i += 8) {
        const __m256 dx = _mm256_cvtph_ps(_mm_set_epi16((short) x[i + 7].d, (short) x[i + 6].d, (short) x[i + 5].d,
                                                        (short) x[i + 4].d, (short) x[i + 3].d, (short) x[i + 2].d,
                                                        (short) x[i + 1].d, (short) x[i].d));
        for (int k = 0; k < 4; k++) {
            const int b = i + 2 * k;
            const __m256i xv = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *) x[b].qs)),
                                                       _mm_loadu_si128((const __m128i *) x[b + 1].qs), 1);
            const __m256i lo = _mm256_and_si256(xv, m4), hi = _mm256_and_si256(_mm256_srli_epi16(xv, 4), m4);
            for (int t = 0; t < 4; t++) {
                const __m256 sc = _mm256_mul_ps(dx, _mm256_loadu_ps(a[t].ys + i));
                const int8_t *yp = a[t].yp + 32 * b;
                const __m256i p16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) yp)),
                                                     _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (yp + 32))));
                const __m256i p = _mm256_sub_epi32(_mm256_madd_epi16(p16, ones), _mm256_loadu_si256((const __m256i *) (a[t].y8p + 4 * b)));
                const __m256 scale = _mm256_permutevar8x32_ps(sc, pair_lanes(k)), f = _mm256_cvtepi32_ps(p);
                if (k & 1) acc1[t] = _mm256_fmadd_ps(scale, f, acc1[t]);
                else acc0[t] = _mm256_fmadd_ps(scale, f, acc0[t]);
            }
        }
    }
    for (int t = 0; t < 4; t++) {
        const __m256 rest = dot_rest(x, (const block_q8_0 *) ((const uint8_t *) vy + t * by), &a[t], i, nb, acc0[t]);
        s[t * s_stride] = hsum_ps(_mm256_add_ps(rest, acc1[t]));
    }
}

void k3k_install_x86_avx2_q4_0(k3k_type_traits *t) {
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q4_0].dot_4t = dot_4t_q4_0_q8_0;
    t[K3K_Q4_0].from_float = from_float_q4_0_act;
    t[K3K_Q4_0].act_aux_per_block = Q4_0_AUX;
    t[K3K_Q4_0].path = "avx2";
}

#else
void k3k_install_x86_avx2_q4_0(k3k_type_traits *t);
void k3k_install_x86_avx2_q4_0(k3k_type_traits *t) {
    (void) t;
}
#endif
