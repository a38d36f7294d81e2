/* pool.c — the worker threads: lazy start, sizing, resize, shutdown and
 * fork.
 *
 * Worker i (1 <= i < pool size) loops: pop a ticket and help that job; when
 * the queue is empty, wait for work the way sleep.c does (spin, then
 * park until a submitter's notify).
 *
 * Life cycle state (which threads exist) changes only under `lock`, which is
 * never taken on the job path: pel_pool_ensure() compares two generation
 * counters and returns. */
#include "pel/pel_internal.h"
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
} pool = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .shutdown_lock = PTHREAD_MUTEX_INITIALIZER,
    .gen = 1,
};

static void at_fork_prepare(void);
static void at_fork_parent(void);
static void at_fork_child(void);

static void pool_once_init(void) {
    pel_sleep_init();
    pel_contention_init();
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

/* Whether idle worker i should keep waiting for work: no shutdown, still
 * inside the pool's size. relaxed (stop, size): see pel_sleep_until_work;
 * worker_should_exit re-checks both properly. */
static int worker_stays(int i) {
    return !atomic_load_explicit(&pool.stop, memory_order_relaxed) &&
           i < atomic_load_explicit(&pool.size, memory_order_relaxed);
}

static void *worker_main(void *arg) {
    int i = (int)(intptr_t)arg;
    for (;;) {
        if (worker_should_exit(i)) return NULL;
        pel_job *job = pel_queue_pop();
        if (!job) job = pel_sleep_until_work(i, worker_stays);
        if (job) pel_job_help(job, i);
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
    if (n < old) pel_sleep_wake_all(); /* parked extra workers exit */
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
    pel_sleep_wake_all();
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
    atomic_fetch_add_explicit(&pool.gen, 1, memory_order_relaxed);
    pel_sleep_after_fork_child();
    pel_queue_reset_after_fork();
    pel_trace_after_fork_child();
}
