/* Norms, RoPE, softcap and the element-wise ops against direct double-precision formulas (attention: test_attention.c). */
#include <string.h>
#include "k3k_test.h"

static int close_rel(const float *a, const double *b, int n, double rel) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const int off = !(fabs(a[i] - b[i]) <= rel * (fabs(b[i]) + 1e-2)); /* a NaN is off too */
        if (off && !bad) printf("  [%d] %.9g vs %.9g\n", i, a[i], b[i]);
        bad += off;
    }
    return bad;
}


/* rms_norm takes rows four at a time: every row keeps the bits of one row normalised alone (ggml's
 * sequential double sum), in place too; seven rows cover the four-row step and the tail. */
static void test_rms_norm_rows(void) {
    enum { N = 1024, ROWS = 7 };
    float *x = test_random_floats(N * ROWS, 3.0f), *w = test_random_floats(N, 1.0f);
    float *all = malloc(sizeof(float) * N * ROWS), *one = malloc(sizeof(float) * N * ROWS), *inplace = malloc(sizeof(float) * N * ROWS);
    for (int f = 0; f < 2; f++) {
        const float *wf = f ? w : NULL;
        k3k_rms_norm(x, wf, all, N, ROWS, 1e-6f);
        for (int r = 0; r < ROWS; r++) k3k_rms_norm(x + r * N, wf, one + r * N, N, 1, 1e-6f);
        memcpy(inplace, x, sizeof(float) * N * ROWS);
        k3k_rms_norm(inplace, wf, inplace, N, ROWS, 1e-6f);
        CHECK(memcmp(all, one, sizeof(float) * N * ROWS) == 0, "rms_norm%s: seven rows at once equal one by one", f ? " with weights" : "");
        CHECK(memcmp(inplace, one, sizeof(float) * N * ROWS) == 0, "rms_norm%s: in place equals out of place", f ? " with weights" : "");
    }
    free(x); free(w); free(all); free(one); free(inplace);
}

static void test_norms(void) {
    const int n = 67, rows = 3;
    float *x = test_random_floats(n * rows, 2.0f), *w = test_random_floats(n, 1.0f), *b = test_random_floats(n, 1.0f);
    float out[67 * 3];
    double ref[67 * 3];
    k3k_rms_norm(x, w, out, n, rows, 1e-5f);
    for (int r = 0; r < rows; r++) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[r * n + i] * x[r * n + i];
        for (int i = 0; i < n; i++) ref[r * n + i] = x[r * n + i] / sqrt(ss / n + 1e-5) * w[i];
    }
    CHECK(close_rel(out, ref, n * rows, 1e-5) == 0, "rms_norm");
    k3k_layer_norm(x, w, b, out, n, rows, 1e-5f);
    for (int r = 0; r < rows; r++) {
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) mean += x[r * n + i];
        mean /= n;
        for (int i = 0; i < n; i++) var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
        var /= n;
        for (int i = 0; i < n; i++) ref[r * n + i] = (x[r * n + i] - mean) / sqrt(var + 1e-5) * w[i] + b[i];
    }
    CHECK(close_rel(out, ref, n * rows, 1e-4) == 0, "layer_norm");
    free(x); free(w); free(b);
}

/* The rotation as ggml writes it, head by head, every angle recomputed per head: the kernel computes each
 * token's cosines and sines once for all heads, in chunks of pairs, and must give these bits. */
static void rope_per_head(float *x, int n_tokens, int n_heads, int head_dim, int rope_dims, int pos0, float base,
                          float freq_scale, int neox, const float *ff) {
    const float theta_scale = powf(base, -2.0f / rope_dims);
    for (int t = 0; t < n_tokens; t++)
        for (int h = 0; h < n_heads; h++) {
            float *v = x + ((size_t) t * n_heads + h) * head_dim, theta = (float) (pos0 + t);
            for (int i0 = 0; i0 < rope_dims; i0 += 2) {
                const float th = freq_scale * (ff ? theta / ff[i0 / 2] : theta), c = cosf(th), s = sinf(th);
                const int a = neox ? i0 / 2 : i0, b = neox ? i0 / 2 + rope_dims / 2 : i0 + 1;
                const float x0 = v[a], x1 = v[b];
                v[a] = x0 * c - x1 * s;
                v[b] = x0 * s + x1 * c;
                theta *= theta_scale;
            }
        }
}

/* Wide heads: 200 of 256 dimensions rotated (100 pairs, past the kernel's 64-pair chunk), five tokens, three
 * heads, both pairings, with and without frequency factors. */
