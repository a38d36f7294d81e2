/*
 * kernel_test_hooks.c — linked only into the test build of the kernel
 * layer (tests/kernel_harness.py): runs one loop with the FP flags cleared
 * before and read after, on the calling thread, so Python tests can compare
 * loops and their flags with NumPy's.
 */
#include <fenv.h>
#include <stdint.h>

#include "kernels/kernels.h"

/* Runs fn; returns the FE_DIVBYZERO/FE_OVERFLOW/FE_INVALID bits raised as
 * 1/2/4, and stores the kernel error in *err. */
int pelt_run(pel_loop_fn fn, char **args, const intptr_t *dims,
             const intptr_t *steps, int *err)
{
    feclearexcept(FE_ALL_EXCEPT);
    fn(args, dims, steps, 0);
    int raised = fetestexcept(FE_ALL_EXCEPT), r = 0;
    feclearexcept(FE_ALL_EXCEPT);
    if (raised & FE_DIVBYZERO)
        r |= 1;
    if (raised & FE_OVERFLOW)
        r |= 2;
    if (raised & FE_INVALID)
        r |= 4;
    *err = pel_kernel_error_take();
    return r;
}
