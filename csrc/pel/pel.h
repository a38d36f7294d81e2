/*
 * pel.h — the pelx execution layer: a pthread pool with lock-free job
 * submission, running fork-join loops over an index range.
 *
 * Pure C11 + pthreads + atomics: nothing here knows about Python or NumPy.
 *
 * Life cycle
 *   The pool starts lazily on the first parallel call (no threads exist
 *   before that), can be resized at any time, and survives fork(): the child
 *   starts with no worker threads and restarts them on its first call.
 *
 * Loop shapes
 *   pel_parallel_for     run fn over [0, n) in chunks of about `grain`
 *   pel_parallel_reduce  same, one partial result per fixed chunk, combined
 *                        in a fixed pairwise order (bit-identical results
 *                        for every thread count)
 *
 * Threads
 *   The calling thread always takes part as slot 0. A job uses at most
 *   pel_job_slots(opts) threads; chunk functions receive their slot number
 *   in [0, pel_job_slots(opts)), unique among the threads running that job
 *   at the same time, so callers can keep per-slot scratch state.
 *
 * Nesting
 *   A parallel call made from inside a chunk function never deadlocks: it
 *   runs inline, serially, on the current thread (pel_job_slots() is 1
 *   there).
 *
 * Scheduling and waiting
 *   Submission pushes one ticket per extra slot into a lock-free MPMC queue
 *   and wakes at most that many parked workers. The chunk indices are split
 *   into one contiguous range per slot; a thread that runs dry steals single
 *   chunks from the back of other slots' ranges, so the calling thread may
 *   run every chunk itself if the workers arrive late. Idle workers spin
 *   for about 50 us of their own running time (a poll count calibrated at
 *   pool start), a caller waiting for the last chunks for 50 us of wall
 *   time; then they sleep on a futex. PELX_SPIN_US=<0..1000000> overrides
 *   the budget (read when the pool first starts). An idle pool uses no CPU.
 *
 * Floating point
 *   The caller's floating-point environment (rounding mode, FTZ/DAZ) is in
 *   force on every thread while it runs the job's chunks, and the FP
 *   exception flags that chunks raise on any thread are raised on the
 *   calling thread before the call returns.
 */
#ifndef PEL_H
#define PEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. Chunk functions may return any other non-zero int; the first
 * non-zero code returned by any chunk is the job's result. */
enum {
    PEL_OK = 0,
    PEL_ECANCELED = -1000, /* *opts->cancel became non-zero or pel_interrupt() */
    PEL_ENOMEM = -1001,    /* could not allocate job state */
    PEL_EINVAL = -1002,    /* n < 0, grain < 1, NULL function, ... */
};

/* A chunk of a parallel_for: process indices [begin, end).
 * slot: this thread's slot in the job, 0 <= slot < pel_job_slots(opts).
 * Return 0 to go on; any other value stops the job (first error wins) and
 * the chunks not yet started are skipped. */
typedef int (*pel_for_fn)(void *ctx, int64_t begin, int64_t end, int slot);

/* A chunk of a parallel_reduce: reduce [begin, end) into *partial (which the
 * function initializes itself; it is uninitialized memory of partial_size
 * bytes). Return codes as for pel_for_fn. */
typedef int (*pel_reduce_fn)(void *ctx, int64_t begin, int64_t end,
                             void *partial, int slot);

/* Combine: *acc = *acc (+) *rhs. Must not fail. */
typedef void (*pel_combine_fn)(void *ctx, void *acc, const void *rhs);

/* Per-call options. NULL means all defaults. */
typedef struct pel_opts {
    /* Optional cancel flag, polled between chunks; non-zero cancels the job,
     * which then returns PEL_ECANCELED. Written by another thread or a
     * signal handler; read with relaxed loads. */
    const volatile int *cancel;
    /* Upper bound on threads for this job (0: the pool's size). */
    int max_threads;
    /* Optional: called on the calling thread (never on a worker) before
     * each chunk it runs, with poll_arg. A non-zero return stops the job
     * like a chunk error with that code. The workers go on meanwhile: the
     * calling thread may spend time in it (the Python binding runs the
     * program's signal handlers there). */
    int (*poll)(void *poll_arg);
    void *poll_arg;
} pel_opts;

/* Run fn over [0, n). Chunks are at least `grain` indices long (except the
 * last); n <= grain (or one thread) runs inline on the calling thread with no
 * pool round-trip. Returns PEL_OK, the first chunk error, PEL_ECANCELED or
 * PEL_EINVAL. */
int pel_parallel_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                     const pel_opts *opts);

/* Reduce [0, n). The chunk grid is fixed by n and grain alone: chunk i is
 * [i*grain, min(n, (i+1)*grain)), and there are max(1, ceil(n/grain)) of
 * them (n == 0 gives one empty chunk, so fn can write the identity). Partials
 * are combined in a fixed pairwise tree over chunk indices, so the result
 * written to *result (partial_size bytes) does not depend on the number of
 * threads or on scheduling. */
int pel_parallel_reduce(int64_t n, int64_t grain, size_t partial_size,
                        pel_reduce_fn fn, pel_combine_fn combine, void *ctx,
                        void *result, const pel_opts *opts);

/* p[0] = p[0] (+) p[1] (+) ... (+) p[n-1] (n partials, `stride` bytes
 * apart) as a fixed pairwise tree over the indices: rounds w = 1, 2, 4, ...
 * combine p[i] with p[i + w] for i = 0, 2w, 4w, ... The one combine order
 * of every deterministic reduction (pel_parallel_reduce, the reduction
 * kernels' plan). */
