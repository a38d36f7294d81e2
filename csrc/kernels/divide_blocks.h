/*
 * divide_blocks.h — integer floor_divide and remainder of 8- to 32-bit
 * types in floating point, and integer reciprocal, for loops.c: a block
 * function per (op, dtype), called before the generic loop like those of
 * mask_blocks.h.
 *
 * x86 has no vector integer division, and a scalar one takes 20-90 cycles.
 * For |a|, |b| < 2^24 (8- and 16-bit types, in float32) or < 2^53 (32-bit,
 * in float64) the quotient a / b rounded to the float type never crosses an
 * integer: a/b = n +- m/|b| with m >= 1 is a relative distance of at least
 * 1/|a| from the integer n, far more than the rounding error. So the
 * truncated fl(a / b) is the exact truncated quotient, from which the floor
 * quotient q and the remainder a - q b (with the divisor's sign: Python's
 * rule, NumPy's) follow in integer arithmetic.
 * NumPy's special cases: x // 0 == 0 and x % 0 == 0 with a divide-by-zero
 * flag; MIN // -1 == MIN with an overflow flag; MIN % -1 == 0 silently.
 * Their lanes are selected, and their flags gathered as the loop runs and
 * raised once after it.
 *
 * A block handles the whole call when the output is contiguous and each
 * input is contiguous or one scalar (step 0), not both scalar; it returns 0
 * for any other layout. Built at the avx2 and avx512 levels, where vector
 * conversions between these integers and floats are cheap; at baseline
 * (SSE2) the table is empty and the scalar loops of scalar_int.h run. The
 * results are the same integers.
 */
#ifndef PEL_KERNELS_DIVIDE_BLOCKS_H
#define PEL_KERNELS_DIVIDE_BLOCKS_H

#include <stdint.h>

#include "kernels/dtypes.h"
#include "kernels/fpe.h"
#include "kernels/loop_gen.h"
#include "kernels/scalar_int.h"

#if defined(__AVX2__)

/* X(E, n, T, F, S, ...): the types, with the float type that divides them
 * and the signed type of their width. */
#define PEL_DIV_TYPES(X, ...)                                              \
    X(INT8, int8, int8_t, float, int8_t, __VA_ARGS__)                      \
    X(INT16, int16, int16_t, float, int16_t, __VA_ARGS__)                  \
    X(INT32, int32, int32_t, double, int32_t, __VA_ARGS__)                 \
    X(UINT8, uint8, uint8_t, float, int8_t, __VA_ARGS__)                   \
    X(UINT16, uint16, uint16_t, float, int16_t, __VA_ARGS__)               \
    X(UINT32, uint32, uint32_t, double, int32_t, __VA_ARGS__)

/* The (in range) float quotient truncated to T: 8- and 16-bit types
 * through int32, which gcc vectorizes (directly, it does not for the
 * signed ones). */
#define PEL_DIV_TRUNC_int8(q) ((int8_t)(int32_t)(q))
#define PEL_DIV_TRUNC_int16(q) ((int16_t)(int32_t)(q))
#define PEL_DIV_TRUNC_int32(q) ((int32_t)(q))
#define PEL_DIV_TRUNC_uint8(q) ((uint8_t)(int32_t)(q))
#define PEL_DIV_TRUNC_uint16(q) ((uint16_t)(int32_t)(q))
#define PEL_DIV_TRUNC_uint32(q) ((uint32_t)(q))

/* z = a // b or a % b for one lane; zero, ovf: the flag accumulators.
 * The float quotient is truncated (C's conversion, in range) and corrected
 * to the floor where the remainder is non-zero and the signs differ. The
 * MIN / -1 lane divides by 1 instead (quotient MIN, remainder 0: NumPy's
 * results) and a lane dividing by 0 by 1, so every conversion is in range.
 * Only bit operations select: with a conditional select before the
 * division, gcc does not vectorize the loop under trapping math. */
