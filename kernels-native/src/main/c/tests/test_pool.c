/* The worker pool: placement report, pinning, and the K3 ai-thread handshake on a fake proc file. */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>
#include "k3k_test.h"
#include "../k3k_pool.h"

typedef struct {
    _Atomic int runs[4];
    long tid[4];
    int nth_seen[4];
} share_log;

static void log_share(void *arg, int ith, int nth) {
    share_log *l = arg;
    atomic_fetch_add(&l->runs[ith], 1);
    l->tid[ith] = (long) syscall(SYS_gettid);
    l->nth_seen[ith] = nth;
}

/* Unpinned: share 0 runs on the calling thread, the others on pool threads, each share once per task.
 * Pinned: every share runs on a pool thread. */
static void test_who_runs_which_share(void) {
    const long me = (long) syscall(SYS_gettid);
    k3k_pool *pool = k3k_pool_create(3, NULL, 0, NULL, K3K_AI_NEVER);
    k3k_placement p;
    CHECK(pool && k3k_pool_placement(pool, 0, &p) == 0 && p.tid == me && p.requested_cpu == -1,
          "unpinned pool: worker 0 is the calling thread");
    share_log l = {0};
    for (int i = 0; i < 50; i++) k3k_pool_run(pool, log_share, &l);
    CHECK(l.runs[0] == 50 && l.runs[1] == 50 && l.runs[2] == 50 && l.runs[3] == 0, "each share once per task: %d %d %d %d",
          l.runs[0], l.runs[1], l.runs[2], l.runs[3]);
    CHECK(l.tid[0] == me && l.tid[1] != me && l.tid[2] != me && l.tid[1] != l.tid[2], "share 0 on the caller only");
    CHECK(l.nth_seen[0] == 3 && l.nth_seen[2] == 3, "three shares");
    k3k_pool_destroy(pool);

    cpu_set_t mine;
    sched_getaffinity(0, sizeof(mine), &mine);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &mine)) cpu++;
    pool = k3k_pool_create(2, &cpu, 1, NULL, K3K_AI_NEVER);
    share_log q = {0};
    for (int i = 0; i < 20; i++) k3k_pool_run(pool, log_share, &q);
    CHECK(q.runs[0] == 20 && q.runs[1] == 20 && q.tid[0] != me && q.tid[1] != me, "pinned pool: no share on the caller");
    k3k_pool_destroy(pool);
}

static void test_unpinned_and_pinned(void) {
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    CHECK(pool != NULL, "unpinned pool");
    k3k_placement p;
    CHECK(k3k_pool_placement(pool, 1, &p) == 0 && p.requested_cpu == -1 && p.ai_attempted == 0 && p.tid > 0,
          "unpinned placement");
    CHECK(k3k_pool_placement(pool, 2, &p) == -1, "worker out of range");
    k3k_pool_destroy(pool);

    cpu_set_t mine;
    sched_getaffinity(0, sizeof(mine), &mine);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &mine)) cpu++;
    pool = k3k_pool_create(2, &cpu, 1, NULL, K3K_AI_NEVER);
    CHECK(pool != NULL, "pinned pool");
    for (int i = 0; i < 2; i++) {
        CHECK(k3k_pool_placement(pool, i, &p) == 0, "placement %d", i);
        CHECK(p.requested_cpu == cpu && p.pin_errno == 0 && p.affinity_ok == 1 && p.actual_cpu == cpu,
              "worker %d pinned to %d: got cpu %lld ok %lld errno %lld", i, cpu, (long long) p.actual_cpu,
              (long long) p.affinity_ok, (long long) p.pin_errno);
    }
    k3k_pool_destroy(pool);
}

static void test_ai_handshake(void) {
    char path[] = "/tmp/k3k_ai_XXXXXX";
    const int fd = mkstemp(path);
    CHECK(fd >= 0, "temp file");
    if (fd < 0) return;
    close(fd);
    k3k_pool *pool = k3k_pool_create(1, NULL, 0, path, K3K_AI_ALWAYS);
    CHECK(pool == NULL || 1, "pool");
    k3k_pool_destroy(pool);
    /* unpinned workers never register: the handshake belongs to a target core */
    FILE *f = fopen(path, "r");
    char buf[32] = {0};
    CHECK(f && fgets(buf, sizeof(buf), f) == NULL, "no write for an unpinned worker");
    if (f) fclose(f);

    cpu_set_t mine;
    sched_getaffinity(0, sizeof(mine), &mine);
    int cpu = 0;
    while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &mine)) cpu++;
    pool = k3k_pool_create(1, &cpu, 1, path, K3K_AI_ALWAYS);
    k3k_placement p;
    CHECK(pool && k3k_pool_placement(pool, 0, &p) == 0, "ai pool");
    CHECK(p.ai_attempted == 1 && p.ai_errno == 0 && p.affinity_ok == 1, "handshake then pin");
    k3k_pool_destroy(pool);
    f = fopen(path, "r");
    long written = -1;
    CHECK(f && fscanf(f, "%ld", &written) == 1 && written == p.tid, "file holds the worker TID %lld, got %ld",
          (long long) p.tid, written);
    if (f) fclose(f);
    unlink(path);

    pool = k3k_pool_create(1, &cpu, 1, "/nonexistent-k3k/set_ai_thread", K3K_AI_ALWAYS);
    CHECK(pool && k3k_pool_placement(pool, 0, &p) == 0, "refused pool");
    CHECK(p.ai_attempted == 1 && p.ai_errno == ENOENT, "refusal reported: errno %lld", (long long) p.ai_errno);
    k3k_pool_destroy(pool);
}

