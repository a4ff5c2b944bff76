/* The cache layouts of k3k_attention_seqs (head_rows): a head-major cache, written by k3k_kv_store, gives every
 * output the bits of the same rows in the position-major layout, on the exact and the tiled path, for every cache
 * type, decode steps and a prompt chunk, a window, on one worker and on the pool. Rows past a head's n_keys hold
 * inf and NaN: a kernel that read them would show it. */
#include <string.h>
#include "k3k_test.h"

enum { NH = 8, NKV = 2 };

/* A cache of nk positions in both layouts: position-major rows and head-major with `rows` rows per head. */
typedef struct {
    void *pos_k, *pos_v, *head_k, *head_v;
} layouts;

static void poison(uint8_t *p, size_t bytes) {
    static const uint8_t pattern[4] = {0x00, 0x7E, 0xFF, 0x7F}; /* halves NaN and inf, floats NaN */
    for (size_t i = 0; i < bytes; i++) p[i] = pattern[i % 4];
}

static layouts make_layouts(int kv_type, int nk, int rows, int hd) {
    const size_t hb = k3k_row_bytes(kv_type, hd), n = (size_t) nk * NKV * hd;
    float *kf = test_random_floats((int) n, 1.0f), *vf = test_random_floats((int) n, 1.0f);
    layouts l = {malloc(hb * NKV * nk), malloc(hb * NKV * nk), malloc(hb * NKV * rows), malloc(hb * NKV * rows)};
    poison(l.head_k, hb * NKV * rows);
    poison(l.head_v, hb * NKV * rows);
    CHECK(k3k_quantize(kv_type, kf, l.pos_k, (int64_t) n) == 0 && k3k_quantize(kv_type, vf, l.pos_v, (int64_t) n) == 0,
          "position-major rows");
    CHECK(k3k_kv_store(kv_type, kf, nk, NKV, hd, l.head_k, (int64_t) (hb * rows)) == 0 &&
              k3k_kv_store(kv_type, vf, nk, NKV, hd, l.head_v, (int64_t) (hb * rows)) == 0,
          "head-major rows");
    for (int j = 0; j < nk; j++) /* the same bytes per (position, head) */
        for (int h = 0; h < NKV; h++)
            CHECK(memcmp((uint8_t *) l.head_k + (size_t) (h * rows + j) * hb, (uint8_t *) l.pos_k + (size_t) (j * NKV + h) * hb,
                         hb) == 0,
                  "kv_store type %d: head %d position %d", kv_type, h, j);
    free(kf); free(vf);
    return l;
}

static void free_layouts(layouts *l) {
    free(l->pos_k); free(l->pos_v); free(l->head_k); free(l->head_v);
}

/* Three sequences (two decode steps, one prompt chunk) in each layout, one call each; the outputs equal. */
static void layout_case(k3k_pool *pool, int kv_type, int flash, int hd, int window) {
    enum { NS = 3 };
    const int tokens[NS] = {1, 1, 9}, keys[NS] = {70, 700, 133}, extra[NS] = {0, 37, 5};
    layouts l[NS];
    int64_t qa[NS], pk[NS], pv[NS], hk[NS], hv[NS], oa[NS], ob[NS];
    int32_t nt[NS], p0[NS], nk[NS], head_rows[NS];
    float *q[NS], *by_pos[NS], *by_head[NS];
    for (int i = 0; i < NS; i++) {
        const int nq = tokens[i] * NH * hd;
        l[i] = make_layouts(kv_type, keys[i], keys[i] + extra[i], hd);
        q[i] = test_random_floats(nq, 1.0f);
        by_pos[i] = calloc((size_t) nq, sizeof(float));
        by_head[i] = calloc((size_t) nq, sizeof(float));
        qa[i] = (intptr_t) q[i]; oa[i] = (intptr_t) by_pos[i]; ob[i] = (intptr_t) by_head[i];
        pk[i] = (intptr_t) l[i].pos_k; pv[i] = (intptr_t) l[i].pos_v; hk[i] = (intptr_t) l[i].head_k; hv[i] = (intptr_t) l[i].head_v;
        nt[i] = tokens[i]; nk[i] = keys[i]; p0[i] = keys[i] - tokens[i]; head_rows[i] = keys[i] + extra[i];
    }
    k3k_set_flash(flash);
    CHECK(k3k_attention_seqs(pool, NS, qa, pk, pv, oa, nt, p0, nk, NULL, kv_type, NH, NKV, hd, 0.2f, 1, window) == 0,
          "position-major");
    CHECK(k3k_attention_seqs(pool, NS, qa, hk, hv, ob, nt, p0, nk, head_rows, kv_type, NH, NKV, hd, 0.2f, 1, window) == 0,
          "head-major");
    k3k_set_flash(-1);
    for (int i = 0; i < NS; i++) {
        int finite = 1;
        for (int e = 0; e < tokens[i] * NH * hd; e++) finite &= isfinite(by_head[i][e]);
        CHECK(finite && memcmp(by_pos[i], by_head[i], sizeof(float) * tokens[i] * NH * hd) == 0,
              "layouts kv %d %s head_dim %d window %d: sequence %d (%d tokens, %d keys, %d rows a head) equals the "
              "position-major cache",
              kv_type, flash ? "tiled" : "exact", hd, window, i, tokens[i], keys[i], head_rows[i]);
        free(q[i]); free(by_pos[i]); free(by_head[i]); free_layouts(&l[i]);
    }
    head_rows[1] = keys[1] - 1;
    CHECK(k3k_attention_seqs(pool, NS, qa, hk, hv, ob, nt, p0, nk, head_rows, kv_type, NH, NKV, hd, 0.2f, 1, window) == -1,
          "head-major: fewer rows a head than keys is rejected");
}

void test_attention_layout(void) {
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    const int types[4] = {K3K_F32, K3K_F16, K3K_Q8_0, K3K_Q4_0};
    for (int t = 0; t < 4; t++)
        for (int flash = 0; flash < 2; flash++) {
            layout_case(pool, types[t], flash, 64, 0);
            layout_case(NULL, types[t], flash, 96, 50);
        }
    k3k_pool_destroy(pool);
    float src[2 * 32] = {0};
    uint8_t dst[4 * 64];
    CHECK(k3k_kv_store(K3K_Q8_0, src, 2, 1, 48, dst, 256) == -1, "kv_store: a Q8_0 head of a block and a half");
    CHECK(k3k_kv_store(K3K_F16, src, 2, 2, 16, dst, 63) == -1, "kv_store: a head stride shorter than the rows");
}
