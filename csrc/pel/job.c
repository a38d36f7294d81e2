/* job.c — one fork-join job: per-slot chunk ranges, stealing, completion.
 *
 * The chunk indices [0, nchunks) are split into `slots` contiguous ranges,
 * one per slot. A thread taking part in the job owns one slot: it takes
 * chunks from the front of its own range and, when that runs dry, steals
 * single chunks from the back of the other slots' ranges (pthreadpool's
 * scheme). Each range has an atomic length: a successful decrement reserves
 * one chunk, so the owner (front) and thieves (back) never take the same
 * chunk and together take exactly the range.
 *
 * A job knows only "run chunk i" (spec.run_chunk): what a chunk is belongs
 * to parallel_for.c / parallel_reduce.c. The calling thread is slot 0. It
 * pushes slots-1 tickets into the job queue, runs chunks itself, then waits
 * on the job's latch (sleep.c) until every chunk has been run or skipped.
 * The job lives on the heap with a reference count (the submitting thread's
 * cache + one per queued ticket), so a ticket popped after the job ended
 * only finds empty ranges; chunk functions and ctx are only touched while
 * chunks remain, i.e. while the caller is still waiting. */
#include "pel/pel_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct slot_range {
    /* One cache line per slot: the owner and thieves of one slot contend
     * only with each other. */
    _Alignas(PEL_CACHE_LINE) atomic_int_fast64_t len; /* chunks left */
    int64_t front;            /* next chunk for the owner (owner only) */
    atomic_int_fast64_t back; /* one past the last chunk left (thieves) */
} slot_range;


typedef struct pel_job {
    pel_job_spec spec;
    pel_fpenv fpenv;          /* caller's FP control state */
    unsigned start_epoch;     /* pel_interrupt_epoch at submit */
    uint64_t id;              /* trace id (0 when tracing is off) */
    atomic_int refs;          /* owner's cache + queued tickets */
    int capacity;             /* slot ranges allocated */
    atomic_int next_slot;     /* slot handed to the next joining worker */
    atomic_int rc;            /* first error, 0 while none */
    atomic_int fpflags;       /* FE_* flags raised on workers */
    _Alignas(PEL_CACHE_LINE) atomic_int_fast64_t done; /* chunks run/skipped */
    atomic_uint done_latch;   /* set when every chunk was run or skipped */
    slot_range ranges[];
} pel_job;

atomic_uint pel_interrupt_epoch;
_Thread_local int pel_tls_depth;
static atomic_uint_least64_t job_ids;

void pel_interrupt(void) {
    /* relaxed: a lone lock-free RMW is async-signal-safe; jobs poll the
     * epoch with relaxed loads and only need to see the change eventually. */
    atomic_fetch_add_explicit(&pel_interrupt_epoch, 1, memory_order_relaxed);
}

int pel_in_parallel(void) { return pel_tls_depth > 0; }

/* Has the job been stopped (error, cancel flag, pel_interrupt)? */
static int job_stopped(pel_job *job) {
    /* relaxed: the error code is only a stop hint here; the caller reads
     * the final value after the acquire on the completion word. */
    if (atomic_load_explicit(&job->rc, memory_order_relaxed)) return 1;
    const volatile int *cancel = job->spec.cancel;
    /* relaxed (both): the flag and epoch are plain "stop soon" signals that
     * carry no data. */
    if ((cancel && __atomic_load_n(cancel, __ATOMIC_RELAXED)) ||
        atomic_load_explicit(&pel_interrupt_epoch, memory_order_relaxed) !=
            job->start_epoch) {
        int zero = 0;
        /* relaxed CAS: first stop reason wins; published to the caller by
         * the acq_rel RMW on `done` that follows. */
        atomic_compare_exchange_strong_explicit(&job->rc, &zero, PEL_ECANCELED,
                                                memory_order_relaxed,
                                                memory_order_relaxed);
        return 1;
    }
    return 0;
}

