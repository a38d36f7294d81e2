/*
 * vm_run.h — running a VM program over NumPy arrays in parallel, on the
 * one NpyIter runner (iter_job.h): an NpyIter (EXTERNAL_LOOP | BUFFERED |
 * RANGED | DELAY_BUFALLOC, buffer size PEL_VM_BLOCK) hands every inner
 * block to the VM: pointers and strides come straight from the iterator
 * (zero strides for broadcast operands), casts happen in the iterator's
 * block-sized buffers.
 *
 * Reductions are the reduction kernels' jobs (kernels/reduce.h) fed with
 * the program's values: each task runs the program over its range of the
 * iteration into a per-slot buffer of at most PEL_RED_CHUNK values and
 * hands them to the kernel, so evaluate("sum(a)") is pelx.sum(a), bit
 * for bit, and every reduction kernel (nansum, nanmin, ...) is available.
 */
#ifndef PELX_VM_RUN_H
#define PELX_VM_RUN_H

#include "module/numpy_api.h"
#include "kernels/reduce.h"
#include "vm/vm.h"

/* Elementwise: arrays[-1] is the output (None: allocated). Returns the
 * output array, or NULL with an exception set. */
PyObject *pelx_vm_evaluate(const pel_vm_program *prog, PyObject *arrays,
                           PyObject *dtypes, char order);
/* Reduction of the program's values (the program writes them to operand
 * len(arrays), the register after the inputs) with kernel k. rowlen 0: all
 * values into out[0]; rowlen > 0: the operands' last axis (rowlen long, C
 * order) is reduced, one output per row. out: a writeable C-contiguous
 * array of k's output elements, one per output. Returns None, or NULL with
 * an exception set. */
PyObject *pelx_vm_reduce(const pel_vm_program *prog, PyObject *arrays,
                         PyObject *dtypes, char order,
                         const pel_red_kernel *k, Py_ssize_t rowlen,
                         PyArrayObject *out);

#endif
