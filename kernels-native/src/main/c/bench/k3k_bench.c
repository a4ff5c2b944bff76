/* Single-thread decode-matmul throughput per type, in GB/s of weights per second of this thread's CPU
 * time (CLOCK_THREAD_CPUTIME_ID), so kernel variants can be compared on a shared, busy machine. Not a
 * test; `make bench-c`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../k3k.h"
#include "../k3k_internal.h"
#include "../k3k_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
/* The int8 multiply-accumulate peak of the path, in GMAC/s of one thread: sixteen independent
 * accumulators so only throughput counts (vpdpbusd: 64 MACs per 512-bit instruction; AVX2: vpmaddubsw
 * + vpaddw, 32 per 256-bit pair, the step the AVX2 kernels are built on). */
__attribute__((target("avx512f,avx512vnni"))) static double peak_vnni(double (*now)(void)) {
    __m512i acc[16], a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(5);
    for (int i = 0; i < 16; i++) acc[i] = _mm512_set1_epi32(i);
    const long iters = 20000000;
    const double t0 = now();
    for (long n = 0; n < iters; n++)
        for (int i = 0; i < 16; i++) {
            acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
        }
    const double dt = now() - t0;
    int32_t keep = 0;
    for (int i = 0; i < 16; i++) keep += _mm512_reduce_add_epi32(acc[i]);
    return keep == 42 ? 0 : (double) iters * 16 * 64 / dt / 1e9;
}
/* The 256-bit paths: STEP(acc, a, b) accumulates 32 MACs; a is pinned too, or the compiler would hoist AVX2's
 * loop-invariant maddubs. AVX2: vpmaddubsw + vpaddw; AVX-VNNI: its VEX vpdpbusd. */
#define PEAK_256(NAME, ATTR, STEP)                                             \
    ATTR static double NAME(double (*now)(void)) {                             \
        __m256i acc[16], a = _mm256_set1_epi8(3), b = _mm256_set1_epi8(5);     \
        for (int i = 0; i < 16; i++) acc[i] = _mm256_set1_epi32(i);            \
        const long iters = 20000000;                                           \
        const double t0 = now();                                               \
        for (long n = 0; n < iters; n++)                                       \
            for (int i = 0; i < 16; i++) {                                     \
                acc[i] = STEP(acc[i], a, b);                                   \
                __asm__ volatile("" : "+v"(acc[i]), "+v"(a));                  \
            }                                                                  \
        return (double) iters * 16 * 32 / (now() - t0) / 1e9;                  \
    }
#define AVX2_MAC_STEP(s, a, b) _mm256_add_epi16((s), _mm256_maddubs_epi16((a), (b)))
PEAK_256(peak_avx2, __attribute__((target("avx2"))), AVX2_MAC_STEP)
#if K3K_AVXVNNI_BUILDS
PEAK_256(peak_avxvnni, __attribute__((target("avx2,avxvnni"))), _mm256_dpbusd_avx_epi32)
#endif
#elif defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
#include <arm_neon.h>
/* The same for the aarch64 paths: sdot, 16 MACs per 128-bit instruction (dotprod); smmla, 32 (i8mm). */
#define PEAK_LOOP(NAME, ATTR, INSN, MACS)                                      \
    ATTR static double NAME(double (*now)(void)) {                             \
        int32x4_t acc[16];                                                     \
        const int8x16_t a = vdupq_n_s8(3), b = vdupq_n_s8(5);                  \
        for (int i = 0; i < 16; i++) acc[i] = vdupq_n_s32(i);                  \
        const long iters = 2000000;                                            \
        const double t0 = now();                                               \
        for (long n = 0; n < iters; n++)                                       \
            for (int i = 0; i < 16; i++) {                                     \
                acc[i] = INSN(acc[i], a, b);                                   \
                __asm__ volatile("" : "+w"(acc[i]));                           \
            }                                                                  \
        return (double) iters * 16 * (MACS) / (now() - t0) / 1e9;              \
    }
PEAK_LOOP(peak_sdot, , vdotq_s32, 16)
PEAK_LOOP(peak_smmla, __attribute__((target("+i8mm"))), vmmlaq_s32, 32)
#elif defined(__riscv) && defined(__riscv_v_intrinsic)
#include <riscv_vector.h>
/* RVV: vwmacc.vv of int8 into int16 lanes at the full vector length (VLEN / 8 MACs per instruction at
 * LMUL 1), the widest int8 multiply-accumulate RVV 1.0 has; six independent accumulators. */
