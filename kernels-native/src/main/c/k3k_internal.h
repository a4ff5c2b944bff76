/* Internal interfaces between the kernel files: the dot-product signature every ISA path shares, the
 * generic (scalar) versions that are the reference for the others, and the run-time dispatch table. */
#ifndef K3K_INTERNAL_H
#define K3K_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "k3k_blocks.h"

/* qemu-riscv64 7.2 aborts on the vfncvt.rtz.x.f.w clang emits when it vectorises (int8_t) roundf(...),
 * so float-to-int loops stay scalar on clang; the result is the same either way. */
#if defined(__clang__)
#define SCALAR_LOOP _Pragma("clang loop vectorize(disable)")
#else
#define SCALAR_LOOP
#endif

/* *s = dot(x, y) over n elements; x is a row of the weight type, y the activations already quantised to
 * that type's vec-dot type (both given as raw blocks). */
typedef void (*k3k_vec_dot_fn)(int n, float *s, const void *x, const void *y);
typedef void (*k3k_from_float_fn)(const float *x, void *y, int64_t n);
/* The dot of one weight row with 4 activation rows (y + k * by), s[k * s_stride] for token k: the weight
 * blocks are unpacked once for the 4 tokens (prefill). Each output equals what dot would give. */
typedef void (*k3k_vec_dot_4t_fn)(int n, float *s, size_t s_stride, const void *x, const void *y, size_t by);
/* x[0..n) rounded through the cache type in place (F16: to the nearest half, ties to even). */
typedef void (*k3k_kv_round_fn)(float *x, int n);
/* The gated delta rule's loops over one state column m (s floats): m *= decay, returning m.k; and
 * m += k * d, returning m.q. Sums in eight interleaved partial sums reduced ((0+4)+(2+6))+((1+5)+(3+7)),
 * then the tail in order, no fused multiply-add: every ISA version equals the generic one bit for bit. */
typedef float (*k3k_gdn_decay_dot_fn)(float *m, float decay, const float *k, int s);
typedef float (*k3k_gdn_update_dot_fn)(float *m, const float *k, float d, const float *q, int s);
float k3k_gdn_decay_dot_generic(float *m, float decay, const float *k, int s);
/* The causal convolution's tap sums for n channels: sum[c] = sum_i rows[i][c] * wrows[i][c], oldest tap first. */
typedef void (*k3k_conv_taps_fn)(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n);
/* ggml's GELU table (65536 halves indexed by the fp16 input), filled on first use. */
const k3k_half *k3k_gelu_table(void);
void k3k_gelu_rows_generic(const float *gate, const float *up, float *out, int n);
/* The GELU rows' loop over n elements with LOOKUP(x) the table's value for a gate inside (-10, 10): ggml's
 * cut-offs outside (0 below, x above), times up[i] unless up is NULL (x <= -10 stays +0 either way). */
#define K3K_GELU_LOOP(LOOKUP)                                                                                     \
    for (int i = 0; i < n; i++) {                                                                                 \
        const float x = gate[i], g = x <= -10.0f ? 0.0f : x >= 10.0f ? x : LOOKUP(x);                             \
        out[i] = up ? (x <= -10.0f ? 0.0f : g * up[i]) : g;                                                       \
    }
void k3k_conv_taps_generic(float *sum, const float *const *rows, const float *const *wrows, int d_conv, int n);
float k3k_gdn_update_dot_generic(float *m, const float *k, float d, const float *q, int s);


/* Generic scalar dots, arithmetic identical to ggml's *_generic versions. */
void k3k_vec_dot_f32_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_f16_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_bf16_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q4_0_q8_0_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q4_1_q8_1_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q5_0_q8_0_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q5_1_q8_1_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q8_0_q8_0_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q2_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q3_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q4_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q5_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q6_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_q8_K_q8_K_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_iq4_nl_q8_0_generic(int n, float *s, const void *x, const void *y);
void k3k_vec_dot_iq4_xs_q8_K_generic(int n, float *s, const void *x, const void *y);

