/*
 * rounding.c — floor, ceil, trunc and rint of float32 and float64, one
 * table like loops.c's, built per level (rounding_avx2.c, rounding_avx512.c;
 * see simd_level.h).
 *
 * They live apart from loops.c for one reason: gcc turns floor() & co. into
 * vector rounding instructions (roundpd, vrndscalepd) only without
 * -ftrapping-math, because those forms may raise the inexact flag, which
 * the scalar calls never do. Inexact is the only flag that changes (NaN
 * inputs raise invalid or not exactly as before), and neither NumPy nor
 * pelx reports it, so this file, which does nothing but round, is built
 * with -fno-trapping-math. The results are the same correctly rounded
 * integers at every level.
 */
#pragma GCC optimize("no-trapping-math")

#include "kernels/dtypes.h"
#include "kernels/loop_gen.h"
#include "kernels/scalar_float.h"
#include "kernels/simd_level.h"

#define PEL_ROUND_OPS(X, ...)                                              \
    X(floor, __VA_ARGS__) X(ceil, __VA_ARGS__) X(trunc, __VA_ARGS__)       \
    X(rint, __VA_ARGS__)

#define PEL_ROUND_LOOP(op, E, n, T, A)                                     \
    PEL_LOOP1(loop_##op##_##n, T, T, pel_##op##_##n)
#define PEL_ROUND_LOOPS(E, n, T, A) PEL_ROUND_OPS(PEL_ROUND_LOOP, E, n, T, A)
PEL_FLOAT_TYPES(PEL_ROUND_LOOPS)

#define PEL_ROUND_CELL(op, E, n, T, A)                                     \
    [PEL_OP_##op][PEL_##E] = {loop_##op##_##n, PEL_##E},
#define PEL_ROUND_CELLS(E, n, T, A) PEL_ROUND_OPS(PEL_ROUND_CELL, E, n, T, A)
const pel_loop_entry PEL_SIMD_NAME(pel_round_loops)[PEL_NOPS][PEL_NDTYPES] = {
    PEL_FLOAT_TYPES(PEL_ROUND_CELLS)
};
