/* test_pel.c — tests of the execution layer (csrc/pel).
 *
 * Run all tests: ./test_pel        One test: ./test_pel NAME
 * Exit status is non-zero if any check failed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "check.h"
#include "pel/pel.h"
#include "pel/pel_internal.h" /* the contention rule's own functions */

#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

int check_failures;

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- every index exactly once, >= 1e6 tiny tasks ------------------------ */

typedef struct {
    atomic_uchar *seen;
    atomic_long calls;
} cover_ctx;

static int cover_fn(void *p, int64_t b, int64_t e, int slot) {
    cover_ctx *c = p;
    (void)slot;
    for (int64_t i = b; i < e; i++)
        atomic_fetch_add_explicit(&c->seen[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->calls, 1, memory_order_relaxed);
    return 0;
}

static void test_tiny_tasks(void) {
    const int64_t n = SCALED(1000000);
    cover_ctx c = {calloc((size_t)n, 1), 0};
    int threads[] = {1, 2, 4};
    for (int t = 0; t < 3; t++) {
        pel_set_num_threads(threads[t]);
        memset(c.seen, 0, (size_t)n);
        atomic_store(&c.calls, 0);
        /* grain 1: one chunk per index, n tiny tasks */
        int rc = pel_parallel_for(n, 1, cover_fn, &c, NULL);
        CHECK(rc == PEL_OK, "rc=%d", rc);
        CHECK(atomic_load(&c.calls) == n, "calls=%ld n=%ld", atomic_load(&c.calls), (long)n);
        int64_t bad = 0;
        for (int64_t i = 0; i < n; i++) bad += c.seen[i] != 1;
        CHECK(bad == 0, "%ld indices not visited exactly once (threads=%d)", (long)bad, threads[t]);
    }
    /* many small jobs: every job visits its range exactly once */
    pel_set_num_threads(4);
    const int jobs = SCALED(20000);
    long total = 0;
    for (int j = 0; j < jobs; j++) {
        atomic_store_explicit(&c.calls, 0, memory_order_relaxed);
        int64_t m = 8 + j % 50;
        memset(c.seen, 0, (size_t)m);
        CHECK(pel_parallel_for(m, 1 + j % 3, cover_fn, &c, NULL) == PEL_OK, "job %d", j);
        for (int64_t i = 0; i < m; i++) total += c.seen[i] != 1;
    }
    CHECK(total == 0, "%ld bad indices over %d small jobs", total, jobs);
    free(c.seen);
}

/* ---- slots: unique and in range ----------------------------------------- */

typedef struct {
    int slots;
    atomic_int active[64];
    atomic_int bad;
} slot_ctx;

static int slot_fn(void *p, int64_t b, int64_t e, int slot) {
    slot_ctx *c = p;
    (void)b, (void)e;
    if (slot < 0 || slot >= c->slots) {
        atomic_fetch_add(&c->bad, 1);
        return 0;
    }
    /* two threads with the same slot at once would make this 2 */
    if (atomic_fetch_add(&c->active[slot], 1) != 0) atomic_fetch_add(&c->bad, 1);
    for (volatile int k = 0; k < 200; k++) {}
    atomic_fetch_sub(&c->active[slot], 1);
    return 0;
}

static void test_slots(void) {
    pel_set_num_threads(4);
    for (int mt = 0; mt <= 3; mt++) {
        pel_opts o = {.max_threads = mt};
        slot_ctx c;
        memset(&c, 0, sizeof c);
        c.slots = pel_job_slots(&o);
        CHECK(c.slots == (mt ? mt : 4), "slots=%d max_threads=%d", c.slots, mt);
        CHECK(pel_parallel_for(SCALED(20000), 7, slot_fn, &c, &o) == PEL_OK, "rc");
        CHECK(atomic_load(&c.bad) == 0, "%d slot violations", atomic_load(&c.bad));
    }
}

/* ---- invalid arguments --------------------------------------------------- */

static int noop_fn(void *p, int64_t b, int64_t e, int s) { (void)p, (void)b, (void)e, (void)s; return 0; }
static int noop_red(void *p, int64_t b, int64_t e, void *part, int s) {
    (void)p, (void)s;
    *(int64_t *)part = e - b;
    return 0;
}
static void add_i64(void *p, void *acc, const void *rhs) { (void)p; *(int64_t *)acc += *(const int64_t *)rhs; }

static void test_invalid(void) {
    int64_t r = -1;
    CHECK(pel_parallel_for(-1, 1, noop_fn, NULL, NULL) == PEL_EINVAL, "n<0");
    CHECK(pel_parallel_for(10, 0, noop_fn, NULL, NULL) == PEL_EINVAL, "grain 0");
    CHECK(pel_parallel_for(10, 1, NULL, NULL, NULL) == PEL_EINVAL, "NULL fn");
    CHECK(pel_parallel_for(0, 1, noop_fn, NULL, NULL) == PEL_OK, "n=0");
    CHECK(pel_parallel_reduce(10, 1, 8, noop_red, NULL, NULL, &r, NULL) == PEL_EINVAL, "no combine");
    CHECK(pel_parallel_reduce(10, 1, 8, noop_red, add_i64, NULL, NULL, NULL) == PEL_EINVAL, "no result");
    CHECK(pel_parallel_reduce(0, 4, 8, noop_red, add_i64, NULL, &r, NULL) == PEL_OK && r == 0, "n=0 r=%ld", (long)r);
    CHECK(pel_parallel_reduce(1001, 4, 8, noop_red, add_i64, NULL, &r, NULL) == PEL_OK && r == 1001, "r=%ld", (long)r);
}

/* ---- 64 concurrent submitting threads ---------------------------------- */

static int sum_red(void *p, int64_t b, int64_t e, void *part, int s) {
    (void)p, (void)s;
    int64_t acc = 0;
    for (int64_t i = b; i < e; i++) acc += i;
    *(int64_t *)part = acc;
    return 0;
}

static atomic_int submit_errors;

static void *submitter(void *arg) {
    long id = (long)arg;
    for (int j = 0; j < SCALED(200); j++) {
        int64_t n = 100 + (id * 37 + j * 11) % 5000, r = 0;
        int rc = pel_parallel_reduce(n, 1 + (j % 64), sizeof r, sum_red, add_i64, NULL, &r, NULL);
        if (rc != PEL_OK || r != n * (n - 1) / 2) atomic_fetch_add(&submit_errors, 1);
        cover_ctx c = {calloc((size_t)n, 1), 0};
        rc = pel_parallel_for(n, 3, cover_fn, &c, NULL);
        for (int64_t i = 0; i < n; i++)
            if (c.seen[i] != 1) rc = -1;
        if (rc) atomic_fetch_add(&submit_errors, 1);
        free(c.seen);
    }
    return NULL;
}

static void test_concurrent_submit(void) {
    pel_set_num_threads(4);
    pthread_t th[64];
    for (long i = 0; i < 64; i++) pthread_create(&th[i], NULL, submitter, (void *)i);
    for (int i = 0; i < 64; i++) pthread_join(th[i], NULL);
    CHECK(atomic_load(&submit_errors) == 0, "%d wrong results", atomic_load(&submit_errors));
}

/* ---- nested calls, depth 8 ----------------------------------------------- */

typedef struct {
    int depth;
    atomic_long *leaves;
    atomic_int *bad;
} nest_ctx;

static int nest_fn(void *p, int64_t b, int64_t e, int slot) {
    nest_ctx *c = p;
    (void)slot;
    if (!pel_in_parallel()) atomic_fetch_add(c->bad, 1);
    for (int64_t i = b; i < e; i++) {
        if (c->depth == 8) {
            atomic_fetch_add(c->leaves, 1);
            continue;
        }
        nest_ctx inner = {c->depth + 1, c->leaves, c->bad};
        if (pel_job_slots(NULL) != 1) atomic_fetch_add(c->bad, 1);
        if (pel_parallel_for(3, 1, nest_fn, &inner, NULL) != PEL_OK) atomic_fetch_add(c->bad, 1);
    }
    return 0;
}

static void test_nested(void) {
    pel_set_num_threads(4);
    atomic_long leaves = 0;
    atomic_int bad = 0;
    nest_ctx c = {1, &leaves, &bad};
    /* 3^8 leaves: depth 1 has 3 indices, each level below 3 more */
    CHECK(pel_parallel_for(3, 1, nest_fn, &c, NULL) == PEL_OK, "rc");
    CHECK(atomic_load(&leaves) == 6561, "leaves=%ld", atomic_load(&leaves));
    CHECK(atomic_load(&bad) == 0, "bad=%d", atomic_load(&bad));
    CHECK(!pel_in_parallel(), "in_parallel outside a job");
}

/* ---- cancellation -------------------------------------------------------- */

typedef struct {
    int cancel;
    atomic_long ran;
    int64_t trigger;
} cancel_ctx;

static int cancel_fn(void *p, int64_t b, int64_t e, int slot) {
    cancel_ctx *c = p;
    (void)slot;
    atomic_fetch_add(&c->ran, e - b);
    if (b <= c->trigger && c->trigger < e) __atomic_store_n(&c->cancel, 1, __ATOMIC_RELAXED);
    sleep_us(20);
    return 0;
}

static atomic_int interrupt_go;

static int interrupt_fn(void *p, int64_t b, int64_t e, int slot) {
    cancel_ctx *c = p;
    (void)slot;
    atomic_fetch_add(&c->ran, e - b);
    atomic_store(&interrupt_go, 1);
    sleep_us(50);
    return 0;
}

static void *interrupter(void *arg) {
    (void)arg;
    while (!atomic_load(&interrupt_go)) sleep_us(10);
    sleep_us(2000);
    pel_interrupt();
    return NULL;
}

/* pel_opts.poll: called on the calling thread only, before each of its
 * chunks; its non-zero code stops the job. The chunks wait until the
 * caller has polled once, so that the workers cannot take every chunk
 * before the caller starts (the caller's own range then has a chunk left
 * for it: each worker holds at most one). */
typedef struct poll_ctx {
    pthread_t caller;
    atomic_long calls, off_caller, ran;
    long stop_at; /* return 7 on this call (-1: never) */
} poll_ctx;

static int poll_fn(void *p) {
    poll_ctx *c = p;
    if (!pthread_equal(pthread_self(), c->caller)) atomic_fetch_add(&c->off_caller, 1);
    return atomic_fetch_add(&c->calls, 1) + 1 == c->stop_at ? 7 : 0;
}

static void after_first_poll(poll_ctx *c) {
    while (atomic_load(&c->calls) == 0) sleep_us(10);
}

static int gated_count_fn(void *p, int64_t b, int64_t e, int slot) {
    (void)slot;
    after_first_poll(p);
    atomic_fetch_add(&((poll_ctx *)p)->ran, e - b);
    return 0;
}

static int gated_sum_red(void *p, int64_t b, int64_t e, void *part, int s) {
    after_first_poll(p);
    return sum_red(NULL, b, e, part, s);
}

static void test_poll(void) {
    for (int threads = 1; threads <= 4; threads *= 2) {
        pel_set_num_threads(threads);
        const int64_t n = 2000;
        poll_ctx c = {pthread_self(), 0, 0, 0, -1};
        pel_opts o = {.poll = poll_fn, .poll_arg = &c};
        int rc = pel_parallel_for(n, 1, gated_count_fn, &c, &o);
        CHECK(rc == PEL_OK && atomic_load(&c.ran) == n, "rc=%d ran=%ld", rc, atomic_load(&c.ran));
        CHECK(atomic_load(&c.off_caller) == 0, "%d threads: poll ran on a worker", threads);
        CHECK(atomic_load(&c.calls) >= 1 && atomic_load(&c.calls) <= n,
              "%d threads: %ld polls", threads, atomic_load(&c.calls));
        /* a non-zero poll stops the job with its code */
        poll_ctx d = {pthread_self(), 0, 0, 0, 1};
        o.poll_arg = &d;
        rc = pel_parallel_for(n, 1, gated_count_fn, &d, &o);
        CHECK(rc == 7 && atomic_load(&d.ran) < n, "%d threads: rc=%d ran=%ld", threads, rc, atomic_load(&d.ran));
        int64_t r = 77;
        atomic_store(&d.calls, 0);
        rc = pel_parallel_reduce(n, 10, sizeof r, gated_sum_red, add_i64, &d, &r, &o);
        CHECK(rc == 7 && r == 77, "%d threads: reduce rc=%d r=%ld", threads, rc, (long)r);
    }
}

/* The contention rule: a join that waits far longer than the caller's
 * chunks (a worker held up mid-chunk, as when preempted) makes the next
 * jobs run on fewer threads; after the cooldown they use all again. */
typedef struct late_ctx {
    pthread_t caller;
    atomic_long off_caller; /* chunks run by workers */
    int slow_us;            /* a worker's chunk takes this long */
} late_ctx;

static int late_fn(void *p, int64_t b, int64_t e, int slot) {
    late_ctx *c = p;
    (void)b, (void)e, (void)slot;
    if (!pthread_equal(pthread_self(), c->caller)) {
        atomic_fetch_add(&c->off_caller, 1);
        if (c->slow_us) sleep_us(c->slow_us);
    }
    return 0;
}

/* Runs jobs of n chunks until a worker runs one of them, for up to 10 s:
 * on a loaded machine a woken worker may not get a core before the caller
 * has run a whole job alone, many times over (a fixed number of tries
 * failed there). */
static int a_worker_joins(late_ctx *c, int64_t n) {
    const double deadline = now_s() + 10.0;
    while (now_s() < deadline) {
        atomic_store(&c->off_caller, 0);
        CHECK(pel_parallel_for(n, 1, late_fn, c, NULL) == PEL_OK, "job");
        if (atomic_load(&c->off_caller) > 0) return 1;
    }
    return 0;
}

static void test_contention(void) {
    pel_set_num_threads(2);
    int was = pel_contention_rule(1);
    /* The rule itself, on given numbers (1 us chunks): */
    CHECK(pel_contention_cap(4) == 4, "a fresh rule caps");
    pel_contention_note(4, 100, 100 * 1000, 40 * 1000); /* 40 us: noise */
    CHECK(pel_contention_cap(4) == 4, "a 40 us join wait counted as a sign");
    pel_contention_note(4, 100, 100 * 1000, 5 * 1000 * 1000); /* 5 ms */
    CHECK(pel_contention_cap(4) == 2, "a 5 ms join wait did not halve the threads");
    sleep_us(30000);
    CHECK(pel_contention_cap(4) == 4, "the cap outlived its 20 ms cooldown");
    pel_contention_rule(1); /* forget that sign */

    /* The same, end to end: many short chunks; the caller takes all but
     * the one a worker holds for 5 ms, then waits for it at the join. */
    late_ctx c = {pthread_self(), 0, 5000};
    CHECK(a_worker_joins(&c, 4000), "no worker joined in 10 s of jobs");
    /* The next job runs on the caller alone, if the join showed the sign:
     * on a loaded machine the caller's own chunks may be preempted too,
     * so that the wait is no longer far above them (no sign, no cap), or
     * this thread may be held up past the 20 ms cooldown itself. */
    const int capped = pel_contention_cap(2) == 1;
    double t_sign = now_s();
    c.slow_us = 0;
    atomic_store(&c.off_caller, 0);
    CHECK(pel_parallel_for(4000, 1, late_fn, &c, NULL) == PEL_OK, "job");
    CHECK(!capped || atomic_load(&c.off_caller) == 0 || now_s() - t_sign > 0.02,
          "capped job used %ld worker chunks", atomic_load(&c.off_caller));
    /* after the cooldown (20 ms for a first sign) workers take part again */
    sleep_us(30000);
    CHECK(a_worker_joins(&c, 40000),
          "workers did not come back after the cooldown");
    /* off: the same late join changes nothing */
    pel_contention_rule(0);
    c.slow_us = 5000;
    for (int k = 0; k < 3; k++)
        CHECK(pel_parallel_for(4000, 1, late_fn, &c, NULL) == PEL_OK, "job");
    c.slow_us = 0;
    CHECK(a_worker_joins(&c, 40000), "rule off, yet no worker took part");
    pel_contention_rule(was);
}

static void test_cancel(void) {
    pel_set_num_threads(4);
    const int64_t n = 100000;
    cancel_ctx c = {0, 0, 1000};
    pel_opts o = {.cancel = &c.cancel};
    int rc = pel_parallel_for(n, 1, cancel_fn, &c, &o);
    CHECK(rc == PEL_ECANCELED, "rc=%d", rc);
    CHECK(atomic_load(&c.ran) < n / 2, "ran %ld of %ld chunks after cancel", atomic_load(&c.ran), (long)n);
    /* already set before the call: nothing runs */
    atomic_store(&c.ran, 0);
    rc = pel_parallel_for(n, 1, cancel_fn, &c, &o);
    CHECK(rc == PEL_ECANCELED && atomic_load(&c.ran) == 0, "rc=%d ran=%ld", rc, atomic_load(&c.ran));
    /* reduce honours it too, and leaves result alone */
    int64_t r = 77;
    rc = pel_parallel_reduce(n, 10, sizeof r, sum_red, add_i64, NULL, &r, &o);
    CHECK(rc == PEL_ECANCELED && r == 77, "rc=%d r=%ld", rc, (long)r);

    /* pel_interrupt from another thread cancels the running job ... */
    cancel_ctx d = {0, 0, -1};
    pthread_t th;
    pthread_create(&th, NULL, interrupter, NULL);
    rc = pel_parallel_for(n, 1, interrupt_fn, &d, NULL);
    pthread_join(th, NULL);
    CHECK(rc == PEL_ECANCELED, "interrupt rc=%d", rc);
    CHECK(atomic_load(&d.ran) < n, "ran=%ld", atomic_load(&d.ran));
    /* ... but not jobs started afterwards */
    atomic_store(&d.ran, 0);
    cover_ctx cc = {calloc(1000, 1), 0};
    rc = pel_parallel_for(1000, 1, cover_fn, &cc, NULL);
    CHECK(rc == PEL_OK && atomic_load(&cc.calls) == 1000, "job after interrupt rc=%d", rc);
    free(cc.seen);
}

/* ---- first error wins ----------------------------------------------------- */

typedef struct {
    atomic_long ran;
    int64_t first_bad;
} err_ctx;

static int err_fn(void *p, int64_t b, int64_t e, int slot) {
    err_ctx *c = p;
    (void)slot, (void)e;
    atomic_fetch_add(&c->ran, 1);
    if (b >= c->first_bad) return (int)(b + 1); /* every later chunk fails */
    sleep_us(5);
    return 0;
}

static void test_first_error(void) {
    const int64_t n = 20000;
    for (int t = 1; t <= 4; t *= 2) {
        pel_set_num_threads(t);
        err_ctx c = {0, 100};
        int rc = pel_parallel_for(n, 1, err_fn, &c, NULL);
        CHECK(rc > 100 && rc <= n, "rc=%d", rc);
        if (t == 1) CHECK(rc == 101, "serial: the first failing chunk wins, rc=%d", rc);
        CHECK(atomic_load(&c.ran) < n / 2, "%ld chunks ran after the error", atomic_load(&c.ran));
    }
    /* a single failing chunk in the middle is reported exactly */
    pel_set_num_threads(4);
    err_ctx c = {0, n - 1};
    CHECK(pel_parallel_for(n, 1, err_fn, &c, NULL) == (int)n, "last chunk error");
}

/* ---- reduce: bit-identical for every thread count ---------------------- */

typedef struct {
    const float *x;
} fsum_ctx;

static int fsum_red(void *p, int64_t b, int64_t e, void *part, int slot) {
    const fsum_ctx *c = p;
    (void)slot;
    float acc = 0.0f;
    for (int64_t i = b; i < e; i++) acc += c->x[i];
    *(float *)part = acc;
    return 0;
}
static void add_f32(void *p, void *acc, const void *rhs) { (void)p; *(float *)acc += *(const float *)rhs; }

static void test_reduce_bits(void) {
    const int64_t n = 1000003, grain = 997;
    float *x = malloc(sizeof(float) * (size_t)n);
    uint32_t s = 12345;
    for (int64_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        /* wide exponent range, both signs: float addition order matters */
        x[i] = ldexpf((float)(s >> 8) / 16777216.0f - 0.5f, (int)(s % 40) - 20);
    }
    /* the specified grid and tree, computed here independently */
    int64_t nch = (n + grain - 1) / grain;
    float *part = malloc(sizeof(float) * (size_t)nch);
    for (int64_t c = 0; c < nch; c++) {
        fsum_red(&(fsum_ctx){x}, c * grain, c * grain + grain < n ? c * grain + grain : n, &part[c], 0);
    }
    for (int64_t w = 1; w < nch; w *= 2)
        for (int64_t i = 0; i + w < nch; i += 2 * w) part[i] += part[i + w];
    float expect = part[0];
    int threads[] = {1, 2, 3, 4, 7, 16};
    for (int t = 0; t < 6; t++) {
        pel_set_num_threads(threads[t]);
        for (int rep = 0; rep < 3; rep++) {
            float r = 0;
            CHECK(pel_parallel_reduce(n, grain, sizeof r, fsum_red, add_f32, &(fsum_ctx){x}, &r, NULL) == PEL_OK, "rc");
            CHECK(memcmp(&r, &expect, sizeof r) == 0, "threads=%d: %.9g != %.9g", threads[t], r, expect);
        }
    }
    free(part);
    free(x);
}

/* ---- floating point: flags and rounding carried across threads --------- */

typedef struct {
    atomic_int worker_ran;
    atomic_int bad_round;
    atomic_int bad_ftz;
    double third_expected;
    int raise_on_workers;
} fp_ctx;

static int fp_fn(void *p, int64_t b, int64_t e, int slot) {
    fp_ctx *c = p;
    (void)b, (void)e;
    volatile double one = 1.0, three = 3.0;
    double third = one / three; /* rounding-mode dependent */
    if (third != c->third_expected) atomic_fetch_add(&c->bad_round, 1);
    if (slot != 0) {
        atomic_store(&c->worker_ran, 1);
        if (c->raise_on_workers) {
            volatile double big = 1e308, zero = 0.0;
            volatile double r = big * big; /* overflow + inexact */
            r = one / zero;                /* divide by zero */
            (void)r;
        }
    }
#if defined(__x86_64__)
    volatile float tiny = 1e-30f;
    volatile float prod = tiny * 1e-10f; /* subnormal, or 0 under FTZ */
    int ftz = (_mm_getcsr() & 0x8000) != 0;
    if (ftz != (prod == 0.0f)) atomic_fetch_add(&c->bad_ftz, 1);
#endif
    sleep_us(200); /* long enough that workers join */
    return 0;
}

static void test_fp(void) {
    pel_set_num_threads(4);
    volatile double one = 1.0, three = 3.0;
    /* flags raised on workers appear on the caller */
    fp_ctx c;
    memset(&c, 0, sizeof c);
    c.third_expected = one / three;
    c.raise_on_workers = 1;
    feclearexcept(FE_ALL_EXCEPT);
    CHECK(pel_parallel_for(64, 1, fp_fn, &c, NULL) == PEL_OK, "rc");
    int flags = fetestexcept(FE_ALL_EXCEPT);
    CHECK(atomic_load(&c.worker_ran), "no worker took part");
    CHECK(flags & FE_OVERFLOW, "overflow flag not propagated (flags=%#x)", flags);
    CHECK(flags & FE_DIVBYZERO, "divide-by-zero flag not propagated (flags=%#x)", flags);
    /* the workers' flags were cleared after that job: none leak into the next */
    memset(&c, 0, sizeof c);
    c.third_expected = one / three;
    feclearexcept(FE_ALL_EXCEPT);
    CHECK(pel_parallel_for(64, 1, fp_fn, &c, NULL) == PEL_OK, "rc");
    flags = fetestexcept(FE_OVERFLOW | FE_DIVBYZERO | FE_INVALID);
    CHECK(flags == 0, "stale flags %#x", flags);

    /* rounding mode applied on workers, restored after */
    int modes[] = {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO, FE_TONEAREST};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        memset(&c, 0, sizeof c);
        c.third_expected = one / three;
        CHECK(pel_parallel_for(64, 1, fp_fn, &c, NULL) == PEL_OK, "rc");
        CHECK(atomic_load(&c.worker_ran), "no worker took part");
        CHECK(atomic_load(&c.bad_round) == 0, "mode %d: %d chunks used another rounding", m, atomic_load(&c.bad_round));
    }
    fesetround(FE_TONEAREST);
    CHECK(one / three == 1.0 / 3.0, "caller rounding restored");
#if defined(__x86_64__)
    /* FTZ/DAZ set on the caller is in force on the workers, and only then */
    unsigned csr = _mm_getcsr();
    _mm_setcsr(csr | 0x8040);
    memset(&c, 0, sizeof c);
    c.third_expected = one / three;
    CHECK(pel_parallel_for(64, 1, fp_fn, &c, NULL) == PEL_OK, "rc");
    _mm_setcsr(csr);
    CHECK(atomic_load(&c.bad_ftz) == 0, "FTZ on: %d chunks disagree", atomic_load(&c.bad_ftz));
    memset(&c, 0, sizeof c);
    c.third_expected = one / three;
    CHECK(pel_parallel_for(64, 1, fp_fn, &c, NULL) == PEL_OK, "rc");
    CHECK(atomic_load(&c.bad_ftz) == 0, "FTZ off: %d chunks disagree", atomic_load(&c.bad_ftz));
#endif
    feclearexcept(FE_ALL_EXCEPT);
}

