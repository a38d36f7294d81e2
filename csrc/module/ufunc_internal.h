/*
 * ufunc_internal.h — shared by the two halves of the elementwise binding:
 * ufunc_binding.c (argument handling and the contiguous fast path) and
 * ufunc_iter.c (the general NpyIter path). Both run their work through
 * pelx_run_for.
 */
#ifndef PELX_UFUNC_INTERNAL_H
#define PELX_UFUNC_INTERNAL_H

#define NO_IMPORT_ARRAY
#define PY_ARRAY_UNIQUE_SYMBOL pelx_ARRAY_API
#define NO_IMPORT_UFUNC
#define PY_UFUNC_UNIQUE_SYMBOL pelx_UFUNC_API
#include "module/parallel_call.h"
#include "kernels/kernels.h"

#include <numpy/arrayobject.h>

#include "module/dtype_map.h"

/* Largest nin of any op (clip, where) plus the output. */
#define PELX_MAX_ARGS 4

/* The dtype of input i of op's loop over t: t itself, except where()'s
 * condition, which is bool. */
pel_dtype pelx_input_dtype(pel_op op, pel_dtype t, int i);

/* Chunk size and inline decision for n elements of op, each touching
 * bytes_per_elem bytes across all operands: returns the grain to give
 * pelx_run_for (>= n when the job should run inline). */
int64_t pelx_ufunc_grain(pel_op op, int64_t n, int64_t bytes_per_elem);

/* Runs a job through pelx_run_for with op's name for FP warnings and
 * turns kernel error codes into Python exceptions. Returns 0 done, -1
 * exception set, or PELX_CHUNK_EITER (no exception set: the caller has the
 * iterator's message). */
int pelx_ufunc_run(pel_op op, int64_t n, int64_t grain, pel_for_fn fn,
                   void *ctx, int max_threads);

/* What the general path runs: the kernel, the dtypes the iterator casts
 * each input to and the output from, and the NumPy type number of an
 * output it allocates: -1 for out_t; NPY_HALF for float16 results, which
 * the float32 loops compute and the iterator rounds to half precision, as
 * NumPy's half loops do. */
typedef struct pelx_loop_spec {
    pel_loop_fn loop;
    pel_dtype in_t[PELX_MAX_ARGS];
    pel_dtype out_t;
    int alloc_typenum;
} pelx_loop_spec;

/* The general path: NpyIter over inputs (already ndarrays), out (ndarray or
 * NULL), where (bool-castable ndarray or NULL).
 * Returns the result (out itself when given) or NULL. */
PyObject *pelx_ufunc_iter(pel_op op, const pelx_loop_spec *spec,
                          PyArrayObject **in, PyArrayObject *out,
                          PyArrayObject *where, NPY_ORDER order);

/* Chunk function return codes besides 0: a kernel error code
 * (PEL_KERR_*, small positive, see kernels.h), or PELX_CHUNK_EITER when
 * NpyIter could not reset to a range (message in the slot's errmsg). */
#define PELX_CHUNK_EITER 1000

#endif
