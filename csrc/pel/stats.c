/* stats.c — per-worker counters.
 *
 * Each worker owns one cache line of counters and is its only writer
 * (relaxed load + store, no RMW, no sharing). Calling threads share
 * PEL_CALLER_STRIPES lines, picked per thread, updated with relaxed RMWs
 * once per job. Readers may see a job's counters partially updated.
 * Every access below is relaxed: counters are statistics and order no
 * other memory. */
#include "pel/pel_internal.h"
#include <string.h>

/* Stripes for calling threads: many submitting threads spread over this
 * many cache lines instead of contending on one. */
#define PEL_CALLER_STRIPES 16

static pel_stat_cell worker_cells[PEL_MAX_THREADS];
static pel_stat_cell caller_cells[PEL_CALLER_STRIPES];
static atomic_int max_worker;      /* highest worker index ever started */
static atomic_uint next_stripe;
static _Thread_local int my_stripe = -1;

pel_stat_cell *pel_stats_cell(int worker_index) {
    if (worker_index > 0) return &worker_cells[worker_index];
    if (my_stripe < 0)
        /* relaxed: only spreads threads over stripes. */
        my_stripe = (int)(atomic_fetch_add_explicit(&next_stripe, 1,
                                                    memory_order_relaxed) %
                          PEL_CALLER_STRIPES);
    return &caller_cells[my_stripe];
}

void pel_stat_add(atomic_uint_least64_t *c, uint64_t v, int shared) {
    /* relaxed everywhere: counters are statistics, ordered with nothing. */
    if (shared)
        atomic_fetch_add_explicit(c, v, memory_order_relaxed);
    else
        atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + v,
                              memory_order_relaxed);
}

void pel_stats_note_worker(int worker_index) {
    int cur = atomic_load_explicit(&max_worker, memory_order_relaxed);
    /* relaxed: a monotonic maximum, read only for sizing the output. */
    while (cur < worker_index &&
           !atomic_compare_exchange_weak_explicit(&max_worker, &cur, worker_index,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
}

static void read_cell(pel_stat_cell *c, pel_worker_stats *o) {
    o->chunks += atomic_load_explicit(&c->chunks, memory_order_relaxed);
    o->steals += atomic_load_explicit(&c->steals, memory_order_relaxed);
    o->parks += atomic_load_explicit(&c->parks, memory_order_relaxed);
    o->jobs += atomic_load_explicit(&c->jobs, memory_order_relaxed);
    o->busy_ns += atomic_load_explicit(&c->busy_ns, memory_order_relaxed);
}

int pel_get_stats(pel_worker_stats *out, int max) {
    int count = atomic_load_explicit(&max_worker, memory_order_relaxed) + 1;
    for (int i = 0; i < max && i < count; i++) {
        memset(&out[i], 0, sizeof out[i]);
        if (i == 0)
            for (int s = 0; s < PEL_CALLER_STRIPES; s++) read_cell(&caller_cells[s], &out[0]);
        else
            read_cell(&worker_cells[i], &out[i]);
    }
    return count;
}

static void zero_cell(pel_stat_cell *c) {
    atomic_store_explicit(&c->chunks, 0, memory_order_relaxed);
    atomic_store_explicit(&c->steals, 0, memory_order_relaxed);
    atomic_store_explicit(&c->parks, 0, memory_order_relaxed);
    atomic_store_explicit(&c->jobs, 0, memory_order_relaxed);
    atomic_store_explicit(&c->busy_ns, 0, memory_order_relaxed);
}

void pel_reset_stats(void) {
    for (int i = 0; i < PEL_MAX_THREADS; i++) zero_cell(&worker_cells[i]);
    for (int s = 0; s < PEL_CALLER_STRIPES; s++) zero_cell(&caller_cells[s]);
}
