/* Shared helpers of the C kernel tests: the CHECK macro, a deterministic RNG and random valid blocks. */
#ifndef K3K_TEST_H
#define K3K_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "../k3k.h"
#include "../k3k_internal.h"

extern int k3k_tests_passed, k3k_tests_failed;

#define CHECK(cond, ...) do { if (cond) { k3k_tests_passed++; } else { k3k_tests_failed++; \
    printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

uint32_t test_rand(void);
float test_randf(void); /* uniform in [-1, 1) */
/* n elements of `type` with random quants and small finite scales; returns malloc'd bytes. */
uint8_t *test_random_row(int type, int n, int rows);
float *test_random_floats(int n, float amp);
/* Elements of a off b by more than abs_tol + rel * |b| (a NaN is off too); prints the first. */
static inline int close_abs_rel(const float *a, const double *b, int n, double abs_tol, double rel) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const int off = !(fabs(a[i] - b[i]) <= abs_tol + rel * fabs(b[i]));
        if (off && !bad) printf("  [%d] %.9g vs %.9g\n", i, a[i], b[i]);
        bad += off;
    }
    return bad;
}

void test_dots(void);
void test_quant(void);
void test_ops(void);
void test_attention(void);
void test_attention_flash(void);
void test_attention_layout(void);
void test_fa_micro(void);
void test_packed(void);
void test_dpbusd_model(void);
void test_experts(void);
void test_pool(void);
void test_ops_pool(void);
void test_ime(void);
void test_deltanet(void);

#endif
