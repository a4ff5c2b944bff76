/* Worker pool. Each worker, first thing on its own thread and before any vector code, does the K3
 * AI-core handshake when asked (write its TID to the ai-thread proc file), then pins itself, then reads
 * back what it got; the caller can read that placement report. Tasks are published by bumping a
 * generation counter; workers spin a bounded number of times on it, then sleep on a futex.
 *
 * An unpinned pool (no cpu list) has the calling thread do share 0 of every task itself and starts
 * n - 1 threads, as llama.cpp's main thread does: with as many threads as cores, a caller that only
 * waited would be one thread too many, and every wait would cost a worker its core. A pinned pool runs
 * all n shares on its pinned workers (the caller is a Java thread that stays where it is, and cannot go
 * to K3 A100 cores at all); its caller then spins only when its affinity leaves it a cpu no worker
 * is pinned to, and otherwise sleeps on the futex at once so that it never takes a worker's core. */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "k3k.h"
#include "k3k_ime.h"
#include "k3k_pool.h"

/* Waiting, in three stages: pause_spins polls with a pause (a kernel is usually microseconds away), then
 * yield_spins polls with sched_yield (a waiting thread gives its core to the Java thread or a worker when
 * cores are few), then a futex sleep: no CPU is burnt while the server is idle. Long spins win on
 * dedicated cores and lose badly on an oversubscribed machine (measured: 7 ms per dispatch with 20000
 * pauses at load 18 on 2 cores, 0.15 ms with 200), so the defaults are short and the environment
 * variables K3K_SPIN_PAUSE / K3K_SPIN_YIELD override them. */
#define DEFAULT_PAUSE_SPINS 1000
#define DEFAULT_YIELD_SPINS 100

typedef struct {
    k3k_pool *pool;
    int index;
    pthread_t thread;
    k3k_placement placement;
} k3k_worker;

struct k3k_pool {
    int n;            /* shares per task */
    int caller_joins; /* share 0 runs on the calling thread; workers[0] describes that thread */
    int first_spawned;/* workers[first_spawned..n) are pool threads */
    k3k_worker *workers;
    char ai_path[256];
    int ai_mode;
    int ai_cpus[K3K_MAX_CPUS]; /* 1 where the cpu is an A100 core (ai_mode AUTO) */
    _Atomic uint32_t generation; /* futex word the workers wait on */
    _Atomic uint32_t finished;   /* futex word the caller waits on: the last generation completed */
    _Atomic int pending;
    _Atomic int sleepers;
    _Atomic int caller_sleeping;
    _Atomic int started;
    _Atomic int stop;
    k3k_task_fn fn;
    void *arg;
    void *scratch;
    size_t scratch_bytes;
    int pause_spins, yield_spins;
    int caller_pause_spins, caller_yield_spins;
    _Atomic int ime_passed, ime_failed; /* self-test results of the workers on A100 cores */
    _Atomic int flash_mode; /* k3k_pool_set_flash; -2: the process-wide setting */
    uint64_t dispatches; /* tasks handed to the workers (only the caller writes it) */
};

static int env_int(const char *name, int fallback) {
    const char *v = getenv(name);
    return v && *v ? atoi(v) : fallback;
}


static long futex(_Atomic uint32_t *word, int op, uint32_t val) {
    return syscall(SYS_futex, (uint32_t *) word, op, val, NULL, NULL, 0);
}

static inline void cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* One waiting step; returns 0 when the waiter should go to sleep on the futex instead. */
static inline int spin_step(int pause_spins, int yield_spins, int *spins) {
    const int n = ++*spins;
    if (n < pause_spins) {
        cpu_relax();
        return 1;
    }
    if (n < pause_spins + yield_spins) {
        sched_yield();
        return 1;
    }
    return 0;
}

/* The handshake uses only raw syscalls and integer code: glibc's formatting may use vector registers,
 * and the K3 kernel wants registration before the thread's first vector instruction. */
static int register_ai_thread(const char *path, int tid) {
    char buf[16];
    int len = 0;
    char digits[12];
    int nd = 0;
    do { digits[nd++] = (char) ('0' + tid % 10); tid /= 10; } while (tid > 0 && nd < 11);
    while (nd > 0) buf[len++] = digits[--nd];
    buf[len++] = '\n';
    const int fd = (int) syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    const long w = syscall(SYS_write, fd, buf, len);
    const int err = w == len ? 0 : (w < 0 ? errno : EIO);
    syscall(SYS_close, fd);
    return err;
}

static int wants_ai(const k3k_pool *pool, int cpu) {
    return cpu >= 0 && (pool->ai_mode == K3K_AI_ALWAYS ||
                        (pool->ai_mode == K3K_AI_AUTO && cpu < K3K_MAX_CPUS && pool->ai_cpus[cpu]));
}

