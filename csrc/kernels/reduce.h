/*
 * reduce.h — typed reduction kernels and the deterministic parallel plan
 * that drives them. Pure C: no Python, no NumPy.
 *
 * A reduction sees its input as a 2 x 2 strided view:
 *
 *     kept     index m = m1 * M0 + m0         (one output element per m)
 *     reduced  index k = k1 * K0 + k0         (reduced into that element)
 *     element (m, k) at data + m1*keep_strides[0] + m0*keep_strides[1]
 *                          + k1*red_strides[0] + k0*red_strides[1]
 *
 * Callers merge and order an array's axes into this form (any memory order,
 * any signs of strides); k runs over the reduced elements in the order the
 * caller chose, which matters only for argmin/argmax (first occurrence).
 *
 * Determinism: the reduced range of every output is cut into chunks whose
 * size depends only on the view's shape (never on the number of threads);
 * each chunk is reduced pairwise, and chunk partials are combined in a fixed
 * pairwise tree over chunk indices. Every output is therefore bit-identical
 * for any thread count and from run to run.
 *
 * Use (as a caller holding no Python objects in the workers):
 *     pel_red_job j;
 *     rc = pel_red_job_init(&j, kernel, &view, out, aux);
 *     rc = pel_parallel_for(j.ntasks, j.grain, pel_red_job_task, &j, opts);
 *     if (rc == 0) pel_red_job_finish(&j);
 *     pel_red_job_free(&j);
 * or simply pel_red_run(kernel, &view, out, aux, opts). Code in csrc/module
 * runs the job through pelx_run_for(j.ntasks, j.grain, pel_red_job_task,
 * &j, ...) instead (GIL release, Ctrl-C, FP flags), as reduce_binding.c does.
 * Called from inside another job's chunk, the job runs inline (pel.h).
 */
#ifndef PEL_REDUCE_H
#define PEL_REDUCE_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernels.h"
#include "pel/pel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reductions, NumPy names. Output element types:
 *   sum prod nansum dot vdot     the accumulator type
 *   min max nanmin nanmax        the input type (acc == in)
 *   argmin argmax                int64 (index k of the first best element)
 *   any all                      bool (one byte, 0 or 1)
 *   sumsqdev                     real accumulator: sum |x - aux[m]|^2, the
 *                                second pass of a two-pass variance, aux
 *                                holding the mean of each output m
 * dot/vdot read a second input (view.data2, view.red_stride2) along a 1-D
 * reduced range (K1 == 1); vdot conjugates the first input. */
#define PEL_RED_OPS(X)                                                      \
    X(sum) X(prod) X(nansum) X(min) X(max) X(nanmin) X(nanmax)              \
    X(argmin) X(argmax) X(any) X(all) X(sumsqdev) X(dot) X(vdot)

typedef enum pel_red_op {
#define PEL_RED_OP_ENUM(name) PEL_RED_##name,
    PEL_RED_OPS(PEL_RED_OP_ENUM)
#undef PEL_RED_OP_ENUM
    PEL_RED_NOPS
} pel_red_op;

typedef struct pel_red_view {
    const char *data;
    int64_t keep_shape[2], keep_strides[2]; /* {M1, M0}, bytes */
    int64_t red_shape[2], red_strides[2];   /* {K1, K0}, bytes */
    const char *data2;                      /* dot/vdot second input */
    int64_t red_stride2;                    /* its stride along k0 */
} pel_red_view;

/* Reduce the flat reduced range [b, e) of the output whose kept offset is
 * `base` into *partial. aux: this output's aux element (or NULL). */
typedef void (*pel_red_range_fn)(const char *base, const pel_red_view *v,
                                 int64_t b, int64_t e, void *partial,
                                 const void *aux);
/* Reduce rows [b, e) (flat reduced index) of w outputs whose kept offsets are
 * base + c*col_stride, c < w, into partials[0..w) (each partial_size bytes).
 * aux: the aux elements of these w outputs (contiguous) or NULL. Used when
 * the kept axis is the inner one in memory (e.g. sum(axis=0) of a C array):
 * rows are accumulated in order, vectorized across columns. */
typedef void (*pel_red_cols_fn)(const char *base, int64_t col_stride,
                                int64_t w, const pel_red_view *v, int64_t b,
                                int64_t e, void *partials, const void *aux);
/* *acc = *acc (+) *rhs, where rhs covers later indices than acc. */
typedef void (*pel_red_combine_fn)(void *acc, const void *rhs);
/* Write a finished partial as one output element. */
typedef void (*pel_red_store_fn)(const void *partial, char *out);

