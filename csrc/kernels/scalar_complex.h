/*
 * scalar_complex.h — NumPy's complex operations on one element, generated
 * for complex64 and complex128 by PEL_DEF_COMPLEX_SCALARS(E, n, T, R)
 * (R: the component type).
 *
 * Arithmetic is spelled out on the components, exactly as NumPy does it:
 * C's complex `*` and `/` would recover infinities (Annex G) and give
 * different bits. Ordering is lexicographic (real part first), NumPy's rule,
 * and a NaN in either component makes the value NaN-like.
 */
#ifndef PEL_KERNELS_SCALAR_COMPLEX_H
#define PEL_KERNELS_SCALAR_COMPLEX_H

#include <tgmath.h>

#include "kernels/dtypes.h"
#include "kernels/fpe.h"

static inline pel_complex64 pel_mk_complex64(float r, float i)
{ return CMPLXF(r, i); }
static inline pel_complex128 pel_mk_complex128(double r, double i)
{ return CMPLX(r, i); }

#define PEL_RE(z) (__real__(z))
#define PEL_IM(z) (__imag__(z))
/* NumPy's lexicographic predicates (npy_math's CGE/CLE/CGT/CLT). */
#define PEL_CGE(a, b)                                                      \
    ((PEL_QGT(PEL_RE(a), PEL_RE(b)) && !isnan(PEL_IM(a)) &&                \
      !isnan(PEL_IM(b))) ||                                                \
     (PEL_RE(a) == PEL_RE(b) && PEL_QGE(PEL_IM(a), PEL_IM(b))))
#define PEL_CLE(a, b)                                                      \
    ((PEL_QLT(PEL_RE(a), PEL_RE(b)) && !isnan(PEL_IM(a)) &&                \
      !isnan(PEL_IM(b))) ||                                                \
     (PEL_RE(a) == PEL_RE(b) && PEL_QLE(PEL_IM(a), PEL_IM(b))))
#define PEL_CGT(a, b)                                                      \
    ((PEL_QGT(PEL_RE(a), PEL_RE(b)) && !isnan(PEL_IM(a)) &&                \
      !isnan(PEL_IM(b))) ||                                                \
     (PEL_RE(a) == PEL_RE(b) && PEL_QGT(PEL_IM(a), PEL_IM(b))))
#define PEL_CLT(a, b)                                                      \
    ((PEL_QLT(PEL_RE(a), PEL_RE(b)) && !isnan(PEL_IM(a)) &&                \
      !isnan(PEL_IM(b))) ||                                                \
     (PEL_RE(a) == PEL_RE(b) && PEL_QLT(PEL_IM(a), PEL_IM(b))))
#define PEL_CNAN(a) (isnan(PEL_RE(a)) || isnan(PEL_IM(a)))
#define PEL_CNZ(a) (PEL_RE(a) != 0 || PEL_IM(a) != 0)