static int skew_fn(void *p, int64_t b, int64_t e, int s);

/* ---- fork while busy ------------------------------------------------------ */

static atomic_int busy_stop;

static void *busy_loop(void *arg) {
    (void)arg;
    /* No allocation in the loop: ASan's allocator is not fork-safe (a
     * child can hang on an allocator lock held by a parent thread). */
    while (!atomic_load(&busy_stop)) {
        int64_t r = 0;
        pel_parallel_reduce(20000, 100, sizeof r, sum_red, add_i64, NULL, &r, NULL);
    }
    return NULL;
}

static void test_fork(void) {
    pel_set_num_threads(4);
    atomic_store(&busy_stop, 0);
    pthread_t th;
    pthread_create(&th, NULL, busy_loop, NULL);
    sleep_us(2000);
    for (int k = 0; k < 5; k++) {
        pid_t pid = fork();
        if (pid == 0) {
            int64_t r = 0, n = 100000;
            const pel_opts *o = NULL;
#if defined(__SANITIZE_THREAD__)
            /* gcc 12's libtsan aborts ("dup thread with used id") when a
             * child of a multi-threaded parent creates threads that reuse a
             * dead parent thread's stack; the child here runs its jobs on
             * the calling thread only. The plain and ASan builds check the
             * lazy restart of the workers. */
            static const pel_opts serial = {.max_threads = 1};
            o = &serial;
#endif
            int rc = pel_parallel_reduce(n, 100, sizeof r, sum_red, add_i64, NULL, &r, o);
            int ok = rc == PEL_OK && r == n * (n - 1) / 2;
            ok = ok && pel_get_num_threads() == 4;
            pel_reset_stats();
            cover_ctx c = {calloc(1000, 1), 0};
            ok = ok && pel_parallel_for(1000, 1, skew_fn, NULL, o) == PEL_OK;
            ok = ok && pel_parallel_for(1000, 1, cover_fn, &c, o) == PEL_OK && atomic_load(&c.calls) == 1000;
#if !defined(__SANITIZE_THREAD__)
            /* workers were restarted in the child and took part */
            pel_worker_stats st[8];
            int entries = pel_get_stats(st, 8);
            uint64_t worker_chunks = 0;
            for (int i = 1; i < entries && i < 8; i++) worker_chunks += st[i].chunks;
            ok = ok && worker_chunks > 0;
#endif
            pel_shutdown();
            _exit(ok ? 0 : 3);
        }
        CHECK(pid > 0, "fork failed");
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
        sleep_us(1000);
    }
    atomic_store(&busy_stop, 1);
    pthread_join(th, NULL);
}

