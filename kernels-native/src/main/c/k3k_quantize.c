/* Activation quantisers with the arithmetic of ggml's quantize_row_*_ref (the results are
 * bit-identical), plus the float converters used as the "vec-dot type" of F32/F16/BF16 weights. */
#include <math.h>
#include "k3k_internal.h"


void k3k_quantize_row_q8_0(const float *x, void *vy, int64_t n) {
    block_q8_0 *y = vy;
    for (int64_t i = 0; i < n / QK8_0; i++) {
        float amax = 0.0f;
        for (int j = 0; j < QK8_0; j++) amax = fmaxf(amax, fabsf(x[i * QK8_0 + j]));
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = k3k_fp32_to_fp16(d);
        SCALAR_LOOP
        for (int j = 0; j < QK8_0; ++j) y[i].qs[j] = (int8_t) roundf(x[i * QK8_0 + j] * id);
    }
}

void k3k_quantize_row_q8_1(const float *x, void *vy, int64_t n) {
    block_q8_1 *y = vy;
    for (int64_t i = 0; i < n / QK8_1; i++) {
        float amax = 0.0f;
        for (int j = 0; j < QK8_1; j++) amax = fmaxf(amax, fabsf(x[i * QK8_1 + j]));
        const float d = amax / ((1 << 7) - 1);
        const float id = d ? 1.0f / d : 0.0f;
        y[i].d = k3k_fp32_to_fp16(d);
        int sum = 0;
        SCALAR_LOOP
        for (int j = 0; j < QK8_1 / 2; ++j) {
            y[i].qs[j] = (int8_t) roundf(x[i * QK8_1 + j] * id);
            y[i].qs[QK8_1 / 2 + j] = (int8_t) roundf(x[i * QK8_1 + QK8_1 / 2 + j] * id);
            sum += y[i].qs[j] + y[i].qs[QK8_1 / 2 + j];
        }
        y[i].s = k3k_fp32_to_fp16(sum * d);
    }
}

void k3k_quantize_row_q8_K(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    for (int64_t i = 0; i < n / QK_K; i++, x += QK_K) {
        float max = 0, amax = 0;
        for (int j = 0; j < QK_K; ++j) {
            const float ax = fabsf(x[j]);
            if (ax > amax) {
                amax = ax;
                max = x[j];
            }
        }
        if (!amax) {
            memset(&y[i], 0, sizeof(y[i]));
            continue;
        }
        const float iscale = -127.f / max;
        for (int j = 0; j < QK_K; ++j) {
            const int v = k3k_nearest_int(iscale * x[j]);
            y[i].qs[j] = (int8_t) (v < 127 ? v : 127);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            int sum = 0;
            for (int k = 0; k < 16; ++k) sum += y[i].qs[j * 16 + k];
            y[i].bsums[j] = (int16_t) sum;
        }
        y[i].d = 1 / iscale;
    }
}

void k3k_quantize_row_f16(const float *x, void *vy, int64_t n) {
    k3k_half *y = vy;
    for (int64_t i = 0; i < n; i++) y[i] = k3k_fp32_to_fp16(x[i]);
}

void k3k_quantize_row_bf16(const float *x, void *vy, int64_t n) {
    uint16_t *y = vy;
    for (int64_t i = 0; i < n; i++) y[i] = k3k_fp32_to_bf16(x[i]);
}

void k3k_quantize_row_f32(const float *x, void *vy, int64_t n) {
    memcpy(vy, x, (size_t) n * sizeof(float));
}

int k3k_block_size(int type) {
    switch (type) {
    case K3K_F32: case K3K_F16: case K3K_BF16: return 1;
    case K3K_Q4_0: case K3K_Q4_1: case K3K_Q5_0: case K3K_Q5_1: case K3K_Q8_0: case K3K_Q8_1: case K3K_IQ4_NL: return 32;
    case K3K_Q2_K: case K3K_Q3_K: case K3K_Q4_K: case K3K_Q5_K: case K3K_Q6_K: case K3K_Q8_K: case K3K_IQ4_XS: return QK_K;
    default: return 0;
    }
}

int k3k_type_size(int type) {
    switch (type) {
    case K3K_F32: return 4;
    case K3K_F16: case K3K_BF16: return 2;
    case K3K_Q4_0: return sizeof(block_q4_0);
    case K3K_Q4_1: return sizeof(block_q4_1);
    case K3K_Q5_0: return sizeof(block_q5_0);
    case K3K_Q5_1: return sizeof(block_q5_1);
    case K3K_Q8_0: return sizeof(block_q8_0);
    case K3K_Q8_1: return sizeof(block_q8_1);
    case K3K_Q2_K: return sizeof(block_q2_K);
    case K3K_Q3_K: return sizeof(block_q3_K);
    case K3K_Q4_K: return sizeof(block_q4_K);
    case K3K_Q5_K: return sizeof(block_q5_K);
    case K3K_Q6_K: return sizeof(block_q6_K);
    case K3K_Q8_K: return sizeof(block_q8_K);
    case K3K_IQ4_NL: return sizeof(block_iq4_nl);
    case K3K_IQ4_XS: return sizeof(block_iq4_xs);
    default: return 0;
    }
}
