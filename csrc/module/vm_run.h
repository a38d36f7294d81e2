/*
 * vm_run.h — running a VM program over NumPy arrays in parallel.
 *
 * An NpyIter (EXTERNAL_LOOP | BUFFERED | RANGED | DELAY_BUFALLOC, buffer
 * size PEL_VM_BLOCK) is copied once per worker slot; each worker resets its
 * copy to a chunk of the iteration range and hands every inner block to the
 * VM: pointers and strides come straight from the iterator (zero strides
 * for broadcast operands), casts happen in the iterator's block-sized
 * buffers. Jobs go through pelx_run_for / pelx_run_reduce (GIL released,
 * Ctrl-C, FP flags).
 */
#ifndef PELX_VM_RUN_H
#define PELX_VM_RUN_H

#include "module/bindings.h"
#include "vm/vm.h"

/* Chunks handed to the pool: 16 blocks (64 Ki elements), enough work per
 * chunk to hide the scheduling cost, small enough to balance 64 threads on
 * 2**22-element inputs. */
#define PELX_VM_GRAIN ((int64_t)16 * PEL_VM_BLOCK)

/* Elementwise: arrays[-1] is the output (None: allocated). Returns the
 * output array, or NULL with an exception set. */
PyObject *pelx_vm_evaluate(const pel_vm_program *prog, PyObject *arrays,
                           PyObject *dtypes, char order);
/* Reduction of the program's result (kind: pel_vm_reduce_kind). rowlen 0:
 * everything, rows_or_dtype is the accumulator dtype, returns the value's
 * bytes. rowlen > 0: the operands' last axis (rowlen long, C order) is
 * reduced into rows_or_dtype (a C-contiguous array), returns None. */
PyObject *pelx_vm_reduce(const pel_vm_program *prog, PyObject *arrays,
                         PyObject *dtypes, char order, int kind,
                         Py_ssize_t rowlen, PyObject *rows_or_dtype);

#endif
