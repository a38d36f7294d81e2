/*
 * casts.c — cast loops between every pair of dtypes, NumPy's unsafe-cast
 * semantics (what arr.astype(to, casting="unsafe") gives):
 *   to bool             x != 0 (complex: either part non-zero; NaN is true)
 *   int -> int          wrap modulo 2^N
 *   int/float -> float  C conversion, round to nearest
 *   float -> int        truncation; NaN / out of range as NumPy on x86-64
 *                       (float_to_int.h), raising FE_INVALID
 *   complex -> real     the real part (NumPy's ComplexWarning is the
 *                       binding's business)
 *   real -> complex     (x, 0)
 * All 13 x 13 pairs are generated: targets from dtypes.h's lists, sources
 * from PEL_CAST_SOURCES_ARGS below (a list cannot be expanded inside its own
 * expansion, so the source side needs its own list; it only names the
 * dtypes, their C types come from the typedefs generated from dtypes.h, and
 * a static assertion checks the two lists have the same length).
 */
#include <stddef.h>

#include "kernels/dtypes.h"
#include "kernels/float_to_int.h"
#include "kernels/loop_gen.h"
#include "kernels/simd_level.h"

/* pel_ct_<name>: the C type of each dtype, from the main list. */
#define PEL_CT_TYPEDEF(E, n, T, A) typedef T pel_ct_##n;
PEL_ALL_TYPES(PEL_CT_TYPEDEF)


/* Value conversions PEL_CV_<from kind>_<to kind>(n2, T2, A2, x). */
#define PEL_CV_B_B(n2, T2, A2, x) (T2)((x) != 0)
#define PEL_CV_I_B(n2, T2, A2, x) (T2)((x) != 0)
#define PEL_CV_F_B(n2, T2, A2, x) (T2)((x) != 0)
#define PEL_CV_C_B(n2, T2, A2, x) (T2)(__real__(x) != 0 || __imag__(x) != 0)
#define PEL_CV_B_I(n2, T2, A2, x) (T2)((x) != 0)
#define PEL_CV_I_I(n2, T2, A2, x) (T2)(x)
#define PEL_CV_F_I(n2, T2, A2, x) pel_f2i_##n2((double)(x))
#define PEL_CV_C_I(n2, T2, A2, x) pel_f2i_##n2((double)__real__(x))
#define PEL_CV_B_F(n2, T2, A2, x) (T2)((x) != 0)
#define PEL_CV_I_F(n2, T2, A2, x) (T2)(x)
#define PEL_CV_F_F(n2, T2, A2, x) (T2)(x)
#define PEL_CV_C_F(n2, T2, A2, x) (T2)__real__(x)
#define PEL_CV_B_C(n2, T2, A2, x) (T2)((A2)((x) != 0))
#define PEL_CV_I_C(n2, T2, A2, x) (T2)((A2)(x))
#define PEL_CV_F_C(n2, T2, A2, x) (T2)((A2)(x))
/* complex -> complex converts each part (a C complex cast does the same). */
#define PEL_CV_C_C(n2, T2, A2, x) (T2)(x)

/* One (source, target) pair: the scalar conversion and its loop. */
#define PEL_CAST_PAIR(E1, n1, K1, K2, E2, n2, T2, A2)                      \
    static inline T2 pel_cv_##n1##_to_##n2(pel_ct_##n1 x)                  \
    { return PEL_CV_##K1##_##K2(n2, T2, A2, x); }                          \
    PEL_LOOP1(pel_cast_##n1##_to_##n2, pel_ct_##n1, T2,                    \
              pel_cv_##n1##_to_##n2)

/* Pass 1: for each target, every source. */
#define PEL_SRC_PAIR_B(E2, n2, T2, A2) PEL_SRC_PAIRS(B, E2, n2, T2, A2)
#define PEL_SRC_PAIR_I(E2, n2, T2, A2) PEL_SRC_PAIRS(I, E2, n2, T2, A2)
#define PEL_SRC_PAIR_F(E2, n2, T2, A2) PEL_SRC_PAIRS(F, E2, n2, T2, A2)
#define PEL_SRC_PAIR_C(E2, n2, T2, A2) PEL_SRC_PAIRS(C, E2, n2, T2, A2)
#define PEL_SRC_PAIRS(K2, E2, n2, T2, A2)                                  \
    PEL_CAST_SOURCES_ARGS(PEL_CAST_PAIR, K2, E2, n2, T2, A2)
/* The source list with the target's arguments appended to each entry. */
#define PEL_CAST_SOURCES_ARGS(X, ...)                                      \
    X(BOOL, bool, B, __VA_ARGS__) X(INT8, int8, I, __VA_ARGS__)            \
    X(UINT8, uint8, I, __VA_ARGS__) X(INT16, int16, I, __VA_ARGS__)        \
    X(UINT16, uint16, I, __VA_ARGS__) X(INT32, int32, I, __VA_ARGS__)      \
    X(UINT32, uint32, I, __VA_ARGS__) X(INT64, int64, I, __VA_ARGS__)      \
    X(UINT64, uint64, I, __VA_ARGS__) X(FLOAT32, float32, F, __VA_ARGS__)  \
    X(FLOAT64, float64, F, __VA_ARGS__)                                    \
    X(COMPLEX64, complex64, C, __VA_ARGS__)                                \
    X(COMPLEX128, complex128, C, __VA_ARGS__)

#define PEL_COUNT4(E, n, T, A) +1
#define PEL_COUNT_SRC(E, n, K, dummy) +1
_Static_assert((0 PEL_ALL_TYPES(PEL_COUNT4)) ==
                   (0 PEL_CAST_SOURCES_ARGS(PEL_COUNT_SRC, -)),
               "PEL_CAST_SOURCES_ARGS must list every dtype");

PEL_BOOL_TYPE(PEL_SRC_PAIR_B)
PEL_INT_TYPES(PEL_SRC_PAIR_I)
PEL_FLOAT_TYPES(PEL_SRC_PAIR_F)
PEL_COMPLEX_TYPES(PEL_SRC_PAIR_C)

/* Pass 2: the table [from][to]. */
#define PEL_CAST_CELL(E1, n1, K1, K2, E2, n2, T2, A2)                      \
    [PEL_##E1][PEL_##E2] = pel_cast_##n1##_to_##n2,
#define PEL_CELLS(E2, n2, T2, A2)                                          \
    PEL_CAST_SOURCES_ARGS(PEL_CAST_CELL, -, E2, n2, T2, A2)

const pel_loop_fn PEL_SIMD_NAME(pel_cast_loops)[PEL_NDTYPES][PEL_NDTYPES] = {
    PEL_ALL_TYPES(PEL_CELLS)
};
