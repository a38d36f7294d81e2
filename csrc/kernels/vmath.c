/*
 * vmath.c — exp and log for float64 and float32 (vmath.h): branch-free
 * loops in plain C that gcc vectorizes at each level of simd_level.h.
 *
 * exp(x) = 2^k e^r, with k = round(x / ln 2) and r = x - k ln 2, where
 *   ln 2 is split into a head with trailing zero bits (so k * head is exact)
 *   and a tail; |r| <= ln(2)/2 + tiny.
 *   e^r is its Taylor polynomial, up to the degree whose first omitted term
 *   is below 0.05 ULP (13 for float64, 7 for float32).
 *   A block of inputs where 2^k is a normal number is scaled by it in one
 *   product; a block with any other input (a result that overflows or is
 *   subnormal, an infinity, NaN) takes the wide path for all its lanes,
 *   which clamps x and scales by two normal powers of two.
 * log(x) = k ln 2 + log(m), with x = 2^k m and m in [sqrt(1/2), sqrt(2)):
 *   f = m - 1 is exact; with s = f / (2 + f), log(m) = 2 atanh(s) =
 *   f - s (f - R), R = 2 (s^2/3 + s^4/5 + ...); |s| <= 0.172, and the series
 *   stops where the next term is below 0.1 ULP (s^20 for float64, s^8 for
 *   float32). A subnormal x is first scaled by 2^54 (float32: 2^25).
 * k and m come from the bits of x: subtracting the bits of sqrt(1/2) makes
 *   the exponent field k and leaves m's mantissa, in integer operations that
 *   every level has (no 64-bit arithmetic shift, which AVX2 lacks).
 *
 * Within a loop every lane is computed the same way, special or not; the
 * result of a special input (NaN, +-inf, 0, a negative log argument) is
 * selected at the end. Such lanes may raise flags on the way, which the
 * caller discards (vmath.h).
 *
 * The error against a correctly rounded reference is measured by
 * tests/test_vmath_accuracy.py (mpmath): about 1 ULP at most.
 *
 * Built with -fno-trapping-math: gcc then turns the selects into vector
 * blends (with trapping math it keeps them as branches, as a compare may
 * raise invalid). No value changes; the flags are the caller's (vmath.h).
 */
#pragma GCC optimize("no-trapping-math")

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/fpe.h"
#include "kernels/simd_level.h"
#include "kernels/vmath.h"

