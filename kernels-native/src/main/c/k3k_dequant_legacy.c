/* Dequantisation of the float types and the 32-element quants (ggml's dequantize_row_* arithmetic). */
#include "k3k_internal.h"

#define H2F k3k_fp16_to_fp32

void k3k_dequantize_row_legacy(int type, const void *src, float *y, int64_t n) {
    const int64_t nb = n / 32;
    switch (type) {
    case K3K_F32: memcpy(y, src, (size_t) n * 4); break;
    case K3K_F16: for (int64_t i = 0; i < n; i++) y[i] = H2F(((const k3k_half *) src)[i]); break;
    case K3K_BF16: for (int64_t i = 0; i < n; i++) y[i] = k3k_bf16_to_fp32(((const uint16_t *) src)[i]); break;
    case K3K_Q4_0: {
        const block_q4_0 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d);
            for (int j = 0; j < 16; ++j) {
                y[i * 32 + j] = ((x[i].qs[j] & 0x0F) - 8) * d;
                y[i * 32 + j + 16] = ((x[i].qs[j] >> 4) - 8) * d;
            }
        }
        break;
    }
    case K3K_Q4_1: {
        const block_q4_1 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d), m = H2F(x[i].m);
            for (int j = 0; j < 16; ++j) {
                y[i * 32 + j] = (x[i].qs[j] & 0x0F) * d + m;
                y[i * 32 + j + 16] = (x[i].qs[j] >> 4) * d + m;
            }
        }
        break;
    }
    case K3K_Q5_0: {
        const block_q5_0 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d);
            uint32_t qh;
            memcpy(&qh, x[i].qh, 4);
            for (int j = 0; j < 16; ++j) {
                const uint8_t xh0 = ((qh >> j) << 4) & 0x10, xh1 = (qh >> (j + 12)) & 0x10;
                y[i * 32 + j] = (((x[i].qs[j] & 0x0F) | xh0) - 16) * d;
                y[i * 32 + j + 16] = (((x[i].qs[j] >> 4) | xh1) - 16) * d;
            }
        }
        break;
    }
    case K3K_Q5_1: {
        const block_q5_1 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d), m = H2F(x[i].m);
            uint32_t qh;
            memcpy(&qh, x[i].qh, 4);
            for (int j = 0; j < 16; ++j) {
                const uint8_t xh0 = ((qh >> j) << 4) & 0x10, xh1 = (qh >> (j + 12)) & 0x10;
                y[i * 32 + j] = ((x[i].qs[j] & 0x0F) | xh0) * d + m;
                y[i * 32 + j + 16] = ((x[i].qs[j] >> 4) | xh1) * d + m;
            }
        }
        break;
    }
    case K3K_Q8_0: {
        const block_q8_0 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d);
            for (int j = 0; j < 32; ++j) y[i * 32 + j] = x[i].qs[j] * d;
        }
        break;
    }
    case K3K_Q8_1: {
        const block_q8_1 *x = src;
        for (int64_t i = 0; i < nb; i++) {
            const float d = H2F(x[i].d);
            for (int j = 0; j < 32; ++j) y[i * 32 + j] = x[i].qs[j] * d;
        }
        break;
    }
    default: break;
    }
}

int k3k_dequantize_row(int type, const void *src, float *dst, int64_t n) {
    switch (type) {
    case K3K_F32: case K3K_F16: case K3K_BF16: case K3K_Q4_0: case K3K_Q4_1: case K3K_Q5_0:
    case K3K_Q5_1: case K3K_Q8_0: case K3K_Q8_1:
        k3k_dequantize_row_legacy(type, src, dst, n);
        return 0;
    case K3K_Q2_K: case K3K_Q3_K: case K3K_Q4_K: case K3K_Q5_K: case K3K_Q6_K: case K3K_Q8_K:
        k3k_dequantize_row_kquant(type, src, dst, n);
        return 0;
    case K3K_IQ4_NL: case K3K_IQ4_XS:
        k3k_dequantize_row_iq4(type, src, dst, n);
        return 0;
    default:
        return -1;
    }
}
