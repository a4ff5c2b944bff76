/* The tiled attention's float micro-kernels (k3k_fa_micro.h) compiled for AVX-512: the same C as every other
 * path, vectorised sixteen lanes wide, so the same bits. Installed by k3k_install_x86_avx512. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include <string.h>
#include "k3k_fa_micro.h"

K3K_FA_MICRO(__attribute__((target("avx512f,avx512vl,avx512dq"))) static, avx512, 4)

void k3k_install_x86_avx512_fa(k3k_type_traits *t) {
    K3K_FA_INSTALL(t[K3K_F32], avx512, "avx512");
    /* Sixteen keys a vector with K transposed, not eight rows with K as it is: on a Zen 4 core that form was
     * 5-10 % faster in cache (docs/BENCHMARKS.md, "Scores from K's rows without the transpose"); Zen 3's AVX2 gains
     * 11 % the other way. No AVX-512 machine was at hand to measure it again. */
    t[K3K_F32].fa_scores_rows = NULL;
}
#endif
