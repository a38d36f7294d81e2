/*
 * vm_reduce.h — reducing the VM's block results: sum, prod, min, max, any,
 * all over one dtype each (the binding casts the program's result to that
 * dtype first, following NumPy's choice of accumulator: sum of int32 is
 * int64, any of float is any(x != 0), ...).
 *
 * A reduction keeps one pel_vm_partial per chunk of the fixed chunk grid of
 * pel_parallel_reduce (or per output row). Inside a chunk, blocks are
 * folded in iteration order; inside a block, float sums are pairwise. So
 * the result depends on the data layout only, never on the thread count.
 */
#ifndef PEL_VM_REDUCE_H
#define PEL_VM_REDUCE_H

#include <stdint.h>

#include "kernels/kernels.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum pel_vm_reduce_kind {
    PEL_VM_SUM, PEL_VM_PROD, PEL_VM_MIN, PEL_VM_MAX, PEL_VM_ANY, PEL_VM_ALL,
    PEL_VM_NREDUCE
} pel_vm_reduce_kind;

/* One partial result: the value (any dtype up to complex128) and whether
 * it is still empty (min/max have no identity). */
typedef struct pel_vm_partial {
    _Alignas(16) unsigned char value[16];
    int64_t empty;
} pel_vm_partial;

/* 1 if kind has a loop for accumulator dtype t. */
int pel_vm_reduce_supported(int kind, pel_dtype t);
/* Sets *p to the identity (sum 0, prod 1, any false, all true) or empty. */
void pel_vm_reduce_init(int kind, pel_dtype t, pel_vm_partial *p);
/* *p = *p (op) reduce(data[0..n) with byte stride). */
void pel_vm_reduce_block(int kind, pel_dtype t, pel_vm_partial *p,
                         const char *data, intptr_t n, intptr_t stride);
/* *acc = *acc (op) *rhs. */
void pel_vm_reduce_combine(int kind, pel_dtype t, pel_vm_partial *acc,
                           const pel_vm_partial *rhs);

#ifdef __cplusplus
}
#endif

#endif