/* What the calling thread's affinity and cpu are, read back without changing them. */
static void read_back(k3k_placement *p) {
    const int cpu = p->requested_cpu;
    cpu_set_t got;
    CPU_ZERO(&got);
    if (sched_getaffinity(0, sizeof(got), &got) == 0) {
        for (int c = 0; c < 64 && c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &got)) p->affinity_mask |= (uint64_t) 1 << c;
        p->affinity_ok = cpu >= 0 ? (CPU_COUNT(&got) == 1 && CPU_ISSET(cpu, &got)) : 1;
    }
    p->actual_cpu = sched_getcpu();
}

static void place_worker(k3k_worker *w) {
    k3k_placement *p = &w->placement;
    const k3k_pool *pool = w->pool;
    p->tid = (int) syscall(SYS_gettid);
    const int cpu = p->requested_cpu;
    if (wants_ai(pool, cpu)) {
        p->ai_attempted = 1;
        p->ai_errno = register_ai_thread(pool->ai_path, p->tid);
    }
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof(set), &set) != 0) p->pin_errno = errno;
    }
    read_back(p);
}

static void *worker_main(void *arg) {
    k3k_worker *w = arg;
    k3k_pool *pool = w->pool;
    place_worker(w);
    /* IME only where this worker verifiably sits on an A100 core (registered, pinned, read back) */
    const k3k_placement *p = &w->placement;
    if (k3k_ime_real_vmadot() && p->ai_attempted && p->ai_errno == 0 && p->affinity_ok &&
        p->requested_cpu >= 0 && p->requested_cpu < K3K_MAX_CPUS && pool->ai_cpus[p->requested_cpu]) {
        atomic_fetch_add(k3k_ime_self_test() ? &pool->ime_passed : &pool->ime_failed, 1);
    }
    atomic_fetch_add(&pool->started, 1);
    uint32_t seen = 0;
    for (;;) {
        uint32_t g;
        int spins = 0;
        while ((g = atomic_load(&pool->generation)) == seen) {
            if (spin_step(pool->pause_spins, pool->yield_spins, &spins)) continue;
            atomic_fetch_add(&pool->sleepers, 1);
            if (atomic_load(&pool->generation) == seen) futex(&pool->generation, FUTEX_WAIT_PRIVATE, seen);
            atomic_fetch_sub(&pool->sleepers, 1);
            spins = 0;
        }
        seen = g;
        if (atomic_load(&pool->stop)) break;
        pool->fn(pool->arg, w->index, pool->n);
        if (atomic_fetch_sub(&pool->pending, 1) == 1) {
            atomic_store(&pool->finished, g);
            if (atomic_load(&pool->caller_sleeping)) futex(&pool->finished, FUTEX_WAKE_PRIVATE, 1);
        }
    }
    return NULL;
}

/* Whether the calling thread may run on some cpu that no worker is pinned to. */
static int caller_has_free_cpu(const int *cpus, int n_cpus) {
    cpu_set_t mine;
    CPU_ZERO(&mine);
    if (sched_getaffinity(0, sizeof(mine), &mine) != 0) return 0;
    for (int i = 0; i < n_cpus; i++)
        if (cpus[i] >= 0 && cpus[i] < CPU_SETSIZE) CPU_CLR(cpus[i], &mine);
    return CPU_COUNT(&mine) > 0;
}

/* Marks the cpus whose /proc/cpuinfo section names an A100 core. */
static void detect_ai_cpus(int *ai_cpus) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[512];
    int cpu = -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "processor", 9) == 0) {
            const char *colon = strchr(line, ':');
            cpu = colon ? atoi(colon + 1) : -1;
        } else if (cpu >= 0 && cpu < K3K_MAX_CPUS && strstr(line, "A100")) {
            ai_cpus[cpu] = 1;
        }
    }
    fclose(f);
}

k3k_pool *k3k_pool_create(int n_threads, const int *cpus, int n_cpus, const char *ai_path, int ai_mode) {
    if (n_threads < 1 || n_threads > K3K_MAX_CPUS || n_cpus < 0) return NULL;
    k3k_pool *pool = calloc(1, sizeof(*pool));
    if (!pool) return NULL;
    pool->n = n_threads;
    pool->ai_mode = ai_mode;
    atomic_store(&pool->flash_mode, -2);
    pool->pause_spins = env_int("K3K_SPIN_PAUSE", DEFAULT_PAUSE_SPINS);
    pool->yield_spins = env_int("K3K_SPIN_YIELD", DEFAULT_YIELD_SPINS);
    snprintf(pool->ai_path, sizeof(pool->ai_path), "%s", ai_path && *ai_path ? ai_path : K3K_DEFAULT_AI_PATH);
    if (ai_mode == K3K_AI_AUTO) detect_ai_cpus(pool->ai_cpus);
    pool->workers = calloc((size_t) n_threads, sizeof(k3k_worker));
    if (!pool->workers) {
        free(pool);
        return NULL;
    }
    pool->caller_joins = n_cpus == 0 && env_int("K3K_CALLER_JOINS", 1) != 0;
    pool->first_spawned = pool->caller_joins ? 1 : 0;
    for (int i = 0; i < n_threads; i++) pool->workers[i].placement.requested_cpu = n_cpus > 0 ? cpus[i % n_cpus] : -1;
    const int caller_has_a_cpu = pool->caller_joins || caller_has_free_cpu(cpus, n_cpus);
    pool->caller_pause_spins = caller_has_a_cpu ? pool->pause_spins : 0;
    pool->caller_yield_spins = caller_has_a_cpu ? pool->yield_spins : 0;
    if (pool->caller_joins) { /* the caller is not pinned: it is a Java thread, and stays where it is */
        k3k_placement *p = &pool->workers[0].placement;
        p->requested_cpu = -1;
        p->tid = (int) syscall(SYS_gettid);
        p->caller = 1;
        read_back(p);
    }
    for (int i = pool->first_spawned; i < n_threads; i++) {
        k3k_worker *w = &pool->workers[i];
        w->pool = pool;
        w->index = i;
        w->placement.actual_cpu = -1;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            pool->n = i; /* stop the ones already running */
            k3k_pool_destroy(pool);
            return NULL;
        }
    }
    while (atomic_load(&pool->started) < n_threads - pool->first_spawned) usleep(50);
    return pool;
}

