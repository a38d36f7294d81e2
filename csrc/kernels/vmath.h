/*
 * vmath.h — pelx's own vector math (vmath.c): exp and log for float32 and
 * float64, built at every level of simd_level.h like the exact families.
 *
 * A block function maps n contiguous inputs to n outputs (x may be y). It
 * computes with IEEE operations only, no libm call; the avx2 and avx512
 * builds use fused multiply-adds where the baseline rounds the product, so
 * results are the same bits at avx2 and avx512, on every CPU, and may differ
 * by an ULP at baseline. It may leave FP flags that mean nothing (its
 * branch-free code computes every lane, special or not); the caller
 * (transcendental.c) discards them and derives the flags NumPy raises from
 * the results; a block returns whether any result is an infinity or NaN,
 * which is when there is a flag to derive.
 */
#ifndef PEL_KERNELS_VMATH_H
#define PEL_KERNELS_VMATH_H

#include <stdint.h>

/* X(op): the functions vmath.c provides, for float64 and float32. */
#define PEL_VMATH_OPS(X) X(exp) X(log)

typedef struct pel_vmath {
#define PEL_VMATH_FIELD(op)                                                \
    int (*op##_float64)(const double *x, double *y, intptr_t n);           \
    int (*op##_float32)(const float *x, float *y, intptr_t n);
    PEL_VMATH_OPS(PEL_VMATH_FIELD)
#undef PEL_VMATH_FIELD
} pel_vmath;

/* One table per level (sfx: _baseline, _avx2, _avx512). */
#define PEL_VMATH_DECLARE(sfx) extern const pel_vmath pel_vmath##sfx;

#endif
