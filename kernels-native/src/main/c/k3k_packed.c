/* Packing weights into the kernels' own layout (k3k_packed.h) and the matrix product over it: the
 * activations are quantised once per token, the pool splits the row groups evenly, and each worker
 * runs every token (four at a time) over a row group while its weights are in cache. */
#include <stdatomic.h>
#include <string.h>
#include "k3k.h"
#include "k3k_ime.h"
#include "k3k_packed.h"
#include "k3k_pool.h"

int64_t k3k_packed_bytes(int type, int rows, int cols) {
    const size_t block = k3k_packed_group_block_bytes(type);
    if (block == 0 || rows <= 0 || cols <= 0 || rows % 8 != 0 || cols % k3k_packed_block_elems(type) != 0) return 0;
    return (int64_t) (rows / 8) * (cols / k3k_packed_block_elems(type)) * (int64_t) block;
}

static void pack_q4_K(const block_q4_K *in, block_q4_Kx8 *o, int r) {
    uint32_t utmp[4];
    k3k_unpack_k4_scales(in->scales, utmp);
    const uint8_t *sc = (const uint8_t *) utmp, *m = sc + 8;
    o->d[r] = in->d;
    o->dmin[r] = in->dmin;
    for (int s = 0; s < 8; s++) {
        o->sc[s][r] = sc[s];
        o->m[s][r] = m[s];
    }
    for (int j = 0; j < 4; j++)
        for (int k = 0; k < 8; k++) memcpy(o->qs + 256 * j + 32 * k + 4 * r, in->qs + 32 * j + 4 * k, 4);
}

static void pack_q6_K(const block_q6_K *in, block_q6_Kx8 *o, int r) {
    o->d[r] = in->d;
    for (int s = 0; s < 16; s++) o->sc[s][r] = in->scales[s];
    for (int n = 0; n < 2; n++) {
        for (int c = 0; c < 16; c++) memcpy(o->ql + 512 * n + 32 * c + 4 * r, in->ql + 64 * n + 4 * c, 4);
        for (int c = 0; c < 8; c++) memcpy(o->qh + 256 * n + 32 * c + 4 * r, in->qh + 32 * n + 4 * c, 4);
    }
}

static void pack_iq4_xs(const block_iq4_xs *in, block_iq4_xsx8 *o, int r) {
    o->d[r] = in->d;
    for (int g = 0; g < 8; g++) {
        o->sc[g][r] = (int8_t) k3k_iq4_xs_scale(in, g);
        for (int k = 0; k < 4; k++) memcpy(o->qs + 128 * g + 32 * k + 4 * r, in->qs + 16 * g + 4 * k, 4);
    }
}

/* The 6-bit value (0..63) of row r's element 128 n + 32 st + 4 c + i in a packed Q6_K block column. */
static inline int q6_value(const block_q6_Kx8 *x, int r, int n, int st, int c, int i) {
    const uint8_t a = x->ql[512 * n + 32 * (c + (st & 1 ? 8 : 0)) + 4 * r + i];
    const uint8_t h = x->qh[256 * n + 32 * c + 4 * r + i];
    return (st < 2 ? (a & 0x0F) : (a >> 4)) | ((h >> (2 * st)) & 3) << 4;
}

int k3k_packed_fast(int type) {
    const k3k_type_traits *tr = k3k_traits(type);
    return tr && tr->packed && tr->packed_path && strcmp(tr->packed_path, "generic") != 0;
}

int k3k_pack(int type, const void *src, void *dst, int rows, int cols) {
    if (k3k_packed_bytes(type, rows, cols) == 0 || !src || !dst) return -1;
    const int nb = cols / k3k_packed_block_elems(type);
    for (int g = 0; g < rows / 8; g++)
        for (int b = 0; b < nb; b++)
            for (int r = 0; r < 8; r++) {
                const size_t in_block = (size_t) (8 * g + r) * nb + b, out_block = (size_t) g * nb + b;
                if (type == K3K_Q6_K) {
                    pack_q6_K((const block_q6_K *) src + in_block, (block_q6_Kx8 *) dst + out_block, r);
                } else if (type == K3K_IQ4_XS) {
                    pack_iq4_xs((const block_iq4_xs *) src + in_block, (block_iq4_xsx8 *) dst + out_block, r);
                } else if (type == K3K_Q4_K) {
                    pack_q4_K((const block_q4_K *) src + in_block, (block_q4_Kx8 *) dst + out_block, r);
                } else if (type == K3K_Q4_0 || type == K3K_IQ4_NL) { /* the same block: scale, 16 bytes */
                    const block_q4_0 *in = (const block_q4_0 *) src + in_block;
                    block_q4_0x8 *o = (block_q4_0x8 *) dst + out_block;
                    o->d[r] = in->d;
                    for (int k = 0; k < 4; k++) memcpy(o->qs + 32 * k + 4 * r, in->qs + 4 * k, 4);
                } else {
                    const block_q8_0 *in = (const block_q8_0 *) src + in_block;
                    block_q8_0x8 *o = (block_q8_0x8 *) dst + out_block;
                    o->d[r] = in->d;
                    for (int k = 0; k < 8; k++) memcpy(o->qs + 32 * k + 4 * r, in->qs + 4 * k, 4);
                }
            }
    return 0;
}

