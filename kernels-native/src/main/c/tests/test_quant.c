/* Number conversions and the activation quantisers: half round trips, Q8_0/Q8_1/Q8_K invariants. */
#include "k3k_test.h"

static void test_half(void) {
    int bad = 0;
    for (uint32_t h = 0; h < 0x10000; h++) {
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) continue; /* NaN payloads */
        if (k3k_fp32_to_fp16(k3k_fp16_to_fp32((k3k_half) h)) != h) bad++;
    }
    CHECK(bad == 0, "%d halves do not round-trip", bad);
    CHECK(k3k_fp32_to_fp16(65520.0f) == 0x7c00, "65520 rounds to inf");
    CHECK(k3k_fp32_to_fp16(65519.0f) == 0x7bff, "65519 rounds to 65504");
    CHECK(k3k_fp32_to_fp16(1.0f + 1.0f / 2048) == 0x3c00, "tie rounds to even (down)");
    CHECK(k3k_fp32_to_fp16(1.0f + 3.0f / 2048) == 0x3c02, "tie rounds to even (up)");
    CHECK(k3k_fp32_to_fp16(5.9604644775390625e-8f) == 1, "smallest subnormal");
    CHECK(k3k_fp32_to_fp16(2.98023223876953125e-8f) == 0, "half the smallest subnormal rounds to 0");
    CHECK(k3k_fp32_to_bf16(1.00390625f) == 0x3f80, "bf16 tie to even");
    CHECK(k3k_nearest_int(2.5f) == 2 && k3k_nearest_int(-3.5f) == -4 && k3k_nearest_int(0.49f) == 0, "nearest_int");
}

static void test_q8(void) {
    const int n = 512;
    float *x = test_random_floats(n, 3.0f);
    x[7] = 0.0f;
    for (int i = 32; i < 64; i++) x[i] = 0.0f; /* an all-zero block */
    block_q8_0 q0[16];
    block_q8_1 q1[16];
    block_q8_K qk[2];
    float back[512];
    CHECK(k3k_quantize(K3K_Q8_0, x, q0, n) == 0, "q8_0");
    CHECK(k3k_quantize(K3K_Q8_1, x, q1, n) == 0, "q8_1");
    CHECK(k3k_quantize(K3K_Q8_K, x, qk, n) == 0, "q8_K");
    CHECK(k3k_quantize(K3K_Q4_K, x, q0, n) == -1, "K-quant weights are not quantised here");
    CHECK(k3k_quantize(K3K_Q8_0, x, q0, 33) == -1, "ragged length refused");
    k3k_dequantize(K3K_Q8_0, q0, back, n);
    int bad = 0;
    for (int b = 0; b < 16; b++) {
        const float d = k3k_fp16_to_fp32(q0[b].d);
        for (int j = 0; j < 32; j++) bad += !(fabsf(back[b * 32 + j] - x[b * 32 + j]) <= d * 0.5f + 127 * d / 1024 + 1e-7f);
    }
    CHECK(bad == 0, "q8_0 round trip: %d elements off by more than d/2", bad);
    CHECK(q0[1].d == 0, "zero block has d 0");
    bad = 0;
    for (int b = 0; b < 16; b++) {
        int sum = 0;
        for (int j = 0; j < 32; j++) sum += q1[b].qs[j];
        const float want = sum * k3k_fp16_to_fp32(q1[b].d); /* d rounded to half: small error */
        bad += !(fabsf(k3k_fp16_to_fp32(q1[b].s) - want) <= 2e-3f * fabsf(want) + 1e-6f);
    }
    CHECK(bad == 0, "q8_1 s = d * sum(qs): %d blocks wrong", bad);
    bad = 0;
    for (int b = 0; b < 2; b++)
        for (int g = 0; g < 16; g++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) sum += qk[b].qs[g * 16 + j];
            bad += sum != qk[b].bsums[g];
        }
    CHECK(bad == 0, "q8_K bsums: %d wrong", bad);
    /* the element of largest magnitude quantises to -127 * sign: iscale = -127 / max */
    int maxi = 0;
    for (int j = 0; j < 256; j++) if (fabsf(x[j]) > fabsf(x[maxi])) maxi = j;
    CHECK(qk[0].qs[maxi] == -127, "q8_K max element -> -127, got %d", qk[0].qs[maxi]);
    free(x);
}

