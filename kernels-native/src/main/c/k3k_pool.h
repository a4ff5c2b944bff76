/* The persistent worker pool: N pthreads pinned to a CPU list, woken per task by a generation counter
 * (bounded spin, then futex sleep: no CPU burnt while idle). */
#ifndef K3K_POOL_H
#define K3K_POOL_H

#include <stdint.h>

typedef struct k3k_pool k3k_pool;

/* fn(arg, ith, nth) runs once on every worker; k3k_pool_run returns when all have finished. */
typedef void (*k3k_task_fn)(void *arg, int ith, int nth);

/* Runs fn on the pool, or inline as a single worker when pool is NULL. */
void k3k_pool_run(k3k_pool *pool, k3k_task_fn fn, void *arg);
int k3k_pool_threads(const k3k_pool *pool);

/* Scratch memory owned by the pool (64-byte aligned, grows, reused between calls; callers serialise). */
void *k3k_pool_scratch(k3k_pool *pool, size_t bytes);

#endif
