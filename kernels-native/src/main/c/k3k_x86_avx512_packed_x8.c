/* x86_64 eight-row kernels over the packed x8 layouts (Q4_0, Q8_0, Q4_K, Q6_K) and the Q6_K rows kernel with
 * 256-bit vpdpbusd (AVX512-VL VNNI), from the bodies of k3k_x86_dpbusd_x8.h: products of up to eight tokens (decode
 * steps, batched decode, speculative verification) and the lone eight-row group after the sixteen-row tiles. One
 * thread, 512 x 2048 in L2, GB/s of weights, AVX2 / VNNI: Q6_K 1 token 19.6 / 39.8, 4 tokens 10.0 / 17.6; Q4_K
 * 1 token 37.3 / 46.3, 4 tokens 11.8 / 18.7 (EPYC Zen4, one process alternating both). */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_dpbusd_x8.h"

#define VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#define VNNI_DP(s, w, y) _mm256_dpbusd_epi32((s), (w), (y))
#define VNNI_ACC(s, w, y) ((s) = VNNI_DP(s, w, y))
#define VNNI_DOT4(v, y, s) _mm256_mullo_epi32(VNNI_DP(_mm256_setzero_si256(), v, y), (s))

DPBUSD_X8_KERNELS(VNNI, vnni, VNNI_DP, VNNI_ACC)
DPBUSD_Q6_ROW(VNNI, vnni, VNNI_DOT4)

void k3k_install_x86_avx512_packed_x8(k3k_type_traits *t) {
    DPBUSD_X8_INSTALL(t, vnni, "avx512vnni");
    t[K3K_Q6_K].packed_row = q6_K_row_vnni;
    t[K3K_Q6_K].packed_row_path = "avx512vnni";
}
#endif