static double peak_rvv(double (*now)(void)) {
    const size_t vl = __riscv_vsetvlmax_e8m1();
    const vint8m1_t a = __riscv_vmv_v_x_i8m1(3, vl);
    vint16m2_t c0 = __riscv_vmv_v_x_i16m2(0, vl), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
    const long iters = 1000000;
    const double t0 = now();
    for (long n = 0; n < iters; n++) {
        c0 = __riscv_vwmacc_vv_i16m2(c0, a, a, vl);
        c1 = __riscv_vwmacc_vv_i16m2(c1, a, a, vl);
        c2 = __riscv_vwmacc_vv_i16m2(c2, a, a, vl);
        c3 = __riscv_vwmacc_vv_i16m2(c3, a, a, vl);
        c4 = __riscv_vwmacc_vv_i16m2(c4, a, a, vl);
        c5 = __riscv_vwmacc_vv_i16m2(c5, a, a, vl);
        __asm__ volatile("" : "+vr"(c0), "+vr"(c1), "+vr"(c2), "+vr"(c3), "+vr"(c4), "+vr"(c5));
    }
    return (double) iters * 6 * (double) vl / (now() - t0) / 1e9;
}
#endif

static double cpu_now(void);

static double peak_int8_gmacs(void) {
#if defined(__x86_64__)
    if (strcmp(k3k_isa(), "avx512vnni") == 0) return peak_vnni(cpu_now);
#if K3K_AVXVNNI_BUILDS
    if (strcmp(k3k_isa(), "avxvnni") == 0) return peak_avxvnni(cpu_now);
#endif
    if (strcmp(k3k_isa(), "avx2") == 0) return peak_avx2(cpu_now);
#elif defined(__aarch64__) && defined(__ARM_FEATURE_DOTPROD)
    if (strcmp(k3k_isa(), "neon-i8mm") == 0) return peak_smmla(cpu_now);
    if (strcmp(k3k_isa(), "neon-dotprod") == 0) return peak_sdot(cpu_now);
#elif defined(__riscv) && defined(__riscv_v_intrinsic)
    if (strcmp(k3k_isa(), "rvv") == 0) return peak_rvv(cpu_now);
#endif
    return 0;
}

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

/* Prefill: nt tokens through 2048 x 2048, CPU time per token vs one-token calls (weights in cache), and
 * the packed GEMM's int8 MAC rate against the path's peak. */
static void bench_prefill(double peak, int nt) {
    const int types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K};
    const int cols = 2048;
    for (size_t t = 0; t < 4; t++) {
        const int ty = types[t], r = 2048;
        const size_t bytes = k3k_row_bytes(ty, cols) * (size_t) r;
        uint8_t *w = aligned_alloc(64, (bytes + 63) / 64 * 64);
        for (size_t i = 0; i < bytes; i++) w[i] = (uint8_t) (i * 2654435761u >> 13);
        const int ts = k3k_type_size(ty);
        for (size_t off = 0; off + ts <= bytes; off += ts) {
            if (ty == K3K_Q6_K) w[off + 209] = 0x20;
            else { w[off + 1] = 0x20; if (ty == K3K_Q4_K) w[off + 3] = 0x20; }
        }
        float *xs = malloc(sizeof(float) * cols * nt), *ys = malloc(sizeof(float) * r * nt);
        for (int i = 0; i < cols * nt; i++) xs[i] = (float) (i % 23) * 0.05f - 0.5f;
        uint8_t *p = malloc((size_t) k3k_packed_bytes(ty, r, cols));
        k3k_pack(ty, w, p, r, cols);
        double best_b = 1e9, best_1 = 1e9, best_p = 1e9, best_p1 = 1e9;
        for (int rep = 0; rep < 3; rep++) {
            double t0 = cpu_now();
            k3k_matmul(NULL, ty, w, r, cols, xs, ys, nt);
            const double tb = cpu_now() - t0;
            t0 = cpu_now();
            for (int k = 0; k < nt; k++) k3k_matmul(NULL, ty, w, r, cols, xs + k * cols, ys + k * r, 1);
            const double t1 = cpu_now() - t0;
            t0 = cpu_now();
            k3k_matmul_packed(NULL, ty, p, NULL, r, cols, xs, ys, nt);
            const double tp = cpu_now() - t0;
            t0 = cpu_now();
            for (int k = 0; k < 8; k++) k3k_matmul_packed(NULL, ty, p, NULL, r, cols, xs, ys, 1);
            const double tp1 = (cpu_now() - t0) / 8;
            if (tb < best_b) best_b = tb;
            if (t1 < best_1) best_1 = t1;
            if (tp < best_p) best_p = tp;
            if (tp1 < best_p1) best_p1 = tp1;
        }
        const char *gemm = k3k_traits(ty)->packed_pair ? k3k_traits(ty)->packed_pair_path : k3k_traits(ty)->packed_path;
        printf("prefill %-5d 2048x2048 x %2d tokens: %.0f us/token batched, %.0f one by one; packed (%s) %.0f batched, "
               "%.0f one token; gemm %s %.1f GMAC/s = %.0f %% of the path's peak\n", ty, nt, best_b / nt * 1e6,
               best_1 / nt * 1e6, k3k_traits(ty)->packed_path, best_p / nt * 1e6, best_p1 * 1e6, gemm,
               (double) r * cols * nt / best_p / 1e9, 100.0 * r * cols * nt / best_p / 1e9 / peak);
        free(w); free(xs); free(ys); free(p);
    }
}

