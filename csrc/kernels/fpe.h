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

/* The FP exception flags, saved and put back around code that may raise
 * flags NumPy would not (quiet ops that gcc vectorizes with signalling
 * compares, libmvec's special lanes). The kernels compute in SSE/AVX
 * registers only, whose flags live in MXCSR (bits 0-5), so on x86-64 that
 * one register is saved and restored: a few cycles, where
 * fegetexceptflag + fesetexceptflag also go through the x87 environment
 * (about 60 ns, paid per chunk: 9% of a 1e5-element comparison). Flags in
 * the x87 status word (feraiseexcept raises overflow there) are left
 * alone, as no quiet code raises them. Elsewhere, <fenv.h>. */
#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>
typedef unsigned pel_fpflags;
#define PEL_MXCSR_FLAGS 0x3fu
static inline pel_fpflags pel_fpflags_save(void)
{
    return _mm_getcsr() & PEL_MXCSR_FLAGS;
}
static inline void pel_fpflags_restore(pel_fpflags f)
{
    _mm_setcsr((_mm_getcsr() & ~PEL_MXCSR_FLAGS) | f);
}
#else
typedef fexcept_t pel_fpflags;
static inline pel_fpflags pel_fpflags_save(void)
{
    fexcept_t f;
    fegetexceptflag(&f, FE_ALL_EXCEPT);
    return f;
}
static inline void pel_fpflags_restore(pel_fpflags f)
{
    fesetexceptflag(&f, FE_ALL_EXCEPT);
}
#endif

/* The bits u of a float64 (UT uint64_t) or float32 (UT uint32_t), as a value
 * whose sign bit is set iff the float is an infinity or NaN: an all-ones
 * exponent field plus one carries into it. An OR of these over an array is
 * a reduction gcc vectorizes (an isfinite test it does not). */
#define PEL_NONFINITE_SIGN(UT, u)                                          \
    (((u) & (sizeof(UT) == 8 ? (UT)0x7ff0000000000000u                     \
                             : (UT)0x7f800000u)) +                          \
     (sizeof(UT) == 8 ? (UT)0x0010000000000000u : (UT)0x00800000u))

#define PEL_QLT(a, b) __builtin_isless((a), (b))
#define PEL_QLE(a, b) __builtin_islessequal((a), (b))
#define PEL_QGT(a, b) __builtin_isgreater((a), (b))
#define PEL_QGE(a, b) __builtin_isgreaterequal((a), (b))

#endif
