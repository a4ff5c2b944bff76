/* IME (SpacemiT integrated matrix extension, K3 A100 cores): a tiled Q4_0/Q8_0 matrix product whose
 * tiling and packing are plain C, parameterised by the instruction that multiplies one tile. On any host
 * that instruction is k3k_ime_vmadot_model (a scalar model); on a riscv64 K3 build the real smt.vmadot is
 * used only after a start-up self-test on a known tile matched the model on every worker's core. */
#ifndef K3K_IME_H
#define K3K_IME_H

#include <stddef.h>
#include <stdint.h>

/* One int8 tile product C[M][N] += A[M][K] . B[N][K]^T, as smt.vmadot does on VLEN/8-byte registers:
 * A holds M rows of K int8 (row-major), B holds N rows of K int8 (one per output column), C is M x N
 * int32 row-major (a register pair). K = 8, M = N = 4 at VLEN 256 (X60); K = 16, M = N = 8 at VLEN 1024. */
typedef struct {
    int m, n, k;
} k3k_ime_geom;

typedef void (*k3k_ime_vmadot_fn)(int32_t *c, const int8_t *a, const int8_t *b, const k3k_ime_geom *g);

/* The tile geometry for a vector length in bits (0 when the VLEN has no IME tile shape). */
k3k_ime_geom k3k_ime_geom_for_vlen(int vlen_bits);

/* Scalar model of smt.vmadot (signed x signed -> int32, accumulating). */
void k3k_ime_vmadot_model(int32_t *c, const int8_t *a, const int8_t *b, const k3k_ime_geom *g);

/* y[t][r] = dot(W[r], xq[t]) for Q4_0 or Q8_0 weights and Q8_0 activations (xq_row_bytes apart), tiled
 * M tokens x N rows, each 32-element block as 32/K tile products; rows [r0, r1) only. The float
 * accumulation per output is the generic dot's, so the result equals it bit for bit. Returns -1 for
 * another type or a geometry whose K does not divide 32. */
int k3k_ime_matmul_rows(int type, const uint8_t *w, size_t w_row_bytes, int r0, int r1, int cols,
                        const uint8_t *xq, size_t xq_row_bytes, float *y, int rows, int n_tokens,
                        k3k_ime_vmadot_fn vmadot, const k3k_ime_geom *g);

/* Whether a product of n_tokens goes to IME for this type and pool status (k3k_ime_status): batches of
 * Q4_0/Q8_0 where it is enabled, through the file layout (the packed driver hands them back to it). */
int k3k_ime_takes(int type, int n_tokens, int ime_status);

/* riscv64 only (0 elsewhere): run the self-test on the calling thread's core; 1 when the real
 * instruction matched the model on a known tile. */
int k3k_ime_self_test(void);
/* The real instruction when this build has it (riscv64), else NULL. */
k3k_ime_vmadot_fn k3k_ime_real_vmadot(void);
/* The geometry of this core's vector length (riscv64), else {0,0,0}. */
k3k_ime_geom k3k_ime_native_geom(void);

#endif
