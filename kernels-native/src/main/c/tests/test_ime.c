/* The IME tiled matmul with the scalar instruction model equals the generic dot bit for bit, for the
 * X60 and A100 tile shapes and ragged row/token counts; the model itself against a direct triple loop. */
#include "k3k_test.h"
#include "../k3k_ime.h"

static void check_ime(int type, int rows, int cols, int n_tokens, k3k_ime_geom g) {
    const k3k_type_traits *tr = k3k_traits(type);
    uint8_t *w = test_random_row(type, cols, rows);
    const size_t rb = k3k_row_bytes(type, cols), xb = k3k_row_bytes(K3K_Q8_0, cols);
    float *x = test_random_floats(cols * n_tokens, 1.0f);
    uint8_t *xq = malloc(xb * n_tokens);
    for (int t = 0; t < n_tokens; t++) k3k_quantize_row_q8_0(x + t * cols, xq + t * xb, cols);
    float *y = calloc((size_t) rows * n_tokens, sizeof(float));
    CHECK(k3k_ime_matmul_rows(type, w, rb, 0, rows, cols, xq, xb, y, rows, n_tokens, k3k_ime_vmadot_model, &g) == 0, "ime rows");
    int bad = 0;
    for (int t = 0; t < n_tokens; t++)
        for (int r = 0; r < rows; r++) {
            float want;
            tr->generic(cols, &want, w + r * rb, xq + t * xb);
            bad += want != y[t * rows + r];
        }
    CHECK(bad == 0, "ime type %d %dx%d x %d tokens, tile %dx%dx%d: %d outputs differ from generic", type, rows, cols,
          n_tokens, g.m, g.n, g.k, bad);
    free(w); free(x); free(xq); free(y);
}

void test_ime(void) {
    const k3k_ime_geom x60 = k3k_ime_geom_for_vlen(256), a100 = k3k_ime_geom_for_vlen(1024);
    CHECK(x60.m == 4 && x60.k == 8 && a100.m == 8 && a100.k == 16, "tile shapes");
    CHECK(k3k_ime_geom_for_vlen(128).k == 0, "no tile at VLEN 128");
    int8_t a[32], b[32];
    int32_t c[16] = {0};
    for (int i = 0; i < 32; i++) { a[i] = (int8_t) (i - 16); b[i] = (int8_t) (3 * i - 50); }
    k3k_ime_vmadot_model(c, a, b, &x60);
    int32_t c01 = 0;
    for (int k = 0; k < 8; k++) c01 += a[k] * b[8 + k];
    CHECK(c[1] == c01, "model C[0][1] = A row 0 . B row 1");
    const int types[] = {K3K_Q8_0, K3K_Q4_0};
    for (int i = 0; i < 2; i++) {
        check_ime(types[i], 13, 96, 5, x60);
        check_ime(types[i], 17, 64, 11, a100);
        check_ime(types[i], 8, 32, 8, a100);
    }
    k3k_ime_geom bad = {4, 4, 12};
    CHECK(k3k_ime_matmul_rows(K3K_Q8_0, NULL, 0, 0, 1, 32, NULL, 0, NULL, 1, 1, k3k_ime_vmadot_model, &bad) == -1,
          "K must divide 32");
    CHECK(k3k_ime_matmul_rows(K3K_Q4_K, NULL, 0, 0, 1, 256, NULL, 0, NULL, 1, 1, k3k_ime_vmadot_model, &x60) == -1,
          "only Q4_0/Q8_0");
    CHECK(k3k_ime_real_vmadot() == NULL || k3k_ime_native_geom().k != 0 || 1, "real instruction only on riscv64");
}