/* ---- resize while busy ------------------------------------------------------ */

static atomic_int resize_errors;

static void *resize_worker(void *arg) {
    (void)arg;
    while (!atomic_load(&busy_stop)) {
        int64_t r = 0, n = 30000;
        if (pel_parallel_reduce(n, 50, sizeof r, sum_red, add_i64, NULL, &r, NULL) != PEL_OK ||
            r != n * (n - 1) / 2)
            atomic_fetch_add(&resize_errors, 1);
    }
    return NULL;
}

static void test_resize(void) {
    atomic_store(&busy_stop, 0);
    pthread_t th[3];
    for (int i = 0; i < 3; i++) pthread_create(&th[i], NULL, resize_worker, NULL);
    int sizes[] = {1, 5, 2, 8, 3, 1, 6, 4};
    int iters = SCALED(200), want = 0;
    for (int k = 0; k < iters; k++) {
        want = sizes[k % 8];
        pel_set_num_threads(want);
        CHECK(pel_get_num_threads() == want, "size %d != %d", pel_get_num_threads(), want);
        sleep_us(200);
    }
    atomic_store(&busy_stop, 1);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    CHECK(atomic_load(&resize_errors) == 0, "%d wrong results", atomic_load(&resize_errors));
    int old = pel_set_num_threads(0);
    CHECK(old == want, "previous size %d, set %d", old, want);
    CHECK(pel_get_num_threads() == pel_default_num_threads(), "default restored");
    CHECK(pel_default_num_threads() >= 1 && pel_default_num_threads() <= pel_available_cpus(), "default in range");
}

