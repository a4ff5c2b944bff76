/* x86_64 AVX2 attention inner loops over the key/value cache: F16 rows widened 8 at a time with F16C,
 * products accumulated with FMA in two independent registers (the loop is latency-bound otherwise). */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

AVX2 static float kv_dot_f16(const float *q, const void *vk, int n) {
    const k3k_half *k = vk;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    int d = 0;
    for (; d + 16 <= n; d += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (k + d))), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (k + d + 8))), a1);
    }
    for (; d + 8 <= n; d += 8)
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (k + d))), a0);
    float s = hsum_ps(_mm256_add_ps(a0, a1));
    for (; d < n; d++) s += q[d] * H2F(k[d]);
    return s;
}

AVX2 static float kv_dot_f32(const float *q, const void *vk, int n) {
    const float *k = vk;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    int d = 0;
    for (; d + 16 <= n; d += 16) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(k + d), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8), _mm256_loadu_ps(k + d + 8), a1);
    }
    for (; d + 8 <= n; d += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(k + d), a0);
    float s = hsum_ps(_mm256_add_ps(a0, a1));
    for (; d < n; d++) s += q[d] * k[d];
    return s;
}

AVX2 static void kv_axpy_f16(float *acc, float p, const void *vv, int n) {
    const k3k_half *v = vv;
    const __m256 pv = _mm256_set1_ps(p);
    int d = 0;
    for (; d + 8 <= n; d += 8)
        _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(pv, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *) (v + d))),
                                                  _mm256_loadu_ps(acc + d)));
    for (; d < n; d++) acc[d] += p * H2F(v[d]);
}

AVX2 static void kv_axpy_f32(float *acc, float p, const void *vv, int n) {
    const float *v = vv;
    const __m256 pv = _mm256_set1_ps(p);
    int d = 0;
    for (; d + 8 <= n; d += 8)
        _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(pv, _mm256_loadu_ps(v + d), _mm256_loadu_ps(acc + d)));
    for (; d < n; d++) acc[d] += p * v[d];
}

void k3k_install_x86_avx2_kv(k3k_type_traits *t) {
    t[K3K_F16].kv_dot = kv_dot_f16;
    t[K3K_F16].kv_axpy = kv_axpy_f16;
    t[K3K_F32].kv_dot = kv_dot_f32;
    t[K3K_F32].kv_axpy = kv_axpy_f32;
    t[K3K_F16].kv_path = t[K3K_F32].kv_path = "avx2";
}
#endif