/* The generic models share one driver: for every token, block column and row it asks the type's
 * `update` for the row's new accumulator, then stores the eight rows. */
typedef float (*row_update_fn)(const void *x_block, int r, const uint8_t *act_row, int nb, int b, float acc);

static void generic_driver(int nb, const void *vx, size_t block_bytes, const uint8_t *act, size_t act_stride,
                           int n_tok, float *y, size_t y_stride, row_update_fn update) {
    for (int t = 0; t < n_tok; t++) {
        const uint8_t *row = act + (size_t) t * act_stride;
        float acc[8] = {0};
        for (int b = 0; b < nb; b++)
            for (int r = 0; r < 8; r++) acc[r] = update((const uint8_t *) vx + (size_t) b * block_bytes, r, row, nb, b, acc[r]);
        for (int r = 0; r < 8; r++) y[(size_t) t * y_stride + r] = acc[r];
    }
}

/* Row r's exact sum over one 32-element block of a nibble layout (Q4_0 x8's bytes): values[nibble] times the
 * activations q (the low nibbles meet q[0..15], the high ones q[16..31]). */
static int32_t nibble_block_sum(const uint8_t *qs, int r, const int8_t *q, const int8_t values[16]) {
    int32_t sum = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 4; i++) {
            const uint8_t byte = qs[32 * k + 4 * r + i];
            sum += values[byte & 0x0F] * q[4 * k + i] + values[byte >> 4] * q[16 + 4 * k + i];
        }
    return sum;
}

static const int8_t nibbles_as_is[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static float q4_0x8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_q4_0x8 *x = vx;
    const k3k_packed_act a = k3k_packed_act_view(row, nb);
    const int32_t sum = nibble_block_sum(x->qs, r, a.q[b].qs, nibbles_as_is);
    return acc + (float) (sum - a.sum8[b]) * (k3k_fp16_to_fp32(x->d[r]) * a.d[b]);
}

/* The generic IQ4_NL dot's order: the block's exact int sum of codebook values times activations, then
 * acc + sum * (d * dy). */
static float iq4_nlx8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_q4_0x8 *x = vx;
    const k3k_packed_act a = k3k_packed_act_view(row, nb);
    const int32_t sum = nibble_block_sum(x->qs, r, a.q[b].qs, k3k_kvalues_iq4nl);
    return acc + (float) sum * (k3k_fp16_to_fp32(x->d[r]) * a.d[b]);
}

static float q8_0x8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_q8_0x8 *x = vx;
    const k3k_packed_act a = k3k_packed_act_view(row, nb);
    const int8_t *q = a.q[b].qs;
    int32_t sum = 0;
    for (int k = 0; k < 8; k++)
        for (int i = 0; i < 4; i++) sum += x->qs[32 * k + 4 * r + i] * q[4 * k + i];
    return acc + (float) sum * (k3k_fp16_to_fp32(x->d[r]) * a.d[b]);
}

/* sc * dot per sub-block and m * ysum per sub-block summed in int32, then
 * acc = (acc + sumi * (d * dy)) - mins * (dmin * dy) in float. */
static float q4_Kx8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_q4_Kx8 *x = vx;
    const k3k_packed_act_k a = k3k_packed_act_k_view(row, nb);
    const int8_t *q = a.q[b].qs;
    int32_t sumi = 0, mins = 0;
    for (int j = 0; j < 4; j++) {
        int32_t lo = 0, hi = 0;
        for (int k = 0; k < 8; k++)
            for (int i = 0; i < 4; i++) {
                const uint8_t byte = x->qs[256 * j + 32 * k + 4 * r + i];
                lo += (byte & 0x0F) * q[64 * j + 4 * k + i];
                hi += (byte >> 4) * q[64 * j + 32 + 4 * k + i];
            }
        sumi += x->sc[2 * j][r] * lo + x->sc[2 * j + 1][r] * hi;
    }
    for (int s = 0; s < 8; s++) mins += x->m[s][r] * (a.q[b].bsums[2 * s] + a.q[b].bsums[2 * s + 1]);
    return (acc + (float) sumi * (k3k_fp16_to_fp32(x->d[r]) * a.q[b].d)) -
           (float) mins * (k3k_fp16_to_fp32(x->dmin[r]) * a.q[b].d);
}