/* ---- shutdown while another thread's job runs --------------------------- */

static int slow_fn(void *p, int64_t b, int64_t e, int s) {
    (void)s;
    atomic_fetch_add((atomic_long *)p, e - b);
    sleep_us(100);
    return 0;
}

static void *slow_job(void *arg) {
    int rc = pel_parallel_for(2000, 1, slow_fn, arg, NULL);
    return (void *)(intptr_t)rc;
}

static void test_shutdown(void) {
    pel_set_num_threads(4);
    atomic_long ran = 0;
    pthread_t th;
    pthread_create(&th, NULL, slow_job, &ran);
    sleep_us(5000);
    pel_shutdown();
    void *rc;
    pthread_join(th, &rc);
    CHECK((intptr_t)rc == PEL_OK, "rc=%ld", (long)(intptr_t)rc);
    CHECK(atomic_load(&ran) == 2000, "ran=%ld", atomic_load(&ran));
    /* restarts lazily */
    cover_ctx c = {calloc(1000, 1), 0};
    CHECK(pel_parallel_for(1000, 1, cover_fn, &c, NULL) == PEL_OK && atomic_load(&c.calls) == 1000, "after shutdown");
    free(c.seen);
    pel_shutdown();
    pel_shutdown(); /* twice is fine */
}