static void test_idle_and_reuse(void) {
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    const int cols = 64, rows = 8;
    uint8_t *w = test_random_row(K3K_Q8_0, cols, rows);
    float *x = test_random_floats(cols, 1.0f), y[8], y0[8];
    k3k_matmul(NULL, K3K_Q8_0, w, rows, cols, x, y0, 1);
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        if (i == 100) usleep(20000); /* workers fall asleep on the futex, then must wake */
        k3k_matmul(pool, K3K_Q8_0, w, rows, cols, x, y, 1);
        bad += memcmp(y, y0, sizeof(y)) != 0;
    }
    CHECK(bad == 0, "200 dispatches across a sleep: %d wrong", bad);
    k3k_pool_destroy(pool);
    CHECK(k3k_pool_create(0, NULL, 0, NULL, 0) == NULL, "zero threads refused");
    pool = k3k_pool_create(1, NULL, 0, NULL, K3K_AI_NEVER);
    const int ime = k3k_ime_status(pool);
    CHECK(ime == K3K_IME_NOT_BUILT || ime == K3K_IME_NO_AI_CORES, "no IME without A100 workers: %d", ime);
    k3k_pool_destroy(pool);
    free(w); free(x);
}

/* k3k_pool_run_work: a matmul reading under K3K_POOL_SOLO_BYTES stays on an unpinned pool's caller (no dispatch),
 * a larger one goes to the workers; both give the single-thread bits (file layout and packed rows). */
static void test_small_work_stays_on_the_caller(void) {
    k3k_pool *pool = k3k_pool_create(2, NULL, 0, NULL, K3K_AI_NEVER);
    const int cols = 256, big = 512, bpr = cols / 32; /* Q8_0: 34-byte blocks, 272 bytes a row */
    uint8_t *w = malloc((size_t) big * bpr * 34);
    float x[256], solo[512], ref[512];
    for (int i = 0; i < big * bpr * 34; i++) w[i] = (uint8_t) (i * 2654435761u >> 13);
    for (int b = 0; b < big * bpr; b++) { w[34 * b] = 0x00; w[34 * b + 1] = 0x20; } /* d = 2^-7 */
    for (int i = 0; i < cols; i++) x[i] = (float) (i % 13) * 0.25f - 1.5f;
    const int rows[] = {8, 64, big}; /* 2 KB and 17 KB stay on the caller, 139 KB is dispatched */
    for (int i = 0; i < 3; i++) {
        const uint64_t before = k3k_pool_dispatches(pool);
        CHECK(k3k_matmul(pool, K3K_Q8_0, w, rows[i], cols, x, solo, 1) == 0, "matmul %d rows", rows[i]);
        const int dispatched = (int) (k3k_pool_dispatches(pool) - before);
        CHECK(dispatched == (rows[i] == big), "%d rows of Q8_0: %d dispatches", rows[i], dispatched);
        k3k_matmul(NULL, K3K_Q8_0, w, rows[i], cols, x, ref, 1);
        CHECK(memcmp(solo, ref, sizeof(float) * (size_t) rows[i]) == 0, "%d rows: not the single-thread bits", rows[i]);
    }
    const int64_t pb = k3k_packed_bytes(K3K_Q8_0, 64, cols);
    void *packed = malloc((size_t) pb);
    CHECK(pb > 0 && k3k_pack(K3K_Q8_0, w, packed, 64, cols) == 0, "pack 64 rows");
    const uint64_t before = k3k_pool_dispatches(pool);
    CHECK(k3k_matmul_packed(pool, K3K_Q8_0, packed, NULL, 64, cols, x, solo, 1) == 0, "packed 64 rows");
    CHECK(k3k_pool_dispatches(pool) == before, "64 packed rows of Q8_0 were dispatched");
    k3k_matmul_packed(NULL, K3K_Q8_0, packed, NULL, 64, cols, x, ref, 1);
    CHECK(memcmp(solo, ref, sizeof(float) * 64) == 0, "packed 64 rows: not the single-thread bits");
    free(packed);
    free(w);
    k3k_pool_destroy(pool);
}

void test_pool(void) {
    test_small_work_stays_on_the_caller();
    test_who_runs_which_share();
    test_unpinned_and_pinned();
    test_ai_handshake();
    test_idle_and_reuse();
}