/* Run (or skip, once stopped) one claimed chunk. */
static void run_one(pel_job *job, int64_t ci, int slot, int thread, int traced) {
    if (job_stopped(job)) return;
    /* Slot 0 is the calling thread, in pel_job_run and inline alike. */
    int r = slot == 0 && job->spec.poll ? job->spec.poll(job->spec.poll_arg) : 0;
    uint64_t t0 = traced ? pel_now_ns() : 0;
    if (!r) r = job->spec.run_chunk(job->spec.ctx, ci, slot);
    else traced = 0; /* not run */
    if (traced) {
        int64_t b, e;
        pel_chunk_bounds(job->spec.n, job->spec.grain, ci, &b, &e);
        pel_trace_record(thread, slot, job->id, b, e, t0, pel_now_ns());
    }
    if (r) {
        int zero = 0;
        /* relaxed CAS: first error wins; published like the cancel code. */
        atomic_compare_exchange_strong_explicit(&job->rc, &zero, r,
                                                memory_order_relaxed,
                                                memory_order_relaxed);
    }
}

/* Reserve one chunk of range r (len > 0 -> len - 1). */
static int take_one(slot_range *r) {
    /* relaxed: the range only hands out indices; the chunk data was
     * published before the ticket (queue release/acquire). */
    int_fast64_t len = atomic_load_explicit(&r->len, memory_order_relaxed);
    while (len > 0)
        if (atomic_compare_exchange_weak_explicit(&r->len, &len, len - 1,
                                                  memory_order_relaxed,
                                                  memory_order_relaxed))
            return 1;
    return 0;
}

/* Take part in the job as `slot` until no chunk is left anywhere. Returns
 * the number of chunks this thread claimed (run or skipped). */
static int64_t run_slot(pel_job *job, int slot, int thread) {
    int slots = job->spec.slots;
    /* relaxed: tracing is best effort; one load per job and thread. */
    int traced = atomic_load_explicit(&pel_trace_on, memory_order_relaxed);
    int64_t claimed = 0, steals = 0;
    uint64_t t0 = pel_now_ns();
    pel_tls_depth++;
    slot_range *own = &job->ranges[slot];
    while (take_one(own)) {
        run_one(job, own->front++, slot, thread, traced);
        claimed++;
    }
    for (int k = 1; k < slots; k++) {
        slot_range *victim = &job->ranges[(slot + k) % slots];
        while (take_one(victim)) {
            /* relaxed: the len decrement already reserved a chunk; this
             * only picks which index from the back. */
            int64_t ci =
                atomic_fetch_sub_explicit(&victim->back, 1, memory_order_relaxed) - 1;
            run_one(job, ci, slot, thread, traced);
            claimed++;
            steals++;
        }
    }
    pel_tls_depth--;
    pel_stat_cell *st = pel_stats_cell(thread);
    int shared = thread == 0;
    pel_stat_add(&st->chunks, (uint64_t)claimed, shared);
    if (steals) pel_stat_add(&st->steals, (uint64_t)steals, shared);
    pel_stat_add(&st->jobs, 1, shared);
    pel_stat_add(&st->busy_ns, pel_now_ns() - t0, shared);
    return claimed;
}

/* Count `claimed` chunks as finished; the thread completing the last one
 * releases the caller. */
static void complete(pel_job *job, int64_t claimed) {
    if (!claimed) return;
    /* acq_rel: release publishes this thread's chunk effects, error code
     * and FP flags; acquire lets the finisher's release below carry all
     * threads' effects to the caller. */
    int64_t old = atomic_fetch_add_explicit(&job->done, claimed, memory_order_acq_rel);
    if (old + claimed == job->spec.nchunks)
        pel_latch_set(&job->done_latch); /* the caller sees everything */
}

