/* sleep.c — how threads of the execution layer wait, and who wakes them.
 *
 * Two kinds of waiting, one policy: spin, then sleep on a futex. Idle
 * workers spin as long as the program's cadence of calls suggests (below);
 * a job's caller spins pel_spin_ns.
 *
 *   idle workers   pel_sleep_until_work: poll the job queue, then park on
 *                  the `wake_seq` event count. Submitters call
 *                  pel_sleep_notify after queuing tickets; it wakes as many
 *                  sleepers as tickets were queued, and only if someone
 *                  sleeps (no lost wake-ups, no syscall while workers
 *                  spin).
 *   a job's caller pel_latch_wait: spin on the job's completion word, then
 *                  sleep on it; the thread finishing the last chunk calls
 *                  pel_latch_set.
 */
#include "pel/pel_internal.h"
#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Base spin budget before parking: 50 us. A futex wake-up costs the waker
 * a syscall (~2-5 us) and the sleeper a scheduler round trip (tens of us),
 * so back-to-back jobs (typical for NumPy-style loops, one call per array
 * operation) stay on the fast path if the gap between them is below the
 * budget, while an idle pool stops burning CPU after 50 us per worker.
 * PELX_SPIN_US overrides it (0 parks at once) and turns the cadence rule
 * below off; read by pel_sleep_init. Workers turn budgets into a
 * calibrated number of polls so that time spent descheduled does not
 * count; a waiting caller uses the clock. */
uint64_t pel_spin_ns = 50000;

/* The cadence rule: a program that calls pelx every 0.1-1 ms (Python code
 * between calls) would find the workers parked at every call with a 50 us
 * budget, and pay a wake-up each time (a 2-thread call then loses to a
 * 1-thread one). So idle workers spin for twice the recent gap between job
 * submissions (smoothed), as long as that gap is at most SPIN_MAX_NS; for
 * longer gaps spinning could not bridge them and the base budget applies.
 * 2 ms bridges a 1 ms cadence (time.sleep(0.001) between calls is ~1.1 ms
 * from one submission to the next) and keeps an idle pool's cost bounded:
 * at most 2 ms of spinning per worker after the last call. */
#define SPIN_MAX_NS 2000000u
static int cadence_on = 1;
/* relaxed (both): a heuristic; torn or stale values only change how long
 * a worker spins. */
static _Alignas(PEL_CACHE_LINE) _Atomic uint64_t last_submit_ns;
static _Atomic uint64_t gap_ns = UINT64_MAX; /* smoothed; MAX: no history */

/* Polls (queue check + pause) per microsecond of spinning, times 1024. */
static uint64_t polls_per_us_1024;

/* The polls an idle worker spins for now. */
static uint64_t spin_polls(void) {
    uint64_t ns = pel_spin_ns;
    if (cadence_on) {
        uint64_t gap = atomic_load_explicit(&gap_ns, memory_order_relaxed);
        if (gap <= SPIN_MAX_NS && 2 * gap > ns)
            ns = 2 * gap > SPIN_MAX_NS ? SPIN_MAX_NS : 2 * gap;
    }
    return ns * polls_per_us_1024 / 1024000u;
}

/* Called for every job handed to the pool: updates the smoothed gap
 * (weight 1/4 for the newest gap, so a change of cadence is followed
 * within a few calls). */
static void note_submit(uint64_t now) {
    uint64_t prev = atomic_exchange_explicit(&last_submit_ns, now,
                                             memory_order_relaxed);
    if (!prev || now < prev) return;
    uint64_t gap = now - prev, avg =
        atomic_load_explicit(&gap_ns, memory_order_relaxed);
    /* a gap beyond 4x the cap counts as 4x the cap: one long pause then
     * takes the average past the cap, and a few quick calls bring it back */
    if (gap > 4 * (uint64_t)SPIN_MAX_NS) gap = 4 * (uint64_t)SPIN_MAX_NS;
    avg = avg == UINT64_MAX ? gap : avg - avg / 4 + gap / 4;
    atomic_store_explicit(&gap_ns, avg, memory_order_relaxed);
}

static struct {
    _Alignas(PEL_CACHE_LINE) atomic_uint wake_seq; /* park futex */
    _Alignas(PEL_CACHE_LINE) atomic_int sleepers;  /* parked or about to */
} idle;

void pel_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

uint64_t pel_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void futex_wait(atomic_uint *word, unsigned expected) {
    /* Returns on wake, on EAGAIN (value changed already) or EINTR; callers
     * re-check their condition in a loop. */
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAIT_PRIVATE, expected, NULL,
            NULL, 0);
}

static void futex_wake(atomic_uint *word, int count) {
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL,
            0);
}

/* Polls per microsecond: the fastest of a few short runs, so a run that
 * was descheduled only makes the estimate (and the spin) shorter. */
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
    polls_per_us_1024 = (uint64_t)polls * 1024000u / best;
}

void pel_sleep_init(void) {
    const char *env = getenv("PELX_SPIN_US");
    if (env && *env) {
        char *end;
        long us = strtol(env, &end, 10);
        if (*end == '\0' && us >= 0 && us <= 1000000) {
            pel_spin_ns = (uint64_t)us * 1000;
            cadence_on = 0; /* the budget is the user's */
        }
    }
    calibrate_spin();
}

