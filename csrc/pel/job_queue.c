/* job_queue.c — bounded lock-free MPMC queue of job tickets.
 *
 * A job that can use k extra threads pushes k tickets (pointers to the
 * job); an idle worker pops one and joins that job. Any thread may push,
 * any worker may pop, with no lock: each cell carries a sequence number
 * (Vyukov's bounded MPMC queue). Position counters only grow, so a cell's
 * sequence tells a producer whether the cell is free for its lap and a
 * consumer whether it holds an item of its lap. */
#include "pel/pel_internal.h"
#include <string.h>

/* Capacity in tickets (power of two). A full queue only means fewer helpers
 * for the jobs submitted meanwhile: their callers run the chunks. */
#define QUEUE_CAP 4096u

typedef struct cell {
    atomic_size_t seq;
    struct pel_job *job;
} cell;

static struct {
    _Alignas(PEL_CACHE_LINE) atomic_size_t head; /* next pop position */
    _Alignas(PEL_CACHE_LINE) atomic_size_t tail; /* next push position */
    _Alignas(PEL_CACHE_LINE) cell cells[QUEUE_CAP];
} q;

static void queue_init(void) {
    for (size_t i = 0; i < QUEUE_CAP; i++)
        atomic_store_explicit(&q.cells[i].seq, i, memory_order_relaxed);
    atomic_store_explicit(&q.head, 0, memory_order_relaxed);
    atomic_store_explicit(&q.tail, 0, memory_order_relaxed);
}

static pthread_once_t queue_once = PTHREAD_ONCE_INIT;

int pel_queue_push(struct pel_job *job) {
    pthread_once(&queue_once, queue_init);
    /* relaxed: the position is only a hint; the cell's seq (acquire below)
     * decides ownership. */
    size_t pos = atomic_load_explicit(&q.tail, memory_order_relaxed);
    for (;;) {
        cell *c = &q.cells[pos & (QUEUE_CAP - 1)];
        /* acquire: pairs with the consumer's release of this cell, so its
         * read of c->job happened before we overwrite it. */
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)pos;
        if (dif == 0) {
            /* relaxed CAS: claims the position; the data hand-off is
             * ordered by the seq store below. */
            if (atomic_compare_exchange_weak_explicit(&q.tail, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                c->job = job;
                /* release: publishes c->job to the consumer that sees
                 * seq == pos + 1. */
                atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
                return 0;
            }
        } else if (dif < 0) {
            return -1; /* full: the cell still holds last lap's item */
        } else {
            pos = atomic_load_explicit(&q.tail, memory_order_relaxed);
        }
    }
}

struct pel_job *pel_queue_pop(void) {
    pthread_once(&queue_once, queue_init);
    size_t pos = atomic_load_explicit(&q.head, memory_order_relaxed);
    for (;;) {
        cell *c = &q.cells[pos & (QUEUE_CAP - 1)];
        /* acquire: pairs with the producer's release; makes c->job valid. */
        size_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
        intptr_t dif = (intptr_t)seq - (intptr_t)(pos + 1);
        if (dif == 0) {
            if (atomic_compare_exchange_weak_explicit(&q.head, &pos, pos + 1,
                                                      memory_order_relaxed,
                                                      memory_order_relaxed)) {
                struct pel_job *job = c->job;
                /* release: our read of c->job happens before a producer of
                 * the next lap reuses the cell. */
                atomic_store_explicit(&c->seq, pos + QUEUE_CAP,
                                      memory_order_release);
                return job;
            }
        } else if (dif < 0) {
            return NULL; /* empty */
        } else {
            pos = atomic_load_explicit(&q.head, memory_order_relaxed);
        }
    }
}

int pel_queue_maybe_nonempty(void) {
    /* seq_cst: part of the park protocol (pool.c): a worker that announced
     * itself as sleeping must see a ticket pushed before the submitter
     * checked for sleepers. */
    size_t h = atomic_load_explicit(&q.head, memory_order_seq_cst);
    size_t t = atomic_load_explicit(&q.tail, memory_order_seq_cst);
    return t != h;
}

void pel_queue_reset_after_fork(void) {
    /* Only the forking thread exists in the child; tickets of the parent's
     * jobs are dropped (those jobs do not exist in the child). */
    pthread_once(&queue_once, queue_init);
    queue_init();
}
