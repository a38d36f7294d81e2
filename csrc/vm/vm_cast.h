/*
 * vm_cast.h — conversion loops between the VM's temporaries, used while
 * the kernel table has no pel_cast_kernel for a pair. The compiler only
 * converts along NumPy's promotions (to a type that holds every value:
 * int8 -> int64, int64 -> float64, float32 -> complex64, ...) and to bool
 * (x != 0), so only those pairs have loops; narrowing pairs give NULL.
 */
#ifndef PEL_VM_CAST_H
#define PEL_VM_CAST_H

#include "kernels/kernels.h"

pel_loop_fn pel_vm_cast_loop(pel_dtype from, pel_dtype to);

#endif