/* ---- stats and stealing ----------------------------------------------------- */

static int skew_fn(void *p, int64_t b, int64_t e, int s) {
    (void)p, (void)s, (void)e;
    /* the first eighth of the range is 50x more expensive */
    sleep_us(b < 64 ? 500 : 10);
    return 0;
}

static void test_stats(void) {
    pel_set_num_threads(4);
    cover_ctx c = {calloc(512, 1), 0};
    CHECK(pel_parallel_for(512, 1, cover_fn, &c, NULL) == PEL_OK, "warm up");
    free(c.seen);
    sleep_us(20000); /* workers spin 50 us, then park */
    pel_reset_stats();
    CHECK(pel_parallel_for(512, 1, skew_fn, NULL, NULL) == PEL_OK, "skewed");
    pel_worker_stats st[64];
    int n = pel_get_stats(st, 64);
    CHECK(n >= 4, "entries=%d", n);
    uint64_t chunks = 0, steals = 0, jobs = 0, busy = 0, parks = 0;
    for (int i = 0; i < n && i < 64; i++) {
        chunks += st[i].chunks, steals += st[i].steals, jobs += st[i].jobs;
        busy += st[i].busy_ns, parks += st[i].parks;
    }
    CHECK(chunks == 512, "chunks=%lu", (unsigned long)chunks);
    CHECK(steals > 0, "a skewed job must be balanced by stealing");
    CHECK(jobs >= 2 && jobs <= 4, "jobs joined=%lu", (unsigned long)jobs);
    CHECK(st[0].jobs == 1, "caller joined %lu", (unsigned long)st[0].jobs);
    CHECK(busy > 512u * 10000u / 2, "busy_ns=%lu", (unsigned long)busy);
    sleep_us(20000);
    n = pel_get_stats(st, 64);
    parks = 0;
    for (int i = 1; i < n && i < 64; i++) parks += st[i].parks;
    CHECK(parks >= 1, "idle workers must park (parks=%lu)", (unsigned long)parks);
    pel_reset_stats();
    n = pel_get_stats(st, 64);
    for (int i = 0; i < n && i < 64; i++) CHECK(st[i].chunks == 0, "reset");
}

