/*
 * dtypes.h — the dtype list as X-macros, and the C type of each dtype.
 *
 * Every table in the kernel layer is generated from these lists, so a dtype
 * is added in one place. Each entry is X(ENUM, name, ctype, aux):
 *   ENUM   suffix of the pel_dtype value (PEL_##ENUM)
 *   name   lower-case NumPy name, used in generated function names
 *   ctype  C type of one element
 *   aux    ints: the unsigned type of the same width (wrap-around
 *          arithmetic without signed-overflow UB); floats: the unsigned
 *          integer of the same width (bit patterns); complex: the real type
 *          of one component; bool: the storage type.
 */
#ifndef PEL_KERNELS_DTYPES_H
#define PEL_KERNELS_DTYPES_H

#include <complex.h>
#include <stdint.h>

/* <complex.h> defines `complex` and `I` as macros; `complex` is also an op
 * name (PEL_OPS) that must survive macro expansion, and `I` a common macro
 * argument. Complex values are built with CMPLX/CMPLXF instead. */
#undef complex
#undef I

#include "kernels/kernels.h"

/* NumPy stores bool as one byte, 0 or 1 (any non-zero byte reads as true). */
typedef uint8_t pel_bool;
/* C99 complex types have NumPy's layout: real part, then imaginary part. */
typedef float _Complex pel_complex64;
typedef double _Complex pel_complex128;

#define PEL_BOOL_TYPE(X) X(BOOL, bool, pel_bool, uint8_t)

#define PEL_SINT_TYPES(X)                                                  \
    X(INT8, int8, int8_t, uint8_t) X(INT16, int16, int16_t, uint16_t)      \
    X(INT32, int32, int32_t, uint32_t) X(INT64, int64, int64_t, uint64_t)

#define PEL_UINT_TYPES(X)                                                  \
    X(UINT8, uint8, uint8_t, uint8_t) X(UINT16, uint16, uint16_t, uint16_t) \
    X(UINT32, uint32, uint32_t, uint32_t)                                  \
    X(UINT64, uint64, uint64_t, uint64_t)

#define PEL_INT_TYPES(X) PEL_SINT_TYPES(X) PEL_UINT_TYPES(X)

#define PEL_FLOAT_TYPES(X)                                                 \
    X(FLOAT32, float32, float, uint32_t) X(FLOAT64, float64, double, uint64_t)

#define PEL_COMPLEX_TYPES(X)                                               \
    X(COMPLEX64, complex64, pel_complex64, float)                          \
    X(COMPLEX128, complex128, pel_complex128, double)

#define PEL_ALL_TYPES(X)                                                   \
    PEL_BOOL_TYPE(X) PEL_INT_TYPES(X) PEL_FLOAT_TYPES(X) PEL_COMPLEX_TYPES(X)

/* One row of a loop table: the loop and the dtype it writes. A NULL loop
 * means NumPy has no loop for that (op, dtype). */
typedef struct pel_loop_entry {
    pel_loop_fn fn;
    int out; /* pel_dtype */
} pel_loop_entry;

/* The transcendental table (transcendental.c); table.c merges it with the
 * exact table of the level in use (simd_level.h). A cell is set in at most
 * one of them. */
extern const pel_loop_entry pel_math_loops[PEL_NOPS][PEL_NDTYPES];

/* Sets the calling thread's kernel error (see pel_kernel_error_take). */
void pel_kernel_set_error(int code);

#endif
