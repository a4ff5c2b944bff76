/* Generic scalar dot products of the K-quants with Q8_K activations. The arithmetic follows ggml's
 * generic versions step for step (8 int32 lanes per super-block, 8 float partial sums) so the
 * result is bit-identical to llama.cpp built without SIMD. */
#include "k3k_internal.h"

#define H2F k3k_fp16_to_fp32

void k3k_vec_dot_q2_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q2_K *x = vx;
    const block_q8_K *y = vy;
    float sumf = 0;
    for (int i = 0; i < n / QK_K; ++i) {
        const uint8_t *q2 = x[i].qs, *sc = x[i].scales;
        const int8_t *q8 = y[i].qs;
        int summs = 0;
        for (int j = 0; j < 16; ++j) summs += y[i].bsums[j] * (sc[j] >> 4);
        const float dall = y[i].d * H2F(x[i].d);
        const float dmin = y[i].d * H2F(x[i].dmin);
        int isum = 0, is = 0;
        for (int k = 0; k < QK_K / 128; ++k) {
            int shift = 0;
            for (int j = 0; j < 4; ++j) {
                int d = sc[is++] & 0xF, isuml = 0;
                for (int l = 0; l < 16; ++l) isuml += q8[l] * ((q2[l] >> shift) & 3);
                isum += d * isuml;
                d = sc[is++] & 0xF;
                isuml = 0;
                for (int l = 16; l < 32; ++l) isuml += q8[l] * ((q2[l] >> shift) & 3);
                isum += d * isuml;
                shift += 2;
                q8 += 32;
            }
            q2 += 32;
        }
        sumf += dall * isum - dmin * summs;
    }
    *s = sumf;
}

/* Accumulates scale * (q8 . a) for 16 elements into the 8 int32 lanes, as ggml's aux32 loop. */
static inline void acc16(int32_t *aux32, int scale, const int8_t *q8, const int8_t *a) {
    for (int h = 0; h < 2; ++h) {
        int16_t aux16[8];
        for (int l = 0; l < 8; ++l) aux16[l] = (int16_t) (q8[8 * h + l] * a[8 * h + l]);
        for (int l = 0; l < 8; ++l) aux32[l] += scale * aux16[l];
    }
}

/* Decodes the 12 packed 6-bit Q3_K scales into 16 signed bytes (still offset by 32). */
static void q3k_scales(const uint8_t *packed, int8_t *out) {
    const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
    uint32_t aux[4];
    memcpy(aux, packed, 12);
    const uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    memcpy(out, aux, 16);
}

void k3k_vec_dot_q3_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q3_K *x = vx;
    const block_q8_K *y = vy;
    int8_t aux8[QK_K], scales[16];
    float sums[8] = {0};
    for (int i = 0; i < n / QK_K; ++i) {
        const uint8_t *q3 = x[i].qs, *hm = x[i].hmask;
        const int8_t *q8 = y[i].qs;
        int32_t aux32[8] = {0};
        int8_t *a = aux8;
        uint8_t m = 1;
        for (int j = 0; j < QK_K; j += 128) {
            for (int shift = 0; shift < 8; shift += 2) {
                for (int l = 0; l < 32; ++l) a[l] = (int8_t) (((q3[l] >> shift) & 3) - (hm[l] & m ? 0 : 4));
                a += 32;
                m <<= 1;
            }
            q3 += 32;
        }
        q3k_scales(x[i].scales, scales);
        a = aux8;
        for (int j = 0; j < QK_K / 16; ++j) {
            acc16(aux32, scales[j] - 32, q8, a);
            q8 += 16;
            a += 16;
        }
        const float d = H2F(x[i].d) * y[i].d;
        for (int l = 0; l < 8; ++l) sums[l] += d * aux32[l];
    }
    float sumf = 0;
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

/* Unpacks Q4_K/Q5_K's 12 scale bytes into 8 scales and 8 mins. */
static void k4_scales(const uint8_t *packed, uint8_t *scales, uint8_t *mins) {
    for (int j = 0; j < 8; ++j) k3k_scale_min_k4(j, packed, &scales[j], &mins[j]);
}

