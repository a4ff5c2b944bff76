/* The real smt.vmadot on riscv64 (emitted as .word: upstream assemblers lack it) and its start-up
 * self-test. Elsewhere these report "not available". The self-test is meant for a worker already placed
 * on an A100 core: IME on an X100 core gives wrong results without trapping, which the test catches. */
#include "k3k_ime.h"

#if defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>
#include <string.h>

k3k_ime_geom k3k_ime_native_geom(void) {
    return k3k_ime_geom_for_vlen((int) __riscv_vlenb() * 8);
}

/* C += A . B^T with v0 = A, v1 = B, v16:v17 = C. 0xe210382b is smt.vmadot v16, v0, v1. */
static void vmadot_real(int32_t *c, const int8_t *a, const int8_t *b, const k3k_ime_geom *g) {
    const size_t n8 = (size_t) g->m * g->k, n32 = (size_t) g->m * g->n;
    __asm__ __volatile__(
        "vsetvli zero, %[n32], e32, m2, ta, ma\n\t"
        "vle32.v v16, (%[c])\n\t"
        "vsetvli zero, %[n8], e8, m1, ta, ma\n\t"
        "vle8.v v0, (%[a])\n\t"
        "vle8.v v1, (%[b])\n\t"
        ".word 0xe210382b\n\t"
        "vsetvli zero, %[n32], e32, m2, ta, ma\n\t"
        "vse32.v v16, (%[c])\n\t"
        :
        : [a] "r"(a), [b] "r"(b), [c] "r"(c), [n8] "r"(n8), [n32] "r"(n32)
        : "memory", "v0", "v1", "v16", "v17");
}

k3k_ime_vmadot_fn k3k_ime_real_vmadot(void) { return vmadot_real; }

int k3k_ime_self_test(void) {
    const k3k_ime_geom g = k3k_ime_native_geom();
    if (g.k == 0) return 0;
    int8_t a[256], b[256];
    int32_t want[256], got[256];
    for (int i = 0; i < g.m * g.k; i++) a[i] = (int8_t) ((i * 37 + 11) % 251 - 125);
    for (int i = 0; i < g.n * g.k; i++) b[i] = (int8_t) ((i * 53 + 7) % 241 - 120);
    for (int i = 0; i < g.m * g.n; i++) want[i] = got[i] = i * 1000 - 7;
    k3k_ime_vmadot_model(want, a, b, &g);
    vmadot_real(got, a, b, &g);
    return memcmp(want, got, sizeof(int32_t) * (size_t) (g.m * g.n)) == 0;
}

#else
k3k_ime_geom k3k_ime_native_geom(void) { return (k3k_ime_geom) {0, 0, 0}; }
k3k_ime_vmadot_fn k3k_ime_real_vmadot(void) { return 0; }
int k3k_ime_self_test(void) { return 0; }
#endif
