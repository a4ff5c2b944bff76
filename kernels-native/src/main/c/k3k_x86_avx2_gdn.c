/* x86_64 AVX2 loops of the gated delta rule over one state column: the eight lanes of a register are
 * the generic model's eight partial sums and hsum_ps adds them in its order; and the convolution's tap
 * sums, eight channels at a time. Products and sums stay separate (no FMA), so the results equal the
 * generic ones bit for bit. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_avx2.h"

AVX2 static float gdn_decay_dot(float *m, float decay, const float *k, int s) {
    const __m256 dv = _mm256_set1_ps(decay);
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(m + i), dv);
        _mm256_storeu_ps(m + i, v);
        acc = _mm256_add_ps(acc, _mm256_mul_ps(v, _mm256_loadu_ps(k + i)));
    }
    float sum = hsum_ps(acc);
    for (; i < s; i++) {
        m[i] = m[i] * decay;
        sum += m[i] * k[i];
    }
    return sum;
}

AVX2 static float gdn_update_dot(float *m, const float *k, float d, const float *q, int s) {
    const __m256 dv = _mm256_set1_ps(d);
    __m256 acc = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= s; i += 8) {
        const __m256 v = _mm256_add_ps(_mm256_loadu_ps(m + i), _mm256_mul_ps(_mm256_loadu_ps(k + i), dv));
        _mm256_storeu_ps(m + i, v);
        acc = _mm256_add_ps(acc, _mm256_mul_ps(v, _mm256_loadu_ps(q + i)));
    }
    float sum = hsum_ps(acc);
    for (; i < s; i++) {
        m[i] = m[i] + k[i] * d;
        sum += m[i] * q[i];
    }
    return sum;
}

AVX2 static void conv_taps(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n) {
    int c = 0;
    for (; c + 8 <= n; c += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int i = 0; i < d_conv; i++)
            acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(rows[i] + c), _mm256_loadu_ps(wrows[i] + c)));
        _mm256_storeu_ps(sum + c, acc);
    }
    for (; c < n; c++) {
        float s = 0.0f;
        for (int i = 0; i < d_conv; i++) s += rows[i][c] * wrows[i][c];
        sum[c] = s;
    }
}

void k3k_install_x86_avx2_gdn(k3k_type_traits *t) {
    t[K3K_F32].conv_taps = conv_taps;
    t[K3K_F32].gdn_decay_dot = gdn_decay_dot;
    t[K3K_F32].gdn_update_dot = gdn_update_dot;
    t[K3K_F32].gdn_path = "avx2";
}
#endif