typedef struct pel_red_kernel {
    pel_red_op op;
    pel_dtype in, acc, aux;  /* input, accumulator, aux element types */
    int in_size;             /* bytes of one input element */
    int out_size;            /* bytes of one output element */
    int aux_size;            /* bytes of one aux element */
    int stop;                /* any: 1, all: 0: the partial byte that decides
                                the result (later chunks are skipped once a
                                chunk holds it); -1 for other ops */
    size_t partial_size;
    pel_red_range_fn range;
    pel_red_cols_fn cols;
    pel_red_combine_fn combine;
    pel_red_store_fn store;
} pel_red_kernel;

/* The kernel reducing `in` with accumulator type `acc`, or NULL if there is
 * none (the caller then casts the input to `acc` and asks for (acc, acc)).
 * For min/max/argmin/argmax/nanmin/nanmax acc == in; for any/all acc is
 * PEL_BOOL. */
const pel_red_kernel *pel_red_kernel_get(pel_red_op op, pel_dtype in,
                                         pel_dtype acc);
/* NumPy's name of op ("sum", ...). */
const char *pel_red_name(pel_red_op op);

/* Fixed constants: with the view's shape they define the summation order.
 * Inner plan: a reduced range is cut into chunks of PEL_RED_CHUNK elements
 * (128 KiB of doubles: a task worth a pool round-trip, and it stays in L2
 * for argmin/argmax's second pass).
 * Column plan: rows are accumulated in order in chunks of PEL_RED_ROW_CHUNK
 * rows (the only non-pairwise part: 64 terms), chunks are combined
 * pairwise; a task covers PEL_RED_COL_BLOCK columns (256 doubles: 2 KiB of
 * accumulators stay in L1) and a group of chunks worth about
 * PEL_RED_TASK_ELEMS elements. */
#define PEL_RED_CHUNK 16384
#define PEL_RED_ROW_CHUNK 64
#define PEL_RED_COL_BLOCK 256
#define PEL_RED_TASK_ELEMS 65536

typedef struct pel_red_job {
    const pel_red_kernel *k;
    pel_red_view v;
    char *out;       /* M output elements, contiguous, C order over (m1,m0) */
    const char *aux; /* M aux elements, contiguous, or NULL */
    int cols;        /* 1: column plan, 0: inner plan */
    int64_t M, K;
    int64_t nch;     /* inner: chunks per reduced range;
                        cols: row groups per reduced range */
    int64_t chunk;   /* inner: elements per chunk; cols: rows per group */
    int64_t ncb;     /* column blocks per m1 (column plan) */
    int depth;       /* cols: scratch levels for the pairwise row tree */
    int64_t ntasks, grain; /* for pel_parallel_for */
    char *partials;  /* NULL when nch == 1 (tasks store outputs directly) */
    /* Whole-array any/all (M == 1, nch > 1): set once a chunk's partial is
     * k->stop, so that chunks not started yet take it without reading. */
    _Atomic int decided;
} pel_red_job;

/* A job whose input values the caller produces itself, one task at a time
 * (the expression VM computes them): M outputs of K values each, output m
 * reducing values m*K .. m*K + K-1 of the caller's sequence. The chunk
 * grid, the kernels and the combine order are those of a job over a view
 * of the same value sequence (the inner plan), so the result is
 * bit-identical to reducing an array that holds these values. Run its
 * tasks with pel_red_job_task_values; finish and free as any job. */
int pel_red_job_init_values(pel_red_job *j, const pel_red_kernel *k,
                            int64_t M, int64_t K, char *out);
/* Task t reduces values [*begin, *end) of output *m: its values are
 * sequence elements m*K + begin .. m*K + end - 1. Consecutive tasks cover
 * consecutive sequence elements. */
void pel_red_job_span(const pel_red_job *j, int64_t t, int64_t *m,
                      int64_t *begin, int64_t *end);
/* Runs task t over its values, (end - begin) contiguous elements of the
 * kernel's input type. */
void pel_red_job_task_values(pel_red_job *j, int64_t t,
                             const char *values);

/* Plan the job. M >= 1 and K >= 1 are required (empty reductions are the
 * caller's business). Returns PEL_OK, PEL_EINVAL or PEL_ENOMEM. */
int pel_red_job_init(pel_red_job *j, const pel_red_kernel *k,
                     const pel_red_view *v, char *out, const char *aux);
/* pel_for_fn over [0, j->ntasks): ctx is the pel_red_job. */
int pel_red_job_task(void *ctx, int64_t begin, int64_t end, int slot);
/* After all tasks ran: combine chunk partials, write outputs. */
void pel_red_job_finish(pel_red_job *j);
void pel_red_job_free(pel_red_job *j);
/* init + pel_parallel_for + finish + free. */
int pel_red_run(const pel_red_kernel *k, const pel_red_view *v, char *out,
                const char *aux, const pel_opts *opts);

#ifdef __cplusplus
}
#endif

#endif /* PEL_REDUCE_H */
