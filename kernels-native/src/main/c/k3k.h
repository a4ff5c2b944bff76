/* k3kernels: the C side of kernels-native. This header is the whole exported ABI (NativeKernels binds
 * it through JNA direct mapping); block layouts live in k3k_blocks.h. Type numbers are GGUF's. */
#ifndef K3K_H
#define K3K_H

#include <stddef.h>
#include <stdint.h>

/* Bumped whenever an exported signature changes; NativeKernels refuses a library that disagrees. */
#define K3K_ABI_VERSION 10

#define K3K_MAX_CPUS 1024
#define K3K_DEFAULT_AI_PATH "/proc/set_ai_thread"

/* When a worker does the K3 AI-core handshake before pinning. */
enum { K3K_AI_NEVER = 0, K3K_AI_AUTO = 1 /* target cpu is an A100 core */, K3K_AI_ALWAYS = 2 };

int k3k_abi_version(void);
/* The ISA path this process dispatches to: "avx512vnni", "avxvnni", "avx2", "neon-i8mm", "neon-dotprod", "rvv",
 * "generic". */
const char *k3k_isa(void);
/* Writes "kernel path\n" lines (one per weight type's matmul dot) into buf; returns the length needed. */
int k3k_coverage(char *buf, int cap);
/* 1 to force the generic C path everywhere (tests, comparisons), 0 for the fastest path. */
void k3k_set_generic(int on);

/* ---- worker pool --------------------------------------------------------------------------- */
typedef struct k3k_pool k3k_pool;

/* Where a worker runs. All fields int64 so Java reads it as a long[K3K_PLACEMENT_FIELDS]. */
typedef struct {
    int64_t requested_cpu; /* -1: not pinned */
    int64_t actual_cpu;    /* sched_getcpu() after pinning */
    int64_t affinity_ok;   /* the affinity read back is exactly {requested_cpu} */
    int64_t affinity_mask; /* affinity read back, cpus 0..63 */
    int64_t ai_attempted;  /* the TID was written to the ai-thread file */
    int64_t ai_errno;      /* 0, or why that write failed */
    int64_t pin_errno;     /* 0, or why sched_setaffinity failed */
    int64_t tid;
    int64_t caller;        /* 1: share 0 of an unpinned pool, run by the thread calling the kernels */
} k3k_placement;
#define K3K_PLACEMENT_FIELDS 9

/* cpus may be NULL (n_cpus 0: not pinned); worker i gets cpus[i % n_cpus]. ai_path NULL: the default.
 * Unpinned, the calling thread does share 0 of every task and n_threads - 1 threads are started;
 * pinned, n_threads pinned threads do all the shares (k3k_pool.c says why). */
k3k_pool *k3k_pool_create(int n_threads, const int *cpus, int n_cpus, const char *ai_path, int ai_mode);
void k3k_pool_destroy(k3k_pool *pool);
int k3k_pool_placement(const k3k_pool *pool, int worker, k3k_placement *out);

/* Whether the pool's matrix products use IME (K3 A100 cores): enabled only when every worker sits on an
 * A100 core and its start-up self-test (a known tile through the real instruction against the scalar
 * model) passed; otherwise the RVV path runs and this says why. */
enum { K3K_IME_ENABLED = 1, K3K_IME_NOT_BUILT = -1, K3K_IME_NO_AI_CORES = -2, K3K_IME_SELF_TEST_FAILED = -3 };
int k3k_ime_status(const k3k_pool *pool);

/* ---- kernels (pool may be NULL: run on the calling thread). Return 0, or -1 for a bad type. ----- */
int k3k_matmul(k3k_pool *pool, int type, const void *w, int rows, int cols, const float *x, float *y, int n_tokens);
int k3k_dequantize(int type, const void *src, float *dst, int64_t n);

/* Weights in the kernels' own layout (k3k_packed.h), for types that have one: the bytes it takes, or 0
 * when this type and shape have none (then multiply the file's layout with k3k_matmul). */
