/* Block layouts of the ggml quantised types (as ggml-common.h lays them out in GGUF files), their
 * sizes pinned by static asserts, and the scalar number conversions every path shares. */
#ifndef K3K_BLOCKS_H
#define K3K_BLOCKS_H

#include <stdint.h>
#include <string.h>

#define QK4_0 32
#define QK4_1 32
#define QK5_0 32
#define QK5_1 32
#define QK8_0 32
#define QK8_1 32
#define QK_K 256
#define QK4_NL 32
#define K_SCALE_SIZE 12

typedef uint16_t k3k_half;

typedef struct { k3k_half d; uint8_t qs[QK4_0 / 2]; } block_q4_0;
_Static_assert(sizeof(block_q4_0) == 2 + QK4_0 / 2, "block_q4_0 size");

typedef struct { k3k_half d, m; uint8_t qs[QK4_1 / 2]; } block_q4_1;
_Static_assert(sizeof(block_q4_1) == 4 + QK4_1 / 2, "block_q4_1 size");

typedef struct { k3k_half d; uint8_t qh[4]; uint8_t qs[QK5_0 / 2]; } block_q5_0;
_Static_assert(sizeof(block_q5_0) == 2 + 4 + QK5_0 / 2, "block_q5_0 size");

typedef struct { k3k_half d, m; uint8_t qh[4]; uint8_t qs[QK5_1 / 2]; } block_q5_1;
_Static_assert(sizeof(block_q5_1) == 4 + 4 + QK5_1 / 2, "block_q5_1 size");

typedef struct { k3k_half d; int8_t qs[QK8_0]; } block_q8_0;
_Static_assert(sizeof(block_q8_0) == 2 + QK8_0, "block_q8_0 size");

/* s = d * sum(qs), precomputed so the Q4_1/Q5_1 dot can fold the weight minimum in. */
typedef struct { k3k_half d, s; int8_t qs[QK8_1]; } block_q8_1;
_Static_assert(sizeof(block_q8_1) == 4 + QK8_1, "block_q8_1 size");

typedef struct { uint8_t scales[QK_K / 16]; uint8_t qs[QK_K / 4]; k3k_half d, dmin; } block_q2_K;
_Static_assert(sizeof(block_q2_K) == QK_K / 16 + QK_K / 4 + 4, "block_q2_K size");

typedef struct { uint8_t hmask[QK_K / 8]; uint8_t qs[QK_K / 4]; uint8_t scales[12]; k3k_half d; } block_q3_K;
_Static_assert(sizeof(block_q3_K) == QK_K / 8 + QK_K / 4 + 12 + 2, "block_q3_K size");

typedef struct { k3k_half d, dmin; uint8_t scales[K_SCALE_SIZE]; uint8_t qs[QK_K / 2]; } block_q4_K;
_Static_assert(sizeof(block_q4_K) == 4 + K_SCALE_SIZE + QK_K / 2, "block_q4_K size");

typedef struct { k3k_half d, dmin; uint8_t scales[K_SCALE_SIZE]; uint8_t qh[QK_K / 8]; uint8_t qs[QK_K / 2]; } block_q5_K;
_Static_assert(sizeof(block_q5_K) == 4 + K_SCALE_SIZE + QK_K / 8 + QK_K / 2, "block_q5_K size");

typedef struct { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; k3k_half d; } block_q6_K;
_Static_assert(sizeof(block_q6_K) == QK_K / 2 + QK_K / 4 + QK_K / 16 + 2, "block_q6_K size");

/* Activations for the K-quant dots: float scale, bsums = sums of each 16 quants. */
typedef struct { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; } block_q8_K;
_Static_assert(sizeof(block_q8_K) == 4 + QK_K + QK_K / 16 * 2, "block_q8_K size");

/* The non-linear 4-bit types: a nibble indexes k3k_kvalues_iq4nl; byte j of a 32-element group holds
 * element j (low nibble) and j + 16 (high nibble). IQ4_XS sub-block ib has the 6-bit scale
 * (scales_l[ib/2] >> 4*(ib%2) & 15) | (scales_h >> 2*ib & 3) << 4, biased by 32. */
typedef struct { k3k_half d; uint8_t qs[QK4_NL / 2]; } block_iq4_nl;
_Static_assert(sizeof(block_iq4_nl) == 2 + QK4_NL / 2, "block_iq4_nl size");

typedef struct { k3k_half d; uint16_t scales_h; uint8_t scales_l[QK_K / 64]; uint8_t qs[QK_K / 2]; } block_iq4_xs;
_Static_assert(sizeof(block_iq4_xs) == 2 + 2 + QK_K / 64 + QK_K / 2, "block_iq4_xs size");