static void job_unref(pel_job *job) {
    /* acq_rel: whoever frees the job must see every other holder's
     * accesses to it as finished. */
    if (atomic_fetch_sub_explicit(&job->refs, 1, memory_order_acq_rel) == 1)
        free(job);
}

/* Each submitting thread keeps its last JOB_CACHE job blocks for reuse (no
 * malloc per call). The cache holds one reference per block; a block is
 * reused once every ticket of its previous job was consumed (refs back to
 * 1). If all are still referenced (workers slow to pop stale tickets), the
 * oldest is given up (the last ticket holder frees it) and replaced. */
#define JOB_CACHE 4
static _Thread_local pel_job *job_cache[JOB_CACHE];
static _Thread_local unsigned job_cache_next;
static pthread_key_t job_cache_key;
static pthread_once_t job_cache_once = PTHREAD_ONCE_INIT;

/* Thread exit: TLS is still valid while key destructors run. */
static void job_cache_release(void *unused) {
    (void)unused;
    for (int i = 0; i < JOB_CACHE; i++)
        if (job_cache[i]) job_unref(job_cache[i]), job_cache[i] = NULL;
}
static void job_cache_init(void) { pthread_key_create(&job_cache_key, job_cache_release); }

static pel_job *job_get(int slots) {
    for (int i = 0; i < JOB_CACHE; i++) {
        pel_job *job = job_cache[i];
        /* acquire: pairs with the workers' acq_rel decrement; their
         * accesses to the block are over before we rewrite it. */
        if (job && job->capacity >= slots &&
            atomic_load_explicit(&job->refs, memory_order_acquire) == 1)
            return job;
    }
    pthread_once(&job_cache_once, job_cache_init);
    int cap = slots < 8 ? 8 : slots;
    size_t bytes = sizeof(pel_job) + (size_t)cap * sizeof(slot_range);
    bytes = (bytes + PEL_CACHE_LINE - 1) / PEL_CACHE_LINE * PEL_CACHE_LINE;
    pel_job *fresh = aligned_alloc(PEL_CACHE_LINE, bytes);
    if (!fresh) return NULL;
    memset(fresh, 0, sizeof *fresh);
    fresh->capacity = cap;
    atomic_init(&fresh->refs, 1);
    unsigned k = job_cache_next++ % JOB_CACHE;
    if (job_cache[k]) job_unref(job_cache[k]);
    job_cache[k] = fresh;
    pthread_setspecific(job_cache_key, fresh); /* any non-NULL value */
    return fresh;
}

void pel_job_help(pel_job *job, int worker_index) {
    /* relaxed: the ticket hand-off (queue acquire) already made the job's
     * fields visible; this only numbers the joiners. */
    int slot = atomic_fetch_add_explicit(&job->next_slot, 1, memory_order_relaxed);
    /* If the job is over, skip it (nothing to read anyway). */
    if (slot < job->spec.slots && !pel_latch_is_set(&job->done_latch)) {
        pel_fpenv saved;
        pel_fpenv_enter(&job->fpenv, &saved);
        int64_t claimed = run_slot(job, slot, worker_index);
        int flags = pel_fpenv_leave(&saved);
        if (flags)
            /* relaxed: published by the acq_rel RMW in complete(). */
            atomic_fetch_or_explicit(&job->fpflags, flags, memory_order_relaxed);
        complete(job, claimed);
    }
    job_unref(job);
}

