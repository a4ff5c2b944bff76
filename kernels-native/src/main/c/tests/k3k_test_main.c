/* C kernel tests, run natively and under qemu-user (make qemu-test). Each check prints one line on
 * failure; the last line is "c-kernels: N passed, N failed". */
#include "k3k_test.h"

int k3k_tests_passed, k3k_tests_failed;
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

uint32_t test_rand(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t) (rng_state >> 16);
}

float test_randf(void) { return (float) (test_rand() & 0xFFFFFF) / 8388608.0f - 1.0f; }

float *test_random_floats(int n, float amp) {
    float *x = malloc(sizeof(float) * (size_t) n);
    for (int i = 0; i < n; i++) x[i] = amp * test_randf();
    return x;
}

static void set_half(uint8_t *p, float v) {
    const k3k_half h = k3k_fp32_to_fp16(v);
    memcpy(p, &h, 2);
}

uint8_t *test_random_row(int type, int n, int rows) {
    const size_t row = k3k_row_bytes(type, n), total = row * (size_t) rows;
    uint8_t *b = malloc(total + 1);
    for (size_t i = 0; i < total; i++) b[i] = (uint8_t) test_rand();
    const int ts = k3k_type_size(type);
    for (size_t off = 0; off + (size_t) ts <= total; off += (size_t) ts) {
        uint8_t *blk = b + off;
        switch (type) {
        case K3K_F32: { const float v = test_randf(); memcpy(blk, &v, 4); break; }
        case K3K_F16: set_half(blk, test_randf()); break;
        case K3K_BF16: { const uint16_t h = k3k_fp32_to_bf16(test_randf()); memcpy(blk, &h, 2); break; }
        case K3K_Q4_0: case K3K_Q5_0: case K3K_Q8_0: case K3K_IQ4_NL: case K3K_IQ4_XS:
            set_half(blk, 0.01f * (1 + test_randf()));
            break;
        case K3K_Q4_1: case K3K_Q5_1: case K3K_Q4_K: case K3K_Q5_K:
            set_half(blk, 0.01f * (1 + test_randf()));
            set_half(blk + 2, 0.01f * test_randf());
            break;
        case K3K_Q2_K: set_half(blk + 80, 0.01f * (1 + test_randf())); set_half(blk + 82, 0.01f * test_randf()); break;
        case K3K_Q3_K: set_half(blk + 108, 0.01f * (1 + test_randf())); break;
        case K3K_Q6_K: set_half(blk + 208, 0.01f * (1 + test_randf())); break;
        case K3K_Q8_K: { const float v = 0.01f * (1 + test_randf()); memcpy(blk, &v, 4); break; }
        default: break;
        }
    }
    return b;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--isa") == 0) { /* which path this CPU takes (the Makefile asks) */
        printf("%s\n", k3k_isa());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--other-paths") == 0) { /* the Makefile runs the tests once more under each */
        fputs(k3k_other_paths(), stdout);
        return 0;
    }
    setvbuf(stdout, NULL, _IONBF, 0); /* keep every line when a run under qemu crashes */
    CHECK(k3k_abi_version() == K3K_ABI_VERSION, "abi version %d", k3k_abi_version());
    printf("isa: %s\n", k3k_isa());
    char cov[2048];
    k3k_coverage(cov, sizeof(cov));
    printf("%s", cov);
    test_quant();
    test_dots();
    test_ops();
    test_fa_micro();
    test_attention();
    test_attention_flash();
    test_attention_layout();
    test_ops_pool();
    test_packed();
    test_dpbusd_model();
    test_experts();
    test_pool();
    test_ime();
    test_deltanet();
    printf("c-kernels: %d passed, %d failed\n", k3k_tests_passed, k3k_tests_failed);
    return k3k_tests_failed == 0 ? 0 : 1;
}