#define PEL_DEF_COMPLEX_SCALARS(E, n, T, R)                                \
    static inline T pel_add_##n(T a, T b)                                  \
    { return pel_mk_##n(PEL_RE(a) + PEL_RE(b), PEL_IM(a) + PEL_IM(b)); }   \
    static inline T pel_subtract_##n(T a, T b)                             \
    { return pel_mk_##n(PEL_RE(a) - PEL_RE(b), PEL_IM(a) - PEL_IM(b)); }   \
    /* NumPy's SIMD loops (AVX2/AVX-512, what x86-64 NumPy runs) multiply \
     * with fused multiply-adds: re = fma(ar, br, -(ai bi)),               \
     * im = fma(ar, bi, ai br). Explicit fma() keeps that rounding         \
     * (-ffp-contract=off only stops the compiler from adding fusions). */ \
    static inline T pel_multiply_##n(T a, T b)                             \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a), br = PEL_RE(b), bi = PEL_IM(b);  \
        return pel_mk_##n(fma(ar, br, -(ai * bi)), fma(ar, bi, ai * br));  \
    }                                                                      \
    /* Smith's algorithm, NumPy's variant (including x / 0 = inf/nan). */  \
    static inline T pel_true_divide_##n(T a, T b)                          \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a), br = PEL_RE(b), bi = PEL_IM(b);  \
        R abr = fabs(br), abi = fabs(bi);                                  \
        if (abr >= abi) {                                                  \
            if (abr == 0 && abi == 0)                                      \
                return pel_mk_##n(ar / abr, ai / abr);                     \
            R rat = bi / br, scl = (R)1 / (br + bi * rat);                 \
            return pel_mk_##n((ar + ai * rat) * scl, (ai - ar * rat) * scl); \
        }                                                                  \
        R rat = br / bi, scl = (R)1 / (bi + br * rat);                     \
        return pel_mk_##n((ar * rat + ai) * scl, (ai * rat - ar) * scl);   \
    }                                                                      \
    static inline T pel_negative_##n(T a)                                  \
    { return pel_mk_##n(-PEL_RE(a), -PEL_IM(a)); }                         \
    static inline T pel_positive_##n(T a) { return a; }                    \
    /* |z| as NumPy's SIMD loop computes it (not libm's hypot): inf if    \
     * either part is inf, else nan if either is nan, else                 \
     * larger * sqrt(fma(r, r, 1)) with r = smaller / larger (r = 0 when   \
     * larger is 0). */                                                    \
    static inline R pel_absolute_##n(T a)                                  \
    {                                                                      \
        R re = fabs(PEL_RE(a)), im = fabs(PEL_IM(a));                      \
        if (isinf(re) || isinf(im))                                        \
            return (R)INFINITY;                                            \
        if (isnan(re) || isnan(im))                                        \
            return (R)NAN;                                                 \
        R larger = re > im ? re : im, smaller = re > im ? im : re;         \
        R r = larger == 0 ? (R)0 : smaller / larger;                       \
        return sqrt(fma(r, r, (R)1)) * larger;                             \
    }                                                                      \
    /* NumPy 2: z / |z|; nan if either part is nan or both are infinite;   \
     * +-1 along an infinite axis; 0 for 0. */                             \
    static inline T pel_sign_##n(T a)                                      \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a);                                  \
        R m = hypot(ar, ai);                                               \
        if (isnan(m))                                                      \
            return pel_mk_##n(NAN, NAN);                                   \
        if (isinf(m)) {                                                    \
            if (isinf(ar)) {                                               \
                if (isinf(ai))                                             \
                    return pel_mk_##n(NAN, NAN);                           \
                return pel_mk_##n(ar > 0 ? (R)1 : (R)-1, (R)0);            \
            }                                                              \
            return pel_mk_##n((R)0, ai > 0 ? (R)1 : (R)-1);                \
        }                                                                  \
        if (m == 0)                                                        \
            return pel_mk_##n((R)0, (R)0);                                 \
        return pel_mk_##n(ar / m, ai / m);                                 \
    }                                                                      \
    static inline T pel_maximum_##n(T a, T b)                              \
    { return (PEL_CNAN(a) || PEL_CGE(a, b)) ? a : b; }                     \
    static inline T pel_minimum_##n(T a, T b)                              \
    { return (PEL_CNAN(a) || PEL_CLE(a, b)) ? a : b; }                     \
    static inline T pel_fmax_##n(T a, T b)                                 \
    { return (PEL_CNAN(b) || PEL_CGE(a, b)) ? a : b; }                     \
    static inline T pel_fmin_##n(T a, T b)                                 \
    { return (PEL_CNAN(b) || PEL_CLE(a, b)) ? a : b; }                     \
    /* clip is NumPy's clip.cpp: max(x, lo) then min(., hi) with strict   \
     * lexicographic order and no NaN-imaginary guards; ties take the      \
     * bound (which matters for signed zeros). */                          \
    static inline T pel_clip_##n(T x, T lo, T hi)                          \
    {                                                                      \
        T t = (PEL_CNAN(x) || PEL_QGT(PEL_RE(x), PEL_RE(lo)) ||            \
               (PEL_RE(x) == PEL_RE(lo) && PEL_QGT(PEL_IM(x), PEL_IM(lo))))  \
                  ? x : lo;                                                \
        return (PEL_CNAN(t) || PEL_QLT(PEL_RE(t), PEL_RE(hi)) ||           \
                (PEL_RE(t) == PEL_RE(hi) && PEL_QLT(PEL_IM(t), PEL_IM(hi)))) \
                   ? t : hi;                                               \
    }                                                                      \
    static inline pel_bool pel_equal_##n(T a, T b)                         \
    { return PEL_RE(a) == PEL_RE(b) && PEL_IM(a) == PEL_IM(b); }           \
    static inline pel_bool pel_not_equal_##n(T a, T b)                     \
    { return PEL_RE(a) != PEL_RE(b) || PEL_IM(a) != PEL_IM(b); }           \
    /* NumPy's complex ordering loops use ordered (signalling) `<`,        \
     * warning "invalid" when a real part is NaN, or when the real parts   \
     * are equal and an imaginary part is NaN. Evaluated quietly, then     \
     * raised explicitly (the call also keeps gcc from vectorizing these   \
     * loops with signalling compares of the imaginary parts). */          \
    static inline void pel_cmp_fpe_##n(T a, T b)                           \
    {                                                                      \
        if (isnan(PEL_RE(a)) || isnan(PEL_RE(b)) ||                        \
            (PEL_RE(a) == PEL_RE(b) &&                                     \
             (isnan(PEL_IM(a)) || isnan(PEL_IM(b)))))                      \
            pel_fpe_invalid();                                             \
    }                                                                      \
    static inline pel_bool pel_less_##n(T a, T b)                          \
    { pel_cmp_fpe_##n(a, b); return PEL_CLT(a, b); }                       \
    static inline pel_bool pel_less_equal_##n(T a, T b)                    \
    { pel_cmp_fpe_##n(a, b); return PEL_CLE(a, b); }                       \
    static inline pel_bool pel_greater_##n(T a, T b)                       \
    { pel_cmp_fpe_##n(a, b); return PEL_CGT(a, b); }                       \
    static inline pel_bool pel_greater_equal_##n(T a, T b)                 \
    { pel_cmp_fpe_##n(a, b); return PEL_CGE(a, b); }                       \
    static inline pel_bool pel_logical_and_##n(T a, T b)                   \
    { return PEL_CNZ(a) && PEL_CNZ(b); }                                   \
    static inline pel_bool pel_logical_or_##n(T a, T b)                    \
    { return PEL_CNZ(a) || PEL_CNZ(b); }                                   \
    static inline pel_bool pel_logical_xor_##n(T a, T b)                   \
    { return PEL_CNZ(a) != PEL_CNZ(b); }                                   \
    static inline pel_bool pel_logical_not_##n(T a) { return !PEL_CNZ(a); } \
    static inline T pel_square_##n(T a)                                    \
    { return pel_multiply_##n(a, a); }                                     \
    /* NumPy's 1/z: Smith's algorithm specialised to a numerator of 1. */  \
    static inline T pel_reciprocal_##n(T a)                                \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a);                                  \
        if (fabs(ai) <= fabs(ar)) {                                        \
            R r = ai / ar, d = ar + ai * r;                                \
            return pel_mk_##n((R)1 / d, -r / d);                           \
        }                                                                  \
        R r = ar / ai, d = ar * r + ai;                                    \
        return pel_mk_##n(r / d, (R)-1 / d);                               \
    }                                                                      \
    static inline T pel_rint_##n(T a)                                      \
    { return pel_mk_##n(rint(PEL_RE(a)), rint(PEL_IM(a))); }               \
    static inline pel_bool pel_isnan_##n(T a) { return PEL_CNAN(a); }      \
    static inline pel_bool pel_isinf_##n(T a)                              \
    { return isinf(PEL_RE(a)) || isinf(PEL_IM(a)); }                       \
    static inline pel_bool pel_isfinite_##n(T a)                           \
    { return isfinite(PEL_RE(a)) && isfinite(PEL_IM(a)); }                 \
    static inline T pel_conjugate_##n(T a)                                 \
    { return pel_mk_##n(PEL_RE(a), -PEL_IM(a)); }                          \
    static inline T pel_copy_##n(T a) { return a; }                        \
    static inline T pel_where_##n(pel_bool c, T x, T y) { return c ? x : y; } \
    static inline R pel_real_##n(T a) { return PEL_RE(a); }                \
    static inline R pel_imag_##n(T a) { return PEL_IM(a); }

PEL_COMPLEX_TYPES(PEL_DEF_COMPLEX_SCALARS)

/* complex(re, im) from two reals; real/imag of a real. */
static inline pel_complex64 pel_complex_float32(float r, float i)
{ return pel_mk_complex64(r, i); }
static inline pel_complex128 pel_complex_float64(double r, double i)
{ return pel_mk_complex128(r, i); }

#endif
