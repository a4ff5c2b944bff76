/* Memory read-bandwidth probe on the pool: every worker streams its share of a buffer with the widest
 * loads this build has (256-bit on AVX2), so the kernel benchmark can state decode GB/s as a fraction of
 * what these same threads can read. */
#include <time.h>
#include "k3k.h"
#include "k3k_pool.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef struct {
    const uint8_t *buf;
    int64_t bytes;
    volatile uint64_t sink;
} bw_task;

#if defined(__x86_64__)
__attribute__((target("avx2"))) static uint64_t read_avx2(const uint8_t *p, int64_t n) {
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t i = 0; i + 128 <= n; i += 128) {
        a0 = _mm256_xor_si256(a0, _mm256_load_si256((const __m256i *) (p + i)));
        a1 = _mm256_xor_si256(a1, _mm256_load_si256((const __m256i *) (p + i + 32)));
        a2 = _mm256_xor_si256(a2, _mm256_load_si256((const __m256i *) (p + i + 64)));
        a3 = _mm256_xor_si256(a3, _mm256_load_si256((const __m256i *) (p + i + 96)));
    }
    const __m256i a = _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
    return (uint64_t) _mm256_extract_epi64(a, 0) ^ (uint64_t) _mm256_extract_epi64(a, 3);
}
#endif

static uint64_t read_scalar(const uint8_t *p, int64_t n) {
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const uint64_t *q = (const uint64_t *) p;
    for (int64_t i = 0; i + 4 <= n / 8; i += 4) {
        a0 ^= q[i];
        a1 ^= q[i + 1];
        a2 ^= q[i + 2];
        a3 ^= q[i + 3];
    }
    return a0 ^ a1 ^ a2 ^ a3;
}

static void bw_worker(void *arg, int ith, int nth) {
    bw_task *t = arg;
    const int64_t share = (t->bytes / nth) & ~(int64_t) 127;
    const uint8_t *p = t->buf + share * ith;
    uint64_t v;
#if defined(__x86_64__)
    v = __builtin_cpu_supports("avx2") ? read_avx2(p, share) : read_scalar(p, share);
#else
    v = read_scalar(p, share);
#endif
    t->sink ^= v;
}

double k3k_read_bandwidth(k3k_pool *pool, const void *buf, int64_t bytes, int reps) {
    if (((uintptr_t) buf & 31) != 0 || bytes <= 0 || reps <= 0) return -1.0;
    bw_task t = {.buf = buf, .bytes = bytes, .sink = 0};
    double best = -1.0;
    for (int r = 0; r < reps; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        k3k_pool_run(pool, bw_worker, &t);
        clock_gettime(CLOCK_MONOTONIC, &b);
        const double s = (double) (b.tv_sec - a.tv_sec) + (double) (b.tv_nsec - a.tv_nsec) * 1e-9;
        if (best < 0 || s < best) best = s;
    }
    return best;
}
