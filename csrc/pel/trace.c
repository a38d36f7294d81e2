/* trace.c — optional event log: one record per chunk, kept in per-thread
 * buffers while a trace session is on.
 *
 * Off, it costs each thread one relaxed load per job. On, each thread
 * appends to its own buffer (no sharing): it writes the event, then
 * publishes the new count with a release store; pel_trace_stop reads the
 * count with acquire and copies that many events, so late writers only
 * touch slots the reader does not read. A full buffer drops new events
 * (counted). Buffers are kept for reuse by later sessions of the same thread
 * and never freed (a thread may still hold a pointer to its buffer); a
 * buffer is replaced only when a session asks for a larger capacity. */
#include "pel/pel_internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct ring {
    struct ring *next;         /* registry list (under reg_lock) */
    size_t cap;                /* allocated events */
    size_t limit;              /* events kept this session (<= cap; owner
                                * writes it before the session store) */
    atomic_uint session;       /* session this buffer's events belong to */
    atomic_size_t count;       /* events written (may exceed cap: dropped) */
    pel_trace_event ev[];
} ring;

atomic_int pel_trace_on;
static atomic_uint session;        /* current session number */
static atomic_size_t session_cap;  /* events per thread this session */
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static ring *registry;
static _Thread_local ring *my_ring;

static ring *ring_for_session(unsigned sess) {
    ring *r = my_ring;
    /* relaxed: session_cap is written before the session number, which the
     * caller loaded with acquire. */
    size_t cap = atomic_load_explicit(&session_cap, memory_order_relaxed);
    if (r && r->cap >= cap) {
        /* Reuse: only this thread writes its buffer. relaxed: the reader
         * of this session runs after its start (see pel_trace_start). */
        atomic_store_explicit(&r->count, 0, memory_order_relaxed);
        r->limit = cap;
        /* release: limit and count are set before the reader accepts the
         * buffer as part of this session. */
        atomic_store_explicit(&r->session, sess, memory_order_release);
        return r;
    }
    r = malloc(sizeof *r + cap * sizeof(pel_trace_event));
    if (!r) return NULL;
    r->cap = r->limit = cap;
    atomic_init(&r->count, 0);
    atomic_init(&r->session, sess);
    pthread_mutex_lock(&reg_lock);
    r->next = registry;
    registry = r;
    pthread_mutex_unlock(&reg_lock);
    my_ring = r;
    return r;
}

void pel_trace_record(int thread, int slot, uint64_t job_id, int64_t begin,
                      int64_t end, uint64_t t0, uint64_t t1) {
    /* acquire: pairs with pel_trace_start's release, so reusing the buffer
     * happens after the previous session's reader finished with it. */
    unsigned sess = atomic_load_explicit(&session, memory_order_acquire);
    ring *r = my_ring;
    /* relaxed: only this thread writes its buffer's session. */
    if (!r || atomic_load_explicit(&r->session, memory_order_relaxed) != sess) {
        r = ring_for_session(sess);
        if (!r) return;
    }
    /* relaxed: this thread is the only writer of count. */
    size_t i = atomic_load_explicit(&r->count, memory_order_relaxed);
    if (i < r->limit) {
        r->ev[i] = (pel_trace_event){thread, slot, job_id, begin, end, t0, t1};
    }
    /* release: the event is written before the reader can count it. */
    atomic_store_explicit(&r->count, i + 1, memory_order_release);
}

int pel_trace_start(size_t capacity_events) {
    if (capacity_events == 0 || capacity_events > PEL_TRACE_MAX_EVENTS)
        return PEL_EINVAL;
    pthread_mutex_lock(&reg_lock);
    atomic_store_explicit(&session_cap, capacity_events, memory_order_relaxed);
    /* release: see pel_trace_record. */
    atomic_fetch_add_explicit(&session, 1, memory_order_release);
    /* relaxed: workers notice at their next job. */
    atomic_store_explicit(&pel_trace_on, 1, memory_order_relaxed);
    pthread_mutex_unlock(&reg_lock);
    return PEL_OK;
}

static int by_time(const void *a, const void *b) {
    const pel_trace_event *x = a, *y = b;
    return x->begin_ns < y->begin_ns ? -1 : x->begin_ns > y->begin_ns;
}

size_t pel_trace_stop(pel_trace_event *out, size_t max, size_t *dropped) {
    /* relaxed: events recorded after this are simply not read. */
    atomic_store_explicit(&pel_trace_on, 0, memory_order_relaxed);
    size_t n = 0, lost = 0;
    pthread_mutex_lock(&reg_lock);
    unsigned sess = atomic_load_explicit(&session, memory_order_relaxed);
    for (ring *r = registry; r; r = r->next) {
        /* acquire: pairs with the writer's session store. */
        if (atomic_load_explicit(&r->session, memory_order_acquire) != sess) continue;
        /* acquire: the events below the count are fully written. */
        size_t c = atomic_load_explicit(&r->count, memory_order_acquire);
        size_t have = c < r->limit ? c : r->limit;
        lost += c - have;
        for (size_t k = 0; k < have; k++) {
            if (n < max && out) out[n] = r->ev[k];
            else lost++;
            n++;
        }
    }
    pthread_mutex_unlock(&reg_lock);
    size_t copied = n < max ? n : max;
    if (out && copied) qsort(out, copied, sizeof *out, by_time);
    if (dropped) *dropped = lost;
    return copied;
}

void pel_trace_after_fork_child(void) {
    pthread_mutex_init(&reg_lock, NULL);
    /* relaxed: single-threaded here. */
    atomic_store_explicit(&pel_trace_on, 0, memory_order_relaxed);
}
