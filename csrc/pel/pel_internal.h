/*
 * pel_internal.h — shared internals of the execution layer (not installed,
 * not part of the API). One concept per file:
 *   cpu_count.c        default pool size (affinity, cgroup quota, env)
 *   fpenv.c            capture / apply / restore the caller's FP environment
 *   park.c             futex wrappers, spin-then-park helpers
 *   job_queue.c        bounded lock-free MPMC queue of job tickets
 *   job.c              job state, per-slot chunk ranges, stealing, join/wait
 *   pool.c             worker threads: lazy start, resize, shutdown, atfork
 *   parallel_for.c     pel_parallel_for and friends (public entry points)
 *   parallel_reduce.c  pel_parallel_reduce (fixed grid, pairwise combine)
 *   stats.c            per-worker counters
 *   trace.c            optional per-thread event log
 */
#ifndef PEL_INTERNAL_H
#define PEL_INTERNAL_H

#include "pel/pel.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/* Largest pool (calling thread + workers). Bounds the static per-worker
 * arrays; pel_set_num_threads clamps to it. */
#define PEL_MAX_THREADS PEL_MAX_POOL_THREADS

/* Cache line size used for padding hot per-thread / per-slot data. */
#define PEL_CACHE_LINE 64

/* ---- fpenv.c ------------------------------------------------------------ */
typedef struct pel_fpenv {
    uint32_t mxcsr;   /* SSE control/status (x86-64); unused elsewhere */
    uint16_t x87cw;   /* x87 control word (x86-64) */
    int      round;   /* fegetround() (portable fallback) */
} pel_fpenv;

/* Control part (rounding, FTZ/DAZ, masks) of the calling thread's env. */
void pel_fpenv_capture(pel_fpenv *env);
/* Save this thread's env into *saved, install *job with all FP exception
 * flags cleared. */
void pel_fpenv_enter(const pel_fpenv *job, pel_fpenv *saved);
/* Return the FP exception flags raised since enter (FE_* bits) and restore
 * *saved with flags cleared. */
int pel_fpenv_leave(const pel_fpenv *saved);
/* Raise flags (FE_* bits) on the calling thread. */
void pel_fpenv_raise(int flags);

/* ---- park.c ------------------------------------------------------------- */
void pel_cpu_relax(void);
uint64_t pel_now_ns(void);
/* Sleep while *word == expected (spurious returns possible). */
void pel_futex_wait(atomic_uint *word, unsigned expected);
void pel_futex_wake(atomic_uint *word, int count);

/* Spin budget before parking, in nanoseconds (see park.c). */
extern uint64_t pel_spin_ns;

/* ---- job_queue.c -------------------------------------------------------- */
typedef struct pel_job pel_job;
int pel_queue_push(struct pel_job *job);   /* 0 ok, -1 full */
struct pel_job *pel_queue_pop(void);       /* NULL if empty */
int pel_queue_maybe_nonempty(void);
void pel_queue_reset_after_fork(void);

/* ---- job.c -------------------------------------------------------------- */
/* Runs one chunk (index ci of the job's grid) on slot `slot`. */
typedef int (*pel_chunk_fn)(struct pel_job *job, int64_t ci, int slot);

typedef struct pel_job_spec {
    int64_t nchunks;
    int slots;               /* threads that may take part (>= 1) */
    pel_chunk_fn run_chunk;
    /* loop parameters, read by run_chunk */
    int64_t n, grain;
    pel_for_fn for_fn;
    pel_reduce_fn reduce_fn;
    void *ctx;
    char *partials;          /* reduce: nchunks * partial_size bytes */
    size_t partial_size;
    const volatile int *cancel;
} pel_job_spec;

/* Run a job to completion with the calling thread as slot 0. */
int pel_job_run(const pel_job_spec *spec);
/* Called by a pool worker holding a ticket of `job`: take part, drop the
 * ticket's reference. */
void pel_job_help(struct pel_job *job, int worker_index);
/* Serial execution on the calling thread (inline path). */
int pel_job_run_inline(const pel_job_spec *spec);

/* Interrupt epoch (pel_interrupt). */
extern atomic_uint pel_interrupt_epoch;
/* Per-thread "inside a chunk" depth. */
extern _Thread_local int pel_tls_depth;

/* ---- pool.c ------------------------------------------------------------- */
/* Make sure the pool's workers are started (lazy start / after resize /
 * after fork). Cheap when nothing changed. Returns the pool size. */
int pel_pool_ensure(void);
/* Wake up to `count` parked workers because tickets were queued. */
void pel_pool_notify(int count);
/* Number of worker threads that may pick up tickets right now. */
int pel_pool_workers(void);

/* ---- stats.c ------------------------------------------------------------ */
typedef struct pel_stat_cell {
    _Alignas(PEL_CACHE_LINE) atomic_uint_least64_t chunks, steals, parks,
        jobs, busy_ns;
} pel_stat_cell;
/* Counters of worker `index` (1..PEL_MAX_THREADS-1), or of the calling
 * threads' stripe for index 0. */
pel_stat_cell *pel_stats_cell(int worker_index);
/* Add v to a counter owned by one writer thread (workers) or shared
 * (caller stripes). */
void pel_stat_add(atomic_uint_least64_t *c, uint64_t v, int shared);
void pel_stats_note_worker(int worker_index);

/* ---- trace.c ------------------------------------------------------------ */
extern atomic_int pel_trace_on;
void pel_trace_record(int thread, int slot, uint64_t job_id, int64_t begin,
                      int64_t end, uint64_t t0, uint64_t t1);
void pel_trace_after_fork_child(void);

#endif /* PEL_INTERNAL_H */