/* Per group sc * sum(codebook(q) y) in int32 over the super-block, then acc += sumi * (d * dy) in float. */
static float iq4_xsx8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_iq4_xsx8 *x = vx;
    const k3k_packed_act_k a = k3k_packed_act_k_view(row, nb);
    const int8_t *q = a.q[b].qs;
    int32_t sumi = 0;
    for (int g = 0; g < 8; g++) sumi += x->sc[g][r] * nibble_block_sum(x->qs + 128 * g, r, q + 32 * g, k3k_kvalues_iq4nl);
    return acc + (float) sumi * (k3k_fp16_to_fp32(x->d[r]) * a.q[b].d);
}

/* Per sub-block sc * sum((q - 32) y) in int32, then acc += sumi * (d * dy) in float. */
static float q6_Kx8_update(const void *vx, int r, const uint8_t *row, int nb, int b, float acc) {
    const block_q6_Kx8 *x = vx;
    const k3k_packed_act_k a = k3k_packed_act_k_view(row, nb);
    const int8_t *q = a.q[b].qs;
    int32_t sumi = 0;
    for (int n = 0; n < 2; n++)
        for (int st = 0; st < 4; st++)
            for (int qq = 0; qq < 2; qq++) {
                int32_t ss = 0;
                for (int c = 4 * qq; c < 4 * qq + 4; c++)
                    for (int i = 0; i < 4; i++) ss += (q6_value(x, r, n, st, c, i) - 32) * q[128 * n + 32 * st + 4 * c + i];
                sumi += x->sc[8 * n + 2 * st + qq][r] * ss;
            }
    return acc + (float) sumi * (k3k_fp16_to_fp32(x->d[r]) * a.q[b].d);
}