int64_t k3k_packed_bytes(int type, int rows, int cols);
/* 1 when this CPU has a vectorised kernel for the type's packed layout (otherwise the generic C model
 * of it would be slower than the file-layout kernels: do not pack). */
int k3k_packed_fast(int type);
/* Rearranges rows x cols weights of `type` from the file's layout into dst (k3k_packed_bytes long). */
int k3k_pack(int type, const void *src, void *dst, int rows, int cols);
/* k3k_matmul over weights packed by k3k_pack. `file` is the same matrix in the file's layout, or NULL:
 * where this CPU's file-layout kernel beats the packed one for so few tokens, that one runs. */
int k3k_matmul_packed(k3k_pool *pool, int type, const void *packed, const void *file, int rows, int cols,
                      const float *x, float *y, int n_tokens);
/* Expert products of a mixture-of-experts layer: expert e's weights are the e-th slab of rows x cols in
 * `file` (and, when `packed` is not NULL, in k3k_pack's layout of all n_expert * rows rows). For pair
 * p = token * n_used + slot, y[p * rows ..] = W[ids[p]] x_p, where x_p is row p of x (x_per_slot) or row
 * `token` (one row shared by a token's slots). Only the slabs named in ids are read, each once for all
 * its pairs. Returns -1 for a bad type, shape or expert id. */
int k3k_matmul_experts(k3k_pool *pool, int type, const void *packed, const void *file, int n_expert, int rows, int cols,
                       const float *x, int x_per_slot, const int32_t *ids, int n_tokens, int n_used, float *y);
/* k3k_matmul_experts of two matrices of one type and shape (a SwiGLU's gate and up: both packed or
 * neither) on the same per-token x, in one pass: one grouping, one quantisation, one pool round. */
int k3k_matmul_experts_pair(k3k_pool *pool, int type, const void *packed_a, const void *file_a, const void *packed_b,
                            const void *file_b, int n_expert, int rows, int cols, const float *x, const int32_t *ids,
                            int n_tokens, int n_used, float *y_a, float *y_b);
int k3k_quantize(int type, const float *src, void *dst, int64_t n);
/* n_tokens rows of `heads` heads of head_dim floats (token t's head h at src + (t * heads + h) * head_dim) into a
 * head-major cache (k3k_attention_seqs' head_rows > 0): head h's row of token t at dst + h * head_stride + t * the
 * head's row bytes, converted as k3k_quantize converts. -1 for a type without blocks, a head of part of a block or
 * a head_stride shorter than the tokens' rows. */
int k3k_kv_store(int type, const float *src, int n_tokens, int heads, int head_dim, void *dst, int64_t head_stride);
void k3k_rms_norm(const float *x, const float *w, float *out, int n, int n_rows, float eps);
void k3k_layer_norm(const float *x, const float *w, const float *b, float *out, int n, int n_rows, float eps);
/* freq_factors: NULL, or rope_dims / 2 floats dividing each pair's angle (rope_freqs.weight) */
void k3k_rope(float *x, int n_tokens, int n_heads, int head_dim, int rope_dims, int pos0,
              float base, float freq_scale, int neox, const float *freq_factors);
int k3k_attention(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                  int n_tokens, int pos0, int n_keys, int n_heads, int n_kv_heads, int head_dim,
                  float scale, int causal, int window);
/* k3k_attention for n_seqs sequences in one pool round (a batched decode step): sequence i's queries q[i]
 * (n_tokens[i] rows), its own cache rows k[i]/v[i] (n_keys[i] of them, its first at position 0) and output
 * out[i], addresses as integers; the arithmetic per sequence is k3k_attention's, bit for bit. head_rows[i] is
 * sequence i's cache layout: 0, k3k_attention's (a position's row holds every KV head); R >= n_keys[i], each KV
 * head's R rows contiguous, head h's row of position j at (h * R + j) * the head's row bytes (the engine's
 * cache: a head's walk over positions streams). A NULL head_rows is all 0. */
