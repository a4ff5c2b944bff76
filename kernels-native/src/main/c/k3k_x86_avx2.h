/* Shared pieces of the x86 AVX2 files (included only inside #if defined(__x86_64__)). */
#ifndef K3K_X86_AVX2_H
#define K3K_X86_AVX2_H

#include <immintrin.h>
#include "k3k_internal.h"

#define AVX2 __attribute__((target("avx2,fma,f16c")))
/* F16C: one instruction per half (the portable converter branches). Exact, so results do not change. */
#define H2F(h) _cvtsh_ss(h)

AVX2 static inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Software prefetch PREFETCH_AHEAD bytes ahead of the block about to be read: with the compute between
 * loads the hardware prefetcher alone keeps too few lines in flight (measured, Q4_0 x8, 32000x2048 on 2
 * threads: 17.5-22.2 GB/s without, 22.8-27.9 with 4 KiB ahead). Past the matrix's end it is harmless.
 * -DPREFETCH_AHEAD=... overrides it for experiments (distances 0-64 KiB: docs/BENCHMARKS.md, fourth session).
 * Always inlined: GCC 12 dropped the prefetches of a plain inline call from the always_inline target("avx2")
 * kernels (the IQ4 dots had none in their object code: not inlined before IPA found the call free of side
 * effects). The AVX-512 tiles' prefetch_pair still compiles to nothing; left as measured, no AVX-512 CPU here. */
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 4096
#endif
__attribute__((always_inline)) static inline void prefetch_ahead(const void *block, size_t bytes) {
    for (size_t o = 0; o < bytes; o += 64) _mm_prefetch((const char *) block + PREFETCH_AHEAD + o, _MM_HINT_T0);
}

/* Q4_K / Q5_K: the super-block's eight 6-bit scales (int16 lanes 0-7) and eight mins (lanes 8-15). */
AVX2 static inline __m256i k4_scales_mins16(const uint8_t *scales) {
    uint32_t utmp[4];
    k3k_unpack_k4_scales(scales, utmp);
    return _mm256_cvtepu8_epi16(_mm_set_epi32((int) utmp[3], (int) utmp[2], (int) utmp[1], (int) utmp[0]));
}

/* quantize_row_q8_0_ref, vectorised, bit-identical. */
void k3k_quantize_row_q8_0_avx2(const float *x, void *vy, int64_t n);
/* Installs the Q4_0 rows (dot, four-token dot, activation format). */
void k3k_install_x86_avx2_q4_0(k3k_type_traits *t);
/* Installs the IQ4_NL and IQ4_XS rows (dot, four-token dot). */
void k3k_install_x86_avx2_iq4(k3k_type_traits *t);
void k3k_install_x86_avx2_legacy(k3k_type_traits *t); /* Q4_1, Q5_0, Q5_1 */
void k3k_install_x86_avx2_kquants(k3k_type_traits *t); /* Q2_K, Q3_K, Q5_K */
/* Installs the attention inner loops over F32/F16 cache rows. */
void k3k_install_x86_avx2_kv(k3k_type_traits *t);
/* Installs the gated delta rule's state-column loops. */
void k3k_install_x86_avx2_gdn(k3k_type_traits *t);
/* Installs the Q8_K and F16 activation converters. */
void k3k_install_x86_avx2_convert(k3k_type_traits *t);
/* Installs the kernel of the packed Q4_0 x8 layout. */
void k3k_install_x86_avx2_packed(k3k_type_traits *t);

#endif