/* Weight quantisers: every element within one step (d) of its input after a round trip. */
static void test_weight_quant(void) {
    const int types[] = {K3K_Q4_0, K3K_Q4_1, K3K_Q5_0, K3K_Q5_1};
    float *x = test_random_floats(128, 2.0f), back[128];
    uint8_t buf[128 * 2];
    for (int t = 0; t < 4; t++) {
        CHECK(k3k_quantize(types[t], x, buf, 128) == 0, "quantize type %d", types[t]);
        k3k_dequantize(types[t], buf, back, 128);
        int bad = 0;
        for (int b = 0; b < 4; b++) {
            float lo = x[b * 32], hi = lo;
            for (int j = 0; j < 32; j++) {
                lo = fminf(lo, x[b * 32 + j]);
                hi = fmaxf(hi, x[b * 32 + j]);
            }
            const float step = (hi - lo) / (types[t] == K3K_Q4_0 || types[t] == K3K_Q4_1 ? 15 : 31);
            for (int j = 0; j < 32; j++) bad += !(fabsf(back[b * 32 + j] - x[b * 32 + j]) <= step * 1.01f);
        }
        CHECK(bad == 0, "type %d round trip: %d elements off by more than a step", types[t], bad);
    }
    free(x);
}

/* Every type's ISA activation converter (Q8_0, Q8_K, F16, ...) writes exactly the portable converter's bytes:
 * ties and near-ties around .5 steps, a block of zeros, equal magnitudes of both signs (the first sets Q8_K's
 * scale), and, for the Q8_K and F16 converters, NaN, inf and values past F16's range. */
static void test_fast_from_float(void) {
    const int n = 256 * 3;
    float *x = test_random_floats(n, 5.0f);
    x[3] = 0.49999997f * 5.0f / 127.0f;
    for (int j = 32; j < 64; j++) x[j] = (float) (j - 48) * 0.5f;
    for (int j = 256; j < 512; j++) x[j] = 0.0f;
    x[520] = 9.0f;
    x[523] = -9.0f;
    x[530] = -9.0f;
    float *odd = malloc(sizeof(float) * n);
    memcpy(odd, x, sizeof(float) * n);
    odd[7] = NAN;
    odd[600] = 70000.0f;
    odd[601] = -INFINITY;
    odd[602] = 6.1e-5f;
    odd[603] = 3.0e-8f;
    for (int type = 0; type < K3K_TYPE_COUNT; type++) {
        if (!k3k_traits(type) || !k3k_traits(type)->from_float) continue;
        const int vt = k3k_traits(type)->vec_dot_type;
        for (int v = 0; v < 2; v++) {
            const float *in = v ? odd : x;
            if (v && vt != K3K_Q8_K && vt != K3K_F16) continue;
            /* the blocks; an ISA's auxiliary data after them (Q4_0's sums) is the dot tests' concern */
            const size_t bytes = k3k_row_bytes(vt, n), room = k3k_act_row_bytes(k3k_traits(type), n);
            uint8_t *want = calloc(1, room), *got = calloc(1, room);
            k3k_set_generic(1);
            k3k_traits(type)->from_float(in, want, n);
            k3k_set_generic(0);
            k3k_traits(type)->from_float(in, got, n);
            CHECK(memcmp(want, got, bytes) == 0, "type %d (%s), %s input: activation bytes differ from the portable converter's",
                  type, k3k_traits(type)->path, v ? "odd" : "plain");
            free(want);
            free(got);
        }
    }
    free(odd);
    free(x);
}

void test_quant(void) {
    test_fast_from_float();
    test_weight_quant();
    test_half();
    test_q8();
}
