/*
 * reduce_types.h — per-dtype traits for the reduction kernels (internal),
 * over the types of dtypes.h.
 *
 * For each dtype suffix S (b, i8 .. u64, f32, f64, c64, c128):
 *   T_S           C type of one element
 *   ADD_S MUL_S   wrap-around arithmetic for integers (done in unsigned
 *                 types: signed overflow would be UB), IEEE for floats,
 *                 np.multiply's (fused multiply-adds) for complex products
 *   GT_S LT_S EQ_S  ordering; complex is ordered lexicographically (real
 *                 part, then imaginary part) like NumPy
 *   NAN_S(v)      v is NaN (for complex: either part), 0 for integers
 *   NZ_S(v)       v != 0 (truth value)
 *   ZERO_S ONE_S  identities
 */
#ifndef PEL_REDUCE_TYPES_H
#define PEL_REDUCE_TYPES_H

#include <math.h>
#include <stdint.h>

/* The element types and dtype numbers are dtypes.h's: these short suffixes
 * only name them for token pasting. */
#include "kernels/dtypes.h"
#include "kernels/scalar_complex.h"

#define T_b pel_bool
#define T_i8 int8_t
#define T_u8 uint8_t
#define T_i16 int16_t
#define T_u16 uint16_t
#define T_i32 int32_t
#define T_u32 uint32_t
#define T_i64 int64_t
#define T_u64 uint64_t
#define T_f32 float
#define T_f64 double
#define T_c64 pel_complex64
#define T_c128 pel_complex128

#define D_b PEL_BOOL
#define D_i8 PEL_INT8
#define D_u8 PEL_UINT8
#define D_i16 PEL_INT16
#define D_u16 PEL_UINT16
#define D_i32 PEL_INT32
#define D_u32 PEL_UINT32
#define D_i64 PEL_INT64
#define D_u64 PEL_UINT64
#define D_f32 PEL_FLOAT32
#define D_f64 PEL_FLOAT64
#define D_c64 PEL_COMPLEX64
#define D_c128 PEL_COMPLEX128

/* integers: arithmetic in uint32 (narrow types, so that uint16*uint16 is not
 * promoted to a signed int that could overflow) or uint64, then converted
 * back (modular in gcc) */
#define IADD32(T, a, b) ((T)((uint32_t)(a) + (uint32_t)(b)))
#define IMUL32(T, a, b) ((T)((uint32_t)(a) * (uint32_t)(b)))
#define IADD64(T, a, b) ((T)((uint64_t)(a) + (uint64_t)(b)))
#define IMUL64(T, a, b) ((T)((uint64_t)(a) * (uint64_t)(b)))

#define ADD_b(a, b) ((uint8_t)((a) | (b)))
#define MUL_b(a, b) ((uint8_t)((a) & (b)))
#define ADD_i8(a, b) IADD32(int8_t, a, b)
#define MUL_i8(a, b) IMUL32(int8_t, a, b)
#define ADD_u8(a, b) IADD32(uint8_t, a, b)
#define MUL_u8(a, b) IMUL32(uint8_t, a, b)
#define ADD_i16(a, b) IADD32(int16_t, a, b)
#define MUL_i16(a, b) IMUL32(int16_t, a, b)
#define ADD_u16(a, b) IADD32(uint16_t, a, b)
#define MUL_u16(a, b) IMUL32(uint16_t, a, b)
#define ADD_i32(a, b) IADD32(int32_t, a, b)
#define MUL_i32(a, b) IMUL32(int32_t, a, b)
#define ADD_u32(a, b) IADD32(uint32_t, a, b)
#define MUL_u32(a, b) IMUL32(uint32_t, a, b)
#define ADD_i64(a, b) IADD64(int64_t, a, b)
#define MUL_i64(a, b) IMUL64(int64_t, a, b)
#define ADD_u64(a, b) IADD64(uint64_t, a, b)
#define MUL_u64(a, b) IMUL64(uint64_t, a, b)
#define ADD_f32(a, b) ((a) + (b))
#define MUL_f32(a, b) ((a) * (b))
#define ADD_f64(a, b) ((a) + (b))
#define MUL_f64(a, b) ((a) * (b))
#define ADD_c64(a, b) ((a) + (b))
#define ADD_c128(a, b) ((a) + (b))
/* complex products as np.multiply computes them (scalar_complex.h: with
 * fused multiply-adds, so the rounding is the same at every SIMD level,
 * whether or not gcc's vectorizer fuses the textbook formula itself) */
#define MUL_c64(a, b) pel_multiply_complex64(a, b)
#define MUL_c128(a, b) pel_multiply_complex128(a, b)

/* EXACT_S: folds in S are exact whatever the order (integers, bool); the
 * kernels then use one vectorized accumulator instead of pairwise blocks
 * (the 8-accumulator form of widening integer sums is also mis-vectorized
 * by gcc 12 under -fwrapv, which Python's CFLAGS add). */