void pel_sleep_after_fork_child(void) {
    /* relaxed (both): single-threaded here. */
    atomic_store_explicit(&idle.sleepers, 0, memory_order_relaxed);
    atomic_store_explicit(&idle.wake_seq, 0, memory_order_relaxed);
}

pel_job *pel_sleep_until_work(int worker, int (*stay)(int worker)) {
    /* Spin: poll the queue for spin_polls()'s budget of this thread's own
     * running time. Counted in polls, not read from the wall clock, so time
     * spent descheduled (a loaded machine) does not use up the budget and a
     * worker that gets the CPU back still answers fast. */
    uint64_t polls = spin_polls();
    for (uint64_t k = 0; k < polls && stay(worker); k++) {
        pel_job *job;
        if (pel_queue_maybe_nonempty() && (job = pel_queue_pop()) != NULL)
            return job;
        pel_cpu_relax();
    }
    /* Park. seq_cst (sleepers increment, wake_seq load, queue check): the
     * Dekker pairing with pel_sleep_notify. */
    atomic_fetch_add_explicit(&idle.sleepers, 1, memory_order_seq_cst);
    unsigned seq = atomic_load_explicit(&idle.wake_seq, memory_order_seq_cst);
    /* stay() reads the pool's stop and size relaxed: their writers call
     * pel_sleep_wake_all afterwards (seq_cst on wake_seq), so a stale value
     * here makes futex_wait return at once instead of sleeping through the
     * change. */
    if (!pel_queue_maybe_nonempty() && stay(worker)) {
        pel_stat_add(&pel_stats_cell(worker)->parks, 1, 0);
        futex_wait(&idle.wake_seq, seq);
    }
    /* relaxed: a stale count only costs a submitter one futex_wake. */
    atomic_fetch_sub_explicit(&idle.sleepers, 1, memory_order_relaxed);
    return NULL;
}

void pel_sleep_notify(int count, uint64_t now_ns) {
    note_submit(now_ns);
    /* seq_cst fence: orders our ticket push before the sleepers load, the
     * mirror of a parking worker's sleepers increment before its queue
     * check; one of the two sides sees the other (Dekker). */
    atomic_thread_fence(memory_order_seq_cst);
    /* relaxed: ordered by the fence above. */
    if (atomic_load_explicit(&idle.sleepers, memory_order_relaxed) > 0) {
        /* seq_cst (release part needed): a worker whose acquire load of
         * wake_seq sees the new value also sees our tickets; one that read
         * the old value gets EAGAIN from futex_wait. */
        atomic_fetch_add_explicit(&idle.wake_seq, 1, memory_order_seq_cst);
        futex_wake(&idle.wake_seq, count);
    }
}

void pel_sleep_wake_all(void) {
    /* seq_cst: see pel_sleep_notify. */
    atomic_fetch_add_explicit(&idle.wake_seq, 1, memory_order_seq_cst);
    futex_wake(&idle.wake_seq, INT_MAX);
}

/* Latch word values. */
enum { LATCH_OPEN = 0, LATCH_WAITER_SLEEPS = 1, LATCH_SET = 2 };

void pel_latch_reset(atomic_uint *latch) {
    /* relaxed: the job block is private until its tickets are pushed, and
     * the queue's release/acquire publishes it. */
    atomic_store_explicit(latch, LATCH_OPEN, memory_order_relaxed);
}

int pel_latch_is_set(atomic_uint *latch) {
    /* acquire: if set, the setter's effects are visible. */
    return atomic_load_explicit(latch, memory_order_acquire) == LATCH_SET;
}

void pel_latch_set(atomic_uint *latch) {
    /* acq_rel: release lets the waiter's acquire see everything that
     * happened before; acquire orders the wake after it. */
    unsigned prev = atomic_exchange_explicit(latch, LATCH_SET,
                                             memory_order_acq_rel);
    if (prev == LATCH_WAITER_SLEEPS) futex_wake(latch, 1);
}

void pel_latch_wait(atomic_uint *latch) {
    uint64_t start = 0;
    /* acquire: pairs with the setter's release. */
    for (unsigned i = 0;; i++) {
        if (atomic_load_explicit(latch, memory_order_acquire) == LATCH_SET)
            return;
        pel_cpu_relax();
        if ((i & 63) == 0) { /* read the clock every 64 polls only */
            uint64_t now = pel_now_ns();
            if (!start) start = now;
            else if (now - start > pel_spin_ns) break;
        }
    }
    unsigned expect = LATCH_OPEN;
    /* acquire on failure: the latch is set then (see above). */
    if (!atomic_compare_exchange_strong_explicit(latch, &expect,
                                                 LATCH_WAITER_SLEEPS,
                                                 memory_order_acquire,
                                                 memory_order_acquire))
        return;
    while (atomic_load_explicit(latch, memory_order_acquire) != LATCH_SET)
        futex_wait(latch, LATCH_WAITER_SLEEPS);
}
