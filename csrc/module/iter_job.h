/*
 * iter_job.h — the one parallel NpyIter runner. Elementwise functions
 * (ufunc_iter.c), evaluate (vm_run.c), map (map_binding.c) and the
 * expression reductions each build their NpyIter (operands, dtypes,
 * flags) and supply a body; this runner owns everything between:
 *
 *   slots      one iterator copy per job slot, made with the GIL held
 *              (pelx_iter_slots decides how many);
 *   the flush  with several slots, each copy's buffers are set up and
 *              flushed before the job starts (see iter_job.c), so no copy
 *              writes a stale buffer over another slot's chunk;
 *   ranges     a chunk resets its slot's copy to [begin, end) of the
 *              iteration and walks the inner loops, handing each to the
 *              body;
 *   errors     a failed reset keeps NpyIter's message, kernel errors are
 *              taken per chunk; pelx_iter_job_run raises the one
 *              exception;
 *   teardown   copies are freed before the caller deallocates the
 *              original (which writes overlap copies back).
 *
 * The body runs on pool workers without the GIL: it sees bare pointers,
 * strides and a count, never a Python object.
 */
#ifndef PELX_ITER_JOB_H
#define PELX_ITER_JOB_H

#include "module/numpy_api.h"
#include "module/parallel_call.h"

/* One inner loop of slot `slot`: data[i] / strides[i] for each iterator
 * operand, n elements. Returns 0 or a chunk error code (PEL_KERR_*). */
typedef int (*pelx_iter_body)(void *ctx, char **data, const npy_intp *strides,
                              npy_intp n, int slot);

typedef struct pelx_iter_slot {
    NpyIter *it;
    NpyIter_IterNextFunc *next;
    char **data;
    npy_intp *strides;
    npy_intp *size;
    char *errmsg; /* set by a failed ResetToIterIndexRange */
} pelx_iter_slot;

typedef struct pelx_iter_job {
    pelx_iter_slot *slot;
    int nslots;
    pelx_iter_body body;
    void *ctx;
    int64_t base; /* added to every range (pelx.map runs in waves) */
} pelx_iter_job;

/* Slots for a job of n iterations cut with `grain` (pelx_grain): 1 when it
 * runs inline, else the pool's, at most one per chunk. */
int pelx_iter_slots(int64_t n, int64_t grain);

/* Makes nslots slots over `it` (slot 0 is `it` itself, the others
 * copies). Returns 0, or -1 with an exception set (the job is then freed). */
int pelx_iter_job_init(pelx_iter_job *j, NpyIter *it, int nslots,
                       pelx_iter_body body, void *ctx);

/* Walks iterations [begin, end) (plus j->base) on `slot`: for chunk
 * functions of callers that cut the range themselves. Returns 0 or a
 * chunk error code. */
int pelx_iter_job_range(pelx_iter_job *j, int slot, int64_t begin,
                        int64_t end);

/* Runs iterations [0, n) (plus j->base) in chunks of `grain`. Returns 0,
 * or -1 with the exception set. */
int pelx_iter_job_run(pelx_iter_job *j, int64_t n, int64_t grain,
                      const pelx_call_opts *opts);

/* Turns the result of pelx_run_for over chunks that called
 * pelx_iter_job_range into 0, or -1 with the exception set. */
int pelx_iter_job_result(pelx_iter_job *j, int rc);

/* Frees the copies (not slot 0's iterator, which is the caller's). */
void pelx_iter_job_free(pelx_iter_job *j);

#endif
