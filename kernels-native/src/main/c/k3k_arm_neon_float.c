/* aarch64 NEON F32 dot: four float32x4 fused multiply-add accumulators (sixteen floats a step, four
 * independent chains to hide the FMA latency), their lanes summed in double, the last n % 16 elements
 * added in double exactly as the generic dot does. Only float reassociation separates it from the generic
 * double-chain dot. vld1q_f32 takes any address, so rows need no alignment. */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>

static inline float64x2_t widen_sum(float64x2_t d, float32x4_t a) {
    return vaddq_f64(d, vaddq_f64(vcvt_f64_f32(vget_low_f32(a)), vcvt_high_f64_f32(a)));
}

static void dot_f32(int n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    float32x4_t a0 = vdupq_n_f32(0.0f), a1 = a0, a2 = a0, a3 = a0;
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 = vfmaq_f32(a0, vld1q_f32(x + i), vld1q_f32(y + i));
        a1 = vfmaq_f32(a1, vld1q_f32(x + i + 4), vld1q_f32(y + i + 4));
        a2 = vfmaq_f32(a2, vld1q_f32(x + i + 8), vld1q_f32(y + i + 8));
        a3 = vfmaq_f32(a3, vld1q_f32(x + i + 12), vld1q_f32(y + i + 12));
    }
    float64x2_t d = vdupq_n_f64(0.0);
    d = widen_sum(d, a0);
    d = widen_sum(d, a1);
    d = widen_sum(d, a2);
    d = widen_sum(d, a3);
    double sum = vaddvq_f64(d);
    for (; i < n; i++) sum += (double) (x[i] * y[i]);
    *s = (float) sum;
}

/* Only .dot and .path: the F32 row also carries the attention and delta-net kernels of other files. */
void k3k_install_arm_neon_float(k3k_type_traits *t) {
    t[K3K_F32].dot = dot_f32;
    t[K3K_F32].path = "neon-dotprod";
}
#else
void k3k_install_arm_neon_float(k3k_type_traits *t) {
    (void) t;
}
#endif
