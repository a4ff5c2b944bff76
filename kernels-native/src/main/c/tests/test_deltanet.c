/* The gated delta net kernels (delta rule and causal convolution): the dispatched (ISA) path and a 3-worker pool against the generic model,
 * bit for bit, at ragged sizes; both against the formulas evaluated directly in double precision. */
#include <string.h>
#include "k3k_test.h"
#include "../k3k_pool.h"

static float *copy_floats(const float *x, int n) {
    float *c = malloc(sizeof(float) * (size_t) n);
    memcpy(c, x, sizeof(float) * (size_t) n);
    return c;
}

/* The recurrence in double: the state in M[h][i][j] (i key, j value), the same inputs. */
static void gdn_double(double *m, const float *qkv, const float *alpha, const float *beta, const float *dt,
                       const float *a, double *out, int nt, int nk, int nv, int s, float eps) {
    const int row = (2 * nk + nv) * s;
    double *q = malloc(sizeof(double) * s), *k = malloc(sizeof(double) * s), *d = malloc(sizeof(double) * s);
    for (int t = 0; t < nt; t++)
        for (int h = 0; h < nv; h++) {
            const int kh = h % nk;
            const float *in = qkv + (size_t) t * row;
            double sq = 0, sk = 0;
            for (int i = 0; i < s; i++) {
                sq += (double) in[kh * s + i] * in[kh * s + i];
                sk += (double) in[(nk + kh) * s + i] * in[(nk + kh) * s + i];
            }
            for (int i = 0; i < s; i++) {
                q[i] = in[kh * s + i] / sqrt(sq + eps);
                k[i] = in[(nk + kh) * s + i] / sqrt(sk + eps);
            }
            const double b = 1 / (1 + exp(-beta[t * nv + h]));
            const double x = alpha[t * nv + h] + dt[h];
            const double decay = exp((x > 20 ? x : log(1 + exp(x))) * a[h]);
            double *mh = m + (size_t) h * s * s;
            for (int j = 0; j < s; j++) {
                double kv = 0;
                for (int i = 0; i < s; i++) kv += (mh[i * s + j] *= decay) * k[i];
                d[j] = (in[(2 * nk + h) * s + j] - kv) * b;
            }
            for (int j = 0; j < s; j++) {
                double o = 0;
                for (int i = 0; i < s; i++) o += (mh[i * s + j] += k[i] * d[j]) * q[i];
                out[((size_t) t * nv + h) * s + j] = o / sqrt(s);
            }
        }
    free(q); free(k); free(d);
}

/* strong: decays near 0 with a jump every 7th token (cumulative log decays in the thousands within a chunk),
 * checked at 1e-5 instead of 1e-4 (the recurrence is within 2e-7 there) */
static void gdn_case_decays(int nt, int nk, int nv, int s, k3k_pool *pool, int strong) {
    const int row = (2 * nk + nv) * s, n_state = nv * s * s, n_out = nt * nv * s;
    const float eps = 1e-6f;
    const double tol = strong ? 1e-5 : 1e-4;
    float *qkv = test_random_floats(nt * row, 1.0f), *alpha = test_random_floats(nt * nv, 2.0f);
    float *beta = test_random_floats(nt * nv, 2.0f), *dt = test_random_floats(nv, 1.0f), *a = test_random_floats(nv, 1.0f);
    for (int h = 0; h < nv; h++) a[h] = strong ? -16.0f : -0.05f - fabsf(a[h]);
    for (int i = 0; strong && i < nt * nv; i++) alpha[i] = i / nv % 7 == 6 ? 30.0f : -3.0f + 0.1f * alpha[i];
    for (int h = 0; strong && h < nv; h++) dt[h] = -4.0f;
    float *state0 = test_random_floats(n_state, 0.5f);
    float *st_gen = copy_floats(state0, n_state), *st_fast = copy_floats(state0, n_state);
    float *out_gen = malloc(sizeof(float) * n_out), *out_fast = malloc(sizeof(float) * n_out);
    k3k_force_generic(1);
    CHECK(k3k_gated_delta_net(NULL, st_gen, qkv, alpha, beta, dt, a, out_gen, nt, nk, nv, s, eps) == 0, "gdn generic");
    k3k_force_generic(0);
    CHECK(k3k_gated_delta_net(pool, st_fast, qkv, alpha, beta, dt, a, out_fast, nt, nk, nv, s, eps) == 0, "gdn fast");
    CHECK(memcmp(out_gen, out_fast, sizeof(float) * n_out) == 0 && memcmp(st_gen, st_fast, sizeof(float) * n_state) == 0,
          "gdn %s = generic bit for bit (t=%d k=%d v=%d s=%d)", k3k_traits(K3K_F32)->gdn_path, nt, nk, nv, s);

    double *m = malloc(sizeof(double) * n_state), *ref = malloc(sizeof(double) * n_out);
    for (int h = 0; h < nv; h++)
        for (int j = 0; j < s; j++)
            for (int i = 0; i < s; i++) m[(size_t) h * s * s + i * s + j] = state0[(size_t) h * s * s + j * s + i];
    gdn_double(m, qkv, alpha, beta, dt, a, ref, nt, nk, nv, s, eps);
    int bad = 0;
    for (int i = 0; i < n_out; i++) bad += !(fabs(out_gen[i] - ref[i]) <= tol * (1 + fabs(ref[i]))); /* NaN counts */
    for (int h = 0; h < nv; h++)
        for (int j = 0; j < s; j++)
            for (int i = 0; i < s; i++) {
                const double want = m[(size_t) h * s * s + i * s + j];
                bad += !(fabs(st_gen[(size_t) h * s * s + j * s + i] - want) <= tol * (1 + fabs(want)));
            }
    CHECK(bad == 0, "gdn generic vs double formula: %d values off (t=%d s=%d)", bad, nt, s);
    CHECK(k3k_gated_delta_net(NULL, st_gen, qkv, alpha, beta, dt, a, out_gen, nt, 2, 3, s, eps) == -1,
          "gdn rejects V heads that are not a multiple of the K heads");
    free(qkv); free(alpha); free(beta); free(dt); free(a); free(state0); free(st_gen); free(st_fast);
    free(out_gen); free(out_fast); free(m); free(ref);
}

