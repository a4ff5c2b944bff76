/* The tiled attention's float micro-kernels (k3k_fa_micro.h) compiled for AVX-512: the same C as every other
 * path, vectorised by the compiler for AVX-512, so the same bits. Installed by k3k_install_x86_avx512. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_fa_micro.h"

K3K_FA_MICRO(__attribute__((target("avx512f,avx512vl,avx512dq"))) static, avx512, 4)

void k3k_install_x86_avx512_fa(k3k_type_traits *t) {
    /* the scores keep the AVX2 register tiles installed before: eight-lane partial sums are their natural width, and
     * GCC 12 left this instance's copy of them scalar */
    const __typeof__(t[K3K_F32].fa_scores) scores = t[K3K_F32].fa_scores;
    K3K_FA_INSTALL(t[K3K_F32], avx512, "avx512");
    t[K3K_F32].fa_scores = scores;
}
#endif