/* One token over an LM head (Qwen3's 151936 x cols Q6_K, the matrix that dominates a Q4_K_M decode step) on a
 * 2-worker pool from memory: the packed path (the rows kernel, two weight streams per worker) and the file-layout
 * path, two copies alternated so each call reads its matrix from DRAM, beside the read probe on the same pool over
 * the same bytes. Wall time, best and median of the rounds. */
static double mono_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec * 1e-9;
}

static void empty_task(void *arg, int ith, int nth) {
    (void) arg;
    (void) ith;
    (void) nth;
}

static int by_value(const void *a, const void *b) {
    const double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void bench_lm_head(int cols) {
    enum { ROWS = 151936, ROUNDS = 7 };
    const size_t bytes = k3k_row_bytes(K3K_Q6_K, cols) * (size_t) ROWS;
    const int64_t pbytes = k3k_packed_bytes(K3K_Q6_K, ROWS, cols);
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    float *x = malloc(sizeof(float) * cols), *y = malloc(sizeof(float) * ROWS);
    for (int i = 0; i < cols; i++) x[i] = (float) (i % 13) * 0.1f - 0.6f;
    uint8_t *file[2], *packed[2];
    for (int c = 0; c < 2; c++) {
        file[c] = aligned_alloc(64, (bytes + 63) / 64 * 64);
        for (size_t i = 0; i < bytes; i++) file[c][i] = (uint8_t) ((i + (size_t) c) * 2654435761u >> 13);
        for (size_t off = 0; off + 210 <= bytes; off += 210) file[c][off + 209] = 0x20; /* finite scales */
        packed[c] = pbytes > 0 ? aligned_alloc(64, ((size_t) pbytes + 63) / 64 * 64) : NULL;
        if (packed[c] && k3k_pack(K3K_Q6_K, file[c], packed[c], ROWS, cols) != 0) {
            free(packed[c]);
            packed[c] = NULL;
        }
    }
    double t_packed[ROUNDS], t_file[ROUNDS], probe[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) { /* the three alternated within each round: the machine drifts */
        double t0 = mono_now();
        if (packed[0]) k3k_matmul_packed(pool, K3K_Q6_K, packed[r % 2], file[r % 2], ROWS, cols, x, y, 1);
        t_packed[r] = mono_now() - t0;
        t0 = mono_now();
        k3k_matmul(pool, K3K_Q6_K, file[(r + 1) % 2], ROWS, cols, x, y, 1);
        t_file[r] = mono_now() - t0;
        probe[r] = bytes / k3k_read_bandwidth(pool, file[r % 2], (int64_t) bytes, 1) / 1e9; /* seconds -> GB/s */
    }
    qsort(t_packed, ROUNDS, sizeof(double), by_value);
    qsort(t_file, ROUNDS, sizeof(double), by_value);
    qsort(probe, ROUNDS, sizeof(double), by_value);
    if (packed[0])
        printf("lm head 151936x%d Q6_K, 1 token, 2 workers: packed %.1f GB/s best, %.1f median", cols, bytes / t_packed[0] / 1e9,
               bytes / t_packed[ROUNDS / 2] / 1e9);
    else
        printf("lm head 151936x%d Q6_K, 1 token, 2 workers: no packed layout on this path", cols);
    printf("; file layout %.1f / %.1f; read probe %.1f / %.1f GB/s\n", bytes / t_file[0] / 1e9,
           bytes / t_file[ROUNDS / 2] / 1e9, probe[ROUNDS - 1], probe[ROUNDS / 2]);
    for (int c = 0; c < 2; c++) {
        free(file[c]);
        free(packed[c]);
    }
    free(x);
    free(y);
    k3k_pool_destroy(pool);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--isa") == 0) {
        printf("%s\n", k3k_isa());
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--other-paths") == 0) { /* bench-c runs once more under each */
        fputs(k3k_other_paths(), stdout);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--gemm") == 0) { /* only the prefill lines, at each token count given */
        const double peak = peak_int8_gmacs();
        printf("int8 MAC peak of the %s path, one thread: %.1f GMAC/s\n", k3k_isa(), peak);
        for (int i = 2; i < argc; i++) bench_prefill(peak, atoi(argv[i]));
        if (argc == 2) bench_prefill(peak, 32);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "--lm-head") == 0) { /* only the LM head line; its width (default 2048) may follow */
        bench_lm_head(argc > 2 ? atoi(argv[2]) : 2048);
        return 0;
    }
    const int types[] = {K3K_Q4_0, K3K_Q8_0, K3K_Q4_K, K3K_Q6_K, K3K_F16, K3K_Q5_0, K3K_Q4_1, K3K_Q5_1, K3K_Q5_K,
                         K3K_Q3_K, K3K_Q2_K, K3K_IQ4_NL, K3K_IQ4_XS};
    const int cols = 2048, rows = argc > 1 ? atoi(argv[1]) : 32000;
    float *x = malloc(sizeof(float) * cols), *y = malloc(sizeof(float) * rows);
    for (int i = 0; i < cols; i++) x[i] = (float) (i % 17) * 0.1f - 0.8f;
    printf("isa %s, %d x %d, single thread\n", k3k_isa(), rows, cols);
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        const size_t bytes = k3k_row_bytes(types[t], cols) * (size_t) rows;
        uint8_t *w = aligned_alloc(64, (bytes + 63) / 64 * 64);
        for (size_t i = 0; i < bytes; i++) w[i] = (uint8_t) (i * 2654435761u >> 13);
        const int ts = k3k_type_size(types[t]);
        for (size_t off = 0; off + ts <= bytes; off += ts) { /* finite scales */
            if (types[t] == K3K_F16) { w[off + 1] &= 0x3b; continue; }
            if (types[t] == K3K_Q6_K) { w[off + 209] = 0x20; continue; }
            if (types[t] == K3K_Q3_K) { w[off + 109] = 0x20; continue; }
            if (types[t] == K3K_Q2_K) { w[off + 81] = 0x20; w[off + 83] = 0x20; continue; }
            w[off + 1] = 0x20;
            if (types[t] == K3K_Q4_K || types[t] == K3K_Q5_K || types[t] == K3K_Q4_1 || types[t] == K3K_Q5_1) w[off + 3] = 0x20;
        }
        for (int generic = 1; generic >= 0; generic--) {
            k3k_set_generic(generic);
            k3k_matmul(NULL, types[t], w, rows, cols, x, y, 1);
            double best = 1e9;
            for (int r = 0; r < 5; r++) {
                const double t0 = cpu_now();
                k3k_matmul(NULL, types[t], w, rows, cols, x, y, 1);
                const double dt = cpu_now() - t0;
                if (dt < best) best = dt;
            }
            printf("%-5d %-8s %7.2f GB/s  (%6.1f MB)\n", types[t], generic ? "generic" : k3k_traits(types[t])->path,
                   bytes / best / 1e9, bytes / 1e6);
        }
        free(w);
    }
    k3k_set_generic(0);
    const double peak = peak_int8_gmacs();
    printf("int8 MAC peak of the %s path, one thread: %.1f GMAC/s (tight multiply-accumulate loop)\n", k3k_isa(), peak);
    for (int nt = 32; nt > 0; nt = 0) bench_prefill(peak, nt);
    bench_lm_head(2048);
    /* dispatch cost of the pool: an empty task on 2 workers, wall time per call; and a tiny matmul (8 rows, 17 KB,
     * under K3K_POOL_SOLO_BYTES), which since k3k_pool_run_work stays on the caller and never reaches the workers */
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    uint8_t *w = calloc(1, k3k_row_bytes(K3K_Q8_0, cols) * 8);
    double t0 = mono_now();
    for (int i = 0; i < 2000; i++) k3k_pool_run(pool, empty_task, NULL);
    const double dispatch = (mono_now() - t0) / 2000;
    t0 = mono_now();
    for (int i = 0; i < 2000; i++) k3k_matmul(pool, K3K_Q8_0, w, 8, cols, x, y, 1);
    printf("pool dispatch: %.1f us per empty task on 2 workers (wall); an 8-row matmul on the caller: %.1f us\n",
           dispatch * 1e6, (mono_now() - t0) / 2000 * 1e6);
    k3k_pool_destroy(pool);
    free(w);
    return 0;
}
