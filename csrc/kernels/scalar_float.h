/*
 * scalar_float.h — NumPy's exactly-rounded float operations on one
 * element, generated for float32 and float64 by PEL_DEF_FLOAT_SCALARS.
 * <tgmath.h> picks the float or double libm function from the argument.
 *
 * NaN rules (measured against numpy 2.4, contiguous and strided):
 *   maximum/minimum propagate a NaN from either side; when the operands
 *   compare equal (0.0 vs -0.0) the second one is returned;
 *   fmax/fmin return the non-NaN operand, and the second one on ties.
 * Comparisons are quiet (no FE_INVALID for NaN), like NumPy's.
 */
#ifndef PEL_KERNELS_SCALAR_FLOAT_H
#define PEL_KERNELS_SCALAR_FLOAT_H

#include <tgmath.h>

#include "kernels/dtypes.h"
#include "kernels/fpe.h"

#define PEL_DEF_FLOAT_SCALARS(E, n, T, U)                                  \
    static inline T pel_add_##n(T a, T b) { return a + b; }                \
    static inline T pel_subtract_##n(T a, T b) { return a - b; }           \
    static inline T pel_multiply_##n(T a, T b) { return a * b; }           \
    static inline T pel_true_divide_##n(T a, T b) { return a / b; }        \
    /* Python's divmod for floats (NumPy's npy_divmod): the remainder has  \
     * the sign of the divisor, the quotient is floor((a - mod) / b)       \
     * snapped to the nearest integer. b == 0 is handled by the callers.   \
     */                                                                    \
    static inline T pel_divmod_##n(T a, T b, T *modp)                      \
    {                                                                      \
        T mod = fmod(a, b);                                                \
        T div = (a - mod) / b;                                             \
        if (mod != 0) {                                                    \
            if (PEL_QLT(b, (T)0) != PEL_QLT(mod, (T)0)) {                  \
                mod += b;                                                  \
                div -= (T)1;                                               \
            }                                                              \
        } else {                                                           \
            mod = copysign((T)0, b);                                       \
        }                                                                  \
        T fdiv;                                                            \
        if (div != 0) {                                                    \
            fdiv = floor(div);                                             \
            if (PEL_QGT(div - fdiv, (T)0.5))                               \
                fdiv += (T)1;                                              \
        } else {                                                           \
            fdiv = copysign((T)0, a / b);                                  \
        }                                                                  \
        *modp = mod;                                                       \
        return fdiv;                                                       \
    }                                                                      \
    /* x // 0: a / 0 (inf or nan); NumPy warns "invalid" for 0 // 0 and    \
     * nan // 0, "divide by zero" otherwise. */                            \
    static inline T pel_floor_divide_##n(T a, T b)                         \
    {                                                                      \
        T mod;                                                             \
        if (b == 0) {                                                      \
            if (a == 0 || isnan(a))                                        \
                pel_fpe_invalid();                                         \
            else                                                           \
                pel_fpe_divbyzero();                                       \
            return a / b;                                                  \
        }                                                                  \
        return pel_divmod_##n(a, b, &mod);                                 \
    }                                                                      \
    /* x % 0 is fmod(x, 0): nan with an "invalid" warning. */              \
    static inline T pel_remainder_##n(T a, T b)                            \
    {                                                                      \
        T mod;                                                             \
        if (b == 0)                                                        \
            return fmod(a, b);                                             \
        pel_divmod_##n(a, b, &mod);                                        \
        return mod;                                                        \
    }                                                                      \
    static inline T pel_negative_##n(T a) { return -a; }                   \
    static inline T pel_positive_##n(T a) { return a; }                    \
    static inline T pel_absolute_##n(T a) { return fabs(a); }              \
    /* sign(nan) = nan, sign(+-0) = +0. */                                 \
    static inline T pel_sign_##n(T a)                                      \
    {                                                                      \
        return PEL_QGT(a, (T)0) ? (T)1                                     \
             : PEL_QLT(a, (T)0) ? (T)-1 : (a == 0 ? (T)0 : a);             \
    }                                                                      \
    static inline T pel_maximum_##n(T a, T b)                              \
    { return (PEL_QGT(a, b) || isnan(a)) ? a : b; }                        \
    static inline T pel_minimum_##n(T a, T b)                              \
    { return (PEL_QLT(a, b) || isnan(a)) ? a : b; }                        \
    static inline T pel_fmax_##n(T a, T b)                                 \
    { return (PEL_QGT(a, b) || isnan(b)) ? a : b; }                        \
    static inline T pel_fmin_##n(T a, T b)                                 \
    { return (PEL_QLT(a, b) || isnan(b)) ? a : b; }                        \
    /* NumPy's clip: max(x, lo) then min(., hi), a NaN in any operand      \
     * propagates. */                                                      \
    static inline T pel_clip_##n(T x, T lo, T hi)                          \
    {                                                                      \
        T t = (isnan(x) || PEL_QGT(x, lo)) ? x : lo;                       \
        return (isnan(t) || PEL_QLT(t, hi)) ? t : hi;                      \
    }                                                                      \
    static inline pel_bool pel_equal_##n(T a, T b) { return a == b; }      \
    static inline pel_bool pel_not_equal_##n(T a, T b) { return a != b; }  \
    static inline pel_bool pel_less_##n(T a, T b) { return PEL_QLT(a, b); } \
    static inline pel_bool pel_less_equal_##n(T a, T b)                    \
    { return PEL_QLE(a, b); }                                              \
    static inline pel_bool pel_greater_##n(T a, T b)                       \
    { return PEL_QGT(a, b); }                                              \
    static inline pel_bool pel_greater_equal_##n(T a, T b)                 \
    { return PEL_QGE(a, b); }                                              \
    static inline pel_bool pel_logical_and_##n(T a, T b)                   \
    { return (a != 0) & (b != 0); }                                        \
    static inline pel_bool pel_logical_or_##n(T a, T b)                    \
    { return (a != 0) | (b != 0); }                                        \
    static inline pel_bool pel_logical_xor_##n(T a, T b)                   \
    { return (a != 0) ^ (b != 0); }                                        \
    static inline pel_bool pel_logical_not_##n(T a) { return a == 0; }     \
    static inline T pel_sqrt_##n(T a) { return sqrt(a); }                  \
    static inline T pel_square_##n(T a) { return a * a; }                  \
    static inline T pel_reciprocal_##n(T a) { return (T)1 / a; }           \
    static inline T pel_floor_##n(T a) { return floor(a); }                \
    static inline T pel_ceil_##n(T a) { return ceil(a); }                  \
    static inline T pel_trunc_##n(T a) { return trunc(a); }                \
    /* Current rounding mode: round-half-even by default, as NumPy. */     \
    static inline T pel_rint_##n(T a) { return rint(a); }                  \
    static inline pel_bool pel_isnan_##n(T a) { return isnan(a) != 0; }    \
    static inline pel_bool pel_isinf_##n(T a) { return isinf(a) != 0; }    \
    static inline pel_bool pel_isfinite_##n(T a) { return isfinite(a) != 0; } \
    static inline T pel_copysign_##n(T a, T b) { return copysign(a, b); }  \
    static inline T pel_conjugate_##n(T a) { return a; }                   \
    static inline T pel_copy_##n(T a) { return a; }                        \
    static inline T pel_where_##n(pel_bool c, T x, T y) { return c ? x : y; }

PEL_FLOAT_TYPES(PEL_DEF_FLOAT_SCALARS)

/* real / imag of a real value (pelx-internal ops used by expressions). */
#define PEL_DEF_FLOAT_PARTS(E, n, T, U)                                    \
    static inline T pel_real_##n(T a) { return a; }                        \
    static inline T pel_imag_##n(T a) { (void)a; return (T)0; }
PEL_FLOAT_TYPES(PEL_DEF_FLOAT_PARTS)

#endif
