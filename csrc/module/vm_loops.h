/*
 * vm_loops.h — turning the compiler's instructions into loops for the VM:
 * the kernel table's loop when it has the (op, dtype) pair, else NumPy's
 * own ufunc loop for the same signature, else (where/real/imag/complex and
 * float16 casts on dtypes outside the table) vm_extra_loops.h.
 * Called with the GIL held, while a program is built.
 */
#ifndef PELX_VM_LOOPS_H
#define PELX_VM_LOOPS_H

#include "vm/vm.h"

/* The pel_dtype of NumPy type number typenum, or -1. */
int pelx_vm_pel_dtype(int typenum);
/* Bytes per element of typenum, or -1. */
int pelx_vm_itemsize(int typenum);
/* Fills in->fn / in->data for operation name ("cast", a ufunc name,
 * "where", "real", "imag", "complex") over signature sig (type numbers of
 * the inputs, then the output). Returns 0, or -1 with TypeError set. */
int pelx_vm_resolve(const char *name, const int *sig, int nargs,
                    pel_vm_instr *in);

#endif
