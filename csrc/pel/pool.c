/* pool.c — the worker threads: lazy start, sizing, resize, parking,
 * shutdown and fork.
 *
 * Worker i (1 <= i < pool size) loops: pop a ticket and help that job; when
 * the queue is empty, spin for pel_spin_ns, then park on the `wake_seq`
 * futex. Submitters bump wake_seq and wake as many sleepers as they queued
 * tickets, and only if someone sleeps (an event count: no lost wake-ups, no
 * syscall while workers spin).
 *
 * Life cycle state (which threads exist) changes only under `lock`, which is
 * never taken on the job path: pel_pool_ensure() compares two generation
 * counters and returns. */
#include "pel/pel_internal.h"
#include <limits.h>
#include <stdlib.h>

enum { W_EMPTY = 0, W_RUNNING, W_EXITED };

static struct {
    pthread_mutex_t lock;        /* guards state[] / threads[] */
    pthread_mutex_t shutdown_lock; /* serializes pel_shutdown */
    int state[PEL_MAX_THREADS];  /* W_* of worker i (under lock) */
    pthread_t threads[PEL_MAX_THREADS];
    atomic_int size;             /* pool size incl. caller; 0: not set yet */
    atomic_uint gen;             /* bumped when the wanted set of workers changes */
    atomic_uint ready_gen;       /* gen the running workers match */
    atomic_int stop;             /* shutdown in progress: workers exit */
    atomic_int nworkers;         /* workers started and not exited */
    _Alignas(PEL_CACHE_LINE) atomic_uint wake_seq; /* park futex */
    _Alignas(PEL_CACHE_LINE) atomic_int sleepers;  /* workers parked or about to */
} pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .shutdown_lock = PTHREAD_MUTEX_INITIALIZER,
    .gen = 1,
};

static void at_fork_prepare(void);
static void at_fork_parent(void);
static void at_fork_child(void);

/* Polls (queue check + pause) that take about pel_spin_ns, measured at
 * start: the fastest of a few short runs, so a run that was descheduled
 * only makes the estimate (and the spin) shorter. */
static uint64_t spin_polls;

static void calibrate_spin(void) {
    const int polls = 2000;
    uint64_t best = UINT64_MAX;
    for (int trial = 0; trial < 3; trial++) {
        uint64_t t0 = pel_now_ns();
        for (int k = 0; k < polls; k++) {
            if (pel_queue_maybe_nonempty()) pel_cpu_relax();
            pel_cpu_relax();
        }
        uint64_t dt = pel_now_ns() - t0;
        if (dt < best) best = dt;
    }
    if (best == 0) best = 1;
    spin_polls = pel_spin_ns * (uint64_t)polls / best;
}

static void pool_once_init(void) {
    const char *env = getenv("PELX_SPIN_US");
    if (env && *env) {
        char *end;
        long us = strtol(env, &end, 10);
        if (*end == '\0' && us >= 0 && us <= 1000000) pel_spin_ns = (uint64_t)us * 1000;
    }
    calibrate_spin();
    pthread_atfork(at_fork_prepare, at_fork_parent, at_fork_child);
}
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static int pool_size(void) {
    /* relaxed: the size is a plain setting; workers re-read it each loop. */
    int s = atomic_load_explicit(&pool.size, memory_order_relaxed);
    if (s == 0) {
        int zero = 0, d = pel_default_num_threads();
        /* relaxed: first initializer wins; any value read is valid. */
        atomic_compare_exchange_strong_explicit(&pool.size, &zero, d,
                                                memory_order_relaxed,
                                                memory_order_relaxed);
        s = atomic_load_explicit(&pool.size, memory_order_relaxed);
    }
    return s;
}

int pel_get_num_threads(void) { return pool_size(); }

int pel_pool_workers(void) {
    /* relaxed: a hint for how many tickets are worth queuing. */
    return atomic_load_explicit(&pool.nworkers, memory_order_relaxed);
}

int pel_job_slots(const pel_opts *opts) {
    if (pel_tls_depth > 0) return 1; /* nested calls run inline */
    int s = pool_size();
    if (opts && opts->max_threads > 0 && opts->max_threads < s) s = opts->max_threads;
    return s;
}

/* Wake every parked worker (they re-check size / stop). */
static void wake_all(void) {
    /* seq_cst: see pel_pool_notify. */
    atomic_fetch_add_explicit(&pool.wake_seq, 1, memory_order_seq_cst);
    pel_futex_wake(&pool.wake_seq, INT_MAX);
}