/* Generic attention helpers: F16, Q8_0 and Q4_0 rows widened, F16 rounding. */
void k3k_kv_round_f16_generic(float *x, int n);
void k3k_kv_widen_q8_0_generic(const void *src, float *dst, int n);
void k3k_kv_widen_q4_0_generic(const void *src, float *dst, int n);
void k3k_kv_widen_f16_generic(const void *src, float *dst, int n);
/* The tiled attention's generic micro-kernels (k3k_fa_micro.h). */
void k3k_fa_scores_generic(const float *q, size_t q_stride, int rows, const float *kb, size_t kb_stride, int n, int hd,
                           float scale, float *s, size_t s_stride);
void k3k_fa_exp_generic(float *x, int n, float m);
/* The attention's shared steps over a cache's key blocks (k3k_attention_blocks.c) */
void k3k_fa_block_values(int kv_type, const uint8_t *vbase, size_t kv_row, int jb, int je, int hd, float *vb, int ahead);
void k3k_fa_run_pv(int kv_type, const uint8_t *vbase, size_t kv_row, int jb, int j0, int j1, const float *vb, float *acc,
                   size_t acc_stride, const float *p, size_t p_stride, int rows, int hd);
void k3k_fa_block_scores(int kv_type, const uint8_t *kbase, const uint8_t *vbase, size_t kv_row, int jb, int je, int hi,
                         const float *qc, int r0, int r1, int hd, float scale, float *kb, float *s, size_t s_stride);
void k3k_fa_pv_generic(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n, const float *vb,
                       int hd);

/* Activation quantisers (ggml's *_ref arithmetic) and the float converters. */
void k3k_quantize_row_q8_0(const float *x, void *y, int64_t n);
void k3k_quantize_row_q8_1(const float *x, void *y, int64_t n);
void k3k_quantize_row_q8_K(const float *x, void *y, int64_t n);
void k3k_quantize_row_f16(const float *x, void *y, int64_t n);
void k3k_quantize_row_bf16(const float *x, void *y, int64_t n);
void k3k_quantize_row_f32(const float *x, void *y, int64_t n);
/* The 32-element weight quantisers (quantize_row_q4_0/q4_1/q5_0/q5_1_ref), for writing models. */
void k3k_quantize_row_weights(int type, const float *x, void *y, int64_t n);

/* Dequantisers, one per type; returns 0, or -1 for a type without one. */
int k3k_dequantize_row(int type, const void *src, float *dst, int64_t n);
void k3k_dequantize_row_legacy(int type, const void *src, float *dst, int64_t n);
void k3k_dequantize_row_kquant(int type, const void *src, float *dst, int64_t n);
void k3k_dequantize_row_iq4(int type, const void *src, float *dst, int64_t n);

/* Geometry of a type: elements per block and bytes per block (0 when unknown). */
int k3k_block_size(int type);
int k3k_type_size(int type);
static inline size_t k3k_row_bytes(int type, int64_t n) {
    return (size_t) (n / k3k_block_size(type)) * (size_t) k3k_type_size(type);
}

/* A cache's layout (k3k.h's head_rows): KV head h's row of position j starts h * head_stride + j * row_stride
 * bytes in. head_rows 0: each position's row holds every KV head (llama.cpp's layout); R > 0: each KV head's R
 * rows are contiguous (the engine's cache), so a head's walk over positions streams. */
static inline void k3k_kv_strides(int head_rows, int n_kv_heads, size_t head_bytes, size_t *row_stride,
                                  size_t *head_stride) {
    *row_stride = head_rows > 0 ? head_bytes : (size_t) n_kv_heads * head_bytes;
    *head_stride = head_rows > 0 ? (size_t) head_rows * head_bytes : head_bytes;
}

/* A read hint for the lines of [p, p + bytes): in the position-major layout a KV head's cache row is a few lines
 * every n_kv_heads * head_dim elements, so a walk over positions crosses a page every row or two, where the
 * hardware prefetchers stop; attention prefetches K3K_KV_AHEAD rows ahead (a hint past the cache's end never
 * faults). */
#define K3K_KV_AHEAD 8
static inline void k3k_prefetch_bytes(const void *p, size_t bytes) {
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch((const char *) p + off, 0, 3);
}