static void test_rope_wide(void) {
    enum { HD = 256, DIMS = 200, HEADS = 3, TOK = 5 };
    float *x = test_random_floats(HD * HEADS * TOK, 1.0f), ff[DIMS / 2];
    for (int i = 0; i < DIMS / 2; i++) ff[i] = 1.0f + (float) (i % 7) * 0.75f;
    for (int neox = 0; neox < 2; neox++)
        for (int f = 0; f < 2; f++) {
            float got[HD * HEADS * TOK], want[HD * HEADS * TOK];
            memcpy(got, x, sizeof got);
            memcpy(want, x, sizeof want);
            k3k_rope(got, TOK, HEADS, HD, DIMS, 4093, 1000000.0f, 1.0f, neox, f ? ff : NULL);
            rope_per_head(want, TOK, HEADS, HD, DIMS, 4093, 1000000.0f, 1.0f, neox, f ? ff : NULL);
            CHECK(memcmp(got, want, sizeof got) == 0, "rope %s%s, 100 pairs: the per-head rotation's bits",
                  neox ? "neox" : "normal", f ? " with frequency factors" : "");
        }
    free(x);
}

static void test_rope(void) {
    const int hd = 8, dims = 6, heads = 2, pos0 = 5;
    float *x = test_random_floats(hd * heads, 1.0f);
    float v[16], nx[16];
    memcpy(v, x, sizeof(v));
    k3k_rope(v, 1, heads, hd, dims, pos0, 10000.0f, 0.5f, 0, NULL);
    int bad = 0;
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < hd; i++) {
            double want;
            const float *s = x + h * hd;
            if (i >= dims) want = s[i];
            else {
                const int p = i / 2 * 2;
                const double th = pos0 * 0.5 * pow(10000.0, -(double) p / dims);
                want = i % 2 == 0 ? s[p] * cos(th) - s[p + 1] * sin(th) : s[p] * sin(th) + s[p + 1] * cos(th);
            }
            bad += !(fabs(v[h * hd + i] - want) <= 1e-5);
        }
    CHECK(bad == 0, "rope normal: %d dims wrong", bad);
    /* NeoX pairs (i, i + dims/2): permuting to adjacent pairs gives the normal rotation */
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < hd; i++) nx[h * hd + i] = x[h * hd + i];
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < dims / 2; i++) {
            nx[h * hd + i] = x[h * hd + 2 * i];
            nx[h * hd + i + dims / 2] = x[h * hd + 2 * i + 1];
        }
    k3k_rope(nx, 1, heads, hd, dims, pos0, 10000.0f, 0.5f, 1, NULL);
    bad = 0;
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < dims / 2; i++)
            bad += nx[h * hd + i] != v[h * hd + 2 * i] || nx[h * hd + i + dims / 2] != v[h * hd + 2 * i + 1];
    CHECK(bad == 0, "rope neox equals normal on permuted pairs: %d wrong", bad);
    /* frequency factors divide each pair's angle: theta_i = p * base^(-2i/dims) / f_i */
    const float ff[3] = {1.0f, 4.0f, 31.5f};
    for (int neox = 0; neox < 2; neox++) {
        memcpy(v, x, sizeof(v));
        k3k_rope(v, 1, heads, hd, dims, pos0, 10000.0f, 0.5f, neox, ff);
        bad = 0;
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < dims / 2; i++) {
                const int a = h * hd + (neox ? i : 2 * i), b = h * hd + (neox ? i + dims / 2 : 2 * i + 1);
                const double th = pos0 * 0.5 * pow(10000.0, -2.0 * i / dims) / ff[i];
                bad += !(fabs(v[a] - (x[a] * cos(th) - x[b] * sin(th))) <= 1e-5);
                bad += !(fabs(v[b] - (x[a] * sin(th) + x[b] * cos(th))) <= 1e-5);
            }
        CHECK(bad == 0, "rope %s with frequency factors: %d dims wrong", neox ? "neox" : "normal", bad);
    }
    /* factors: theta / 2 equals freq_scale 0.5 exactly (powers of two); 1e30 leaves the pair as it is */
    float f[16], ff2[3] = {2.0f, 2.0f, 1e30f};
    memcpy(f, x, sizeof(f));
    memcpy(nx, x, sizeof(nx));
    k3k_rope(f, 1, heads, hd, dims, pos0, 10000.0f, 1.0f, 1, ff2);
    k3k_rope(nx, 1, heads, hd, dims, pos0, 10000.0f, 0.5f, 1, NULL);
    bad = 0;
    for (int h = 0; h < heads; h++)
        for (int i = 0; i < 2; i++)
            bad += f[h * hd + i] != nx[h * hd + i] || f[h * hd + i + dims / 2] != nx[h * hd + i + dims / 2];
    for (int h = 0; h < heads; h++) bad += f[h * hd + 2] != x[h * hd + 2] || f[h * hd + 5] != x[h * hd + 5];
    CHECK(bad == 0, "rope with frequency factors: %d wrong", bad);
    free(x);
}

