/*
 * scalar_int.h — NumPy's integer operations on one element, generated for
 * every integer dtype by PEL_DEF_INT_SCALARS(ENUM, name, T, U).
 *
 * Arithmetic wraps modulo 2^N like NumPy's; it is done in W, the unsigned
 * type the operands promote to (unsigned int for <= 32 bits, uint64_t for
 * 64), so there is no signed-overflow UB. The conversion of W back to a
 * signed T is modulo 2^N (gcc's documented implementation-defined rule).
 * `PEL_SIGNED(T)` is a compile-time constant, so the signed-only branches
 * vanish from unsigned functions.
 */
#ifndef PEL_KERNELS_SCALAR_INT_H
#define PEL_KERNELS_SCALAR_INT_H

#include <stdint.h>

#include "kernels/dtypes.h"
#include "kernels/float_to_int.h"
#include "kernels/fpe.h"

#define PEL_SIGNED(T) ((T)-1 < (T)0)
#define PEL_BITS(T) (sizeof(T) * 8)

#define PEL_DEF_INT_SCALARS(E, n, T, U)                                    \
    typedef __typeof__((U)0 + 0u) pel_w_##n;                               \
    static const T pel_min_##n =                                           \
        PEL_SIGNED(T) ? (T)((U)1 << (PEL_BITS(T) - 1)) : (T)0;             \
    static inline T pel_add_##n(T a, T b)                                  \
    { return (T)((pel_w_##n)(U)a + (pel_w_##n)(U)b); }                     \
    static inline T pel_subtract_##n(T a, T b)                             \
    { return (T)((pel_w_##n)(U)a - (pel_w_##n)(U)b); }                     \
    static inline T pel_multiply_##n(T a, T b)                             \
    { return (T)((pel_w_##n)(U)a * (pel_w_##n)(U)b); }                     \
    /* NumPy: x // 0 == 0 with a divide-by-zero warning; MIN // -1 == MIN \
     * with an overflow warning; otherwise rounds toward -inf. */          \
    static inline T pel_floor_divide_##n(T a, T b)                         \
    {                                                                      \
        if (b == 0) {                                                      \
            pel_fpe_divbyzero();                                           \
            return 0;                                                      \
        }                                                                  \
        if (PEL_SIGNED(T) && b == (T)-1) {                                 \
            if (a == pel_min_##n)                                          \
                pel_fpe_overflow();                                        \
            return pel_subtract_##n(0, a);                                 \
        }                                                                  \
        T q = (T)(a / b);                                                  \
        if (PEL_SIGNED(T) && (T)(a % b) != 0 && ((a < 0) != (b < 0)))      \
            q--;                                                           \
        return q;                                                          \
    }                                                                      \
    /* NumPy: x % 0 == 0 with a divide-by-zero warning; the result has the \
     * sign of the divisor (Python's rule); MIN % -1 == 0 silently. */     \
    static inline T pel_remainder_##n(T a, T b)                            \
    {                                                                      \
        if (b == 0) {                                                      \
            pel_fpe_divbyzero();                                           \
            return 0;                                                      \
        }                                                                  \
        if (PEL_SIGNED(T) && b == (T)-1)                                   \
            return 0;                                                      \
        T r = (T)(a % b);                                                  \
        if (PEL_SIGNED(T) && r != 0 && ((r < 0) != (b < 0)))               \
            r = (T)(r + b);                                                \
        return r;                                                          \
    }                                                                      \
    /* Square-and-multiply modulo 2^64, truncated: equals NumPy's wrapped  \
     * result. A negative exponent is an error (ValueError in NumPy): the  \
     * loop reports PEL_KERR_NEGATIVE_INT_POWER and writes 0. */           \
    static inline T pel_power_##n(T a, T b)                                \
    {                                                                      \
        if (PEL_SIGNED(T) && b < 0) {                                      \
            pel_kernel_set_error(PEL_KERR_NEGATIVE_INT_POWER);             \
            return 0;                                                      \
        }                                                                  \
        uint64_t base = (uint64_t)(U)a, e = (uint64_t)(U)b, r = 1;         \
        while (e) {                                                        \
            if (e & 1)                                                     \
                r *= base;                                                 \
            base *= base;                                                  \
            e >>= 1;                                                       \
        }                                                                  \
        return (T)r;                                                       \
    }                                                                      \
    static inline T pel_negative_##n(T a)                                  \
    { return (T)(0u - (pel_w_##n)(U)a); }                                  \
    static inline T pel_positive_##n(T a) { return a; }                    \
    /* abs(MIN) wraps to MIN, as in NumPy. */                              \
    static inline T pel_absolute_##n(T a)                                  \
    { return PEL_SIGNED(T) && a < 0 ? pel_negative_##n(a) : a; }           \
    static inline T pel_sign_##n(T a) { return (T)((a > 0) - (a < 0)); }   \
    static inline T pel_maximum_##n(T a, T b) { return a >= b ? a : b; }   \
    static inline T pel_minimum_##n(T a, T b) { return a <= b ? a : b; }   \
    static inline T pel_fmax_##n(T a, T b) { return a >= b ? a : b; }      \
    static inline T pel_fmin_##n(T a, T b) { return a <= b ? a : b; }      \
    static inline T pel_clip_##n(T x, T lo, T hi)                          \
    { return pel_minimum_##n(pel_maximum_##n(x, lo), hi); }                \
    static inline pel_bool pel_equal_##n(T a, T b) { return a == b; }      \
    static inline pel_bool pel_not_equal_##n(T a, T b) { return a != b; }  \
    static inline pel_bool pel_less_##n(T a, T b) { return a < b; }       \
    static inline pel_bool pel_less_equal_##n(T a, T b) { return a <= b; } \
    static inline pel_bool pel_greater_##n(T a, T b) { return a > b; }    \
    static inline pel_bool pel_greater_equal_##n(T a, T b)                 \
    { return a >= b; }                                                     \
    static inline pel_bool pel_logical_and_##n(T a, T b)                   \
    { return (a != 0) & (b != 0); }                                        \
    static inline pel_bool pel_logical_or_##n(T a, T b)                    \
    { return (a != 0) | (b != 0); }                                        \
    static inline pel_bool pel_logical_xor_##n(T a, T b)                   \
    { return (a != 0) ^ (b != 0); }                                        \
    static inline pel_bool pel_logical_not_##n(T a) { return a == 0; }     \
    static inline T pel_bitwise_and_##n(T a, T b) { return (T)(a & b); }   \
    static inline T pel_bitwise_or_##n(T a, T b) { return (T)(a | b); }    \
    static inline T pel_bitwise_xor_##n(T a, T b) { return (T)(a ^ b); }   \
    static inline T pel_invert_##n(T a) { return (T)~(pel_w_##n)(U)a; }    \
    /* Shifts by >= the width (or by a negative count, which NumPy also    \
     * treats as huge) give 0, or -1 for a negative value shifted right. */ \
    static inline T pel_left_shift_##n(T a, T b)                           \
    {                                                                      \
        return (uint64_t)b < PEL_BITS(T)                                   \
                   ? (T)((pel_w_##n)(U)a << (unsigned)b) : (T)0;           \
    }                                                                      \
    static inline T pel_right_shift_##n(T a, T b)                          \
    {                                                                      \
        if ((uint64_t)b < PEL_BITS(T))                                     \
            return (T)(a >> (unsigned)b);                                  \
        return PEL_SIGNED(T) && a < 0 ? (T)-1 : (T)0;                      \
    }                                                                      \
    static inline T pel_square_##n(T a) { return pel_multiply_##n(a, a); } \
    /* NumPy computes 1.0 / x in double and casts back: 1 / 0 is inf,      \
     * whose cast gives the x86 "indefinite" value (see float_to_int.h).   \
     * Raises divide-by-zero (and invalid) for 0, like NumPy. */           \
    static inline T pel_reciprocal_##n(T a)                                \
    { return pel_f2i_##n(1.0 / (double)a); }                               \
    static inline T pel_floor_##n(T a) { return a; }                       \
    static inline T pel_ceil_##n(T a) { return a; }                        \
    static inline T pel_trunc_##n(T a) { return a; }                       \
    static inline pel_bool pel_isnan_##n(T a) { (void)a; return 0; }       \
    static inline pel_bool pel_isinf_##n(T a) { (void)a; return 0; }       \
    static inline pel_bool pel_isfinite_##n(T a) { (void)a; return 1; }    \
    static inline T pel_conjugate_##n(T a) { return a; }                   \
    static inline T pel_copy_##n(T a) { return a; }                        \
    static inline T pel_where_##n(pel_bool c, T x, T y) { return c ? x : y; }

PEL_INT_TYPES(PEL_DEF_INT_SCALARS)

/* bool: NumPy's bool loops are logical (add is or, multiply is and,
 * maximum is or, ...); any non-zero byte reads as true, results are 0/1. */
#define PEL_B(a) ((a) != 0)
static inline pel_bool pel_add_bool(pel_bool a, pel_bool b) { return PEL_B(a) | PEL_B(b); }
static inline pel_bool pel_multiply_bool(pel_bool a, pel_bool b) { return PEL_B(a) & PEL_B(b); }
static inline pel_bool pel_absolute_bool(pel_bool a) { return PEL_B(a); }
static inline pel_bool pel_maximum_bool(pel_bool a, pel_bool b) { return PEL_B(a) | PEL_B(b); }
static inline pel_bool pel_minimum_bool(pel_bool a, pel_bool b) { return PEL_B(a) & PEL_B(b); }
static inline pel_bool pel_fmax_bool(pel_bool a, pel_bool b) { return PEL_B(a) | PEL_B(b); }
static inline pel_bool pel_fmin_bool(pel_bool a, pel_bool b) { return PEL_B(a) & PEL_B(b); }
static inline pel_bool pel_clip_bool(pel_bool x, pel_bool lo, pel_bool hi)
{ return (PEL_B(x) | PEL_B(lo)) & PEL_B(hi); }
static inline pel_bool pel_equal_bool(pel_bool a, pel_bool b) { return PEL_B(a) == PEL_B(b); }
static inline pel_bool pel_not_equal_bool(pel_bool a, pel_bool b) { return PEL_B(a) != PEL_B(b); }
static inline pel_bool pel_less_bool(pel_bool a, pel_bool b) { return PEL_B(a) < PEL_B(b); }
static inline pel_bool pel_less_equal_bool(pel_bool a, pel_bool b) { return PEL_B(a) <= PEL_B(b); }
static inline pel_bool pel_greater_bool(pel_bool a, pel_bool b) { return PEL_B(a) > PEL_B(b); }
static inline pel_bool pel_greater_equal_bool(pel_bool a, pel_bool b) { return PEL_B(a) >= PEL_B(b); }
static inline pel_bool pel_logical_and_bool(pel_bool a, pel_bool b) { return PEL_B(a) & PEL_B(b); }
static inline pel_bool pel_logical_or_bool(pel_bool a, pel_bool b) { return PEL_B(a) | PEL_B(b); }
static inline pel_bool pel_logical_xor_bool(pel_bool a, pel_bool b) { return PEL_B(a) ^ PEL_B(b); }
static inline pel_bool pel_logical_not_bool(pel_bool a) { return !a; }
static inline pel_bool pel_bitwise_and_bool(pel_bool a, pel_bool b) { return PEL_B(a) & PEL_B(b); }
static inline pel_bool pel_bitwise_or_bool(pel_bool a, pel_bool b) { return PEL_B(a) | PEL_B(b); }
static inline pel_bool pel_bitwise_xor_bool(pel_bool a, pel_bool b) { return PEL_B(a) ^ PEL_B(b); }
static inline pel_bool pel_invert_bool(pel_bool a) { return !a; }
static inline pel_bool pel_floor_bool(pel_bool a) { return PEL_B(a); }
static inline pel_bool pel_ceil_bool(pel_bool a) { return PEL_B(a); }
static inline pel_bool pel_trunc_bool(pel_bool a) { return PEL_B(a); }
static inline pel_bool pel_isnan_bool(pel_bool a) { (void)a; return 0; }
static inline pel_bool pel_isinf_bool(pel_bool a) { (void)a; return 0; }
static inline pel_bool pel_isfinite_bool(pel_bool a) { (void)a; return 1; }
static inline pel_bool pel_copy_bool(pel_bool a) { return a; }
static inline pel_bool pel_where_bool(pel_bool c, pel_bool x, pel_bool y) { return c ? x : y; }

#endif
