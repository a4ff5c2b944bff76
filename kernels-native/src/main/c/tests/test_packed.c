/* The packed Q4_0, Q8_0, Q4_K, Q6_K, IQ4_NL and IQ4_XS x8 layouts: its product equals the file-layout product, the ISA kernel equals the
 * generic one bit for bit, on the pool or not, for every token count; shapes without a layout say so. */
#include <string.h>
#include "k3k_test.h"
#include "../k3k_ime.h"
#include "../k3k_packed.h"
#include "../k3k_pool.h"

static void packed_case(int type, int rows, int cols, int n_tok, k3k_pool *pool) {
    uint8_t *w = test_random_row(type, cols, rows);
    float *x = test_random_floats(cols * n_tok, 1.0f);
    const int64_t bytes = k3k_packed_bytes(type, rows, cols);
    const int64_t want = type == K3K_Q4_K || type == K3K_Q6_K || type == K3K_IQ4_XS
                             ? (int64_t) rows / 8 * (cols / 256) * (type == K3K_Q4_K ? 1184 : type == K3K_Q6_K ? 1680 : 1104)
                                          : (int64_t) rows / 8 * (cols / 32) * (type == K3K_Q8_0 ? 272 : 144);
    CHECK(bytes == want, "packed bytes %lld", (long long) bytes);
    uint8_t *p = malloc((size_t) bytes);
    CHECK(k3k_pack(type, w, p, rows, cols) == 0, "pack");
    float *plain = malloc(sizeof(float) * rows * n_tok), *gen = malloc(sizeof(float) * rows * n_tok),
          *fast = malloc(sizeof(float) * rows * n_tok);
    k3k_force_generic(1);
    k3k_matmul(NULL, type, w, rows, cols, x, plain, n_tok);
    CHECK(k3k_matmul_packed(NULL, type, p, NULL, rows, cols, x, gen, n_tok) == 0, "packed generic");
    k3k_force_generic(0);
    CHECK(k3k_matmul_packed(pool, type, p, NULL, rows, cols, x, fast, n_tok) == 0, "packed fast");
    /* the file-layout dots sum in a different float order (Q6_K: eight lanes of d * int sums), so the
     * tolerance is relative to the outputs' scale, not to each output (a sum near 0 cancels) */
    float scale = 1.0f;
    for (int i = 0; i < rows * n_tok; i++) scale = fmaxf(scale, fabsf(plain[i]));
    int bad = 0, differ = 0;
    for (int i = 0; i < rows * n_tok; i++) {
        bad += !(fabsf(gen[i] - plain[i]) <= 2e-6f * scale); /* NaN counts */
        differ += gen[i] != fast[i];
    }
    CHECK(bad == 0, "packed = plain product, type %d, %d x %d, %d tokens: %d off", type, rows, cols, n_tok, bad);
    CHECK(differ == 0, "packed %s = packed generic bit for bit, type %d, %d x %d, %d tokens: %d differ",
          k3k_traits(type)->packed_path, type, rows, cols, n_tok, differ);
    /* with the file's bytes at hand, too few tokens for the packed kernel take the file-layout one */
    float *routed = malloc(sizeof(float) * rows * n_tok), *file_fast = malloc(sizeof(float) * rows * n_tok);
    k3k_matmul(pool, type, w, rows, cols, x, file_fast, n_tok);
    CHECK(k3k_matmul_packed(pool, type, p, w, rows, cols, x, routed, n_tok) == 0, "packed with file");
    const float *expect = n_tok < k3k_traits(type)->packed_min_tokens ? file_fast : fast;
    int routed_differ = 0;
    for (int i = 0; i < rows * n_tok; i++) routed_differ += routed[i] != expect[i];
    const char *want_path = expect != fast ? "file-layout" : n_tok == 1 && k3k_traits(type)->packed_row ? "file-row" : "packed";
    CHECK(routed_differ == 0, "type %d, %d tokens: not the %s kernel's bits", type, n_tok, want_path);
    free(w); free(x); free(p); free(plain); free(gen); free(fast); free(routed); free(file_fast);
}