int pel_job_run_inline(const pel_job_spec *spec) {
    /* A stack job with one slot that no other thread ever sees: the chunks
     * run in order with no atomic claiming. */
    pel_job job;
    memset(&job, 0, sizeof job);
    job.spec = *spec;
    job.spec.slots = 1;
    /* relaxed: the epoch is a "stop soon" signal carrying no data. */
    job.start_epoch =
        atomic_load_explicit(&pel_interrupt_epoch, memory_order_relaxed);
    /* relaxed: tracing is best effort; ids only need to be unique. */
    int traced = atomic_load_explicit(&pel_trace_on, memory_order_relaxed);
    if (traced)
        job.id = atomic_fetch_add_explicit(&job_ids, 1, memory_order_relaxed) + 1;
    uint64_t t0 = pel_now_ns();
    pel_tls_depth++;
    for (int64_t ci = 0; ci < spec->nchunks; ci++) {
        run_one(&job, ci, 0, 0, traced);
        /* relaxed: this thread is the only one touching the job. */
        if (atomic_load_explicit(&job.rc, memory_order_relaxed)) break;
    }
    pel_tls_depth--;
    pel_stat_cell *st = pel_stats_cell(0);
    pel_stat_add(&st->chunks, (uint64_t)spec->nchunks, 1);
    pel_stat_add(&st->jobs, 1, 1);
    pel_stat_add(&st->busy_ns, pel_now_ns() - t0, 1);
    return atomic_load_explicit(&job.rc, memory_order_relaxed); /* ditto */
}

int pel_job_run(const pel_job_spec *spec) {
    int slots = spec->slots;
    if (slots > spec->nchunks) slots = (int)spec->nchunks;
    if (slots <= 1 || pel_tls_depth > 0) return pel_job_run_inline(spec);

    pel_job *job = job_get(slots);
    if (!job) return PEL_ENOMEM;
    job->spec = *spec;
    job->spec.slots = slots;
    pel_fpenv_capture(&job->fpenv);
    /* relaxed: epoch and trace switch are signals carrying no data; ids
     * only need to be unique. */
    job->start_epoch =
        atomic_load_explicit(&pel_interrupt_epoch, memory_order_relaxed);
    if (atomic_load_explicit(&pel_trace_on, memory_order_relaxed))
        job->id = atomic_fetch_add_explicit(&job_ids, 1, memory_order_relaxed) + 1;
    /* relaxed (ranges and the fields below): the block is private until the
     * tickets are pushed, and the queue's release/acquire publishes them. */
    for (int s = 0; s < slots; s++) {
        int64_t b = spec->nchunks * s / slots, e = spec->nchunks * (s + 1) / slots;
        atomic_store_explicit(&job->ranges[s].len, e - b, memory_order_relaxed);
        job->ranges[s].front = b;
        atomic_store_explicit(&job->ranges[s].back, e, memory_order_relaxed);
    }
    atomic_store_explicit(&job->refs, slots, memory_order_relaxed);
    atomic_store_explicit(&job->next_slot, 1, memory_order_relaxed);
    atomic_store_explicit(&job->rc, 0, memory_order_relaxed);
    atomic_store_explicit(&job->fpflags, 0, memory_order_relaxed);
    atomic_store_explicit(&job->done, 0, memory_order_relaxed);
    pel_latch_reset(&job->done_latch);

    /* One ticket per other slot. */
    int pushed = 0;
    while (pushed < slots - 1 && pel_queue_push(job) == 0) pushed++;
    if (pushed < slots - 1)
        /* relaxed: only this thread could drop the count to zero now (it
         * still holds its own reference). */
        atomic_fetch_sub_explicit(&job->refs, slots - 1 - pushed,
                                  memory_order_relaxed);
    uint64_t t_start = pel_now_ns();
    if (pushed) pel_sleep_notify(pushed, t_start);

    int64_t caller_chunks = run_slot(job, 0, 0);
    complete(job, caller_chunks);
    uint64_t t_join = pel_now_ns();
    pel_latch_wait(&job->done_latch);
    pel_contention_note(slots, caller_chunks, t_join - t_start,
                        pel_now_ns() - t_join);
    /* relaxed (rc, fpflags): the latch's acquire made the final values
     * visible. */
    int rc = atomic_load_explicit(&job->rc, memory_order_relaxed);
    pel_fpenv_raise(atomic_load_explicit(&job->fpflags, memory_order_relaxed));
    return rc; /* the block stays in this thread's cache */
}