static inline uint64_t bits64(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline double from64(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}
static inline uint32_t bits32(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
static inline float from32(uint32_t u)
{
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* a * b + c: one fused multiply-add at the levels with FMA (avx2, avx512),
 * a rounded product and sum at baseline. Both are within the error budget,
 * but they are not the same bits: vmath's results depend on the level (the
 * exact families' do not). */
#ifdef __FMA__
#define MADD(a, b, c) __builtin_fma((a), (b), (c))
#define MADDF(a, b, c) __builtin_fmaf((a), (b), (c))
#else
#define MADD(a, b, c) ((a) * (b) + (c))
#define MADDF(a, b, c) ((a) * (b) + (c))
#endif

/* The driver of every function: over blocks of VMATH_BLOCK elements, a
 * block whose inputs are all "narrow" (is_wide gives 0: the common finite
 * inputs) takes the short loop `narrow`; a block with any other input takes
 * `wide`, which handles every input, for all its lanes. The test reads the
 * block's inputs before any output is written, so x may be y. 256 elements:
 * the test and the computation read the block from L1. The function returns
 * whether any result is an infinity or NaN (vmath.h). */
#define VMATH_BLOCK 256
#define VMATH_BLOCKED(name, T, UT, bits, is_wide, narrow, wide)            \
    static int name(const T *x, T *y, intptr_t n)                          \
    {                                                                      \
        UT nonfinite = 0;                                                  \
        for (intptr_t i0 = 0; i0 < n; i0 += VMATH_BLOCK) {                 \
            const intptr_t len = n - i0 < VMATH_BLOCK ? n - i0 : VMATH_BLOCK; \
            const T *xb = x + i0;                                          \
            T *yb = y + i0;                                                \
            UT any_wide = 0;                                               \
            for (intptr_t i = 0; i < len; i++)                             \
                any_wide |= is_wide(bits(xb[i]));                          \
            if (any_wide)                                                  \
                for (intptr_t i = 0; i < len; i++) {                       \
                    yb[i] = wide(xb[i]);                                   \
                    nonfinite |= PEL_NONFINITE_SIGN(UT, bits(yb[i]));      \
                }                                                          \
            else                                                           \
                for (intptr_t i = 0; i < len; i++) {                       \
                    yb[i] = narrow(xb[i]);                                 \
                    nonfinite |= PEL_NONFINITE_SIGN(UT, bits(yb[i]));      \
                }                                                          \
        }                                                                  \
        return (int)(nonfinite >> (sizeof(UT) * 8 - 1));                   \
    }


/* ---- float64 ------------------------------------------------------------ */
#define LOG2E_64 0x1.71547652b82fep0
/* ln 2 to 40 significant bits, and the rest: k * head is exact for the
 * |k| <= 1100 that occur here. */
#define LN2_HEAD_64 0x1.62e42fefa2000p-1
#define LN2_TAIL_64 0x1.9ef35793c7673p-41
/* Adding 1.5 * 2^52 rounds a double of magnitude < 2^51 to an integer and
 * leaves that integer in the low bits of the sum. */
#define ROUND_SHIFT_64 0x1.8p52
/* exp overflows above 709.79 and rounds to zero below -745.14. */
#define EXP_CLAMP_HI_64 710.0
#define EXP_CLAMP_LO_64 (-746.0)
#define SQRT1_2_BITS_64 UINT64_C(0x3fe6a09e667f3bcd)
#define MANTISSA_64 UINT64_C(0x000fffffffffffff)
#define SIGN_64 (UINT64_C(1) << 63)

/* 2^j for an integer j in [-1022, 1023] held in the low bits of
 * t = j + ROUND_SHIFT_64: shifting out all but the low 12 bits drops the
 * shift's own bits. */
static inline double pow2_64(double t)
{
    return from64((bits64(t) + 1023) << 52);
}

/* The integer j in [0, 2^52) as a double (AVX2 has no int64 -> double). */
static inline double small_int_64(uint64_t j)
{
    return from64(bits64(0x1p52) | j) - 0x1p52;
}

/* e^r for c = k ln 2 + r, |r| <= ln(2)/2 (+ tiny); k is returned in the
 * low bits of *t (pow2_64). e^r is its Taylor polynomial to degree 13: the
 * first omitted term is below 0.05 ULP. */
static inline double exp_reduced_64(double c, double *t)
{
    *t = c * LOG2E_64 + ROUND_SHIFT_64;
    const double k = *t - ROUND_SHIFT_64;
    const double r = (c - k * LN2_HEAD_64) - k * LN2_TAIL_64;
    double p = 1.0 / 6227020800.0; /* 1/13! */
    p = MADD(p, r, 1.0 / 479001600.0);
    p = MADD(p, r, 1.0 / 39916800.0);
    p = MADD(p, r, 1.0 / 3628800.0);
    p = MADD(p, r, 1.0 / 362880.0);
    p = MADD(p, r, 1.0 / 40320.0);
    p = MADD(p, r, 1.0 / 5040.0);
    p = MADD(p, r, 1.0 / 720.0);
    p = MADD(p, r, 1.0 / 120.0);
    p = MADD(p, r, 1.0 / 24.0);
    p = MADD(p, r, 1.0 / 6.0);
    p = MADD(p, r, 0.5);
    p = MADD(p, r, 1.0);
    return MADD(p, r, 1.0);
}

/* Any x, NaN and infinities included: clamped to where k stays small (NaN
 * passes), then scaled by 2^k1 2^k2 with k1 = round(k/2): both factors are
 * normal, so a result beyond the largest double overflows to infinity and
 * one in the subnormal range is rounded once, by the last product. */
static double exp_wide_64(double v)
{
    double c = v > EXP_CLAMP_HI_64 ? EXP_CLAMP_HI_64 : v;
    c = c < EXP_CLAMP_LO_64 ? EXP_CLAMP_LO_64 : c;
    double t;
    const double p = exp_reduced_64(c, &t);
    const double k = t - ROUND_SHIFT_64;
    const double t1 = k * 0.5 + ROUND_SHIFT_64;
    const double t2 = (k - (t1 - ROUND_SHIFT_64)) + ROUND_SHIFT_64;
    return (p * pow2_64(t1)) * pow2_64(t2);
}

/* Narrow: |x| <= 708, where 2^k is normal and one product scales. */
static inline uint64_t exp_is_wide_64(uint64_t u)
{
    return (u & ~SIGN_64) > bits64(708.0);
}
static inline double exp_narrow_64(double v)
{
    double t;
    const double p = exp_reduced_64(v, &t);
    return p * pow2_64(t);
}
VMATH_BLOCKED(exp_float64, double, uint64_t, bits64, exp_is_wide_64,
              exp_narrow_64, exp_wide_64)

/* log of a positive normal u, plus kadj (u's binary exponent is k). */
static inline double log_normal_64(double u, double kadj)
{
    /* u = 2^k m: d's exponent field is k + (the bias of sqrt(1/2)), offset
     * by 2^62 so that it is non-negative for every k. */
    const uint64_t d = bits64(u) - SQRT1_2_BITS_64;
    const uint64_t kb = (d + (UINT64_C(1) << 62)) >> 52; /* k + 1024 */
    const double k = small_int_64(kb) - 1024.0 + kadj;
    const double m = from64((d & MANTISSA_64) + SQRT1_2_BITS_64);
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    double q = 2.0 / 21;
    q = MADD(q, z, 2.0 / 19);
    q = MADD(q, z, 2.0 / 17);
    q = MADD(q, z, 2.0 / 15);
    q = MADD(q, z, 2.0 / 13);
    q = MADD(q, z, 2.0 / 11);
    q = MADD(q, z, 2.0 / 9);
    q = MADD(q, z, 2.0 / 7);
    q = MADD(q, z, 2.0 / 5);
    q = MADD(q, z, 2.0 / 3);
    const double R = q * z;
    const double lm = f - s * (f - R);
    return k * LN2_HEAD_64 + (k * LN2_TAIL_64 + lm);
}

/* Narrow: positive, normal and finite. */
static inline uint64_t log_is_wide_64(uint64_t u)
{
    return u - bits64(0x1p-1022) >= bits64(INFINITY) - bits64(0x1p-1022);
}
static inline double log_narrow_64(double v) { return log_normal_64(v, 0.0); }

static double log_wide_64(double v)
{
    const int sub = v < 0x1p-1022;
    double res = log_normal_64(sub ? v * 0x1p54 : v, sub ? -54.0 : 0.0);
    res = v == INFINITY ? v : res;
    res = v == 0 ? -INFINITY : res;
    res = v < 0 ? NAN : res;
    return v != v ? v + v : res; /* NaN in, the same NaN out (quiet) */
}
VMATH_BLOCKED(log_float64, double, uint64_t, bits64, log_is_wide_64,
              log_narrow_64, log_wide_64)

/* ---- float32 ------------------------------------------------------------ */
#define LOG2E_32 0x1.715476p0f
/* ln 2 to 12 significant bits, and the rest: k * head is exact for
 * |k| <= 4096. */
#define LN2_HEAD_32 0x1.62ep-1f
#define LN2_TAIL_32 0x1.0bfbe8p-15f
#define ROUND_SHIFT_32 0x1.8p23f
/* expf overflows above 88.73 and rounds to zero below -103.98. */
#define EXP_CLAMP_HI_32 89.0f
#define EXP_CLAMP_LO_32 (-104.0f)
#define SQRT1_2_BITS_32 UINT32_C(0x3f3504f3)
#define MANTISSA_32 UINT32_C(0x007fffff)
#define SIGN_32 (UINT32_C(1) << 31)

static inline float pow2_32(float t)
{
    return from32((bits32(t) + 127) << 23);
}

static inline float small_int_32(uint32_t j) /* j in [0, 2^23) */
{
    return from32(bits32(0x1p23f) | j) - 0x1p23f;
}

/* As exp_reduced_64: e^r to degree 7 (first omitted term below 0.05 ULP). */
static inline float exp_reduced_32(float c, float *t)
{
    *t = c * LOG2E_32 + ROUND_SHIFT_32;
    const float k = *t - ROUND_SHIFT_32;
    const float r = (c - k * LN2_HEAD_32) - k * LN2_TAIL_32;
    float p = 1.0f / 5040.0f; /* 1/7! */
    p = MADDF(p, r, 1.0f / 720.0f);
    p = MADDF(p, r, 1.0f / 120.0f);
    p = MADDF(p, r, 1.0f / 24.0f);
    p = MADDF(p, r, 1.0f / 6.0f);
    p = MADDF(p, r, 0.5f);
    p = MADDF(p, r, 1.0f);
    return MADDF(p, r, 1.0f);
}

static float exp_wide_32(float v)
{
    float c = v > EXP_CLAMP_HI_32 ? EXP_CLAMP_HI_32 : v;
    c = c < EXP_CLAMP_LO_32 ? EXP_CLAMP_LO_32 : c;
    float t;
    const float p = exp_reduced_32(c, &t);
    const float k = t - ROUND_SHIFT_32;
    const float t1 = k * 0.5f + ROUND_SHIFT_32;
    const float t2 = (k - (t1 - ROUND_SHIFT_32)) + ROUND_SHIFT_32;
    return (p * pow2_32(t1)) * pow2_32(t2);
}

/* Narrow: |x| <= 87, where 2^k is normal (k in [-126, 127]). */
static inline uint32_t exp_is_wide_32(uint32_t u)
{
    return (u & ~SIGN_32) > bits32(87.0f);
}
static inline float exp_narrow_32(float v)
{
    float t;
    const float p = exp_reduced_32(v, &t);
    return p * pow2_32(t);
}
VMATH_BLOCKED(exp_float32, float, uint32_t, bits32, exp_is_wide_32,
              exp_narrow_32, exp_wide_32)

static inline float log_normal_32(float u, float kadj)
{
    const uint32_t d = bits32(u) - SQRT1_2_BITS_32;
    const uint32_t kb = (d + (UINT32_C(1) << 30)) >> 23; /* k + 128 */
    const float k = small_int_32(kb) - 128.0f + kadj;
    const float m = from32((d & MANTISSA_32) + SQRT1_2_BITS_32);
    const float f = m - 1.0f;
    const float s = f / (2.0f + f);
    const float z = s * s;
    float q = 2.0f / 9;
    q = MADDF(q, z, 2.0f / 7);
    q = MADDF(q, z, 2.0f / 5);
    q = MADDF(q, z, 2.0f / 3);
    const float R = q * z;
    const float lm = f - s * (f - R);
    return k * LN2_HEAD_32 + (k * LN2_TAIL_32 + lm);
}

static inline uint32_t log_is_wide_32(uint32_t u)
{
    return u - bits32(0x1p-126f) >= bits32(INFINITY) - bits32(0x1p-126f);
}
static inline float log_narrow_32(float v) { return log_normal_32(v, 0.0f); }

static float log_wide_32(float v)
{
    const int sub = v < 0x1p-126f;
    float res = log_normal_32(sub ? v * 0x1p25f : v, sub ? -25.0f : 0.0f);
    res = v == INFINITY ? v : res;
    res = v == 0 ? -INFINITY : res;
    res = v < 0 ? NAN : res;
    return v != v ? v + v : res;
}
VMATH_BLOCKED(log_float32, float, uint32_t, bits32, log_is_wide_32,
              log_narrow_32, log_wide_32)

#define PEL_VMATH_ENTRY(op) .op##_float64 = op##_float64,                  \
                            .op##_float32 = op##_float32,
const pel_vmath PEL_SIMD_NAME(pel_vmath) = {PEL_VMATH_OPS(PEL_VMATH_ENTRY)};
