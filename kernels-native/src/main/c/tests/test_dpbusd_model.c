/* The vpdpbusd kernels of k3k_x86_dpbusd_x8.h (the AVX512-VL VNNI and AVX-VNNI sets), modelled on any x86_64 CPU
 * with AVX2: the same bodies instantiated with vpdpbusd emulated exactly (bytes widened to int16, pair sums, then
 * the pairs of pairs), against the generic kernels bit for bit: Q4_0, Q8_0, Q4_K and Q6_K x8 at 1-4 tokens and
 * ragged block counts, and the Q6_K rows kernel. A CPU with the instruction also runs the real set in test_packed
 * (natively for AVX512-VNNI, under K3K_ISA=avxvnni for AVX-VNNI: the Makefile runs each path the CPU has). */
#include "k3k_test.h"

#if defined(__x86_64__)
#include <string.h>
#include "../k3k_x86_dpbusd_x8.h"

/* vpdpbusd: s plus each int32 lane's four unsigned x signed byte products, exactly */
AVX2 static inline __m256i dpbusd_model(__m256i s, __m256i u, __m256i v) {
    const __m256i z = _mm256_setzero_si256();
    const __m256i ulo = _mm256_unpacklo_epi8(u, z), uhi = _mm256_unpackhi_epi8(u, z);
    const __m256i vlo = _mm256_srai_epi16(_mm256_unpacklo_epi8(z, v), 8), vhi = _mm256_srai_epi16(_mm256_unpackhi_epi8(z, v), 8);
    /* lane i of hadd(lo, hi) sums lo's pairs 2i, 2i+1 in its first half and hi's in its second: per 128-bit half, the
     * unpacks took bytes 0-7 to lo and 8-15 to hi, so lane order is restored */
    return _mm256_add_epi32(s, _mm256_hadd_epi32(_mm256_madd_epi16(ulo, vlo), _mm256_madd_epi16(uhi, vhi)));
}
#define MODEL_DP(s, w, y) dpbusd_model((s), (w), (y))
#define MODEL_ACC(s, w, y) ((s) = MODEL_DP(s, w, y))
#define MODEL_DOT4(v, y, s) _mm256_mullo_epi32(MODEL_DP(_mm256_setzero_si256(), v, y), (s))

DPBUSD_X8_KERNELS(AVX2, model, MODEL_DP, MODEL_ACC)
DPBUSD_Q6_ROW(AVX2, model, MODEL_DOT4)

/* One type: 16 rows of nb blocks packed, n_tok tokens, each group through the model and the generic kernel. */
static void model_case(int type, k3k_packed_fn model, int nb, int n_tok) {
    const int rows = 16, cols = nb * k3k_packed_block_elems(type);
    uint8_t *w = test_random_row(type, cols, rows);
    uint8_t *p = malloc((size_t) k3k_packed_bytes(type, rows, cols));
    CHECK(k3k_pack(type, w, p, rows, cols) == 0, "pack type %d", type);
    const size_t act_bytes = k3k_packed_act_row_bytes(type, cols), group_bytes = (size_t) nb * k3k_packed_group_block_bytes(type);
    uint8_t *act = malloc(act_bytes * 4);
    for (int t = 0; t < n_tok; t++) {
        float *x = test_random_floats(cols, 1.0f);
        k3k_packed_quantize_act(type, x, act + (size_t) t * act_bytes, cols);
        free(x);
    }
    k3k_force_generic(1);
    const k3k_packed_fn generic = k3k_traits(type)->packed;
    k3k_force_generic(0);
    float want[4 * 16], got[4 * 16];
    int differ = 0;
    for (int g = 0; g < rows / 8; g++) {
        generic(nb, p + (size_t) g * group_bytes, act, act_bytes, n_tok, want + 8 * g, rows);
        model(nb, p + (size_t) g * group_bytes, act, act_bytes, n_tok, got + 8 * g, rows);
    }
    for (int i = 0; i < rows * n_tok; i++) differ += memcmp(&want[i], &got[i], sizeof(float)) != 0;
    CHECK(differ == 0, "vpdpbusd model = generic bit for bit, type %d, %d blocks, %d tokens: %d differ", type, nb, n_tok, differ);
    if (type == K3K_Q6_K && n_tok == 1) { /* the rows kernel over the file's rows: the packed generic model's bits */
        int rows_differ = 0;
        for (int r = 0; r < rows; r++) {
            const float v = q6_K_row_model(w + (size_t) r * k3k_row_bytes(type, cols), act, nb);
            rows_differ += memcmp(&v, &want[r], sizeof(float)) != 0;
        }
        CHECK(rows_differ == 0, "Q6_K rows, vpdpbusd model = packed generic, %d blocks: %d differ", nb, rows_differ);
    }
    free(w);
    free(p);
    free(act);
}

/* the emulation itself on the extremes: 255 x -128 four times per lane, and a plain mixed case */
AVX2 static void emulation_case(void) {
    const __m256i s = _mm256_set1_epi32(7), u = _mm256_set1_epi8((char) 0xFF), v = _mm256_set1_epi8((char) 0x80);
    int32_t lanes[8];
    _mm256_storeu_si256((__m256i *) lanes, dpbusd_model(s, u, v));
    CHECK(lanes[0] == 7 - 4 * 255 * 128 && lanes[7] == lanes[0], "dpbusd model: 255 x -128, lane 0 %d", lanes[0]);
    uint8_t ub[32];
    int8_t vb[32];
    for (int i = 0; i < 32; i++) {
        ub[i] = (uint8_t) (i * 37 + 11);
        vb[i] = (int8_t) (i * 53 - 100);
    }
    _mm256_storeu_si256((__m256i *) lanes, dpbusd_model(_mm256_setzero_si256(), _mm256_loadu_si256((const __m256i *) ub),
                                                        _mm256_loadu_si256((const __m256i *) vb)));
    int lane_bad = 0;
    for (int l = 0; l < 8; l++) {
        int32_t want = 0;
        for (int k = 0; k < 4; k++) want += ub[4 * l + k] * vb[4 * l + k];
        lane_bad += lanes[l] != want;
    }
    CHECK(lane_bad == 0, "dpbusd model: lanes of a mixed case, %d wrong", lane_bad);
}

void test_dpbusd_model(void) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("f16c") || !__builtin_cpu_supports("fma")) return;
    /* the rows kernel reduces eight blocks at a time, then four, then one: each alone, together, the eight twice */
    const int k_blocks[] = {1, 2, 3, 4, 7, 8, 9, 13, 17}, legacy_blocks[] = {1, 3, 7, 8};
    for (int n_tok = 1; n_tok <= 4; n_tok++) {
        for (int i = 0; i < 9; i++) {
            model_case(K3K_Q4_K, q4_Kx8_model, k_blocks[i], n_tok);
            model_case(K3K_Q6_K, q6_Kx8_model, k_blocks[i], n_tok);
        }
        for (int i = 0; i < 4; i++) {
            model_case(K3K_Q4_0, q4_0x8_model, legacy_blocks[i], n_tok);
            model_case(K3K_Q8_0, q8_0x8_model, legacy_blocks[i], n_tok);
        }
    }
    emulation_case();
}
#else
void test_dpbusd_model(void) {}
#endif
