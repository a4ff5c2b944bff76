/* Expert products: every (token, slot) pair equals the plain product of its expert's slab, on the file
 * layout and the packed one, generic and fast, on the pool or not, at ragged shapes; no output depends on
 * an unused expert's slab (it holds NaN scales here); bad ids and shapes are refused. A pair of matrices
 * (a SwiGLU's gate and up) in one call gives each matrix's single-call products bit for bit. */
#include <string.h>
#include "k3k_test.h"
#include "../k3k_packed.h"
#include "../k3k_pool.h"

/* pair p's product through the single-matrix kernels (the oracle) */
static void expected(int type, const uint8_t *w, const uint8_t *packed, int rows, int cols, const float *x, int per_slot,
                     const int32_t *ids, int n_pairs, int n_used, float *want) {
    const size_t slab = k3k_row_bytes(type, cols) * (size_t) rows;
    const size_t pslab = packed ? (size_t) k3k_packed_bytes(type, rows, cols) : 0;
    for (int p = 0; p < n_pairs; p++) {
        const float *xp = x + (size_t) (per_slot ? p : p / n_used) * cols;
        if (packed) k3k_matmul_packed(NULL, type, packed + ids[p] * pslab, NULL, rows, cols, xp, want + (size_t) p * rows, 1);
        else k3k_matmul(NULL, type, w + ids[p] * slab, rows, cols, xp, want + (size_t) p * rows, 1);
    }
}

static void experts_case(int type, int n_expert, int rows, int cols, int n_tok, int n_used, int per_slot, int use_packed,
                         int generic, k3k_pool *pool) {
    const size_t slab = k3k_row_bytes(type, cols) * (size_t) rows;
    uint8_t *w = test_random_row(type, cols, rows * n_expert);
    const int n_pairs = n_tok * n_used;
    int32_t *ids = malloc(sizeof(int32_t) * (size_t) n_pairs);
    /* distinct experts per token, never the last one: its slab is poisoned to show it is not read */
    for (int t = 0; t < n_tok; t++)
        for (int s = 0; s < n_used; s++) ids[t * n_used + s] = (int32_t) ((test_rand() % (n_expert - 1) + (uint32_t) s) % (n_expert - 1));
    uint8_t *packed = NULL;
    if (use_packed) {
        packed = malloc((size_t) k3k_packed_bytes(type, rows * n_expert, cols));
        CHECK(k3k_pack(type, w, packed, rows * n_expert, cols) == 0, "pack %d experts", n_expert);
        memset(packed + (size_t) k3k_packed_bytes(type, rows, cols) * (n_expert - 1), 0xFF, (size_t) k3k_packed_bytes(type, rows, cols));
    }
    memset(w + slab * (n_expert - 1), 0xFF, slab); /* NaN scales */
    float *x = test_random_floats(cols * (per_slot ? n_pairs : n_tok), 1.0f);
    float *want = malloc(sizeof(float) * (size_t) n_pairs * rows), *got = malloc(sizeof(float) * (size_t) n_pairs * rows);
    k3k_force_generic(generic);
    /* an expert with fewer tokens than the packed kernel needs to win reads the file layout: all do then */
    int most = 0, count[8] = {0};
    for (int p = 0; p < n_pairs; p++) most = ++count[ids[p]] > most ? count[ids[p]] : most;
    const int packed_runs = packed && most >= k3k_traits(type)->packed_min_tokens;
    expected(type, w, packed_runs ? packed : NULL, rows, cols, x, per_slot, ids, n_pairs, n_used, want);
    const int rc = k3k_matmul_experts(pool, type, packed, w, n_expert, rows, cols, x, per_slot, ids, n_tok, n_used, got);
    k3k_force_generic(0);
    CHECK(rc == 0, "experts type %d rc %d", type, rc);
    int differ = 0;
    for (int i = 0; i < n_pairs * rows; i++) differ += !(got[i] == want[i]);
    CHECK(differ == 0, "experts type %d %s%s, %d experts of %d x %d, %d tokens x %d used%s: %d outputs differ", type,
          generic ? "generic" : k3k_traits(type)->path, use_packed ? " packed" : "", n_expert, rows, cols, n_tok, n_used,
          per_slot ? " (x per slot)" : "", differ);
    free(w); free(ids); free(packed); free(x); free(want); free(got);
}