/* k3k_two_streams visits each of n units once: the halves in turn, the odd count's last unit at the end */
static void two_streams_case(void) {
    for (int n = 1; n <= 41; n++) {
        int seen[41] = {0};
        for (int i = 0; i < n; i++) {
            const int u = k3k_two_streams(i, n);
            CHECK(u >= 0 && u < n && !seen[u], "two streams, %d units: unit %d at step %d", n, u, i);
            if (u >= 0 && u < n) seen[u] = 1;
        }
        CHECK(k3k_two_streams(1, n < 2 ? 2 : n) == (n < 2 ? 1 : (n + 1) / 2), "two streams, %d units: step 1 starts the second half", n);
    }
}

void test_packed(void) {
    two_streams_case();
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    /* token counts below, at and past the four-token kernels and the eight-token micro-kernel tiles: every
     * tail the tiles are instantiated for (1..8 tokens) */
    const int tokens[] = {1, 2, 3, 4, 5, 6, 7, 9, 8, 15, 17};
    const int n_counts = (int) (sizeof(tokens) / sizeof(tokens[0]));
    const int types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K, K3K_IQ4_NL, K3K_IQ4_XS};
    for (int ti = 0; ti < 6; ti++)
        for (int i = 0; i < n_counts; i++) {
            const int unit = k3k_packed_block_elems(types[ti]);
            packed_case(types[ti], 24, unit * 3, tokens[i], NULL);
            packed_case(types[ti], 40, unit * 8, tokens[i], pool);
        }
    /* row counts that end in a lone eight-row group after the sixteen-row tiles, on the pool and off */
    packed_case(K3K_Q4_0, 56, 32 * 5, 11, pool);
    packed_case(K3K_Q8_0, 8, 32 * 7, 10, NULL);
    packed_case(K3K_Q8_0, 72, 32 * 2, 19, pool);
    /* rows wide enough (~10 KB of activations a token) that the driver passes over the tokens in blocks of
     * 24 (256 KiB each): 30 tokens end in a ragged second block, before and after a lone group */
    packed_case(K3K_Q4_0, 24, 32 * 256, 30, pool);
    packed_case(K3K_Q4_K, 40, 256 * 32, 30, NULL);
    /* one token over the file's rows (Q6_K's row kernel where the ISA has one): rows in several chunks of
     * the pool's counter, the last one ragged */
    packed_case(K3K_Q6_K, 8 * 131, 256 * 2, 1, pool);
    packed_case(K3K_Q6_K, 8 * 131, 256 * 9, 1, NULL);
    /* and its reductions: four blocks alone (Qwen3-0.6B's 1024 columns), eight then four then a tail */
    packed_case(K3K_Q6_K, 8 * 131, 256 * 4, 1, pool);
    packed_case(K3K_Q6_K, 8 * 131, 256 * 13, 1, NULL);
    CHECK(k3k_packed_bytes(K3K_Q4_K, 16, 96) == 0, "Q4_K: cols not whole super-blocks");
    k3k_pool_destroy(pool);
    CHECK(k3k_packed_bytes(K3K_Q4_0, 12, 64) == 0, "rows not a multiple of 8: no layout");
    CHECK(k3k_packed_bytes(K3K_Q5_K, 16, 256) == 0, "Q5_K: no layout");
    /* packing is worth it only with a vector kernel for the layout: the paths that have them, each with
     * the sixteen-row micro-kernels too (except AVX2, which K3K_ISA=avx2 leaves at eight rows) */
    const char *isa = k3k_isa();
    const int vector_path = strcmp(isa, "avx2") == 0 || strcmp(isa, "avx512vnni") == 0 || strcmp(isa, "avxvnni") == 0 ||
                            strcmp(isa, "neon-dotprod") == 0 || strcmp(isa, "neon-i8mm") == 0 || strcmp(isa, "rvv") == 0;
    const int gemm = vector_path && strcmp(isa, "avx2") != 0 && strcmp(isa, "avxvnni") != 0;
    for (int ti = 0; ti < 4; ti++) {
        const k3k_type_traits *tr = k3k_traits(types[ti]);
        CHECK(k3k_packed_fast(types[ti]) == vector_path, "type %d: packed kernels fast exactly on the vector paths (isa %s)",
              types[ti], isa);
        CHECK((tr->packed_pair != NULL) == gemm, "type %d: gemm micro-kernel present exactly on the gemm paths (isa %s)",
              types[ti], isa);
        /* the packed kernels are the process's own path: i8mm where the CPU has it, not dotprod */
        if (gemm) CHECK(strcmp(tr->packed_pair_path, isa) == 0, "type %d: gemm path %s on isa %s", types[ti], tr->packed_pair_path, isa);
    }
    /* the vpdpbusd sets replace the four types' eight-row kernels (Q6_K's rows kernel: AVX-512's own, AVX-VNNI keeps
     * AVX2's) */
    if (strcmp(isa, "avxvnni") == 0 || strcmp(isa, "avx512vnni") == 0) {
        for (int ti = 0; ti < 4; ti++)
            CHECK(strcmp(k3k_traits(types[ti])->packed_path, isa) == 0, "type %d: eight-row path %s on isa %s", types[ti],
                  k3k_traits(types[ti])->packed_path, isa);
        CHECK(strcmp(k3k_traits(K3K_Q6_K)->packed_row_path, strcmp(isa, "avxvnni") == 0 ? "avx2" : isa) == 0,
              "Q6_K rows path %s on isa %s", k3k_traits(K3K_Q6_K)->packed_row_path, isa);
    }
    /* the IQ4 layouts: every vector path */
    for (int ti = 4; ti < 6; ti++) {
        CHECK(k3k_packed_fast(types[ti]) == vector_path, "type %d: packed kernels fast exactly on the vector paths (isa %s)",
              types[ti], isa);
        /* the process's own path: i8mm where the CPU has it (x86 keeps its AVX2 IQ4 kernels under AVX-512) */
        if (strncmp(isa, "neon", 4) == 0 || strcmp(isa, "rvv") == 0)
            CHECK(strcmp(k3k_traits(types[ti])->packed_path, isa) == 0, "type %d: packed path %s on isa %s", types[ti],
                  k3k_traits(types[ti])->packed_path, isa);
    }
    CHECK(k3k_packed_fast(K3K_Q5_K) == 0, "no packed Q5_K kernel");
    /* on a K3 whose matrix unit passed its self-test, Q4_0/Q8_0 batches leave the packed driver for it */
    CHECK(k3k_ime_takes(K3K_Q4_0, 2, K3K_IME_ENABLED) && k3k_ime_takes(K3K_Q8_0, 9, K3K_IME_ENABLED), "IME takes Q4_0/Q8_0 batches");
    CHECK(!k3k_ime_takes(K3K_Q4_0, 1, K3K_IME_ENABLED), "one token stays on the vector kernels");
    CHECK(!k3k_ime_takes(K3K_Q4_K, 8, K3K_IME_ENABLED), "IME has no Q4_K kernel");
    CHECK(!k3k_ime_takes(K3K_Q8_0, 8, K3K_IME_NOT_BUILT) && !k3k_ime_takes(K3K_Q8_0, 8, K3K_IME_SELF_TEST_FAILED),
          "no IME unless enabled");
    k3k_force_generic(1);
    CHECK(k3k_packed_fast(K3K_Q4_0) == 0, "the generic path does not pack");
    k3k_force_generic(0);
    CHECK(k3k_packed_bytes(K3K_Q4_0, 16, 48) == 0, "cols not whole blocks: no layout");
    uint8_t buf[16];
    float f[16];
    CHECK(k3k_pack(K3K_Q5_K, buf, buf, 16, 256) == -1, "pack refuses a type without a layout");
    CHECK(k3k_matmul_packed(NULL, K3K_Q4_0, buf, NULL, 12, 64, f, f, 1) == -1, "packed product refuses a bad shape");
}