void pel_pairwise_combine(char *p, int64_t n, size_t stride,
                          pel_combine_fn combine, void *ctx);

/* Slots a job started now with these options may use (>= 1). */
int pel_job_slots(const pel_opts *opts);

/* Pool size, counting the calling thread. */
int pel_get_num_threads(void);
/* Most threads a pool can have, the calling thread included. */
#define PEL_MAX_POOL_THREADS 256
/* Set the pool size (1 <= n <= PEL_MAX_POOL_THREADS, larger n is capped;
 * n <= 0 restores the default). Safe while jobs run: running jobs finish
 * with the threads they have. Returns the previous size. */
int pel_set_num_threads(int n);
/* min(CPUs in sched_getaffinity, ceil(cgroup v1/v2 CPU quota),
 * PELX_NUM_THREADS if set and valid). */
int pel_default_num_threads(void);
/* PELX_NUM_THREADS as read by pel_default_num_threads: 0 if unset or
 * empty, -1 if not a positive decimal integer (surrounding blanks
 * allowed), else its value (capped at INT_MAX). */
int pel_env_num_threads(void);
/* CPUs available to this process (affinity and cgroup quota, ignoring
 * PELX_NUM_THREADS). */
int pel_available_cpus(void);

/* The contention rule (on by default; PELX_CONTENTION=0 turns it off at
 * pool start): while workers are seen preempted at joins (another process
 * holds the cores), jobs use fewer threads for a while (contention.c).
 * on = 1 or 0 sets it (and forgets what was seen), -1 only asks. Returns
 * the previous setting. */
int pel_contention_rule(int on);

/* Cancel every job running now (async-signal-safe: usable from a SIGINT
 * handler). Jobs started afterwards are not affected. Such jobs return
 * PEL_ECANCELED. (It bumps an atomic epoch that each job compares, between
 * chunks, with the value it saw when it started.) */
void pel_interrupt(void);

/* True (1) if the calling thread is running a chunk of a job right now. */
int pel_in_parallel(void);

/* Per-worker counters. Slot 0 of the array is the sum over calling threads;
 * entries 1.. are the pool's worker threads. */
typedef struct pel_worker_stats {
    uint64_t chunks;  /* chunks run */
    uint64_t steals;  /* chunks taken from another thread's range */
    uint64_t parks;   /* times the thread slept on the futex */
    uint64_t jobs;    /* jobs joined */
    uint64_t busy_ns; /* time spent inside chunk functions */
} pel_worker_stats;

/* Copy up to max entries into out; returns the number of entries available
 * (1 + the highest worker index ever started, at most 256). Counters are
 * relaxed per-thread values: a read during a job may see it half counted,
 * and pel_reset_stats during a job may lose a few increments. */
int pel_get_stats(pel_worker_stats *out, int max);
void pel_reset_stats(void);

/* busy_ns above is measured per stint: from the moment a thread starts on
 * a job's chunks until it finds none left (claiming overhead included). */

/* Stop and join all worker threads (the pool restarts lazily on the next
 * call). For tests and interpreter shutdown.
 * If another thread's job is running, its workers first finish their part
 * of that job (the job completes normally; its caller runs whatever the
 * departed workers leave), so pel_shutdown waits for at most the chunks in
 * progress. Jobs submitted during a shutdown run on the threads available.
 * Called from inside a chunk it does nothing (a thread cannot join itself).
 * Concurrent pel_shutdown calls are serialized. */
void pel_shutdown(void);

/* ---- Tracing ------------------------------------------------------------
 * An optional event log for timelines: while a trace session is on, every
 * chunk run on any thread appends one event to that thread's own buffer.
 * When off, the cost is one relaxed load per thread per job. Sessions are
 * controlled from one thread at a time (start and stop must not race). */
typedef struct pel_trace_event {
    int32_t thread;    /* 0: a calling thread; 1..: pool worker index */
    int32_t slot;      /* the chunk's slot in its job */
    uint64_t job;      /* job id, unique within the process, >= 1 */
    int64_t begin;     /* the chunk's index range [begin, end) */
    int64_t end;
    uint64_t begin_ns; /* CLOCK_MONOTONIC around the chunk function */
    uint64_t end_ns;
} pel_trace_event;

/* Most events a session may keep per thread: 2^24 events are 768 MiB per
 * thread (48 bytes each), far beyond any timeline a viewer loads, and the
 * bound keeps every size computed from it (a thread's buffer, the copy of
 * all threads' events) far from overflowing size_t. */
#define PEL_TRACE_MAX_EVENTS ((size_t)1 << 24)

/* Start a session recording up to capacity_events events per thread (more
 * are dropped and counted). Discards the previous session's events.
 * Returns PEL_OK, or PEL_EINVAL for 0 or more than PEL_TRACE_MAX_EVENTS. */
int pel_trace_start(size_t capacity_events);
/* Stop the session; copy up to max of its events, sorted by begin_ns, into
 * out; store the number of events not returned (buffer full or max too
 * small) into *dropped if non-NULL. Returns the number copied. Chunks
 * still running when it is called may or may not appear. */
size_t pel_trace_stop(pel_trace_event *out, size_t max, size_t *dropped);

#ifdef __cplusplus
}
#endif

#endif /* PEL_H */
