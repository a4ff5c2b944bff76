/* The kernels' own weight layout ("packed"), for types where reading eight rows as one stream beats
 * reading them one after another. Q4_0 x8: for each group of eight rows and each block column, the eight
 * rows' scales, then their quants in four 32-byte chunks; chunk k holds bytes 4k..4k+3 of each row in
 * row order, so one 256-bit load gives every row's elements 4k..4k+3 (low nibbles) and 16+4k..19+4k
 * (high nibbles), one row per 32-bit lane, and an eight-row dot needs no horizontal sums. Q8_0 x8 is the
 * same with eight 32-byte chunks of signed bytes, chunk k holding elements 4k..4k+3 of each row. IQ4_NL x8 is
 * Q4_0 x8's bytes (its block is Q4_0's: a scale and 16 bytes of nibbles); the nibbles index the codebook.
 * IQ4_XS x8 keeps each super-block's eight group scales (6 bits minus 32, [group][row]) and lays out each
 * 32-element group's 16 bytes as IQ4_NL x8 does its block's.
 * Q4_K x8 keeps each super-block's integer scales and mins (unpacked to bytes, [sub-block][row]) and
 * interleaves the quants the same way per 64-element group j: chunk k holds bytes 32j+4k..32j+4k+3 of
 * each row, whose low nibbles are sub-block 2j's elements 4k.. and high nibbles sub-block 2j+1's.
 * Q6_K x8 keeps the 4+2-bit split: per 128-element half, ql chunk c holds ql bytes 4c..4c+3 of each row
 * (c < 8: elements 4c.. low nibbles and 64+4c.. high; c >= 8: 32+4(c-8).. and 96+4(c-8)..), qh chunk c
 * the qh bytes 4c..4c+3 whose bit pairs top up those four element groups. */
#ifndef K3K_PACKED_H
#define K3K_PACKED_H

#include "k3k_internal.h"

/* The i-th of n consecutive units (rows, row groups) when a worker walks the two halves of its range in turn:
 * two weight streams keep more reads in flight than one while the kernel computes, the gain of a
 * memory-bound one-token product (LM head 151936 x 2048 Q6_K rows, two threads from memory, Zen 3: best
 * 20.5-21.8 -> 20.7-30.0 GB/s over four alternated runs; four or eight streams were slower). */
static inline int k3k_two_streams(int i, int n) {
    const int h = (n + 1) / 2;
    return i % 2 ? h + i / 2 : i / 2;
}

typedef struct {
    k3k_half d[8];
    uint8_t qs[128];
} block_q4_0x8;
_Static_assert(sizeof(block_q4_0x8) == 144, "block_q4_0x8 size");

typedef struct {
    k3k_half d[8];
    int8_t qs[256];
} block_q8_0x8;
_Static_assert(sizeof(block_q8_0x8) == 272, "block_q8_0x8 size");

/* A token's activations for the packed kernels: Q8_0 blocks, then per block its scale as a float and
 * 8 * sum(q) (the correction for the unsigned nibbles: sum((w - 8) q) = sum(w q) - 8 sum(q)). */
typedef struct {
    const block_q8_0 *q;
    const float *d;
    const int32_t *sum8;
} k3k_packed_act;

static inline size_t k3k_packed_act_bytes(int nb) {
    return (((size_t) nb * sizeof(block_q8_0) + 3) / 4 * 4 + (size_t) nb * 8 + 63) & ~(size_t) 63;
}
static inline k3k_packed_act k3k_packed_act_view(const uint8_t *row, int nb) {
    k3k_packed_act a;
    a.q = (const block_q8_0 *) row;
    a.d = (const float *) (row + ((size_t) nb * sizeof(block_q8_0) + 3) / 4 * 4);
    a.sum8 = (const int32_t *) (a.d + nb);
    return a;
}

/* Tokens one sixteen-row micro-kernel call takes (k3k_type_traits.packed_pair). */
#define K3K_PACKED_PAIR_TOKENS 8

/* One group of eight rows times n_tok (1..4) tokens: y[t * y_stride + r] = dot(row r, token t). */
typedef void (*k3k_packed_fn)(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                              size_t y_stride);

