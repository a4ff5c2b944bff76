/* The attention's key/value steps shared by the exact path (k3k_attention.c, F32/F16 caches) and the tiled one
 * (k3k_attention_flash.c, every cache type): a key block's scores and a value block's p*v for all of a unit's query
 * rows (from F16 rows in registers where the ISA can, else K and V widened or dequantised once), and the generic C
 * widening and rounding helpers the ISA files replace. */
#include <string.h>
#include "k3k.h"
#include "k3k_fa_micro.h"
#include "k3k_internal.h"

void k3k_kv_widen_f16_generic(const void *src, float *dst, int n) {
    const k3k_half *h = src;
    for (int d = 0; d < n; d++) dst[d] = k3k_fp16_to_fp32(h[d]);
}

void k3k_kv_widen_q8_0_generic(const void *src, float *dst, int n) { k3k_dequantize_row(K3K_Q8_0, src, dst, n); }
void k3k_kv_widen_q4_0_generic(const void *src, float *dst, int n) { k3k_dequantize_row(K3K_Q4_0, src, dst, n); }

void k3k_kv_round_f16_generic(float *x, int n) {
    for (int d = 0; d < n; d++) x[d] = k3k_fp16_to_fp32(k3k_fp32_to_fp16(x[d]));
}

/* Rows [r0, r1)'s scores over the keys [jb, je) of a cache of kv_type (row r's key j at s[(r - r0) * s_stride + j - jb];
 * qc: the queries by row), K3K_FA_RK keys at a time: from the cache's rows as they are where they are floats, or F16
 * that the ISA converts in registers (kv_scores), else widened or dequantised into kb first. Before each step it
 * requests the K (and, given vbase, V) rows a block further on, below hi: the next block's reads spread over this
 * block's arithmetic, where one burst of requests per block stalled on full miss buffers (7 % faster at 16384 keys
 * with Qwen3.6's heads). */
void k3k_fa_block_scores(int kv_type, const uint8_t *kbase, const uint8_t *vbase, size_t kv_row, int jb, int je, int hi,
                         const float *qc, int r0, int r1, int hd, float scale, float *kb, float *s, size_t s_stride) {
    const k3k_type_traits *f32 = k3k_traits(K3K_F32), *tr = k3k_traits(kv_type);
    const size_t head_bytes = k3k_row_bytes(kv_type, hd);
    const float *q = qc + (size_t) r0 * hd;
    for (int j0 = jb; j0 < je; j0 += K3K_FA_RK) {
        const int j1 = j0 + K3K_FA_RK < je ? j0 + K3K_FA_RK : je;
        for (int j = j0 + K3K_FA_BK; j < j1 + K3K_FA_BK && j < hi; j++) {
            k3k_prefetch_bytes(kbase + (size_t) j * kv_row, head_bytes);
            if (vbase) k3k_prefetch_bytes(vbase + (size_t) j * kv_row, head_bytes);
        }
        const uint8_t *krow = kbase + (size_t) j0 * kv_row;
        float *sj = s + (j0 - jb);
        if (kv_type == K3K_F32) {
            f32->fa_scores(q, (size_t) hd, r1 - r0, (const float *) krow, kv_row / sizeof(float), j1 - j0, hd, scale, sj,
                           s_stride);
        } else if (tr->kv_scores) {
            tr->kv_scores(q, (size_t) hd, r1 - r0, krow, kv_row, j1 - j0, hd, scale, sj, s_stride);
        } else {
            for (int j = j0; j < j1; j++) tr->kv_widen(kbase + (size_t) j * kv_row, kb + (size_t) (j - j0) * hd, hd);
            f32->fa_scores(q, (size_t) hd, r1 - r0, kb, (size_t) hd, j1 - j0, hd, scale, sj, s_stride);
        }
    }
}

/* A block's V rows [jb, je) made ready for k3k_fa_run_pv: unless the ISA reads F16 rows in registers (kv_pv),
 * widened, dequantised or copied into vb; with `ahead`, each row K3K_KV_AHEAD further on requested first (the exact
 * path; the tiled one's scores step already requested this block's V rows a block earlier). */
void k3k_fa_block_values(int kv_type, const uint8_t *vbase, size_t kv_row, int jb, int je, int hd, float *vb, int ahead) {
    const k3k_type_traits *tr = k3k_traits(kv_type);
    const size_t head_bytes = k3k_row_bytes(kv_type, hd);
    const int in_registers = kv_type == K3K_F16 && tr->kv_pv;
    if (in_registers && !ahead) return;
    for (int j = jb; j < je; j++) {
        const uint8_t *vrow = vbase + (size_t) j * kv_row;
        if (ahead) k3k_prefetch_bytes(vrow + K3K_KV_AHEAD * kv_row, head_bytes);
        if (in_registers) continue;
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
