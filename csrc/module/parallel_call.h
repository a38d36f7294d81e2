/*
 * parallel_call.h — run an execution-layer job from Python code: the GIL is
 * released for the parallel part, Ctrl-C runs the program's SIGINT handler
 * between chunks (and stops the job if it raises), floating-point flags
 * become NumPy warnings/errors (np.errstate), failures become exceptions.
 * Every binding part runs its jobs through these two functions.
 */
#ifndef PELX_PARALLEL_CALL_H
#define PELX_PARALLEL_CALL_H

#include "module/bindings.h"
#include "pel/pel.h"

/* What a call does besides running the job. */
typedef struct pelx_call_opts {
    /* Name used in floating-point warnings ("divide by zero encountered in
     * <fpe_name>"); NULL: floating-point flags are not checked. */
    const char *fpe_name;
    /* Upper bound on threads (0: pool size). */
    int max_threads;
} pelx_call_opts;

/* Chunk return codes are one namespace: 0, a kernel error PEL_KERR_*
 * (kernels.h: small positive numbers), or PELX_CHUNK_EITER (an NpyIter
 * could not reset to a range; iter_job.c keeps NpyIter's message). */
#define PELX_CHUNK_EITER 1000
/* The program's SIGINT handler raised between chunks: its exception is set
 * (parallel_call.c). */
#define PELX_CHUNK_EPYERR 1001

/* Run pel_parallel_for. Called with the GIL held. Returns
 *    0   done;
 *   -1   a Python exception is set (KeyboardInterrupt after SIGINT,
 *        MemoryError, FloatingPointError under np.errstate(...='raise'),
 *        ValueError for invalid arguments or for a kernel error, which
 *        becomes NumPy's exception);
 *   PELX_CHUNK_EITER  no exception is set: the iterator runner has the
 *        message (pelx_iter_job_result).
 * Jobs that fit in one chunk run inline, keeping the GIL (cheaper than
 * releasing it for microseconds of work). */
int pelx_run_for(int64_t n, int64_t grain, pel_for_fn fn, void *ctx,
                 const pelx_call_opts *opts);

/* Set up once at import: records the main thread. */
void pelx_parallel_call_init(void);

#endif
