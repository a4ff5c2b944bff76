/* x86_64 AVX-VNNI: the eight-row kernels of k3k_x86_dpbusd_x8.h with vpdpbusd's VEX form, for CPUs that have it
 * without AVX-512 (Intel cores from Alder Lake on, Xeons with E-cores only). Prefill then runs the eight-row
 * kernels four tokens at a time as on AVX2, with one vpdpbusd where AVX2 spends maddubs, an add and a madd (Q8_0:
 * a madd more, its sign trick).
 *
 * Built, and off unless K3K_ISA=avxvnni asks for it on a CPU that has the instruction: no CPU with AVX-VNNI has
 * run these kernels yet. The C tests run the same bodies everywhere with vpdpbusd emulated exactly
 * (tests/test_dpbusd_model.c), and on a CPU with AVX-VNNI the native test also runs the real instructions against
 * the generic kernels (K3K_ISA=avxvnni). */
#include "k3k_internal.h"

#if K3K_AVXVNNI_BUILDS
#include "k3k_x86_dpbusd_x8.h"

#define AVXVNNI __attribute__((target("avx2,fma,f16c,avxvnni")))
#define AVXVNNI_DP(s, w, y) _mm256_dpbusd_avx_epi32((s), (w), (y))
#define AVXVNNI_ACC(s, w, y) ((s) = AVXVNNI_DP(s, w, y))

DPBUSD_X8_KERNELS(AVXVNNI, avxvnni, AVXVNNI_DP, AVXVNNI_ACC)

int k3k_install_x86_avxvnni(k3k_type_traits *t) {
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("avxvnni")) return 0;
    DPBUSD_X8_INSTALL(t, avxvnni, "avxvnni"); /* Q6_K's rows kernel stays AVX2's (DPBUSD_Q6_ROW says why) */
    return 1;
}
#else
int k3k_install_x86_avxvnni(k3k_type_traits *t) {
    (void) t;
    return 0;
}
#endif