/* Shared tail of Q4_K and Q5_K: aux8 holds the 256 unsigned quants. */
static void k45_accumulate(const uint8_t *packed_scales, const int8_t *aux8, const block_q8_K *y,
                           float d, float dmin, float *sums, float *sumf) {
    uint8_t scales[8], mins[8];
    k4_scales(packed_scales, scales, mins);
    int sumi = 0;
    for (int j = 0; j < QK_K / 16; ++j) sumi += y->bsums[j] * mins[j / 2];
    int32_t aux32[8] = {0};
    const int8_t *q8 = y->qs, *a = aux8;
    for (int j = 0; j < QK_K / 32; ++j) {
        acc16(aux32, scales[j], q8, a);
        acc16(aux32, scales[j], q8 + 16, a + 16);
        q8 += 32;
        a += 32;
    }
    for (int l = 0; l < 8; ++l) sums[l] += d * aux32[l];
    *sumf -= dmin * sumi;
}

void k3k_vec_dot_q4_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    int8_t aux8[QK_K];
    float sums[8] = {0}, sumf = 0;
    for (int i = 0; i < n / QK_K; ++i) {
        const uint8_t *q4 = x[i].qs;
        int8_t *a = aux8;
        for (int j = 0; j < QK_K / 64; ++j) {
            for (int l = 0; l < 32; ++l) a[l] = (int8_t) (q4[l] & 0xF);
            for (int l = 0; l < 32; ++l) a[32 + l] = (int8_t) (q4[l] >> 4);
            a += 64;
            q4 += 32;
        }
        k45_accumulate(x[i].scales, aux8, &y[i], H2F(x[i].d) * y[i].d, H2F(x[i].dmin) * y[i].d, sums, &sumf);
    }
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

void k3k_vec_dot_q5_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q5_K *x = vx;
    const block_q8_K *y = vy;
    int8_t aux8[QK_K];
    float sums[8] = {0}, sumf = 0;
    for (int i = 0; i < n / QK_K; ++i) {
        const uint8_t *q4 = x[i].qs, *hm = x[i].qh;
        int8_t *a = aux8;
        uint8_t m = 1;
        for (int j = 0; j < QK_K / 64; ++j) {
            for (int l = 0; l < 32; ++l) a[l] = (int8_t) ((q4[l] & 0xF) + (hm[l] & m ? 16 : 0));
            m <<= 1;
            for (int l = 0; l < 32; ++l) a[32 + l] = (int8_t) ((q4[l] >> 4) + (hm[l] & m ? 16 : 0));
            m <<= 1;
            a += 64;
            q4 += 32;
        }
        k45_accumulate(x[i].scales, aux8, &y[i], H2F(x[i].d) * y[i].d, H2F(x[i].dmin) * y[i].d, sums, &sumf);
    }
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

void k3k_vec_dot_q6_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    int8_t aux8[QK_K];
    float sums[8] = {0};
    for (int i = 0; i < n / QK_K; ++i) {
        const uint8_t *ql = x[i].ql, *qh = x[i].qh;
        const int8_t *q8 = y[i].qs;
        int32_t aux32[8] = {0};
        int8_t *a = aux8;
        for (int j = 0; j < QK_K; j += 128) {
            for (int l = 0; l < 32; ++l) {
                a[l + 0] = (int8_t) (((ql[l + 0] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32);
                a[l + 32] = (int8_t) (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32);
                a[l + 64] = (int8_t) (((ql[l + 0] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32);
                a[l + 96] = (int8_t) (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32);
            }
            a += 128;
            ql += 64;
            qh += 32;
        }
        a = aux8;
        for (int j = 0; j < QK_K / 16; ++j) {
            acc16(aux32, x[i].scales[j], q8, a);
            q8 += 16;
            a += 16;
        }
        const float d = H2F(x[i].d) * y[i].d;
        for (int l = 0; l < 8; ++l) sums[l] += d * aux32[l];
    }
    float sumf = 0;
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

/* Q8_K weights have no vec_dot in ggml; this is the plain per-block integer dot. */
void k3k_vec_dot_q8_K_q8_K_generic(int n, float *s, const void *vx, const void *vy) {
    const block_q8_K *x = vx, *y = vy;
    float sumf = 0;
    for (int i = 0; i < n / QK_K; ++i) {
        int sumi = 0;
        for (int j = 0; j < QK_K; ++j) sumi += x[i].qs[j] * y[i].qs[j];
        sumf += (x[i].d * y[i].d) * sumi;
    }
    *s = sumf;
}
