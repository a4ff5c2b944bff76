/* The attention's key/value steps shared by the exact path (k3k_attention.c, F32/F16 caches) and the tiled one
 * (k3k_attention_flash.c, every cache type): a key block's scores (K widened or dequantised once for all of a unit's
 * query rows, in either score form), a value block's p*v (from F16 rows in registers where the ISA can, else a
 * widened block), and the generic C widening and rounding helpers the ISA files replace. */
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"

void k3k_kv_widen_f16_generic(const void *src, float *dst, int n) {
    const k3k_half *h = src;
    for (int d = 0; d < n; d++) dst[d] = k3k_fp16_to_fp32(h[d]);
}

void k3k_kv_widen_t_f16_generic(const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {
    for (int j = 0; j < nk; j++) {
        const k3k_half *h = (const k3k_half *) ((const uint8_t *) rows + (size_t) j * row_stride);
        for (int d = 0; d < hd; d++) kt[(size_t) d * kt_stride + j] = k3k_fp16_to_fp32(h[d]);
    }
}

void k3k_kv_widen_t_f32_generic(const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {
    for (int j = 0; j < nk; j++) {
        const float *f = (const float *) ((const uint8_t *) rows + (size_t) j * row_stride);
        for (int d = 0; d < hd; d++) kt[(size_t) d * kt_stride + j] = f[d];
    }
}

void k3k_kv_widen_q8_0_generic(const void *src, float *dst, int n) { k3k_dequantize_row(K3K_Q8_0, src, dst, n); }
void k3k_kv_widen_q4_0_generic(const void *src, float *dst, int n) { k3k_dequantize_row(K3K_Q4_0, src, dst, n); }

/* A quantised cache's rows transposed: eight rows at a time, a slice of up to 256 values of each dequantised by the
 * active table's kv_widen (the ISA's, or generic C under k3k_force_generic), then moved into kt's columns by F32's
 * kv_widen_t (the 8 x 8 register transposes on AVX2). Data movement after the dequantisation: the same bits on
 * every path. */
static void widen_t_dequant(int type, const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {
    enum { SLICE = 256 };
    float buf[8 * SLICE];
    const k3k_type_traits *tr = k3k_traits(type), *f32 = k3k_traits(K3K_F32);
    for (int j0 = 0; j0 < nk; j0 += 8) {
        const int n = nk - j0 < 8 ? nk - j0 : 8;
        for (int d0 = 0; d0 < hd; d0 += SLICE) {
            const int w = hd - d0 < SLICE ? hd - d0 : SLICE;
            const uint8_t *slice = (const uint8_t *) rows + k3k_row_bytes(type, d0); /* whole blocks before d0 */
            for (int i = 0; i < n; i++) tr->kv_widen(slice + (size_t) (j0 + i) * row_stride, buf + i * w, w);
            f32->kv_widen_t(buf, sizeof(float) * (size_t) w, n, w, kt + (size_t) d0 * kt_stride + j0, kt_stride);
        }
    }
}

void k3k_kv_widen_t_q8_0_generic(const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {
    widen_t_dequant(K3K_Q8_0, rows, row_stride, nk, hd, kt, kt_stride);
}

void k3k_kv_widen_t_q4_0_generic(const void *rows, size_t row_stride, int nk, int hd, float *kt, int kt_stride) {
    widen_t_dequant(K3K_Q4_0, rows, row_stride, nk, hd, kt, kt_stride);
}

void k3k_kv_round_f16_generic(float *x, int n) {
    for (int d = 0; d < n; d++) x[d] = k3k_fp16_to_fp32(k3k_fp32_to_fp16(x[d]));
}

/* The queries of rows [0, rows) by groups of K3K_FA_RL for fa_scores_rows (qt[(g * hd + d) * K3K_FA_RL + l] =
 * q[(g * K3K_FA_RL + l) * hd + d]), where the rows fill at least one group and the path has that score form (a last
 * group of fewer rows is left out: fa_scores takes those). Returns qt, or NULL where nothing was written. */
const float *k3k_fa_rows_transposed(const float *q, int rows, int hd, float *qt) {
    if (rows < K3K_FA_RL || !k3k_traits(K3K_F32)->fa_scores_rows) return NULL;
    for (int g = 0; g < rows / K3K_FA_RL; g++)
        for (int d = 0; d < hd; d++)
            for (int l = 0; l < K3K_FA_RL; l++)
                qt[((size_t) g * hd + d) * K3K_FA_RL + l] = q[((size_t) g * K3K_FA_RL + l) * hd + d];
    return qt;
}

/* Rows [r0, r1)'s scores over the keys [jb, je) of a cache of kv_type (row r's key j at s[(r - r0) * s_stride + j - jb];
 * the block holds at most K3K_FA_BK keys), K's rows widened (or dequantised) into kt once for all the rows: as they are for
 * fa_scores_rows when the rows are whole groups of qt (the queries transposed by k3k_fa_rows_transposed, NULL
 * where the path has no such form), else transposed for fa_scores (qc: the queries by row). The two give the same bits.
 * The rows form goes K3K_FA_RK keys at a time and before each step requests the K (and, given vbase, V) rows a
 * block further on, below hi: the next block's reads spread over this block's arithmetic, where one burst of
 * requests per block stalled on full miss buffers (7 % faster at 16384 keys with Qwen3.6's heads). Returns whether
 * it did; the transposed form requests its own K rows K3K_KV_AHEAD ahead and leaves the next block to the caller. */
int k3k_fa_block_scores(int kv_type, const uint8_t *kbase, const uint8_t *vbase, size_t kv_row, int jb, int je, int hi,
                        const float *qc, const float *qt, int r0, int r1, int hd, float scale, float *kt, float *s,
                        size_t s_stride) {
    const k3k_type_traits *f32 = k3k_traits(K3K_F32), *tr = k3k_traits(kv_type);
    const int nk = je - jb;
    const size_t head_bytes = k3k_row_bytes(kv_type, hd);
    if (qt && r0 % K3K_FA_RL == 0 && (r1 - r0) % K3K_FA_RL == 0) {
        for (int q = 0; q < nk; q += K3K_FA_RK) {
            const int qe = q + K3K_FA_RK < nk ? q + K3K_FA_RK : nk;
            for (int j = jb + q + K3K_FA_BK; j < jb + qe + K3K_FA_BK && j < hi; j++) {
                k3k_prefetch_bytes(kbase + (size_t) j * kv_row, head_bytes);
                if (vbase) k3k_prefetch_bytes(vbase + (size_t) j * kv_row, head_bytes);
            }
            for (int j = q; j < qe; j++) {
                const uint8_t *krow = kbase + (size_t) (jb + j) * kv_row;
                if (kv_type == K3K_F32) memcpy(kt + (size_t) j * hd, krow, head_bytes);
                else tr->kv_widen(krow, kt + (size_t) j * hd, hd);
            }
            f32->fa_scores_rows(qt + (size_t) r0 * hd, (r1 - r0) / K3K_FA_RL, kt + (size_t) q * hd, qe - q, hd, scale,
                                s + q, s_stride);
        }
        return 1;
    }
    for (int j = 0; j < nk; j += 8) {
        const int n = nk - j < 8 ? nk - j : 8;
        for (int i = 0; i < n; i++) k3k_prefetch_bytes(kbase + (size_t) (jb + j + i + K3K_KV_AHEAD) * kv_row, head_bytes);
        tr->kv_widen_t(kbase + (size_t) (jb + j) * kv_row, kv_row, n, hd, kt + j, K3K_FA_BK);
    }
    for (int d = 0; nk < K3K_FA_BK && d < hd; d++)
        for (int j = nk; j < K3K_FA_BK; j++) kt[(size_t) d * K3K_FA_BK + j] = 0.0f;
    f32->fa_scores(qc + (size_t) r0 * hd, hd, r1 - r0, kt, hd, scale, s, s_stride);
    return 0;
}

/* A block's V rows [jb, je) made ready for k3k_fa_run_pv: prefetched K3K_KV_AHEAD rows ahead and, unless the ISA
 * reads F16 rows in registers (kv_pv), widened, dequantised or copied into vb. */
void k3k_fa_block_values(int kv_type, const uint8_t *vbase, size_t kv_row, int jb, int je, int hd, float *vb) {
    const k3k_type_traits *tr = k3k_traits(kv_type);
    const size_t head_bytes = k3k_row_bytes(kv_type, hd);
    for (int j = jb; j < je; j++) {
        const uint8_t *vrow = vbase + (size_t) j * kv_row;
        k3k_prefetch_bytes(vrow + K3K_KV_AHEAD * kv_row, head_bytes);
        if (kv_type == K3K_F16 && tr->kv_pv) continue;
        if (kv_type == K3K_F32) memcpy(vb + (size_t) (j - jb) * hd, vrow, head_bytes);
        else tr->kv_widen(vrow, vb + (size_t) (j - jb) * hd, hd);
    }
}

/* acc_r += sum_j p_r[j] v_j over the keys [j0, j1) of the block from jb (p_r = p + r * p_stride, its key j0 first), rows
 * r < rows: from the cache's F16 rows where the ISA converts them in registers, else from the block's vb. */
void k3k_fa_run_pv(int kv_type, const uint8_t *vbase, size_t kv_row, int jb, int j0, int j1, const float *vb, float *acc,
                   size_t acc_stride, const float *p, size_t p_stride, int rows, int hd) {
    const k3k_type_traits *tr = k3k_traits(kv_type);
    if (kv_type == K3K_F16 && tr->kv_pv) tr->kv_pv(acc, acc_stride, p, p_stride, rows, j1 - j0, vbase + (size_t) j0 * kv_row, kv_row, hd);
    else k3k_traits(K3K_F32)->fa_pv(acc, acc_stride, p, p_stride, rows, j1 - j0, vb + (size_t) (j0 - jb) * hd, hd);
}
