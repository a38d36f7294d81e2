/*
 * reduce_lookup.h — the reduction kernel (kernels/reduce.h) for a
 * reduction named from Python, over NumPy dtypes: shared by
 * pelx._core._reduce and the expression reductions (vm_reduce).
 */
#ifndef PELX_REDUCE_LOOKUP_H
#define PELX_REDUCE_LOOKUP_H

#include "module/numpy_api.h"
#include "kernels/reduce.h"

/* The op named `name` ("sum", ...), or PEL_RED_NOPS. */
pel_red_op pelx_red_op(const char *name);
/* The kernel reducing `in` into accumulator `acc` with op `name`, or NULL
 * (no exception set). */
const pel_red_kernel *pelx_red_kernel_find(const char *name,
                                           PyArray_Descr *in,
                                           PyArray_Descr *acc);
/* The same, or NULL with ValueError (unknown name) or TypeError (no such
 * kernel) set. */
const pel_red_kernel *pelx_red_kernel(const char *name, PyArray_Descr *in,
                                      PyArray_Descr *acc);

#endif