void pel_pool_notify(int count) {
    /* seq_cst fence: orders our ticket push before the sleepers load, the
     * mirror of a parking worker's sleepers increment before its queue
     * check; one of the two sides sees the other (Dekker). */
    atomic_thread_fence(memory_order_seq_cst);
    /* relaxed: ordered by the fence above. */
    if (atomic_load_explicit(&pool.sleepers, memory_order_relaxed) > 0) {
        /* seq_cst (release part needed): a worker whose acquire load of
         * wake_seq sees the new value also sees our tickets; one that read
         * the old value gets EAGAIN from futex_wait. */
        atomic_fetch_add_explicit(&pool.wake_seq, 1, memory_order_seq_cst);
        pel_futex_wake(&pool.wake_seq, count);
    }
}

/* Should worker i leave? Exits under the lock so a concurrent grow either
 * sees it running (and it stays) or exited (and restarts it). */
static int worker_should_exit(int i) {
    /* acquire: pel_shutdown's stop store; nothing else to read though. */
    if (atomic_load_explicit(&pool.stop, memory_order_acquire)) return 1;
    /* relaxed: a shrink is also announced through wake_seq (seq_cst), so a
     * parked worker wakes up and sees it; a late look is harmless. */
    if (i < atomic_load_explicit(&pool.size, memory_order_relaxed)) return 0;
    int leave = 0;
    pthread_mutex_lock(&pool.lock);
    /* relaxed (stop, size): both are written under the lock we hold. */
    if (atomic_load_explicit(&pool.stop, memory_order_relaxed)) {
        leave = 1; /* pel_shutdown joins it */
    } else if (i >= atomic_load_explicit(&pool.size, memory_order_relaxed)) {
        pool.state[i] = W_EXITED; /* joined by the next grow or shutdown */
        /* relaxed: a hint (pel_pool_workers). */
        atomic_fetch_sub_explicit(&pool.nworkers, 1, memory_order_relaxed);
        leave = 1;
    }
    pthread_mutex_unlock(&pool.lock);
    return leave;
}

static void *worker_main(void *arg) {
    int i = (int)(intptr_t)arg;
    pel_stat_cell *st = pel_stats_cell(i);
    for (;;) {
        if (worker_should_exit(i)) return NULL;
        pel_job *job = pel_queue_pop();
        if (job) {
            pel_job_help(job, i);
            continue;
        }
        /* Spin: poll the queue for about pel_spin_ns of this thread's own
         * running time. Counted in polls, not read from the wall clock, so
         * time spent descheduled (a loaded machine) does not use up the
         * budget and a worker that gets the CPU back still answers fast. */
        /* relaxed: stop is re-checked with acquire before exiting. */
        for (uint64_t k = 0; k < spin_polls &&
                             !atomic_load_explicit(&pool.stop, memory_order_relaxed);
             k++) {
            if (pel_queue_maybe_nonempty() && (job = pel_queue_pop()) != NULL) break;
            pel_cpu_relax();
        }
        if (job) {
            pel_job_help(job, i);
            continue;
        }
        /* Park. seq_cst (sleepers increment, wake_seq load, queue check):
         * the Dekker pairing with pel_pool_notify. */
        atomic_fetch_add_explicit(&pool.sleepers, 1, memory_order_seq_cst);
        unsigned seq = atomic_load_explicit(&pool.wake_seq, memory_order_seq_cst);
        /* relaxed (stop, size): their writers bump wake_seq afterwards
         * (seq_cst), so reading stale values here makes futex_wait return
         * at once instead of sleeping through the change. */
        if (!pel_queue_maybe_nonempty() &&
            !atomic_load_explicit(&pool.stop, memory_order_relaxed) &&
            i < atomic_load_explicit(&pool.size, memory_order_relaxed)) {
            pel_stat_add(&st->parks, 1, 0);
            pel_futex_wait(&pool.wake_seq, seq);
        }
        /* relaxed: a stale count only costs a submitter one futex_wake. */
        atomic_fetch_sub_explicit(&pool.sleepers, 1, memory_order_relaxed);
    }
}

