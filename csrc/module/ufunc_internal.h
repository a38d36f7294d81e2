/*
 * ufunc_internal.h — the general elementwise path (ufunc_iter.c), as the
 * module functions of ufunc_binding.c call it.
 */
#ifndef PELX_UFUNC_INTERNAL_H
#define PELX_UFUNC_INTERNAL_H

#include "module/numpy_api.h"
#include "module/parallel_call.h"
#include "kernels/kernels.h"
#include "module/dtype_map.h"

/* Largest nin of any op (clip, where) plus the output. */
#define PELX_MAX_ARGS 4

/* The name NumPy puts in floating-point warnings for op's ufunc. */
const char *pelx_ufunc_fpe_name(pel_op op);

/* What the general path runs: the kernel, the dtypes the iterator casts
 * each input to and the output from, and the NumPy type number of an
 * output it allocates: -1 for out_t; NPY_HALF for float16 results, which
 * the float32 loops compute and the iterator rounds to half precision, as
 * NumPy's half loops do. */
typedef struct pelx_loop_spec {
    pel_op op;
    pel_loop_fn loop;
    pel_dtype in_t[PELX_MAX_ARGS];
    pel_dtype out_t;
    int alloc_typenum;
} pelx_loop_spec;

/* The general path: NpyIter over inputs (already ndarrays), out (ndarray or
 * NULL), where (bool-castable ndarray or NULL).
 * Returns the result (out itself when given) or NULL. */
PyObject *pelx_ufunc_iter(const pelx_loop_spec *spec, PyArrayObject **in,
                          PyArrayObject *out, PyArrayObject *where,
                          NPY_ORDER order);

#endif
