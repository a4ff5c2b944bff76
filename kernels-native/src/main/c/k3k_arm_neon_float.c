/* aarch64 NEON float kernels. The F32 dot: four float32x4 fused multiply-add accumulators (sixteen floats a step,
 * four independent chains to hide the FMA latency), their lanes summed in double, the last n % 16 elements added in
 * double exactly as the generic dot does; only float reassociation separates it from the generic double-chain dot.
 * vld1q_f32 takes any address, so rows need no alignment. And the attention's p*v from F16 rows (kv_pv). */
#include "k3k_internal.h"

#if defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
#include <string.h>
#include "k3k_fa_micro.h"

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

/* fa_pv over F16 rows converted in registers (as the AVX2 kv_pv): acc_r[d] += p_r[j] v_j[d], j ascending, fused
 * (fmla), fa_pv's bits. R rows x W groups of eight dimensions (two float32x4 each) stay in registers while the keys
 * stream past: 4 x 3 is 24 accumulators, six converted V vectors and the broadcast p of 32 registers. */
static inline __attribute__((always_inline)) void pv_tile(float *acc, size_t acc_stride, const float *p, size_t p_stride,
                                                         int n, const uint8_t *v, size_t v_stride, int d0, int R, int W) {
    float32x4_t a[24];
    for (int i = 0; i < R; i++)
        for (int w = 0; w < 2 * W; w++) a[i * 2 * W + w] = vld1q_f32(acc + (size_t) i * acc_stride + d0 + 4 * w);
    for (int j = 0; j < n; j++) {
        const uint16_t *vj = (const uint16_t *) (v + (size_t) j * v_stride) + d0;
        float32x4_t x[8];
        for (int w = 0; w < W; w++) {
            const float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(vj + 8 * w));
            x[2 * w] = vcvt_f32_f16(vget_low_f16(h));
            x[2 * w + 1] = vcvt_high_f32_f16(h);
        }
        for (int i = 0; i < R; i++) {
            const float32x4_t pj = vld1q_dup_f32(p + (size_t) i * p_stride + j);
            for (int w = 0; w < 2 * W; w++) a[i * 2 * W + w] = vfmaq_f32(a[i * 2 * W + w], pj, x[w]);
        }
    }
    for (int i = 0; i < R; i++)
        for (int w = 0; w < 2 * W; w++) vst1q_f32(acc + (size_t) i * acc_stride + d0 + 4 * w, a[i * 2 * W + w]);
}

K3K_KV_PV(, kv_pv_f16, pv_tile, K3K_KV_HALF)

/* .dot and .path of the F32 row (which also carries the attention and delta-net kernels of other files), and the F16
 * row's kv_pv. */
void k3k_install_arm_neon_float(k3k_type_traits *t) {
    t[K3K_F32].dot = dot_f32;
    t[K3K_F32].path = "neon-dotprod";
    t[K3K_F16].kv_pv = kv_pv_f16;
}
#else
void k3k_install_arm_neon_float(k3k_type_traits *t) {
    (void) t;
}
#endif