int pel_pool_ensure(void) {
    pthread_once(&pool_once, pool_once_init);
    int s = pool_size();
    /* acquire: pairs with the release store of ready_gen below, so a thread
     * that sees the pool ready also sees nworkers etc. */
    unsigned g = atomic_load_explicit(&pool.gen, memory_order_acquire);
    if (atomic_load_explicit(&pool.ready_gen, memory_order_acquire) == g) return s;

    pthread_mutex_lock(&pool.lock);
    /* relaxed (gen, stop): written under this lock, or (gen in
     * pel_set_num_threads) re-checked by the next ensure anyway. */
    g = atomic_load_explicit(&pool.gen, memory_order_relaxed);
    s = pool_size();
    if (!atomic_load_explicit(&pool.stop, memory_order_relaxed)) {
        for (int i = 1; i < s; i++) {
            if (pool.state[i] == W_RUNNING) continue;
            if (pool.state[i] == W_EXITED) pthread_join(pool.threads[i], NULL);
            pool.state[i] = W_EMPTY;
            pthread_attr_t attr;
            pthread_attr_init(&attr);
            /* Workers need little stack of their own; chunk functions may
             * recurse (nested calls run inline), so keep a generous 2 MiB. */
            pthread_attr_setstacksize(&attr, 2u << 20);
            int err = pthread_create(&pool.threads[i], &attr, worker_main,
                                     (void *)(intptr_t)i);
            pthread_attr_destroy(&attr);
            if (err) break; /* fewer workers; callers run the chunks */
            pool.state[i] = W_RUNNING;
            pel_stats_note_worker(i);
            /* relaxed: a hint (pel_pool_workers). */
            atomic_fetch_add_explicit(&pool.nworkers, 1, memory_order_relaxed);
        }
    }
    /* release: see the acquire above. */
    atomic_store_explicit(&pool.ready_gen, g, memory_order_release);
    pthread_mutex_unlock(&pool.lock);
    return s;
}

int pel_set_num_threads(int n) {
    int old = pool_size();
    if (n <= 0) n = pel_default_num_threads();
    if (n > PEL_MAX_THREADS) n = PEL_MAX_THREADS;
    /* relaxed: workers and submitters pick it up on their next check;
     * running jobs keep the threads they have. */
    atomic_store_explicit(&pool.size, n, memory_order_relaxed);
    /* release: a submitter that sees the new gen re-runs ensure. */
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    if (n < old) wake_all(); /* parked extra workers exit */
    return old;
}

void pel_shutdown(void) {
    if (pel_tls_depth > 0) return; /* cannot join the thread we run on */
    pthread_mutex_lock(&pool.shutdown_lock);
    pthread_t joins[PEL_MAX_THREADS];
    int nj = 0;
    pthread_mutex_lock(&pool.lock);
    /* release: pairs with the workers' acquire in worker_should_exit. */
    atomic_store_explicit(&pool.stop, 1, memory_order_release);
    for (int i = 1; i < PEL_MAX_THREADS; i++) {
        if (pool.state[i] != W_EMPTY) joins[nj++] = pool.threads[i];
        pool.state[i] = W_EMPTY;
    }
    /* relaxed: a hint; no tickets are queued for departing workers. */
    atomic_store_explicit(&pool.nworkers, 0, memory_order_relaxed);
    pthread_mutex_unlock(&pool.lock);
    wake_all();
    /* A worker inside a job finishes its part of that job first. */
    for (int i = 0; i < nj; i++) pthread_join(joins[i], NULL);
    pthread_mutex_lock(&pool.lock);
    /* relaxed: readers of stop that matter hold the lock; release on gen:
     * see pel_set_num_threads. */
    atomic_store_explicit(&pool.stop, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_release);
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.shutdown_lock);
}

/* Hold `lock` across fork so the child inherits a consistent state[]
 * (shutdown_lock is not taken: a chunk that forks during pel_shutdown would
 * deadlock; the child re-initializes it instead). */
static void at_fork_prepare(void) { pthread_mutex_lock(&pool.lock); }

static void at_fork_parent(void) { pthread_mutex_unlock(&pool.lock); }

static void at_fork_child(void) {
    /* Only the forking thread exists: forget the parent's workers and
     * tickets; the next job starts fresh workers. */
    pthread_mutex_init(&pool.lock, NULL);
    pthread_mutex_init(&pool.shutdown_lock, NULL);
    for (int i = 0; i < PEL_MAX_THREADS; i++) pool.state[i] = W_EMPTY;
    /* relaxed (all): single-threaded here. */
    atomic_store_explicit(&pool.stop, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.nworkers, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.sleepers, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.wake_seq, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_relaxed);
    pel_queue_reset_after_fork();
    pel_trace_after_fork_child();
}