/* One row of the dispatch table: the dot this process uses for a weight type, and why. */
typedef struct {
    k3k_vec_dot_fn dot;
    k3k_vec_dot_4t_fn dot_4t; /* NULL: batches call dot per token */
    k3k_vec_dot_fn generic;
    k3k_from_float_fn from_float;
    int vec_dot_type;
    /* Bytes of per-block auxiliary data an ISA dot wants after the activation blocks (from_float writes
     * it, see k3k_act_row_bytes); 0 for plain blocks. The generic dot ignores it. */
    int act_aux_per_block;
    const char *path; /* "avx2", "neon-dotprod", "rvv", "generic" (the packed paths also "avx512vnni", "avxvnni", "neon-i8mm") */
    /* The cache types (F32, F16, Q8_0, Q4_0): reading a cache of this type for attention, and which path provides it */
    k3k_kv_round_fn kv_round;         /* F16 only */
    void (*kv_widen)(const void *src, float *dst, int n); /* F16: halves to floats; Q8_0/Q4_0: a row dequantised */
    /* F16 only, where the ISA converts halves in registers (NULL elsewhere: kv_widen, then F32's fa_pv): fa_pv's
     * sums straight from the cache's rows (row j's halves at v + j * v_stride bytes), the same bits */
    void (*kv_pv)(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n, const void *v,
                  size_t v_stride, int hd);
    /* F16 only, where the ISA converts halves in registers (NULL elsewhere: kv_widen, then F32's fa_scores): fa_scores'
     * scores straight from the cache's rows (key j's halves at k + j * k_stride bytes), the same bits */
    void (*kv_scores)(const float *q, size_t q_stride, int rows, const void *k, size_t k_stride, int n, int hd,
                      float scale, float *s, size_t s_stride);
    const char *kv_path;
    /* F32 row only: the tiled attention's float micro-kernels (k3k_fa_micro.h), and which path provides them */
    void (*fa_scores)(const float *q, size_t q_stride, int rows, const float *kb, size_t kb_stride, int n, int hd,
                      float scale, float *s, size_t s_stride);
    void (*fa_exp)(float *x, int n, float m);
    void (*fa_pv)(float *acc, size_t acc_stride, const float *p, size_t p_stride, int rows, int n, const float *vb, int hd);
    const char *fa_path;
    /* F32 row only: the gated delta rule's state-column loops, and which path provides them */
    k3k_gdn_decay_dot_fn gdn_decay_dot;
    k3k_gdn_update_dot_fn gdn_update_dot;
    const char *gdn_path;
    k3k_conv_taps_fn conv_taps; /* F32 row only, same path as gdn */
    /* F32 row only: GELU through ggml's fp16 table (K3K_GELU_LOOP), times up unless up is NULL, and its path */
    void (*gelu_rows)(const float *gate, const float *up, float *out, int n);
    const char *act_path;
    /* types with a packed layout (k3k_packed.h): its eight-row kernel, and which path provides it */
    void (*packed)(int nb, const void *x, const uint8_t *act, size_t act_stride, int n_tok, float *y, size_t y_stride);
    const char *packed_path;
    int packed_min_tokens; /* fewer tokens than this run faster in the file layout (0: never) */
    /* the GEMM micro-kernel over two consecutive packed groups (sixteen rows) and up to
     * K3K_PACKED_PAIR_TOKENS tokens, where an ISA has one (NULL: the eight-row kernel), and its path */
    void (*packed_pair)(int nb, const void *x0, const void *x1, const uint8_t *act, size_t act_stride, int n_tok,
                        float *y, size_t y_stride);
    const char *packed_pair_path;
    int packed_pair_min_tokens; /* fewer tokens take the eight-row kernel (0: from two tokens on) */
    /* one token's product with one row in the file's layout, bit-identical to the packed generic model (its
     * integer sums and float steps), where an ISA has one: decode reads the file's rows with it; its path */
    float (*packed_row)(const void *row, const void *act, int nb);
    const char *packed_row_path;
} k3k_type_traits;

/* Where the auxiliary activation data starts, and the bytes one quantised activation row takes. */
static inline size_t k3k_act_aux_offset(int vec_dot_type, int64_t n) {
    return (k3k_row_bytes(vec_dot_type, n) + 31) & ~(size_t) 31;
}
static inline size_t k3k_act_row_bytes(const k3k_type_traits *tr, int64_t n) {
    const size_t aux = (size_t) (n / k3k_block_size(tr->vec_dot_type)) * (size_t) tr->act_aux_per_block;
    return (k3k_act_aux_offset(tr->vec_dot_type, n) + aux + 32 + 63) & ~(size_t) 63;
}

