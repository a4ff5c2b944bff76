/* Weight quantisers for the 32-element types, ggml's quantize_row_q4_0/q4_1/q5_0/q5_1_ref arithmetic,
 * so tests and tools can write model tensors that match llama.cpp's. x * id + 0.5 is fused (fmaf), as
 * the GCC build of llama-quantize fuses it (and as the Java reference does): without the fusion a few
 * blocks per tensor of the shared models differ. */
#include <float.h>
#include <math.h>
#include "k3k_internal.h"

static float signed_absmax(const float *x) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 32; j++) {
        if (amax < fabsf(x[j])) {
            amax = fabsf(x[j]);
            max = x[j];
        }
    }
    return max;
}

static void min_max(const float *x, float *min, float *max) {
    *min = FLT_MAX;
    *max = -FLT_MAX;
    for (int j = 0; j < 32; j++) {
        if (x[j] < *min) *min = x[j];
        if (x[j] > *max) *max = x[j];
    }
}

static inline uint8_t clamp_i8(int8_t v, int hi) { return (uint8_t) (v < hi ? v : hi); }

static void q4_0(const float *x, block_q4_0 *y) {
    const float d = signed_absmax(x) / -8, id = d ? 1.0f / d : 0.0f;
    y->d = k3k_fp32_to_fp16(d);
    SCALAR_LOOP
    for (int j = 0; j < 16; ++j) {
        const uint8_t xi0 = clamp_i8((int8_t) fmaf(x[j], id, 8.5f), 15);
        const uint8_t xi1 = clamp_i8((int8_t) fmaf(x[16 + j], id, 8.5f), 15);
        y->qs[j] = (uint8_t) (xi0 | (xi1 << 4));
    }
}

static void q4_1(const float *x, block_q4_1 *y) {
    float min, max;
    min_max(x, &min, &max);
    const float d = (max - min) / ((1 << 4) - 1), id = d ? 1.0f / d : 0.0f;
    y->d = k3k_fp32_to_fp16(d);
    y->m = k3k_fp32_to_fp16(min);
    SCALAR_LOOP
    for (int j = 0; j < 16; ++j) {
        const uint8_t xi0 = clamp_i8((int8_t) fmaf(x[j] - min, id, 0.5f), 15);
        const uint8_t xi1 = clamp_i8((int8_t) fmaf(x[16 + j] - min, id, 0.5f), 15);
        y->qs[j] = (uint8_t) (xi0 | (xi1 << 4));
    }
}

static void q5_0(const float *x, block_q5_0 *y) {
    const float d = signed_absmax(x) / -16, id = d ? 1.0f / d : 0.0f;
    y->d = k3k_fp32_to_fp16(d);
    uint32_t qh = 0;
    SCALAR_LOOP
    for (int j = 0; j < 16; ++j) {
        const uint8_t xi0 = clamp_i8((int8_t) fmaf(x[j], id, 16.5f), 31);
        const uint8_t xi1 = clamp_i8((int8_t) fmaf(x[16 + j], id, 16.5f), 31);
        y->qs[j] = (uint8_t) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
        qh |= ((xi0 & 0x10u) >> 4) << j;
        qh |= ((xi1 & 0x10u) >> 4) << (j + 16);
    }
    memcpy(y->qh, &qh, sizeof(qh));
}

static void q5_1(const float *x, block_q5_1 *y) {
    float min, max;
    min_max(x, &min, &max);
    const float d = (max - min) / ((1 << 5) - 1), id = d ? 1.0f / d : 0.0f;
    y->d = k3k_fp32_to_fp16(d);
    y->m = k3k_fp32_to_fp16(min);
    uint32_t qh = 0;
    SCALAR_LOOP
    for (int j = 0; j < 16; ++j) {
        const uint8_t xi0 = (uint8_t) fmaf(x[j] - min, id, 0.5f);
        const uint8_t xi1 = (uint8_t) fmaf(x[16 + j] - min, id, 0.5f);
        y->qs[j] = (uint8_t) ((xi0 & 0x0F) | ((xi1 & 0x0F) << 4));
        qh |= ((xi0 & 0x10u) >> 4) << j;
        qh |= ((xi1 & 0x10u) >> 4) << (j + 16);
    }
    memcpy(y->qh, &qh, sizeof(qh));
}

void k3k_quantize_row_weights(int type, const float *x, void *y, int64_t n) {
    for (int64_t i = 0; i < n / 32; i++) {
        switch (type) {
        case K3K_Q4_0: q4_0(x + 32 * i, (block_q4_0 *) y + i); break;
        case K3K_Q4_1: q4_1(x + 32 * i, (block_q4_1 *) y + i); break;
        case K3K_Q5_0: q5_0(x + 32 * i, (block_q5_0 *) y + i); break;
        case K3K_Q5_1: q5_1(x + 32 * i, (block_q5_1 *) y + i); break;
        default: return;
        }
    }
}