#define GENERIC_KERNEL(NAME, BLOCK)                                                                               \
    void k3k_##NAME##_generic(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y, \
                              size_t y_stride) {                                                                  \
        generic_driver(nb, x, sizeof(BLOCK), act, act_stride, n_tok, y, y_stride, NAME##_update);                 \
    }
GENERIC_KERNEL(q4_0x8, block_q4_0x8)
GENERIC_KERNEL(q8_0x8, block_q8_0x8)
GENERIC_KERNEL(iq4_nlx8, block_q4_0x8)
GENERIC_KERNEL(iq4_xsx8, block_iq4_xsx8)
GENERIC_KERNEL(q4_Kx8, block_q4_Kx8)
GENERIC_KERNEL(q6_Kx8, block_q6_Kx8)

typedef struct {
    k3k_packed_fn kernel;
    void (*pair)(int nb, const void *x0, const void *x1, const uint8_t *act, size_t act_stride, int n_tok, float *y,
                 size_t y_stride);
    const uint8_t *w;
    size_t group_bytes;
    int type, groups, cols, nb, n_tokens, rows;
    const float *x;
    uint8_t *act;
    size_t act_bytes;
    float *y;
    int chunk_groups, n_chunks;
    int token_block; /* tokens per pass over a chunk's row pairs (a multiple of the tile's) */
    _Atomic int next_chunk; /* row groups are handed out in chunks, first come first served */
} packed_task;

static void share(int total, int ith, int nth, int *from, int *to) {
    *from = (int) ((int64_t) total * ith / nth);
    *to = (int) ((int64_t) total * (ith + 1) / nth);
}

static int32_t int16_pair(int lo, int hi) { return (int32_t) ((uint32_t) (uint16_t) lo | (uint32_t) (uint16_t) hi << 16); }

static void quantize_act_k(int type, const float *x, uint8_t *row, int cols) {
    const int nb = cols / QK_K;
    k3k_traits(type)->from_float(x, row, cols); /* plain Q8_K blocks first */
    const k3k_packed_act_k a = k3k_packed_act_k_view(row, nb);
    int32_t *aux = (int32_t *) a.aux;
    const int per = k3k_packed_act_k_aux_ints(type);
    for (int b = 0; b < nb; b++) {
        if (type == K3K_Q4_K) {
            for (int i = 0; i < 4; i++) {
                const int16_t *bs = a.q[b].bsums + 4 * i;
                aux[per * b + i] = int16_pair(bs[0] + bs[1], bs[2] + bs[3]);
            }
        } else if (type == K3K_Q6_K) {
            const int8_t *q = a.q[b].qs;
            for (int g = 0; g < QK_K / 4; g++)
                aux[per * b + g] = int16_pair(32 * (q[4 * g] + q[4 * g + 1]), 32 * (q[4 * g + 2] + q[4 * g + 3]));
        } else {
            memset(aux + per * b, 0, sizeof(int32_t) * (size_t) per); /* IQ4_XS reads no aux */
        }
    }
}

void k3k_packed_quantize_act(int type, const float *x, uint8_t *row, int cols) {
    if (k3k_packed_block_elems(type) == QK_K) {
        quantize_act_k(type, x, row, cols);
        return;
    }
    const int nb = cols / QK8_0;
    k3k_traits(K3K_Q8_0)->from_float(x, row, cols); /* plain Q8_0 blocks first: the same bytes as Q8_0's */
    const k3k_packed_act a = k3k_packed_act_view(row, nb);
    float *d = (float *) a.d;
    int32_t *sum8 = (int32_t *) a.sum8;
    for (int b = 0; b < nb; b++) {
        int32_t s = 0;
        for (int i = 0; i < QK8_0; i++) s += a.q[b].qs[i];
        d[b] = k3k_fp16_to_fp32(a.q[b].d);
        sum8[b] = 8 * s;
    }
}

static void quantize_task(void *arg, int ith, int nth) {
    const packed_task *t = arg;
    int t0, t1;
    share(t->n_tokens, ith, nth, &t0, &t1);
    for (int tok = t0; tok < t1; tok++)
        k3k_packed_quantize_act(t->type, t->x + (size_t) tok * t->cols, t->act + (size_t) tok * t->act_bytes, t->cols);
}

/* Row groups in chunks taken from a shared counter rather than one fixed share per thread: a thread
 * slowed down (an interrupt, the JVM's own threads, the caller's share starting late) takes fewer chunks
 * instead of making the others wait at the barrier. Each chunk is contiguous, so the weight stream
 * stays sequential within it. */
static void packed_matmul_task(void *arg, int ith, int nth) {
    (void) ith;
    (void) nth;
    packed_task *t = arg;
    for (int c; (c = atomic_fetch_add_explicit(&t->next_chunk, 1, memory_order_relaxed)) < t->n_chunks;) {
        const int g1 = (c + 1) * t->chunk_groups < t->groups ? (c + 1) * t->chunk_groups : t->groups;
        int g = c * t->chunk_groups;
        /* sixteen-row tiles where the ISA has the micro-kernel, then a lone group with the eight-row one;
         * the tokens in blocks whose activations stay in L2 while the chunk's row pairs pass over them */
        for (int t0 = 0; t->pair && t0 < t->n_tokens; t0 += t->token_block) {
            const int t1 = t0 + t->token_block < t->n_tokens ? t0 + t->token_block : t->n_tokens;
            for (int gp = g; gp + 2 <= g1; gp += 2)
                for (int tok = t0; tok < t1; tok += K3K_PACKED_PAIR_TOKENS) {
                    const int n = t1 - tok < K3K_PACKED_PAIR_TOKENS ? t1 - tok : K3K_PACKED_PAIR_TOKENS;
                    const uint8_t *w = t->w + (size_t) gp * t->group_bytes;
                    t->pair(t->nb, w, w + t->group_bytes, t->act + (size_t) tok * t->act_bytes, t->act_bytes, n,
                            t->y + (size_t) tok * t->rows + 8 * (size_t) gp, (size_t) t->rows);
                }
        }
        if (t->pair) g += (g1 - g) & ~1;
        for (int i = 0; i < g1 - g; i++) {
            const int gi = g + k3k_two_streams(i, g1 - g);
            for (int tok = 0; tok < t->n_tokens; tok += 4) {
                const int n = t->n_tokens - tok < 4 ? t->n_tokens - tok : 4;
                t->kernel(t->nb, t->w + (size_t) gi * t->group_bytes, t->act + (size_t) tok * t->act_bytes, t->act_bytes,
                          n, t->y + (size_t) tok * t->rows + 8 * (size_t) gi, (size_t) t->rows);
            }
        }
    }
}

/* One token over the file's rows with the type's packed_row kernel (the packed generic model's bits), rows
 * in chunks from a shared counter as above. */
typedef struct {
    float (*row)(const void *row, const void *act, int nb);
    const uint8_t *w;
    size_t row_bytes;
    const void *act;
    float *y;
    int rows, nb, chunk;
    _Atomic int next_chunk;
} row_task;

static void packed_row_task(void *arg, int ith, int nth) {
    (void) ith;
    (void) nth;
    row_task *t = arg;
    for (int c; (c = atomic_fetch_add_explicit(&t->next_chunk, 1, memory_order_relaxed)) * t->chunk < t->rows;) {
        const int r1 = (c + 1) * t->chunk < t->rows ? (c + 1) * t->chunk : t->rows;
        const int r0 = c * t->chunk;
        for (int i = 0; i < r1 - r0; i++) {
            const int r = r0 + k3k_two_streams(i, r1 - r0);
            t->y[r] = t->row(t->w + (size_t) r * t->row_bytes, t->act, t->nb);
        }
    }
}

/* Chunks of at least 4 groups (32 rows), about 8 per thread, an even count for the sixteen-row tiles. */
static void plan_chunks(packed_task *t, int threads) {
    int per = t->groups / (8 * threads);
    if (per < 4) per = 4;
    per += per & 1;
    t->chunk_groups = per;
    t->n_chunks = (t->groups + per - 1) / per;
    /* about 256 KiB of activations per token block: with a chunk's weights it stays within a 1 MiB L2 */
    const int fit = (int) ((256u << 10) / t->act_bytes) / K3K_PACKED_PAIR_TOKENS * K3K_PACKED_PAIR_TOKENS;
    t->token_block = fit > K3K_PACKED_PAIR_TOKENS ? fit : K3K_PACKED_PAIR_TOKENS;
    atomic_store(&t->next_chunk, 0);
}

int k3k_matmul_packed(k3k_pool *pool, int type, const void *packed, const void *file, int rows, int cols,
                      const float *x, float *y, int n_tokens) {
    if (k3k_packed_bytes(type, rows, cols) == 0 || n_tokens < 0 || !packed) return -1;
    if (n_tokens == 0) return 0;
    const k3k_type_traits *tr = k3k_traits(type);
    /* the file layout where it is faster: too few tokens, or a batch the K3's matrix unit takes */
    if (file && (n_tokens < tr->packed_min_tokens || k3k_ime_takes(type, n_tokens, k3k_ime_status(pool))))
        return k3k_matmul(pool, type, file, rows, cols, x, y, n_tokens);
    packed_task t = {
        .kernel = tr->packed,
        /* the sixteen-row tiles pay from two tokens on, or from the ISA's own threshold; one token (decode)
         * streams faster eight rows at a time (AVX-512 EPYC, Qwen3-0.6B Q4_0 tg64: 46 t/s with the tiles, 52-55
         * without) */
        .pair = n_tokens >= (tr->packed_pair_min_tokens > 2 ? tr->packed_pair_min_tokens : 2) ? tr->packed_pair : NULL,
        .type = type, .w = packed, .groups = rows / 8, .cols = cols,
        .nb = cols / k3k_packed_block_elems(type),
        .n_tokens = n_tokens, .rows = rows, .x = x, .y = y,
    };
    t.group_bytes = (size_t) t.nb * k3k_packed_group_block_bytes(type);
    t.act_bytes = k3k_packed_act_row_bytes(type, cols);
    t.act = k3k_pool_scratch(pool, t.act_bytes * (size_t) n_tokens);
    if (!t.act) return -1;
    if (n_tokens == 1) quantize_task(&t, 0, 1);
    else k3k_pool_run(pool, quantize_task, &t);
    /* one token, the file's rows at hand, and a row kernel: the file layout streams faster (k3k_x86_q6_K_rows.c) */
    if (n_tokens == 1 && file && tr->packed_row) {
        const int threads = k3k_pool_threads(pool);
        row_task r = {.row = tr->packed_row, .w = file, .row_bytes = k3k_row_bytes(type, cols), .act = t.act, .y = y,
                      .rows = rows, .nb = t.nb, .chunk = rows / (16 * threads) > 64 ? rows / (16 * threads) : 64};
        atomic_store(&r.next_chunk, 0);
        k3k_pool_run_work(pool, packed_row_task, &r, r.row_bytes * (size_t) rows);
        return 0;
    }
    plan_chunks(&t, k3k_pool_threads(pool));
    k3k_pool_run_work(pool, packed_matmul_task, &t, t.group_bytes * (size_t) t.groups * (size_t) n_tokens);
    return 0;
}
