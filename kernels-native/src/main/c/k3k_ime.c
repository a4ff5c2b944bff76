/* IME tiling and packing, host-portable: the tile instruction is a parameter (model or real). */
#include <string.h>
#include "k3k_internal.h"
#include "k3k_ime.h"

#define MAX_TILE 1024 /* bytes of one A or B register at VLEN 8192: ample */

k3k_ime_geom k3k_ime_geom_for_vlen(int vlen_bits) {
    switch (vlen_bits) {
    case 256: return (k3k_ime_geom) {4, 4, 8};
    case 1024: return (k3k_ime_geom) {8, 8, 16};
    default: return (k3k_ime_geom) {0, 0, 0};
    }
}

void k3k_ime_vmadot_model(int32_t *c, const int8_t *a, const int8_t *b, const k3k_ime_geom *g) {
    for (int i = 0; i < g->m; i++)
        for (int j = 0; j < g->n; j++) {
            int32_t s = 0;
            for (int k = 0; k < g->k; k++) s += (int32_t) a[i * g->k + k] * b[j * g->k + k];
            c[i * g->n + j] += s;
        }
}

/* Element e of a weight block as int8: Q8_0 directly, Q4_0 unpacked (low nibbles are 0..15, high 16..31). */
static inline int8_t weight_at(int type, const uint8_t *blk, int e) {
    if (type == K3K_Q8_0) return ((const block_q8_0 *) blk)->qs[e];
    const uint8_t q = ((const block_q4_0 *) blk)->qs[e & 15];
    return (int8_t) ((e < 16 ? (q & 0x0F) : (q >> 4)) - 8);
}

static inline float weight_scale(const uint8_t *blk) {
    k3k_half d;
    memcpy(&d, blk, 2); /* d is the first field of both block types */
    return k3k_fp16_to_fp32(d);
}

int k3k_ime_matmul_rows(int type, const uint8_t *w, size_t w_row_bytes, int r0, int r1, int cols,
                        const uint8_t *xq, size_t xq_row_bytes, float *y, int rows, int n_tokens,
                        k3k_ime_vmadot_fn vmadot, const k3k_ime_geom *g) {
    if ((type != K3K_Q8_0 && type != K3K_Q4_0) || g->k <= 0 || QK8_0 % g->k != 0 ||
        g->m * g->k > MAX_TILE || g->n * g->k > MAX_TILE || g->m * g->n > MAX_TILE) return -1;
    const int nb = cols / QK8_0, sub = QK8_0 / g->k, bsize = k3k_type_size(type);
    int8_t a[MAX_TILE], b[MAX_TILE];
    int32_t c[MAX_TILE];
    float acc[MAX_TILE];
    for (int t0 = 0; t0 < n_tokens; t0 += g->m) {
        for (int rb = r0; rb < r1; rb += g->n) {
            for (int i = 0; i < g->m * g->n; i++) acc[i] = 0.0f;
            for (int blk = 0; blk < nb; blk++) {
                memset(c, 0, sizeof(int32_t) * (size_t) (g->m * g->n));
                for (int s = 0; s < sub; s++) {
                    /* pack A: M tokens' K activations; rows past the end are zero */
                    for (int i = 0; i < g->m; i++) {
                        const int t = t0 + i;
                        const block_q8_0 *xb = t < n_tokens ? (const block_q8_0 *) (xq + (size_t) t * xq_row_bytes) + blk : NULL;
                        for (int k = 0; k < g->k; k++) a[i * g->k + k] = xb ? xb->qs[s * g->k + k] : 0;
                    }
                    /* pack B: N weight rows' K elements */
                    for (int j = 0; j < g->n; j++) {
                        const int r = rb + j;
                        const uint8_t *wb = r < r1 ? w + (size_t) r * w_row_bytes + (size_t) blk * bsize : NULL;
                        for (int k = 0; k < g->k; k++) b[j * g->k + k] = wb ? weight_at(type, wb, s * g->k + k) : 0;
                    }
                    vmadot(c, a, b, g);
                }
                /* scale the block's integer sums in the generic dot's order */
                for (int i = 0; i < g->m && t0 + i < n_tokens; i++) {
                    const block_q8_0 *xb = (const block_q8_0 *) (xq + (size_t) (t0 + i) * xq_row_bytes) + blk;
                    const float dx = k3k_fp16_to_fp32(xb->d);
                    for (int j = 0; j < g->n && rb + j < r1; j++) {
                        const float dw = weight_scale(w + (size_t) (rb + j) * w_row_bytes + (size_t) blk * bsize);
                        const int32_t sumi = c[i * g->n + j];
                        if (type == K3K_Q8_0) acc[i * g->n + j] += sumi * (dw * dx);
                        else acc[i * g->n + j] += sumi * dw * dx;
                    }
                }
            }
            for (int i = 0; i < g->m && t0 + i < n_tokens; i++)
                for (int j = 0; j < g->n && rb + j < r1; j++) y[(size_t) (t0 + i) * rows + rb + j] = acc[i * g->n + j];
        }
    }
    return 0;
}
