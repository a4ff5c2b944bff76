/* x86_64 one-token Q6_K products over the file's own rows, in the packed kernels' float order: per super-block
 * the exact integer sum of sc * sum((q - 32) y), then acc + sumi * (d * dy), super-blocks in order: the bits of
 * the packed generic model (and so of every packed kernel, and of a sequence decoded alone or in a batch).
 * Why a row layout for one token: each row's 210-byte blocks are read front to back, one stream the hardware
 * prefetcher follows, where the eight-row kernel walks each 1680-byte group's ql, qh and scales in four places.
 * One process alternating both over the LM head shape (151936 x 2048, two threads, from memory; EPYC Zen4):
 * rows 29-36 GB/s on 4 KiB pages and 37-44 on huge pages, the eight-row VNNI kernel 28-35 and 30-40. */
#include "k3k_internal.h"

#if defined(__x86_64__)
#include "k3k_x86_q6_K_rows.h"

Q6_ROW(AVX2, q6_K_row_avx2, AVX2_HALF_SCALES, AVX2_PICK, DOT4_AVX2)

/* the vpdpbusd variants come with their eight-row kernels (k3k_x86_dpbusd_x8.h) */
void k3k_install_x86_q6_K_rows(k3k_type_traits *t) {
    t[K3K_Q6_K].packed_row = q6_K_row_avx2;
    t[K3K_Q6_K].packed_row_path = "avx2";
}
#endif
