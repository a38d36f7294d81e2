/*
 * float_to_int.h — float -> integer conversion with the results NumPy gives
 * on x86-64, without C's undefined behaviour for NaN / out-of-range values.
 *
 * NumPy converts with a plain C cast, which gcc compiles to cvttsd2si: an
 * out-of-range or NaN input yields the "integer indefinite" value (the
 * minimum of the 32- or 64-bit signed type) and raises FE_INVALID
 * ("invalid value encountered in cast"). Narrower targets go through the
 * 32-bit conversion and are then truncated; unsigned 32/64-bit targets
 * subtract 2^31 / 2^63 first when the value is at least that large. Measured
 * against numpy 2.4 for NaN, +-inf, +-1e300, 3e9, -1, 2^63, 2^64.
 */
#ifndef PEL_KERNELS_FLOAT_TO_INT_H
#define PEL_KERNELS_FLOAT_TO_INT_H

#include <stdint.h>

#include "kernels/fpe.h"

/* cvttsd2si with a 32-bit destination. Truncation of x fits int32 exactly
 * when -2^31 - 1 < x < 2^31. */
static inline int32_t pel_cvt_i32(double x)
{
    if (PEL_QGT(x, -2147483649.0) && PEL_QLT(x, 2147483648.0))
        return (int32_t)x;
    pel_fpe_invalid();
    return INT32_MIN;
}

/* cvttsd2si with a 64-bit destination: fits when -2^63 <= x < 2^63 (both
 * bounds are exact doubles; -2^63 - 1 is not representable). */
static inline int64_t pel_cvt_i64(double x)
{
    if (PEL_QGE(x, -9223372036854775808.0) && PEL_QLT(x, 9223372036854775808.0))
        return (int64_t)x;
    pel_fpe_invalid();
    return INT64_MIN;
}

static inline uint32_t pel_cvt_u32(double x)
{
    if (PEL_QGE(x, 2147483648.0))
        return (uint32_t)pel_cvt_i32(x - 2147483648.0) ^ 0x80000000u;
    return (uint32_t)pel_cvt_i32(x);
}

static inline uint64_t pel_cvt_u64(double x)
{
    if (PEL_QGE(x, 9223372036854775808.0))
        return (uint64_t)pel_cvt_i64(x - 9223372036854775808.0) ^
               0x8000000000000000u;
    return (uint64_t)pel_cvt_i64(x);
}

/* Per target type: pel_f2i_<name>(double). float inputs convert to double
 * exactly first. Conversions of in-range values to narrower signed types
 * wrap (gcc defines it as modulo 2^N). */
static inline int8_t pel_f2i_int8(double x) { return (int8_t)pel_cvt_i32(x); }
static inline int16_t pel_f2i_int16(double x) { return (int16_t)pel_cvt_i32(x); }
static inline int32_t pel_f2i_int32(double x) { return pel_cvt_i32(x); }
static inline int64_t pel_f2i_int64(double x) { return pel_cvt_i64(x); }
static inline uint8_t pel_f2i_uint8(double x) { return (uint8_t)pel_cvt_i32(x); }
static inline uint16_t pel_f2i_uint16(double x) { return (uint16_t)pel_cvt_i32(x); }
static inline uint32_t pel_f2i_uint32(double x) { return pel_cvt_u32(x); }
static inline uint64_t pel_f2i_uint64(double x) { return pel_cvt_u64(x); }

#endif