#define PEL_DIV_LANE(op, n, T, F, S, a, b, z, zero, ovf)                   \
    do {                                                                   \
        const T a_ = (a), b_ = (b);                                        \
        const int bz = b_ == 0;                                            \
        const int mo = PEL_SIGNED(T) & (a_ == pel_min_##n) & (b_ == (T)-1); \
        zero |= bz;                                                        \
        ovf |= mo;                                                         \
        /* b, or 1 for b == 0 (0 | 1) and for b == -1 in the MIN lane      \
         * (-1 ^ -2) */                                                    \
        const T bb = (T)((T)(b_ | (T)bz) ^ (T)((T)-(T)mo & (T)-2));        \
        const T qt = PEL_DIV_TRUNC_##n((F)a_ / (F)bb);                     \
        const pel_w_##n rt = (pel_w_##n)(T)a_ - (pel_w_##n)qt * (pel_w_##n)bb; \
        /* the signs differ (signed types only) */                         \
        const int adj = ((T)rt != 0) & PEL_SIGNED(T) & ((S)(a_ ^ bb) < 0); \
        const T q = (T)((pel_w_##n)qt - (pel_w_##n)adj);                   \
        const T r = (T)(rt + ((pel_w_##n)bb & (pel_w_##n)-(pel_w_##n)adj)); \
        (z) = (T)((PEL_DIV_IS_REM_##op ? r : q) & (T)((T)bz - 1));         \
    } while (0)
#define PEL_DIV_IS_REM_floor_divide 0
#define PEL_DIV_IS_REM_remainder 1

#define PEL_DIV_DEFINE(E, n, T, F, S, op)                                  \
    static intptr_t pel_dblk_##op##_##n(char **args, intptr_t len,         \
                                        const intptr_t *steps)             \
    {                                                                      \
        const intptr_t sz = (intptr_t)sizeof(T);                           \
        const int s0 = steps[0] == 0, s1 = steps[1] == 0;                  \
        if (steps[2] != sz || (s0 && s1) || (!s0 && steps[0] != sz) ||     \
            (!s1 && steps[1] != sz))                                       \
            return 0;                                                      \
        const T *x = (const T *)args[0], *y = (const T *)args[1];          \
        T *z = (T *)args[2];                                               \
        int zero = 0, ovf = 0;                                             \
        if (s1) {                                                          \
            const T b = *y;                                                \
            for (intptr_t i = 0; i < len; i++)                             \
                PEL_DIV_LANE(op, n, T, F, S, x[i], b, z[i], zero, ovf);    \
        } else if (s0) {                                                   \
            const T a = *x;                                                \
            for (intptr_t i = 0; i < len; i++)                             \
                PEL_DIV_LANE(op, n, T, F, S, a, y[i], z[i], zero, ovf);    \
        } else {                                                           \
            for (intptr_t i = 0; i < len; i++)                             \
                PEL_DIV_LANE(op, n, T, F, S, x[i], y[i], z[i], zero, ovf); \
        }                                                                  \
        if (zero)                                                          \
            pel_fpe_divbyzero();                                           \
        if (ovf && !PEL_DIV_IS_REM_##op)                                   \
            pel_fpe_overflow();                                            \
        return len;                                                        \
    }
PEL_DIV_TYPES(PEL_DIV_DEFINE, floor_divide)
PEL_DIV_TYPES(PEL_DIV_DEFINE, remainder)

#define PEL_DIV_CELL(E, n, T, F, S, op) [PEL_OP_##op][PEL_##E] = pel_dblk_##op##_##n,
#define PEL_DIVIDE_BLOCK_CELLS                                             \
    PEL_DIV_TYPES(PEL_DIV_CELL, floor_divide)                              \
    PEL_DIV_TYPES(PEL_DIV_CELL, remainder)
#else
#define PEL_DIVIDE_BLOCK_CELLS
#endif /* AVX2 */

/* ---- integer reciprocal, at every level ---------------------------------
 * NumPy computes 1.0 / x and casts it back: 1 for 1, -1 for -1, 0 for
 * every other non-zero x, and for 0 the cast of +inf (the "integer
 * indefinite" value: MIN for int32 and int64, 0 for the others, see
 * float_to_int.h) with divide-by-zero and invalid flags. Those are integer
 * selects, which every level vectorizes; contiguous input and output only. */
#define PEL_RECIP_ZERO_int8 0
#define PEL_RECIP_ZERO_int16 0
#define PEL_RECIP_ZERO_int32 INT32_MIN
#define PEL_RECIP_ZERO_int64 INT64_MIN
#define PEL_RECIP_ZERO_uint8 0u
#define PEL_RECIP_ZERO_uint16 0u
#define PEL_RECIP_ZERO_uint32 0u
#define PEL_RECIP_ZERO_uint64 0u

#define PEL_RECIP_DEFINE(E, n, T, U)                                       \
    static intptr_t pel_rblk_reciprocal_##n(char **args, intptr_t len,     \
                                            const intptr_t *steps)         \
    {                                                                      \
        if (steps[0] != (intptr_t)sizeof(T) ||                             \
            steps[1] != (intptr_t)sizeof(T))                               \
            return 0;                                                      \
        const T *x = (const T *)args[0];                                   \
        T *z = (T *)args[1];                                               \
        int zero = 0;                                                      \
        for (intptr_t i = 0; i < len; i++) {                               \
            const T a = x[i];                                              \
            zero |= a == 0;                                                \
            const T r = (T)((U)(a == 1) -                                  \
                            (U)(PEL_SIGNED(T) & (a == (T)-1)));            \
            z[i] = a == 0 ? (T)PEL_RECIP_ZERO_##n : r;                     \
        }                                                                  \
        if (zero) {                                                        \
            pel_fpe_divbyzero();                                           \
            pel_fpe_invalid();                                             \
        }                                                                  \
        return len;                                                        \
    }
PEL_INT_TYPES(PEL_RECIP_DEFINE)

#define PEL_RECIP_CELL(E, n, T, U)                                         \
    [PEL_OP_reciprocal][PEL_##E] = pel_rblk_reciprocal_##n,
#define PEL_RECIPROCAL_BLOCK_CELLS PEL_INT_TYPES(PEL_RECIP_CELL)

#endif