#define EXACT_b 1
#define EXACT_i8 1
#define EXACT_u8 1
#define EXACT_i16 1
#define EXACT_u16 1
#define EXACT_i32 1
#define EXACT_u32 1
#define EXACT_i64 1
#define EXACT_u64 1
#define EXACT_f32 0
#define EXACT_f64 0
#define EXACT_c64 0
#define EXACT_c128 0

#define RE_c64(v) crealf(v)
#define IM_c64(v) cimagf(v)
#define RE_c128(v) creal(v)
#define IM_c128(v) cimag(v)
#define CONJ_c64(v) conjf(v)
#define CONJ_c128(v) conj(v)

#define NAN_REAL(v) ((v) != (v))
#define NAN_INT(v) 0
#define NAN_b NAN_INT
#define NAN_i8 NAN_INT
#define NAN_u8 NAN_INT
#define NAN_i16 NAN_INT
#define NAN_u16 NAN_INT
#define NAN_i32 NAN_INT
#define NAN_u32 NAN_INT
#define NAN_i64 NAN_INT
#define NAN_u64 NAN_INT
#define NAN_f32 NAN_REAL
#define NAN_f64 NAN_REAL
#define NAN_c64(v) (NAN_REAL(crealf(v)) || NAN_REAL(cimagf(v)))
#define NAN_c128(v) (NAN_REAL(creal(v)) || NAN_REAL(cimag(v)))

#define GT_REAL(a, b) ((a) > (b))
#define LT_REAL(a, b) ((a) < (b))
#define EQ_REAL(a, b) ((a) == (b))
#define NZ_REAL(v) ((v) != 0)
/* false when either side is NaN (in either part), as for real numbers,
 * so that a NaN best is never replaced by an ordinary value */
#define CPLX_ORDERED(RE, IM, a, b)                                          \
    (RE(a) == RE(a) && IM(a) == IM(a) && RE(b) == RE(b) && IM(b) == IM(b))
#define GT_CPLX(RE, IM, a, b)                                               \
    (CPLX_ORDERED(RE, IM, a, b) &&                                          \
     (RE(a) > RE(b) || (RE(a) == RE(b) && IM(a) > IM(b))))
#define LT_CPLX(RE, IM, a, b)                                               \
    (CPLX_ORDERED(RE, IM, a, b) &&                                          \
     (RE(a) < RE(b) || (RE(a) == RE(b) && IM(a) < IM(b))))
#define EQ_CPLX(RE, IM, a, b) (RE(a) == RE(b) && IM(a) == IM(b))
#define NZ_CPLX(RE, IM, v) (RE(v) != 0 || IM(v) != 0)

#define GT_b GT_REAL
#define GT_i8 GT_REAL
#define GT_u8 GT_REAL
#define GT_i16 GT_REAL
#define GT_u16 GT_REAL
#define GT_i32 GT_REAL
#define GT_u32 GT_REAL
#define GT_i64 GT_REAL
#define GT_u64 GT_REAL
#define GT_f32 GT_REAL
#define GT_f64 GT_REAL
#define LT_b LT_REAL
#define LT_i8 LT_REAL
#define LT_u8 LT_REAL
#define LT_i16 LT_REAL
#define LT_u16 LT_REAL
#define LT_i32 LT_REAL
#define LT_u32 LT_REAL
#define LT_i64 LT_REAL
#define LT_u64 LT_REAL
#define LT_f32 LT_REAL
#define LT_f64 LT_REAL
#define EQ_b EQ_REAL
#define EQ_i8 EQ_REAL
#define EQ_u8 EQ_REAL
#define EQ_i16 EQ_REAL
#define EQ_u16 EQ_REAL
#define EQ_i32 EQ_REAL
#define EQ_u32 EQ_REAL
#define EQ_i64 EQ_REAL
#define EQ_u64 EQ_REAL
#define EQ_f32 EQ_REAL
#define EQ_f64 EQ_REAL
#define NZ_b NZ_REAL
#define NZ_i8 NZ_REAL
#define NZ_u8 NZ_REAL
#define NZ_i16 NZ_REAL
#define NZ_u16 NZ_REAL
#define NZ_i32 NZ_REAL
#define NZ_u32 NZ_REAL
#define NZ_i64 NZ_REAL
#define NZ_u64 NZ_REAL
#define NZ_f32 NZ_REAL
#define NZ_f64 NZ_REAL
#define GT_c64(a, b) GT_CPLX(crealf, cimagf, a, b)
#define LT_c64(a, b) LT_CPLX(crealf, cimagf, a, b)
#define EQ_c64(a, b) EQ_CPLX(crealf, cimagf, a, b)
#define NZ_c64(v) NZ_CPLX(crealf, cimagf, v)
#define GT_c128(a, b) GT_CPLX(creal, cimag, a, b)
#define LT_c128(a, b) LT_CPLX(creal, cimag, a, b)
#define EQ_c128(a, b) EQ_CPLX(creal, cimag, a, b)
#define NZ_c128(v) NZ_CPLX(creal, cimag, v)

#endif /* PEL_REDUCE_TYPES_H */