/* The one-token (decode) and four-token (prefill) entry points of a kernel written for nt tokens; nt is a
 * constant once the kernel is inlined, so each entry is specialised and both do the same per-token work. */
#define K3K_TOKEN_ENTRIES(attr, name, kernel)                                                                \
    attr static void name(int n, float *s, const void *vx, const void *vy) { kernel(n, s, 0, vx, vy, 0, 1); } \
    attr static void name##_4t(int n, float *s, size_t s_stride, const void *vx, const void *vy, size_t by) {  \
        kernel(n, s, s_stride, vx, vy, by, 4);                                                               \
    }

/* Installs a type's one- and four-token dots and names the path. */
static inline void k3k_set_dots(k3k_type_traits *row, k3k_vec_dot_fn dot, k3k_vec_dot_4t_fn dot_4t, const char *path) {
    row->dot = dot;
    row->dot_4t = dot_4t;
    row->path = path;
}

/* The table, filled once (thread-safe) from the CPU features seen at run time. */
const k3k_type_traits *k3k_traits(int type);
/* Forces the generic path for every type (tests compare the ISA paths against it). */
void k3k_force_generic(int on);

/* Per-ISA installers: each overwrites the rows it accelerates when the CPU supports it. Defined in
 * every build; a path not compiled for this architecture returns 0 and touches nothing. */
int k3k_install_x86_avx2(k3k_type_traits *table);
int k3k_install_x86_avx512(k3k_type_traits *table);
void k3k_install_x86_avx512_fa(k3k_type_traits *table); /* called by k3k_install_x86_avx512 */
void k3k_install_x86_avx512_packed_x8(k3k_type_traits *table); /* called by k3k_install_x86_avx512 */
void k3k_install_x86_q6_K_rows(k3k_type_traits *table);              /* called by k3k_install_x86_avx2 */
/* AVX-VNNI's eight-row kernels over the AVX2 ones; 0 where the CPU lacks the instruction or the compiler could not
 * build them (k3k_x86_avxvnni.c: its target attribute and intrinsics came with GCC 11 and clang 12) */
#if defined(__x86_64__) && ((defined(__clang__) && __clang_major__ >= 12) || (!defined(__clang__) && __GNUC__ >= 11))
#define K3K_AVXVNNI_BUILDS 1
#else
#define K3K_AVXVNNI_BUILDS 0
#endif
int k3k_install_x86_avxvnni(k3k_type_traits *table);
/* The K3K_ISA caps this CPU can run besides its default path, one a line (from the CPU's own features, whatever
 * K3K_ISA this process got): the AVX2 kernels that AVX-512 shadows, AVX-VNNI's (off by default). The C tests and
 * the kernel bench print it for their Makefile targets, which run them once more per line (`--other-paths`). */
const char *k3k_other_paths(void);
int k3k_install_arm_neon(k3k_type_traits *table);
/* aarch64: the packed-layout kernels, dotprod (installed by k3k_install_arm_neon) and i8mm (HWCAP2). */
void k3k_install_arm_neon_packed(k3k_type_traits *table);
int k3k_install_arm_i8mm(k3k_type_traits *table);
int k3k_install_riscv_rvv(k3k_type_traits *table);
/* The IQ4_NL / IQ4_XS rows of the NEON and RVV paths (called by their installers). */
void k3k_install_arm_neon_iq4(k3k_type_traits *table);
void k3k_install_riscv_rvv_iq4(k3k_type_traits *table);
void k3k_install_riscv_rvv_packed(k3k_type_traits *table);
/* Q4_1, Q5_0, Q5_1, Q2_K, Q3_K and Q5_K rows of the NEON and RVV paths (called by their installers). */
void k3k_install_arm_neon_more(k3k_type_traits *table);
void k3k_install_riscv_rvv_more(k3k_type_traits *table);
/* The float weight types' dots: F32 on NEON (F16 and BF16 are in k3k_arm_neon.c), F32, F16 and BF16 on RVV. */
void k3k_install_arm_neon_float(k3k_type_traits *table);
void k3k_install_riscv_rvv_float(k3k_type_traits *table);

#endif