void k3k_q4_0x8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                        size_t y_stride);
void k3k_q8_0x8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                        size_t y_stride);
void k3k_iq4_nlx8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                          size_t y_stride);

typedef struct {
    k3k_half d[8], dmin[8];
    uint8_t sc[8][8]; /* [sub-block][row], 6-bit */
    uint8_t m[8][8];
    uint8_t qs[1024]; /* [group j][chunk k][row][4] */
} block_q4_Kx8;
_Static_assert(sizeof(block_q4_Kx8) == 1184, "block_q4_Kx8 size");

typedef struct {
    k3k_half d[8];
    int8_t sc[16][8];  /* [sub-block][row] */
    uint8_t ql[1024]; /* [half][chunk 0..15][row][4] */
    uint8_t qh[512];  /* [half][chunk 0..7][row][4] */
} block_q6_Kx8;
_Static_assert(sizeof(block_q6_Kx8) == 1680, "block_q6_Kx8 size");

/* A token's activations for the packed K-quant kernels: Q8_K blocks, then per super-block `aux`:
 * for Q4_K its eight sub-block sums as int16 pairs (sub 2i low, 2i+1 high: the mins' multiply-add
 * operand), for Q6_K per four elements the int16 pair 32 (y0 + y1), 32 (y2 + y3) (what maddubs of the
 * unsigned 6-bit values overcounts: sum((q - 32) y) = sum(q y) - 32 sum(y)). */
typedef struct {
    const block_q8_K *q;
    const int32_t *aux; /* [nb][aux_ints] */
} k3k_packed_act_k;

static inline int k3k_packed_act_k_aux_ints(int type) { return type == K3K_Q6_K ? QK_K / 4 : 4; }
static inline size_t k3k_packed_act_k_bytes(int type, int nb) {
    return ((size_t) nb * sizeof(block_q8_K) + (size_t) nb * 4 * (size_t) k3k_packed_act_k_aux_ints(type) + 63) & ~(size_t) 63;
}
static inline k3k_packed_act_k k3k_packed_act_k_view(const uint8_t *row, int nb) {
    k3k_packed_act_k a;
    a.q = (const block_q8_K *) row;
    a.aux = (const int32_t *) (row + (size_t) nb * sizeof(block_q8_K));
    return a;
}

typedef struct {
    k3k_half d[8];
    int8_t sc[8][8];  /* [group][row], -32..31 */
    uint8_t qs[1024]; /* [group][chunk 0..3][row][4] */
} block_iq4_xsx8;
_Static_assert(sizeof(block_iq4_xsx8) == 1104, "block_iq4_xsx8 size");

void k3k_iq4_xsx8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                          size_t y_stride);
void k3k_q4_Kx8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                        size_t y_stride);
void k3k_q6_Kx8_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                        size_t y_stride);

/* Bytes of one packed block column of eight rows, or 0 for a type without a packed layout. */
static inline size_t k3k_packed_group_block_bytes(int type) {
    return type == K3K_Q4_0 || type == K3K_IQ4_NL ? sizeof(block_q4_0x8) : type == K3K_Q8_0 ? sizeof(block_q8_0x8)
         : type == K3K_Q4_K ? sizeof(block_q4_Kx8) : type == K3K_Q6_K ? sizeof(block_q6_Kx8)
         : type == K3K_IQ4_XS ? sizeof(block_iq4_xsx8) : 0;
}
/* Elements of a row one packed block column covers. */
static inline int k3k_packed_block_elems(int type) {
    return type == K3K_Q4_K || type == K3K_Q6_K || type == K3K_IQ4_XS ? QK_K : 32;
}

/* One token's activations in the form the packed kernels of `type` read, and the bytes that takes. */
void k3k_packed_quantize_act(int type, const float *x, uint8_t *row, int cols);
static inline size_t k3k_packed_act_row_bytes(int type, int cols) {
    const int nb = cols / k3k_packed_block_elems(type);
    return k3k_packed_block_elems(type) == QK_K ? k3k_packed_act_k_bytes(type, nb) : k3k_packed_act_bytes(nb);
}

#endif
