/*
 * pel_internal.h — shared internals of the execution layer (not installed,
 * not part of the API). One concept per file:
 *   cpu_count.c        default pool size (affinity, cgroup quota, env)
 *   fpenv.c            capture / apply / restore the caller's FP environment
 *   sleep.c            waiting: spin then park, notify, the caller's latch
 *   job_queue.c        bounded lock-free MPMC queue of job tickets
 *   job.c              one job: "run chunk i" over per-slot ranges, stealing
 *   pool.c             worker threads: lazy start, resize, shutdown, atfork
 *   parallel_for.c     pel_parallel_for, job slots and submission
 *   parallel_reduce.c  pel_parallel_reduce (fixed grid, pairwise combine)
 * Calls go down this list's dependency order: parallel_* -> pool -> job ->
 * sleep -> job_queue; no file calls one that calls it back.
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

/* ---- job_queue.c -------------------------------------------------------- */
typedef struct pel_job pel_job;
int pel_queue_push(struct pel_job *job);   /* 0 ok, -1 full */
struct pel_job *pel_queue_pop(void);       /* NULL if empty */
int pel_queue_maybe_nonempty(void);
void pel_queue_reset_after_fork(void);

/* ---- sleep.c ------------------------------------------------------------ */
void pel_cpu_relax(void);
uint64_t pel_now_ns(void);
/* Spin budget before parking, in nanoseconds. */
extern uint64_t pel_spin_ns;
/* Reads PELX_SPIN_US and calibrates the workers' spin (once, at pool
 * start). */
void pel_sleep_init(void);
void pel_sleep_after_fork_child(void);
/* An idle worker's wait: spins polling the queue, then parks while
 * stay(worker) holds and the queue looks empty. Returns a popped job, or
 * NULL after a wake-up (the caller re-checks its state and calls again). */
pel_job *pel_sleep_until_work(int worker, int (*stay)(int worker));
/* Tickets for up to `count` workers were queued at time now_ns (the
 * submitter's clock reading, pel_now_ns): wake that many sleepers. */
void pel_sleep_notify(int count, uint64_t now_ns);
/* Wake every parked worker (the pool's size or stop flag changed). */
void pel_sleep_wake_all(void);
/* ---- contention.c ------------------------------------------------------- */
/* Reads PELX_CONTENTION (once, at pool start). */
void pel_contention_init(void);
/* Slots a job may use now (<= slots): fewer while workers were seen
 * preempted at joins. */
int pel_contention_cap(int slots);
/* A parallel job of `slots` slots: its caller ran caller_chunks chunks in
 * caller_ns, then waited wait_ns at the join. */
void pel_contention_note(int slots, int64_t caller_chunks, uint64_t caller_ns,
                         uint64_t wait_ns);

/* A latch: one waiter (a job's caller), set once by another thread. */
void pel_latch_reset(atomic_uint *latch);
int pel_latch_is_set(atomic_uint *latch);
void pel_latch_set(atomic_uint *latch);
void pel_latch_wait(atomic_uint *latch);

/* ---- job.c -------------------------------------------------------------- */
/* Runs chunk ci of the job's grid on slot `slot`; ctx is the spec's. */
typedef int (*pel_chunk_fn)(void *ctx, int64_t ci, int slot);

typedef struct pel_job_spec {
    int64_t nchunks;
    int slots;               /* threads that may take part (>= 1) */
    pel_chunk_fn run_chunk;
    void *ctx;
    int64_t n, grain;        /* the grid, for the trace's element ranges */
    const volatile int *cancel;
    int (*poll)(void *);     /* pel_opts.poll: slot 0 only */
    void *poll_arg;
} pel_job_spec;

/* Chunk ci of a grid of `grain`-long chunks over [0, n): [*b, *e). The one
 * place that knows how a grid is cut (n == 0: one empty chunk). */
static inline void pel_chunk_bounds(int64_t n, int64_t grain, int64_t ci,
                                    int64_t *b, int64_t *e) {
    *b = ci * grain;
    *e = n - *b > grain ? *b + grain : n;
    if (*e < *b) *e = *b;
}

/* Run a job to completion with the calling thread as slot 0, on at most
 * spec->slots threads (the caller caps them to the workers there are). */
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
/* Number of worker threads that may pick up tickets right now. */
int pel_pool_workers(void);

/* ---- parallel_for.c ----------------------------------------------------- */
/* Runs spec inline or on the pool (slots capped to the workers there are):
 * the one submission path of pel_parallel_for and pel_parallel_reduce. */
int pel_job_submit(pel_job_spec *spec);

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