/* Two matrices of one shape on one x: the pair call equals a single call per matrix, bit for bit. */
static void pair_case(int type, int n_expert, int rows, int cols, int n_tok, int n_used, int use_packed, int generic,
                      k3k_pool *pool) {
    uint8_t *wa = test_random_row(type, cols, rows * n_expert), *wb = test_random_row(type, cols, rows * n_expert);
    const int n_pairs = n_tok * n_used;
    int32_t *ids = malloc(sizeof(int32_t) * (size_t) n_pairs);
    for (int t = 0; t < n_tok; t++)
        for (int s = 0; s < n_used; s++) ids[t * n_used + s] = (int32_t) ((test_rand() % n_expert + (uint32_t) s) % n_expert);
    uint8_t *pa = NULL, *pb = NULL;
    if (use_packed) {
        const size_t bytes = (size_t) k3k_packed_bytes(type, rows * n_expert, cols);
        pa = malloc(bytes);
        pb = malloc(bytes);
        CHECK(k3k_pack(type, wa, pa, rows * n_expert, cols) == 0 && k3k_pack(type, wb, pb, rows * n_expert, cols) == 0,
              "pack the pair's %d experts", n_expert);
    }
    float *x = test_random_floats(cols * n_tok, 1.0f);
    const size_t out = sizeof(float) * (size_t) n_pairs * rows;
    float *want_a = malloc(out), *want_b = malloc(out), *got_a = malloc(out), *got_b = malloc(out);
    k3k_force_generic(generic);
    int rc = k3k_matmul_experts(pool, type, pa, wa, n_expert, rows, cols, x, 0, ids, n_tok, n_used, want_a);
    rc |= k3k_matmul_experts(pool, type, pb, wb, n_expert, rows, cols, x, 0, ids, n_tok, n_used, want_b);
    rc |= k3k_matmul_experts_pair(pool, type, pa, wa, pb, wb, n_expert, rows, cols, x, ids, n_tok, n_used, got_a, got_b);
    k3k_force_generic(0);
    CHECK(rc == 0, "experts pair type %d rc %d", type, rc);
    int differ = 0;
    for (int i = 0; i < n_pairs * rows; i++) differ += !(got_a[i] == want_a[i]) + !(got_b[i] == want_b[i]);
    CHECK(differ == 0, "experts pair type %d %s%s, %d experts of %d x %d, %d tokens x %d used: %d outputs differ", type,
          generic ? "generic" : k3k_traits(type)->path, use_packed ? " packed" : "", n_expert, rows, cols, n_tok, n_used, differ);
    free(wa); free(wb); free(ids); free(pa); free(pb); free(x); free(want_a); free(want_b); free(got_a); free(got_b);
}

void test_experts(void) {
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    const int file_types[] = {K3K_F32, K3K_F16, K3K_Q8_0, K3K_Q4_K, K3K_Q5_K, K3K_Q6_K};
    const int packed_types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K, K3K_IQ4_NL, K3K_IQ4_XS};
    const int tokens[] = {1, 3, 6, 9};
    for (int g = 0; g < 2; g++)
        for (int i = 0; i < 4; i++) {
            for (int ti = 0; ti < 6; ti++) {
                const int unit = file_types[ti] >= K3K_Q2_K && file_types[ti] <= K3K_Q8_K ? 256 : 32;
                experts_case(file_types[ti], 5, 40, unit * 2, tokens[i], 2, i & 1, 0, g, pool);
                experts_case(file_types[ti], 4, 19, unit, tokens[i], 3, 0, 0, g, NULL);
            }
            for (int ti = 0; ti < 6; ti++) {
                const int unit = k3k_packed_block_elems(packed_types[ti]);
                experts_case(packed_types[ti], 6, 24, unit * 3, tokens[i], 3, i & 1, 1, g, pool);
                experts_case(packed_types[ti], 3, 40, unit, tokens[i], 1, 1, 1, g, NULL);
                pair_case(packed_types[ti], 7, 24, unit * 3, tokens[i], 3, 1, g, pool);
                pair_case(packed_types[ti], 5, 40, unit, tokens[i], 2, 0, g, i & 1 ? NULL : pool);
            }
        }
    uint8_t buf[64] = {0};
    float f[64] = {0};
    int32_t bad_id[2] = {0, 4};
    CHECK(k3k_matmul_experts(pool, K3K_Q8_0, NULL, buf, 4, 1, 32, f, 0, bad_id, 1, 2, f) == -1, "expert id out of range");
    bad_id[1] = -1;
    CHECK(k3k_matmul_experts(pool, K3K_Q8_0, NULL, buf, 4, 1, 32, f, 0, bad_id, 1, 2, f) == -1, "negative expert id");
    CHECK(k3k_matmul_experts(pool, K3K_Q8_0, buf, buf, 4, 12, 32, f, 0, bad_id, 0, 2, f) == -1, "packed slab of 12 rows");
    CHECK(k3k_matmul_experts(pool, K3K_Q8_0, NULL, buf, 4, 1, 48, f, 0, bad_id, 0, 2, f) == -1, "cols not whole blocks");
    CHECK(k3k_matmul_experts(pool, K3K_Q8_0, NULL, NULL, 4, 1, 32, f, 0, bad_id, 0, 2, f) == -1, "no file weights");
    CHECK(k3k_matmul_experts_pair(pool, K3K_Q8_0, buf, buf, NULL, buf, 4, 8, 32, f, bad_id, 0, 2, f, f) == -1,
          "pair with one matrix packed and one not");
    CHECK(k3k_matmul_experts_pair(pool, K3K_Q8_0, NULL, buf, NULL, NULL, 4, 1, 32, f, bad_id, 0, 2, f, f) == -1,
          "pair without the second matrix");
    k3k_pool_destroy(pool);
}