void k3k_pool_run(k3k_pool *pool, k3k_task_fn fn, void *arg) {
    if (!pool) {
        fn(arg, 0, 1);
        return;
    }
    const int spawned = pool->n - pool->first_spawned;
    if (spawned == 0) {
        fn(arg, 0, 1);
        return;
    }
    pool->fn = fn;
    pool->arg = arg;
    pool->dispatches++;
    atomic_store(&pool->pending, spawned);
    const uint32_t g = atomic_fetch_add(&pool->generation, 1) + 1;
    if (atomic_load(&pool->sleepers) > 0) futex(&pool->generation, FUTEX_WAKE_PRIVATE, INT32_MAX);
    if (pool->caller_joins) fn(arg, 0, pool->n);
    int spins = 0;
    uint32_t f;
    while ((f = atomic_load(&pool->finished)) != g) {
        if (spin_step(pool->caller_pause_spins, pool->caller_yield_spins, &spins)) continue;
        atomic_store(&pool->caller_sleeping, 1);
        if (atomic_load(&pool->finished) == f) futex(&pool->finished, FUTEX_WAIT_PRIVATE, f);
        atomic_store(&pool->caller_sleeping, 0);
        spins = 0;
    }
}

void k3k_pool_run_work(k3k_pool *pool, k3k_task_fn fn, void *arg, size_t work_bytes) {
    if (pool && pool->caller_joins && work_bytes < K3K_POOL_SOLO_BYTES) fn(arg, 0, 1);
    else k3k_pool_run(pool, fn, arg);
}

uint64_t k3k_pool_dispatches(const k3k_pool *pool) { return pool ? pool->dispatches : 0; }

void k3k_pool_destroy(k3k_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, 1);
    atomic_fetch_add(&pool->generation, 1);
    futex(&pool->generation, FUTEX_WAKE_PRIVATE, INT32_MAX);
    for (int i = pool->first_spawned; i < pool->n; i++) pthread_join(pool->workers[i].thread, NULL);
    free(pool->workers);
    free(pool->scratch);
    free(pool);
}

int k3k_pool_threads(const k3k_pool *pool) { return pool ? pool->n : 1; }

void k3k_pool_set_flash(k3k_pool *pool, int mode) {
    if (pool) atomic_store(&pool->flash_mode, k3k_flash_value(mode));
}

int k3k_pool_flash(const k3k_pool *pool) { return pool ? atomic_load(&((k3k_pool *) pool)->flash_mode) : -2; }

int k3k_ime_status(const k3k_pool *pool) {
    if (!k3k_ime_real_vmadot()) return K3K_IME_NOT_BUILT;
    if (!pool || atomic_load(&pool->ime_passed) == 0) return K3K_IME_NO_AI_CORES;
    if (atomic_load(&pool->ime_failed) > 0 || atomic_load(&pool->ime_passed) != pool->n - pool->first_spawned) return K3K_IME_SELF_TEST_FAILED;
    return K3K_IME_ENABLED;
}

int k3k_pool_placement(const k3k_pool *pool, int worker, k3k_placement *out) {
    if (!pool || worker < 0 || worker >= pool->n || !out) return -1;
    *out = pool->workers[worker].placement;
    return 0;
}

void *k3k_pool_scratch(k3k_pool *pool, size_t bytes) {
    static _Thread_local void *inline_scratch; /* pool-less (single-threaded) callers */
    static _Thread_local size_t inline_bytes;
    void **buf = pool ? &pool->scratch : &inline_scratch;
    size_t *have = pool ? &pool->scratch_bytes : &inline_bytes;
    if (*have < bytes) {
        free(*buf);
        const size_t rounded = (bytes + 63) & ~(size_t) 63;
        *buf = aligned_alloc(64, rounded);
        *have = *buf ? rounded : 0;
    }
    return *buf;
}