int k3k_attention_seqs(k3k_pool *pool, int n_seqs, const int64_t *q, const int64_t *k, const int64_t *v,
                       const int64_t *out, const int32_t *n_tokens, const int32_t *pos0, const int32_t *n_keys,
                       const int32_t *head_rows, int kv_type, int n_heads, int n_kv_heads, int head_dim, float scale,
                       int causal, int window);
#define K3K_KV_HEAD_ROWS 1 /* this build's k3k_attention_seqs takes head_rows (the attention bench A/Bs older builds) */
/* The tiled online-softmax kernel (k3k_attention_flash.c) for F32/F16/Q8_0/Q4_0 caches: q and probabilities in f32,
 * split-K over the pool when few tiles; k3k_attention takes it from K3K_FLASH_MIN_KEYS keys on (env K3K_FLASH:
 * 0 never, 1 always). */
#define K3K_FLASH_MIN_KEYS 512
void k3k_set_flash(int mode); /* -1 auto (from K3K_FLASH_MIN_KEYS keys), 0 never, 1 always, -2 as K3K_FLASH says; process-wide */
/* The same for one pool's calls only (a benchmark's -fa on its own pool leaves the server's calls alone); -2: the
 * process-wide setting. */
void k3k_pool_set_flash(k3k_pool *pool, int mode);
int k3k_attention_flash(k3k_pool *pool, const float *q, const void *k, const void *v, int kv_type, float *out,
                        int n_tokens, int pos0, int n_keys, int head_rows, int n_heads, int n_kv_heads, int head_dim,
                        float scale, int causal, int window); /* head_rows: the cache layout, as k3k_attention_seqs */
void k3k_swiglu(const float *gate, const float *up, float *out, int n);
void k3k_geglu(const float *gate, const float *up, float *out, int n);
/* The same over the pool's workers for a batch (k3k_ops_pool.c), bit for bit the one-thread result;
 * fewer than 8192 elements (a decode step) run on the caller. */
void k3k_rms_norm_on(k3k_pool *pool, const float *x, const float *w, float *out, int n, int n_rows, float eps);
void k3k_rope_on(k3k_pool *pool, float *x, int n_tokens, int n_heads, int head_dim, int rope_dims, int pos0, float base,
                 float freq_scale, int neox, const float *freq_factors);
void k3k_swiglu_on(k3k_pool *pool, const float *gate, const float *up, float *out, int n);
void k3k_geglu_on(k3k_pool *pool, const float *gate, const float *up, float *out, int n);
void k3k_softcap_on(k3k_pool *pool, float *x, float cap, int n);
void k3k_gelu(float *x, int n);
void k3k_add(const float *a, const float *b, float *out, int n);
void k3k_add_bias(float *x, const float *bias, int n, int n_rows);
void k3k_scale(float *x, float s, int n);
/* x = cap * tanh(x / cap) (Gemma's final logit soft-capping) */
void k3k_softcap(float *x, float cap, int n);

/* out = x * sigmoid(gate) (out may alias x). */
void k3k_sigmoid_mul(const float *x, const float *gate, float *out, int n);
/* Gated delta net (Qwen3.5), see Kernels.causalConv / Kernels.gatedDeltaNet: the causal convolution + silu
 * with its (d_conv-1) x channels time-major window, and the gated delta rule over n_tokens tokens with
 * n_v_heads states of s x s floats (state[h][j*s + i] = M[i][j]). Both return 0, or -1 for bad shapes. */
int k3k_causal_conv(k3k_pool *pool, float *state, const float *x, const float *w, float *out, int n_tokens,
                    int channels, int d_conv);
int k3k_gated_delta_net(k3k_pool *pool, float *state, const float *qkv, const float *alpha, const float *beta,
                        const float *dt_bias, const float *ssm_a, float *out, int n_tokens, int n_k_heads,
                        int n_v_heads, int s, float eps);

/* Streaming read of `bytes` bytes of buf on every worker (each its own share), `reps` times; returns
 * the seconds taken by the fastest rep. For the bandwidth probe of the kernel benchmark. */
double k3k_read_bandwidth(k3k_pool *pool, const void *buf, int64_t bytes, int reps);

#endif
