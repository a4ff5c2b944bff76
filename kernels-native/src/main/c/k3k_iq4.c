/* IQ4_NL and IQ4_XS: dequantisation and the generic dots (the models the ISA paths are tested against),
 * with ggml's arithmetic: integer sums per 32-element group, then one float product per group in order. */
#include "k3k_internal.h"

#define H2F k3k_fp16_to_fp32

/* d * kvalues[nibble] for one 32-element group. */
static void dequant_group(const uint8_t *qs, float d, float *y) {
    for (int j = 0; j < 16; j++) {
        y[j] = d * k3k_kvalues_iq4nl[qs[j] & 0xF];
        y[j + 16] = d * k3k_kvalues_iq4nl[qs[j] >> 4];
    }
}

void k3k_dequantize_row_iq4(int type, const void *src, float *y, int64_t n) {
    if (type == K3K_IQ4_NL) {
        const block_iq4_nl *x = src;
        for (int64_t i = 0; i < n / QK4_NL; i++) dequant_group(x[i].qs, H2F(x[i].d), y + i * QK4_NL);
        return;
    }
    const block_iq4_xs *x = src;
    for (int64_t i = 0; i < n / QK_K; i++) {
        const float d = H2F(x[i].d);
        for (int ib = 0; ib < QK_K / 32; ib++) dequant_group(x[i].qs + 16 * ib, d * k3k_iq4_xs_scale(&x[i], ib), y + i * QK_K + 32 * ib);
    }
}

/* sum(q8[j] * kvalues[nibble j]) over one group. */
static int group_dot(const uint8_t *qs, const int8_t *q8) {
    int sumi1 = 0, sumi2 = 0;
    for (int j = 0; j < 16; j++) {
        sumi1 += q8[j] * k3k_kvalues_iq4nl[qs[j] & 0xF];
        sumi2 += q8[j + 16] * k3k_kvalues_iq4nl[qs[j] >> 4];
    }
    return sumi1 + sumi2;
}

void k3k_vec_dot_iq4_nl_q8_0_generic(int n, float *s, const void *vx, const void *vy) {
    const block_iq4_nl *x = vx;
    const block_q8_0 *y = vy;
    float sumf = 0;
    for (int ib = 0; ib < n / QK4_NL; ib++) {
        const float d = H2F(y[ib].d) * H2F(x[ib].d);
        sumf += d * group_dot(x[ib].qs, y[ib].qs);
    }
    *s = sumf;
}

void k3k_vec_dot_iq4_xs_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_iq4_xs *x = vx;
    const block_q8_K *y = vy;
    float sumf = 0;
    for (int ibl = 0; ibl < n / QK_K; ibl++) {
        const float d4d8 = H2F(x[ibl].d) * y[ibl].d;
        for (int ib = 0; ib < QK_K / 32; ib++) {
            const float dl = d4d8 * k3k_iq4_xs_scale(&x[ibl], ib);
            sumf += dl * group_dot(x[ibl].qs + 16 * ib, y[ibl].qs + 32 * ib);
        }
    }
    *s = sumf;
}