static void gdn_case(int nt, int nk, int nv, int s, k3k_pool *pool) { gdn_case_decays(nt, nk, nv, s, pool, 0); }

static void conv_case(int nt, int channels, int d_conv, k3k_pool *pool) {
    const int held = d_conv - 1;
    float *x = test_random_floats(nt * channels, 1.0f), *w = test_random_floats(channels * d_conv, 1.0f);
    float *state0 = test_random_floats(held * channels, 1.0f), *state = copy_floats(state0, held * channels);
    float *out = malloc(sizeof(float) * nt * channels), *out1 = malloc(sizeof(float) * nt * channels);
    CHECK(k3k_causal_conv(pool, state, x, w, out, nt, channels, d_conv) == 0, "conv");
    float *st_gen = copy_floats(state0, held * channels), *out_gen = malloc(sizeof(float) * nt * channels);
    k3k_force_generic(1);
    CHECK(k3k_causal_conv(NULL, st_gen, x, w, out_gen, nt, channels, d_conv) == 0, "conv generic");
    k3k_force_generic(0);
    CHECK(memcmp(out, out_gen, sizeof(float) * nt * channels) == 0 && memcmp(state, st_gen, sizeof(float) * held * channels) == 0,
          "conv %s = generic bit for bit (t=%d c=%d k=%d)", k3k_traits(K3K_F32)->gdn_path, nt, channels, d_conv);
    free(st_gen); free(out_gen);
    int bad = 0;
    for (int c = 0; c < channels; c++) {
        for (int t = 0; t < nt; t++) {
            double sum = 0;
            for (int i = 0; i < d_conv; i++) {
                const int r = t + i;
                sum += (double) (r < held ? state0[r * channels + c] : x[(r - held) * channels + c]) * w[c * d_conv + i];
            }
            const double want = sum / (1 + exp(-sum));
            bad += !(fabs(out[t * channels + c] - want) <= 1e-5 * (1 + fabs(want)));
        }
        for (int r = 0; r < held; r++) {
            const int from = nt + r;
            bad += state[r * channels + c] != (from < held ? state0[from * channels + c] : x[(from - held) * channels + c]);
        }
    }
    CHECK(bad == 0, "conv vs direct formula and window: %d off (t=%d c=%d k=%d)", bad, nt, channels, d_conv);
    /* token by token from the same start gives the same outputs and window as the batch */
    float *st1 = copy_floats(state0, held * channels);
    for (int t = 0; t < nt; t++) k3k_causal_conv(NULL, st1, x + t * channels, w, out1 + t * channels, 1, channels, d_conv);
    CHECK(memcmp(out, out1, sizeof(float) * nt * channels) == 0 && memcmp(state, st1, sizeof(float) * held * channels) == 0,
          "conv one token at a time = batch");
    free(x); free(w); free(state0); free(state); free(out); free(out1); free(st1);
}

void test_deltanet(void) {
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    const int sizes[] = {1, 5, 8, 13, 64, 67};
    for (int i = 0; i < 6; i++) gdn_case(3, 2, 4, sizes[i], i % 2 ? pool : NULL);
    gdn_case(7, 1, 3, 16, pool);
    gdn_case(1, 3, 3, 24, pool);
    /* from 32 tokens on the chunked form: one ragged chunk, several with a ragged end, head sizes off the
     * micro-kernels' blocks */
    gdn_case(37, 2, 4, 13, pool);
    gdn_case(150, 1, 2, 64, pool);
    gdn_case(64, 2, 2, 128, NULL);
    gdn_case_decays(129, 1, 1, 32, pool, 1);
    gdn_case_decays(5, 1, 1, 32, pool, 1); /* the recurrence meets the same bound */
    conv_case(5, 37, 4, pool);
    conv_case(2, 9, 4, NULL);
    conv_case(1, 64, 2, pool);
    conv_case(3, 1, 4, pool);
    conv_case(4, 130, 3, NULL);
    float cx[4] = {0}, cw[4] = {0}, cs[4] = {0}, co[4];
    CHECK(k3k_causal_conv(NULL, cs, cx, cw, co, 1, 1, 65) == -1, "conv rejects more taps than it supports");
    float x[5] = {1, -2, 3, 0, 40}, g[5] = {0, 1, -1, 5, -40}, o[5];
    k3k_sigmoid_mul(x, g, o, 5);
    int bad = 0;
    for (int i = 0; i < 5; i++) bad += !(fabs(o[i] - x[i] / (1 + exp(-(double) g[i]))) <= 1e-6 * (1 + fabs(o[i])));
    CHECK(bad == 0, "sigmoid_mul");
    k3k_pool_destroy(pool);
}
