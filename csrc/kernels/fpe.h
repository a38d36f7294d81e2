/*
 * fpe.h — raising floating-point exception flags from integer code, and
 * quiet comparisons.
 *
 * Integer division by zero must not trap (SIGFPE) but NumPy reports it as a
 * floating-point "divide by zero" warning; loops raise the flag themselves
 * with feraiseexcept, and the binding turns the thread's flags into
 * warnings (np.errstate) after the job.
 *
 * Comparisons of floats use the quiet forms (isless & co.): an ordered `<`
 * on a NaN raises FE_INVALID, but NumPy comparisons never warn.
 */
#ifndef PEL_KERNELS_FPE_H
#define PEL_KERNELS_FPE_H

#include <fenv.h>
#include <math.h>

static inline void pel_fpe_divbyzero(void) { feraiseexcept(FE_DIVBYZERO); }
static inline void pel_fpe_overflow(void) { feraiseexcept(FE_OVERFLOW); }
static inline void pel_fpe_invalid(void) { feraiseexcept(FE_INVALID); }

#define PEL_QLT(a, b) __builtin_isless((a), (b))
#define PEL_QLE(a, b) __builtin_islessequal((a), (b))
#define PEL_QGT(a, b) __builtin_isgreater((a), (b))
#define PEL_QGE(a, b) __builtin_isgreaterequal((a), (b))

#endif
