/* Generic scalar dot products for the float types and the 32-element quants (Q4_0..Q8_0): block
 * loops whose arithmetic (integer sums per block, float accumulation order) is ggml's generic one. */
#include "k3k_internal.h"

#define H2F k3k_fp16_to_fp32

void k3k_vec_dot_f32_generic(int n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    double sum = 0.0; /* ggml accumulates float dots in ggml_float (double) */
    for (int i = 0; i < n; ++i) sum += (double) (x[i] * y[i]);
    *s = (float) sum;
}

void k3k_vec_dot_f16_generic(int n, float *s, const void *vx, const void *vy) {
    const k3k_half *x = vx, *y = vy;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += (double) (H2F(x[i]) * H2F(y[i]));
    *s = (float) sum;
}

void k3k_vec_dot_bf16_generic(int n, float *s, const void *vx, const void *vy) {
    const uint16_t *x = vx, *y = vy;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) sum += (double) (k3k_bf16_to_fp32(x[i]) * k3k_bf16_to_fp32(y[i]));
    *s = (float) sum;
}

void k3k_vec_dot_q4_0_q8_0_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK8_0; ++ib) {
        int sumi0 = 0, sumi1 = 0;
        for (int j = 0; j < QK8_0 / 2; ++j) {
            sumi0 += ((x[ib].qs[j] & 0x0F) - 8) * y[ib].qs[j];
            sumi1 += ((x[ib].qs[j] >> 4) - 8) * y[ib].qs[j + QK8_0 / 2];
        }
        sumf += (sumi0 + sumi1) * H2F(x[ib].d) * H2F(y[ib].d);
    }
    *s = sumf;
}

void k3k_vec_dot_q4_1_q8_1_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q4_1 *x = vx;
    const block_q8_1 *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK8_1; ++ib) {
        int sumi0 = 0, sumi1 = 0;
        for (int j = 0; j < QK8_1 / 2; ++j) {
            sumi0 += (x[ib].qs[j] & 0x0F) * y[ib].qs[j];
            sumi1 += (x[ib].qs[j] >> 4) * y[ib].qs[j + QK8_1 / 2];
        }
        sumf += (H2F(x[ib].d) * H2F(y[ib].d)) * (sumi0 + sumi1) + H2F(x[ib].m) * H2F(y[ib].s);
    }
    *s = sumf;
}

void k3k_vec_dot_q5_0_q8_0_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q5_0 *x = vx;
    const block_q8_0 *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK8_0; ++ib) {
        uint32_t qh;
        memcpy(&qh, x[ib].qh, sizeof(qh));
        int sumi0 = 0, sumi1 = 0;
        for (int j = 0; j < QK8_0 / 2; ++j) {
            const uint8_t xh0 = ((qh >> j) << 4) & 0x10;
            const uint8_t xh1 = (qh >> (j + 12)) & 0x10;
            const int32_t x0 = (int8_t) (((x[ib].qs[j] & 0x0F) | xh0) - 16);
            const int32_t x1 = (int8_t) (((x[ib].qs[j] >> 4) | xh1) - 16);
            sumi0 += x0 * y[ib].qs[j];
            sumi1 += x1 * y[ib].qs[j + QK8_0 / 2];
        }
        sumf += (H2F(x[ib].d) * H2F(y[ib].d)) * (sumi0 + sumi1);
    }
    *s = sumf;
}

void k3k_vec_dot_q5_1_q8_1_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q5_1 *x = vx;
    const block_q8_1 *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK8_1; ++ib) {
        uint32_t qh;
        memcpy(&qh, x[ib].qh, sizeof(qh));
        int sumi0 = 0, sumi1 = 0;
        for (int j = 0; j < QK8_1 / 2; ++j) {
            const uint8_t xh0 = ((qh >> j) << 4) & 0x10;
            const uint8_t xh1 = (qh >> (j + 12)) & 0x10;
            sumi0 += ((x[ib].qs[j] & 0xF) | xh0) * y[ib].qs[j];
            sumi1 += ((x[ib].qs[j] >> 4) | xh1) * y[ib].qs[j + QK8_1 / 2];
        }
        sumf += (H2F(x[ib].d) * H2F(y[ib].d)) * (sumi0 + sumi1) + H2F(x[ib].m) * H2F(y[ib].s);
    }
    *s = sumf;
}

void k3k_vec_dot_q8_0_q8_0_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q8_0 *x = vx, *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK8_0; ++ib) {
        int sumi = 0;
        for (int j = 0; j < QK8_0; j++) sumi += x[ib].qs[j] * y[ib].qs[j];
        sumf += sumi * (H2F(x[ib].d) * H2F(y[ib].d));
    }
    *s = sumf;
}
