/* contention.c — fewer threads while other programs hold the cores.
 *
 * When another process keeps a core busy, a worker that joins a job may be
 * preempted in the middle of a chunk, and the caller then waits a whole
 * scheduler time slice (milliseconds) for that chunk: a 2-thread call gets
 * slower than a 1-thread one. The sign shows at the join: the caller, out
 * of chunks to take, waits far longer than its own chunks lasted.
 *
 * So each parallel job reports its caller's chunks and its wait at the join
 * (pel_contention_note). A sign halves the threads later jobs may use, for
 * a cooldown that doubles at each new sign (20 ms up to 1 s) and halves
 * after each clean job at full width; when the cooldown ends, jobs try the
 * full width again. A program on a quiet machine never sees a cap; on a
 * loaded one, at most one slow call per cooldown probes whether the cores
 * came back. PELX_CONTENTION=0 (read at pool start) or
 * pel_contention_rule(0) turns the rule off. */
#include "pel/pel_internal.h"
#include <stdlib.h>

/* A join wait is a sign when it exceeds all of: 50 us (scheduler noise
 * and wake-up latency stay below), SIGN_CHUNKS times the caller's average
 * chunk (a healthy join waits for at most one chunk in progress, and
 * chunks of one job cost about the same), and a quarter of the job. */
#define SIGN_WAIT_NS 50000u
#define SIGN_CHUNKS 4
#define COOLDOWN_MIN_NS 20000000u   /* 20 ms */
#define COOLDOWN_MAX_NS 1000000000u /* 1 s */

/* relaxed (all): a heuristic shared by the threads that submit jobs; a
 * stale or racing update only changes how many threads the next job gets,
 * never correctness (pel_job_submit only lowers the slot count). */
static _Atomic int rule_on = 1;
static _Atomic int cap;               /* 0: no cap */
static _Atomic uint64_t cap_until_ns; /* the cap holds until then */
static _Atomic uint64_t cooldown_ns = COOLDOWN_MIN_NS;

void pel_contention_init(void) {
    const char *env = getenv("PELX_CONTENTION");
    if (env && env[0] == '0' && !env[1]) pel_contention_rule(0);
}

int pel_contention_rule(int on) {
    if (on < 0) return atomic_load_explicit(&rule_on, memory_order_relaxed);
    int prev = atomic_exchange_explicit(&rule_on, on != 0, memory_order_relaxed);
    atomic_store_explicit(&cap, 0, memory_order_relaxed); /* start afresh */
    atomic_store_explicit(&cooldown_ns, COOLDOWN_MIN_NS, memory_order_relaxed);
    return prev;
}

int pel_contention_cap(int slots) {
    int c = atomic_load_explicit(&cap, memory_order_relaxed);
    if (c <= 0 || c >= slots) return slots;
    if (pel_now_ns() >= atomic_load_explicit(&cap_until_ns,
                                             memory_order_relaxed)) {
        atomic_store_explicit(&cap, 0, memory_order_relaxed); /* probe */
        return slots;
    }
    return c;
}

void pel_contention_note(int slots, int64_t caller_chunks,
                         uint64_t caller_ns, uint64_t wait_ns) {
    if (!atomic_load_explicit(&rule_on, memory_order_relaxed)) return;
    uint64_t per_chunk = caller_ns / (uint64_t)(caller_chunks > 0 ? caller_chunks : 1);
    uint64_t job_ns = caller_ns + wait_ns;
    uint64_t cool = atomic_load_explicit(&cooldown_ns, memory_order_relaxed);
    if (wait_ns > SIGN_WAIT_NS && wait_ns > SIGN_CHUNKS * per_chunk &&
        wait_ns > job_ns / 4) {
        int c = slots / 2 > 1 ? slots / 2 : 1;
        atomic_store_explicit(&cap, c, memory_order_relaxed);
        atomic_store_explicit(&cap_until_ns, pel_now_ns() + cool,
                              memory_order_relaxed);
        cool = cool * 2 > COOLDOWN_MAX_NS ? COOLDOWN_MAX_NS : cool * 2;
    } else if (atomic_load_explicit(&cap, memory_order_relaxed) == 0) {
        cool = cool / 2 < COOLDOWN_MIN_NS ? COOLDOWN_MIN_NS : cool / 2;
    } else {
        return;
    }
    atomic_store_explicit(&cooldown_ns, cool, memory_order_relaxed);
}