static void test_softcap(void) {
    const int n = 37;
    float *x = test_random_floats(n, 60.0f);
    float out[37];
    double ref[37];
    memcpy(out, x, sizeof(out));
    k3k_softcap(out, 20.0f, n);
    for (int i = 0; i < n; i++) ref[i] = 20.0 * tanh(x[i] / 20.0);
    CHECK(close_rel(out, ref, n, 1e-5) == 0, "softcap");
    free(x);
}

static void test_elementwise(void) {
    const int n = 19;
    float *g = test_random_floats(n, 4.0f), *u = test_random_floats(n, 1.0f);
    float out[19];
    double ref[19];
    k3k_swiglu(g, u, out, n);
    for (int i = 0; i < n; i++) ref[i] = g[i] / (1 + exp(-g[i])) * u[i];
    CHECK(close_rel(out, ref, n, 1e-5) == 0, "swiglu");
    g[0] = -12.0f;
    g[1] = 11.0f;
    k3k_geglu(g, u, out, n);
    for (int i = 0; i < n; i++) ref[i] = 0.5 * g[i] * (1 + tanh(sqrt(2 / M_PI) * (g[i] + 0.044715 * g[i] * g[i] * g[i]))) * u[i];
    int bad = 0; /* through ggml's fp16 table: input and result rounded to half */
    for (int i = 0; i < n; i++) bad += !(fabs(out[i] - ref[i]) <= 2e-3 * (fabs(ref[i]) + fabs(u[i]) * 0.05));
    CHECK(bad == 0, "geglu: %d wrong", bad);
    k3k_add(g, u, out, n);
    for (int i = 0; i < n; i++) ref[i] = (double) g[i] + u[i];
    CHECK(close_rel(out, ref, n, 1e-6) == 0, "add");
    memcpy(out, g, sizeof(out));
    k3k_scale(out, 0.25f, n);
    for (int i = 0; i < n; i++) ref[i] = g[i] * 0.25;
    CHECK(close_rel(out, ref, n, 0) == 0, "scale");
    free(g); free(u);
}

/* The GELU rows of the ISA path (F16C conversions on x86) against the generic ones, bit for bit: every fp16
 * input the table holds, the cut-offs at +-10 and past them, with and without up. */
static void test_gelu_paths(void) {
    const int n = 70000;
    float *g = malloc(sizeof(float) * n), *u = test_random_floats(n, 2.0f);
    float *fast = malloc(sizeof(float) * n), *gen = malloc(sizeof(float) * n);
    for (int i = 0; i < 65536; i++) g[i] = k3k_fp16_to_fp32((k3k_half) i);
    const float edges[] = {-10.0f, 10.0f, -10.001f, 9.999f, 10.001f, -9.999f, 0.0f, -0.0f, 1e-30f, -1e-30f, 65504.0f, -70000.0f};
    for (int i = 65536; i < n; i++) g[i] = i - 65536 < 12 ? edges[i - 65536] : (float) (i % 997) * 0.0241f - 12.0f;
    int differ = 0;
    for (int with_up = 0; with_up < 2; with_up++) {
        k3k_force_generic(1);
        k3k_traits(K3K_F32)->gelu_rows(g, with_up ? u : NULL, gen, n);
        k3k_force_generic(0);
        if (with_up) k3k_geglu(g, u, fast, n);
        else {
            memcpy(fast, g, sizeof(float) * n);
            k3k_gelu(fast, n);
        }
        for (int i = 0; i < n; i++) differ += memcmp(&fast[i], &gen[i], sizeof(float)) != 0 && !(gen[i] != gen[i] && fast[i] != fast[i]);
    }
    CHECK(differ == 0, "gelu rows %s = generic bit for bit: %d differ", k3k_traits(K3K_F32)->act_path, differ);
    free(g); free(u); free(fast); free(gen);
}

void test_ops(void) {
    test_gelu_paths();
    test_norms();
    test_rope();
    test_rms_norm_rows();
    test_rope_wide();
    test_softcap();
    test_elementwise();
}
