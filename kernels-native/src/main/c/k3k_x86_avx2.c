/* x86_64 AVX2+FMA+F16C dots, compiled with __attribute__((target)) so one library runs on any x86_64 and
 * takes this path only when cpuid reports the features. Integer sums are exact; the float accumulation
 * is vectorised (8 lanes, FMA), so results differ from the generic path only by float reassociation. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c")))
#define H2F k3k_fp16_to_fp32

AVX2 static inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* 8 int32 sums of x*y for signed bytes x, y (maddubs needs one unsigned operand: move x's sign to y). */
AVX2 static inline __m256i dot_i8_i32(__m256i x, __m256i y) {
    const __m256i p16 = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
    return _mm256_madd_epi16(p16, _mm256_set1_epi16(1));
}

/* 16 packed nibble bytes -> 32 bytes: low nibbles then high nibbles, as Q4_0 pairs them with Q8_0. */
AVX2 static inline __m256i nibbles_32(const uint8_t *p) {
    const __m128i b = _mm_loadu_si128((const __m128i *) p);
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(b, 4), b);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

AVX2 static void dot_q4_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    const int nb = n / QK8_0;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 1 < nb; i += 2) {
        const __m256i q0 = _mm256_sub_epi8(nibbles_32(x[i].qs), _mm256_set1_epi8(8));
        const __m256i q1 = _mm256_sub_epi8(nibbles_32(x[i + 1].qs), _mm256_set1_epi8(8));
        const __m256i p0 = dot_i8_i32(q0, _mm256_loadu_si256((const __m256i *) y[i].qs));
        const __m256i p1 = dot_i8_i32(q1, _mm256_loadu_si256((const __m256i *) y[i + 1].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i + 1].d) * H2F(y[i + 1].d)), _mm256_cvtepi32_ps(p1), acc1);
    }
    for (; i < nb; i++) {
        const __m256i q0 = _mm256_sub_epi8(nibbles_32(x[i].qs), _mm256_set1_epi8(8));
        const __m256i p0 = dot_i8_i32(q0, _mm256_loadu_si256((const __m256i *) y[i].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
    }
    *s = hsum_ps(_mm256_add_ps(acc0, acc1));
}

AVX2 static void dot_q8_0_q8_0(int n, float *s, const void *vx, const void *vy) {
    const block_q8_0 *x = vx, *y = vy;
    const int nb = n / QK8_0;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 1 < nb; i += 2) {
        const __m256i p0 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i].qs), _mm256_loadu_si256((const __m256i *) y[i].qs));
        const __m256i p1 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i + 1].qs), _mm256_loadu_si256((const __m256i *) y[i + 1].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i + 1].d) * H2F(y[i + 1].d)), _mm256_cvtepi32_ps(p1), acc1);
    }
    for (; i < nb; i++) {
        const __m256i p0 = dot_i8_i32(_mm256_loadu_si256((const __m256i *) x[i].qs), _mm256_loadu_si256((const __m256i *) y[i].qs));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * H2F(y[i].d)), _mm256_cvtepi32_ps(p0), acc0);
    }
    *s = hsum_ps(_mm256_add_ps(acc0, acc1));
}

AVX2 static void dot_f16(int n, float *s, const void *vx, const void *vy) {
    const k3k_half *x = vx, *y = vy;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    int i = 0;
#define LD(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (p)))
    for (; i + 32 <= n; i += 32) {
        a0 = _mm256_fmadd_ps(LD(x + i), LD(y + i), a0);
        a1 = _mm256_fmadd_ps(LD(x + i + 8), LD(y + i + 8), a1);
        a2 = _mm256_fmadd_ps(LD(x + i + 16), LD(y + i + 16), a2);
        a3 = _mm256_fmadd_ps(LD(x + i + 24), LD(y + i + 24), a3);
    }
    for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(LD(x + i), LD(y + i), a0);
#undef LD
    double sum = hsum_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; i < n; i++) sum += (double) (H2F(x[i]) * H2F(y[i]));
    *s = (float) sum;
}

AVX2 static void dot_q4_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    __m256 acc = _mm256_setzero_ps();
    float summin = 0.0f;
    for (int i = 0; i < n / QK_K; i++) {
        uint8_t sc[8], mn[8];
        for (int j = 0; j < 8; j++) k3k_scale_min_k4(j, x[i].scales, &sc[j], &mn[j]);
        int mins = 0;
        for (int j = 0; j < QK_K / 16; j++) mins += y[i].bsums[j] * mn[j / 2];
        summin += H2F(x[i].dmin) * y[i].d * mins;
        __m256i sumi = _mm256_setzero_si256();
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        for (int j = 0; j < QK_K / 64; j++) {
            const __m256i b = _mm256_loadu_si256((const __m256i *) (q4 + 32 * j));
            const __m256i lo = _mm256_and_si256(b, _mm256_set1_epi8(0x0F));
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(b, 4), _mm256_set1_epi8(0x0F));
            const __m256i plo = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *) (q8 + 64 * j)));
            const __m256i phi = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *) (q8 + 64 * j + 32)));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(plo, _mm256_set1_epi16(sc[2 * j])));
            sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(phi, _mm256_set1_epi16(sc[2 * j + 1])));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = hsum_ps(acc) - summin;
}

AVX2 static void dot_q6_K_q8_K(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(3), k32 = _mm256_set1_epi8(32);
    __m256 acc = _mm256_setzero_ps();
    for (int i = 0; i < n / QK_K; i++) {
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs, *sc = x[i].scales;
        __m256i sumi = _mm256_setzero_si256();
        for (int half = 0; half < 2; half++) {
            const __m256i l0 = _mm256_loadu_si256((const __m256i *) ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *) (ql + 32));
            const __m256i h = _mm256_loadu_si256((const __m256i *) qh);
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(h, m3), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), m3), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), m3), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), m3), 4));
            for (int g = 0; g < 4; g++) {
                const __m256i y8 = _mm256_loadu_si256((const __m256i *) (q8 + 32 * g));
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[g], y8), _mm256_maddubs_epi16(k32, y8));
                const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[2 * g + 1]), _mm_set1_epi16(sc[2 * g]));
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scales));
            }
            ql += 64;
            qh += 32;
            q8 += 128;
            sc += 8;
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(H2F(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = hsum_ps(acc);
}

int k3k_install_x86_avx2(k3k_type_traits *t) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("f16c")) return 0;
    t[K3K_Q4_0].dot = dot_q4_0_q8_0;
    t[K3K_Q4_0].path = "avx2";
    t[K3K_Q8_0].dot = dot_q8_0_q8_0;
    t[K3K_Q8_0].path = "avx2";
    t[K3K_F16].dot = dot_f16;
    t[K3K_F16].path = "avx2";
    t[K3K_Q4_K].dot = dot_q4_K_q8_K;
    t[K3K_Q4_K].path = "avx2";
    t[K3K_Q6_K].dot = dot_q6_K_q8_K;
    t[K3K_Q6_K].path = "avx2";
    return 1;
}

#else
int k3k_install_x86_avx2(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
