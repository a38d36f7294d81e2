/* iter_job.c — see iter_job.h. */
#include "module/iter_job.h"

#include "kernels/kernels.h"

int pelx_iter_slots(int64_t n, int64_t grain) {
    if (n <= grain) return 1;
    /* no more copies than chunks: each copy costs an allocation */
    const int64_t chunks = (n - 1) / grain + 1;
    const int slots = pel_job_slots(NULL);
    return chunks < slots ? (int)chunks : slots;
}

/* The buffer-flush rule, for jobs of several slots. DELAY_BUFALLOC
 * iterators get their buffers at the first reset; NpyIter_Reset allocates
 * them now (with the GIL) but also stages the first buffer of the full
 * range, which the next reset would write back over elements that belong
 * to another slot's chunk (a race on casting outputs). Resetting to the
 * empty range flushes it now, before the job starts, and leaves nothing
 * pending. A lone slot needs none of this: its first range reset
 * allocates its buffers (without the GIL when errmsg is given), and what
 * it writes back is its own. */
static int slot_init(pelx_iter_slot *s, NpyIter *it, int flush) {
    s->it = it;
    s->errmsg = NULL;
    if (flush && (NpyIter_Reset(it, NULL) != NPY_SUCCEED ||
                  NpyIter_ResetToIterIndexRange(it, 0, 0, NULL) != NPY_SUCCEED))
        return -1;
    s->next = NpyIter_GetIterNext(it, NULL);
    if (!s->next) return -1;
    s->data = NpyIter_GetDataPtrArray(it);
    s->strides = NpyIter_GetInnerStrideArray(it);
    s->size = NpyIter_GetInnerLoopSizePtr(it);
    return 0;
}

int pelx_iter_job_init(pelx_iter_job *j, NpyIter *it, int nslots,
                       pelx_iter_body body, void *ctx) {
    j->body = body;
    j->ctx = ctx;
    j->base = 0;
    j->nslots = 0;
    if (nslots < 1) nslots = 1;
    j->slot = PyMem_Calloc((size_t)nslots, sizeof *j->slot);
    if (!j->slot) {
        PyErr_NoMemory();
        return -1;
    }
    for (; j->nslots < nslots; j->nslots++) {
        NpyIter *c = j->nslots == 0 ? it : NpyIter_Copy(it);
        if (!c || slot_init(&j->slot[j->nslots], c, nslots > 1) < 0) {
            if (c && j->nslots > 0) NpyIter_Deallocate(c);
            pelx_iter_job_free(j);
            return -1;
        }
    }
    return 0;
}

int pelx_iter_job_range(pelx_iter_job *j, int slot, int64_t begin,
                        int64_t end) {
    pelx_iter_slot *s = &j->slot[slot];
    if (begin >= end) return 0;
    /* With errmsg non-NULL the reset neither needs nor touches the GIL. */
    if (NpyIter_ResetToIterIndexRange(s->it, j->base + begin, j->base + end,
                                      &s->errmsg) != NPY_SUCCEED)
        return PELX_CHUNK_EITER;
    (void)pel_kernel_error_take(); /* start clean on this thread */
    do {
        int rc = j->body(j->ctx, s->data, s->strides, *s->size, slot);
        if (rc) return rc;
    } while (s->next(s->it));
    /* Loops record their own errors (integer ** negative) per thread. */
    return pel_kernel_error_take();
}

static int range_chunk(void *ctx, int64_t begin, int64_t end, int slot) {
    return pelx_iter_job_range(ctx, slot, begin, end);
}

int pelx_iter_job_result(pelx_iter_job *j, int rc) {
    if (rc != PELX_CHUNK_EITER) return rc == 0 ? 0 : -1;
    const char *msg = "iterator reset failed";
    for (int s = 0; s < j->nslots; s++)
        if (j->slot[s].errmsg) msg = j->slot[s].errmsg;
    PyErr_Format(PyExc_RuntimeError, "pelx: %s", msg);
    return -1;
}

int pelx_iter_job_run(pelx_iter_job *j, int64_t n, int64_t grain,
                      const pelx_call_opts *opts) {
    if (n <= 0) return 0;
    pelx_call_opts o = *opts;
    /* never more threads than slots */
    if (o.max_threads <= 0 || o.max_threads > j->nslots)
        o.max_threads = j->nslots;
    return pelx_iter_job_result(j, pelx_run_for(n, grain, range_chunk, j, &o));
}

void pelx_iter_job_free(pelx_iter_job *j) {
    if (j->slot)
        for (int s = 1; s < j->nslots; s++) NpyIter_Deallocate(j->slot[s].it);
    PyMem_Free(j->slot);
    j->slot = NULL;
    j->nslots = 0;
}