/* ggml's kvalues_iq4nl codebook. */
static const int8_t k3k_kvalues_iq4nl[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

/* The scale of IQ4_XS sub-block ib (0..7), minus its bias of 32. */
static inline int k3k_iq4_xs_scale(const block_iq4_xs *x, int ib) {
    return (((x->scales_l[ib / 2] >> 4 * (ib % 2)) & 0xF) | (((x->scales_h >> 2 * ib) & 3) << 4)) - 32;
}

/* GGUF type numbers (ggml_type). */
enum k3k_type {
    K3K_F32 = 0, K3K_F16 = 1, K3K_Q4_0 = 2, K3K_Q4_1 = 3, K3K_Q5_0 = 6, K3K_Q5_1 = 7,
    K3K_Q8_0 = 8, K3K_Q8_1 = 9, K3K_Q2_K = 10, K3K_Q3_K = 11, K3K_Q4_K = 12, K3K_Q5_K = 13,
    K3K_Q6_K = 14, K3K_Q8_K = 15, K3K_IQ4_NL = 20, K3K_IQ4_XS = 23, K3K_BF16 = 30, K3K_TYPE_COUNT = 31
};

static inline uint32_t k3k_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float k3k_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

/* IEEE half -> float, exact (subnormals, inf and NaN included). */
static inline float k3k_fp16_to_fp32(k3k_half h) {
    const uint32_t sign = (uint32_t) (h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    if (exp == 0x1f) return k3k_bits_f32(sign | 0x7f800000u | (man << 13));
    if (exp == 0) {
        if (man == 0) return k3k_bits_f32(sign);
        /* subnormal: value = man * 2^-24 */
        float v = (float) man * 5.9604644775390625e-8f;
        return sign ? -v : v;
    }
    return k3k_bits_f32(sign | ((exp + 112) << 23) | (man << 13));
}

/* float -> IEEE half, round to nearest even, overflow to inf, NaN kept quiet (as F16C and ggml do). */
static inline k3k_half k3k_fp32_to_fp16(float f) {
    uint32_t x = k3k_f32_bits(f);
    const uint16_t sign = (uint16_t) ((x >> 16) & 0x8000);
    x &= 0x7fffffffu;
    if (x >= 0x7f800000u) return (k3k_half) (sign | (x > 0x7f800000u ? 0x7e00 | ((x >> 13) & 0x3ff) : 0x7c00));
    if (x >= 0x477ff000u) return (k3k_half) (sign | 0x7c00); /* rounds to >= 65520: inf */
    if (x < 0x38800000u) { /* below the smallest normal half: subnormal or zero */
        if (x < 0x33000000u) return sign; /* < 2^-25 rounds to zero */
        const uint32_t man = (x & 0x7fffff) | 0x800000;
        const int shift = 126 - (int) (x >> 23); /* 14..24 */
        uint32_t h = man >> shift;
        const uint32_t rem = man & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (h & 1))) h++;
        return (k3k_half) (sign | h);
    }
    uint32_t h = ((x >> 13) - (112u << 10));
    const uint32_t rem = x & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) h++;
    return (k3k_half) (sign | h);
}

static inline float k3k_bf16_to_fp32(uint16_t h) { return k3k_bits_f32((uint32_t) h << 16); }

/* float -> bfloat16 rounding to nearest even, NaN made quiet (ggml_compute_fp32_to_bf16). */
static inline uint16_t k3k_fp32_to_bf16(float f) {
    uint32_t u = k3k_f32_bits(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t) ((u >> 16) | 64);
    return (uint16_t) ((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

/* Round to nearest, ties to even, for |f| < 2^22 (ggml's nearest_int). */
static inline int k3k_nearest_int(float f) {
    const float val = f + 12582912.f;
    int32_t i;
    memcpy(&i, &val, 4);
    return (i & 0x007fffff) - 0x00400000;
}

/* Unpacks the 6-bit scale and min j of a Q4_K/Q5_K block. */
static inline void k3k_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j - 0] >> 6) << 4);
    }
}

/* All 8 scales (bytes 0..7) and 8 mins (bytes 8..15) of a Q4_K/Q5_K block with word operations, for
 * the SIMD paths (the same values as k3k_scale_min_k4 for j = 0..7). */
static inline void k3k_unpack_k4_scales(const uint8_t *packed, uint32_t utmp[4]) {
    const uint32_t kmask1 = 0x3f3f3f3f, kmask2 = 0x0f0f0f0f, kmask3 = 0x03030303;
    memcpy(utmp, packed, 12);
    utmp[3] = ((utmp[2] >> 4) & kmask2) | (((utmp[1] >> 6) & kmask3) << 4);
    const uint32_t uaux = utmp[1] & kmask1;
    utmp[1] = (utmp[2] & kmask2) | (((utmp[0] >> 6) & kmask3) << 4);
    utmp[2] = uaux;
    utmp[0] &= kmask1;
}

#endif