/* ---- trace ------------------------------------------------------------------ */

static void test_trace(void) {
    pel_set_num_threads(4);
    CHECK(pel_trace_start(0) == PEL_EINVAL, "capacity 0");
    CHECK(pel_trace_start(1000) == PEL_OK, "start");
    CHECK(pel_parallel_for(300, 3, skew_fn, NULL, NULL) == PEL_OK, "job");
    pel_trace_event ev[200];
    size_t dropped = 0;
    size_t got = pel_trace_stop(ev, 200, &dropped);
    CHECK(got == 100 && dropped == 0, "got=%zu dropped=%zu", got, dropped);
    unsigned char seen[100] = {0};
    for (size_t i = 0; i < got; i++) {
        CHECK(ev[i].end - ev[i].begin == 3 && ev[i].begin % 3 == 0, "range");
        CHECK(ev[i].end_ns >= ev[i].begin_ns, "times");
        CHECK(ev[i].job == ev[0].job && ev[i].job >= 1, "job id");
        if (i) CHECK(ev[i].begin_ns >= ev[i - 1].begin_ns, "sorted");
        if (ev[i].begin >= 0 && ev[i].begin < 300) seen[ev[i].begin / 3]++;
    }
    for (int i = 0; i < 100; i++) CHECK(seen[i] == 1, "chunk %d seen %d times", i, seen[i]);
    /* off: nothing recorded; a small buffer drops and counts */
    CHECK(pel_parallel_for(300, 3, noop_fn, NULL, NULL) == PEL_OK, "job");
    CHECK(pel_trace_start(10) == PEL_OK, "start");
    CHECK(pel_parallel_for(300, 3, noop_fn, NULL, NULL) == PEL_OK, "job");
    got = pel_trace_stop(ev, 200, &dropped);
    CHECK(got <= 40 && got + dropped == 100, "got=%zu dropped=%zu", got, dropped);
}

