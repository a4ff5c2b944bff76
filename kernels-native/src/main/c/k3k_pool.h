/* The persistent worker pool: N pthreads pinned to a CPU list, woken per task by a generation counter
 * (bounded spin, then futex sleep: no CPU burnt while idle). */
#ifndef K3K_POOL_H
#define K3K_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct k3k_pool k3k_pool;

/* fn(arg, ith, nth) runs once on every worker; k3k_pool_run returns when all have finished. */
typedef void (*k3k_task_fn)(void *arg, int ith, int nth);

/* Runs fn on the pool, or inline as a single worker when pool is NULL. */
void k3k_pool_run(k3k_pool *pool, k3k_task_fn fn, void *arg);
/* k3k_pool_run for a task that reads about work_bytes: under K3K_POOL_SOLO_BYTES, on a pool whose caller takes a
 * share, the caller runs it alone (fn(arg, 0, 1)): waking a sleeping worker costs more than reading that much
 * (a tiny matmul between decode steps, EPYC Zen 3 VM: 4 us with the workers spinning, 60 us once they sleep). */
#define K3K_POOL_SOLO_BYTES (64u << 10)
void k3k_pool_run_work(k3k_pool *pool, k3k_task_fn fn, void *arg, size_t work_bytes);
/* How many times the pool's workers were handed a task (tests: which calls stayed on the caller). */
uint64_t k3k_pool_dispatches(const k3k_pool *pool);
int k3k_pool_threads(const k3k_pool *pool);
/* The pool's own attention path setting (k3k_pool_set_flash), or -2 for the process-wide one. */
int k3k_pool_flash(const k3k_pool *pool);
/* An attention path setting as k3k_set_flash and k3k_pool_set_flash keep it: -2 (the next setting decides), -1 auto,
 * 0 never, 1 always. */
static inline int k3k_flash_value(int mode) { return mode == -2 ? -2 : mode < 0 ? -1 : mode > 0 ? 1 : 0; }

/* Scratch memory owned by the pool (64-byte aligned, grows, reused between calls; callers serialise). */
void *k3k_pool_scratch(k3k_pool *pool, size_t bytes);

#endif
