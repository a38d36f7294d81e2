/*
 * math_complex.h — complex transcendental functions on one element, as
 * NumPy computes them: the C99 <complex.h> functions (NumPy's npy_c* call
 * them on glibc) and NumPy's own formulas for exp2, expm1, log2, log10,
 * log1p and power. Generated for complex64 / complex128.
 */
#ifndef PEL_KERNELS_MATH_COMPLEX_H
#define PEL_KERNELS_MATH_COMPLEX_H

#include <stdint.h>
#include <tgmath.h>

#include "kernels/scalar_complex.h"

/* ln 2, log2(e), log10(e) to double precision; rounded to float for
 * complex64 exactly as NumPy's NPY_LOGE2f & co. */
#define PEL_LN2 0.693147180559945309417232121458176568
#define PEL_LOG2E 1.442695040888963407359924681001892137
#define PEL_LOG10E 0.434294481903251827651128918916605082

#define PEL_DEF_COMPLEX_MATH(E, n, T, R)                                   \
    /* Plain (unfused) product: NumPy's npy_cpow multiplies in scalar      \
     * code without FMA, unlike its multiply loop. */                      \
    static inline T pel_cmul_plain_##n(T a, T b)                           \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a), br = PEL_RE(b), bi = PEL_IM(b);  \
        return pel_mk_##n(ar * br - ai * bi, ar * bi + ai * br);           \
    }                                                                      \
    static inline T pel_sqrt_##n(T z) { return sqrt(z); }                  \
    static inline T pel_exp_##n(T z) { return exp(z); }                    \
    static inline T pel_log_##n(T z) { return log(z); }                    \
    static inline T pel_sin_##n(T z) { return sin(z); }                    \
    static inline T pel_cos_##n(T z) { return cos(z); }                    \
    static inline T pel_tan_##n(T z) { return tan(z); }                    \
    static inline T pel_arcsin_##n(T z) { return asin(z); }                \
    static inline T pel_arccos_##n(T z) { return acos(z); }                \
    static inline T pel_arctan_##n(T z) { return atan(z); }                \
    static inline T pel_sinh_##n(T z) { return sinh(z); }                  \
    static inline T pel_cosh_##n(T z) { return cosh(z); }                  \
    static inline T pel_tanh_##n(T z) { return tanh(z); }                  \
    static inline T pel_arcsinh_##n(T z) { return asinh(z); }              \
    static inline T pel_arccosh_##n(T z) { return acosh(z); }              \
    static inline T pel_arctanh_##n(T z) { return atanh(z); }              \
    /* 2^z = exp(z ln 2), scaling each part. */                            \
    static inline T pel_exp2_##n(T z)                                      \
    {                                                                      \
        return exp(pel_mk_##n(PEL_RE(z) * (R)PEL_LN2,                     \
                              PEL_IM(z) * (R)PEL_LN2));                    \
    }                                                                      \
    static inline T pel_log2_##n(T z)                                      \
    {                                                                      \
        T l = log(z);                                                      \
        return pel_mk_##n(PEL_RE(l) * (R)PEL_LOG2E,                        \
                          PEL_IM(l) * (R)PEL_LOG2E);                       \
    }                                                                      \
    static inline T pel_log10_##n(T z)                                     \
    {                                                                      \
        T l = log(z);                                                      \
        return pel_mk_##n(PEL_RE(l) * (R)PEL_LOG10E,                       \
                          PEL_IM(l) * (R)PEL_LOG10E);                      \
    }                                                                      \
    /* exp(z) - 1 = (expm1(x) cos y - 2 sin^2(y/2)) + i exp(x) sin y. */   \
    static inline T pel_expm1_##n(T z)                                     \
    {                                                                      \
        R x = PEL_RE(z), y = PEL_IM(z);                                    \
        R a = sin(y / 2);                                                  \
        return pel_mk_##n(expm1(x) * cos(y) - 2 * a * a, exp(x) * sin(y)); \
    }                                                                      \
    /* log(1 + z) = log|1 + z| + i arg(1 + z). */                          \
    static inline T pel_log1p_##n(T z)                                     \
    {                                                                      \
        R x = PEL_RE(z) + 1, y = PEL_IM(z);                                \
        return pel_mk_##n(log(hypot(x, y)), atan2(y, x));                  \
    }                                                                      \
    /* NumPy's complex power: 1 for a zero exponent; 0 ** b is 0 when     \
     * Re(b) > 0, else nan + nan j with "invalid"; small integer     \
     * real exponents (|n| < 100) by repeated multiplication (and one      \
     * division for n < 0); everything else through cpow. */              \
    static inline T pel_power_##n(T a, T b)                                \
    {                                                                      \
        R ar = PEL_RE(a), ai = PEL_IM(a), br = PEL_RE(b), bi = PEL_IM(b);  \
        if (br == 0 && bi == 0)                                            \
            return pel_mk_##n(1, 0);                                       \
        if (ar == 0 && ai == 0) {                                          \
            if (PEL_QGT(br, 0))                                            \
                return pel_mk_##n(0, 0);                                   \
            pel_fpe_invalid();                                             \
            return pel_mk_##n(NAN, NAN);                                   \
        }                                                                  \
        if (bi == 0 && PEL_QGT(br, -100) && PEL_QLT(br, 100) &&            \
            br == (R)(int)br) {                                            \
            int e = (int)br;                                               \
            if (e == 1)                                                    \
                return a;                                                  \
            if (e == 2)                                                    \
                return pel_cmul_plain_##n(a, a);                             \
            if (e == 3)                                                    \
                return pel_cmul_plain_##n(a, pel_cmul_plain_##n(a, a));        \
            unsigned m = (unsigned)(e < 0 ? -e : e);                       \
            T acc = pel_mk_##n(1, 0), p = a;                               \
            for (;;) {                                                     \
                if (m & 1)                                                 \
                    acc = pel_cmul_plain_##n(acc, p);                        \
                m >>= 1;                                                   \
                if (!m)                                                    \
                    break;                                                 \
                p = pel_cmul_plain_##n(p, p);                                \
            }                                                              \
            if (e < 0)                                                     \
                acc = pel_true_divide_##n(pel_mk_##n(1, 0), acc);          \
            return acc;                                                    \
        }                                                                  \
        return pow(a, b);                                                  \
    }

PEL_COMPLEX_TYPES(PEL_DEF_COMPLEX_MATH)

#endif