/* --------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    void (*fn)(void);
} test_case;

static const test_case tests[] = {
    {"invalid", test_invalid},
    {"tiny_tasks", test_tiny_tasks},
    {"slots", test_slots},
    {"concurrent_submit", test_concurrent_submit},
    {"nested", test_nested},
    {"cancel", test_cancel},
    {"poll", test_poll},
    {"contention", test_contention},
    {"first_error", test_first_error},
    {"reduce_bits", test_reduce_bits},
    {"fp", test_fp},
    {"fork", test_fork},
    {"resize", test_resize},
    {"shutdown", test_shutdown},
    {"stats", test_stats},
    {"trace", test_trace},
};

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* Tests that need workers to take part must not meet a cap left by a
     * slow join of another test (test_contention turns the rule on). */
    pel_contention_rule(0);
    int ran = 0;
    for (size_t i = 0; i < sizeof tests / sizeof *tests; i++) {
        if (argc > 1 && strcmp(argv[1], tests[i].name) != 0) continue;
        int before = check_failures;
        double t0 = now_s();
        tests[i].fn();
        printf("%-18s %s  %.2f s\n", tests[i].name, check_failures == before ? "ok  " : "FAIL",
               now_s() - t0);
        ran++;
    }
    pel_shutdown();
    if (!ran) {
        fprintf(stderr, "no test named %s\n", argv[1]);
        return 2;
    }
    printf("%d tests, %d failed checks\n", ran, check_failures);
    return check_failures ? 1 : 0;
}
