/*
 * transcendental.c — loops for functions that are not correctly rounded
 * (exp, log, sin, ..., power). float32/float64 exp and log are pelx's own
 * (vmath.c), at the kernels' level; the others go through glibc's vector
 * math library (libmvec) when the CPU has AVX-512F or AVX2, scalar libm
 * otherwise; complex through <complex.h> (math_complex.h).
 *
 * libmvec's documented maximum error is 4 ULP; the tests measure it against
 * NumPy, and vmath's against mpmath. The variant is chosen once at load by
 * dispatch.c, from the CPU and PELX_KERNELS_SIMD (which lowers it).
 *
 * A float loop works on blocks: a contiguous input goes straight to the
 * block function; strided input, and input that is also the output (a
 * vector block derives the flags from its inputs after writing, below), is
 * gathered into a stack buffer of PEL_MATH_BUF elements, computed, and
 * scattered. The vector block function
 * handles a ragged tail by padding one vector with a value that is in the
 * function's domain (so the padding raises no FP flag) and copying back only
 * the real lanes, so every element goes through the same vector code.
 */
#include <fenv.h>
#include <stdlib.h>
#include <string.h>
#include <tgmath.h>

#include "kernels/dtypes.h"
#include "kernels/fpe.h"
#include "kernels/loop_gen.h"
#include "kernels/math_complex.h"
#include "kernels/simd_level.h"
#include "kernels/vmath.h"
#if PEL_SIMD_X86_LEVELS
#include <immintrin.h>
#endif

/* Gather/scatter buffer for strided input: 256 elements (2 KiB of doubles
 * per operand) keeps all buffers in L1 and amortizes the call. */
#define PEL_MATH_BUF 256

/* X(op, libm name, pad, pole): one-input functions. pad is a value inside
 * the domain whose result raises no flag (atanh(1) would divide by zero, so
 * it pads with 0; arccosh needs >= 1). pole: the flag an infinite result
 * from finite input means (DIV: log(0), atanh(1); OVF: overflow). */
#define PEL_MATH1_OPS(X, ...)                                              \
    X(cbrt, cbrt, 1, OVF, __VA_ARGS__) X(exp, exp, 0, OVF, __VA_ARGS__)    \
    X(exp2, exp2, 0, OVF, __VA_ARGS__) X(expm1, expm1, 0, OVF, __VA_ARGS__) \
    X(log, log, 1, DIV, __VA_ARGS__) X(log2, log2, 1, DIV, __VA_ARGS__)    \
    X(log10, log10, 1, DIV, __VA_ARGS__)                                   \
    X(log1p, log1p, 0, DIV, __VA_ARGS__)                                   \
    X(sin, sin, 0, OVF, __VA_ARGS__) X(cos, cos, 0, OVF, __VA_ARGS__)      \
    X(tan, tan, 0, OVF, __VA_ARGS__) X(arcsin, asin, 0, OVF, __VA_ARGS__)  \
    X(arccos, acos, 0, OVF, __VA_ARGS__) X(arctan, atan, 0, OVF, __VA_ARGS__) \
    X(sinh, sinh, 0, OVF, __VA_ARGS__) X(cosh, cosh, 0, OVF, __VA_ARGS__)  \
    X(tanh, tanh, 0, OVF, __VA_ARGS__) X(arcsinh, asinh, 0, OVF, __VA_ARGS__) \
    X(arccosh, acosh, 1, OVF, __VA_ARGS__)                                 \
    X(arctanh, atanh, 0, DIV, __VA_ARGS__)

/* Two-input functions (pad used for both; POW: 0 ** -y divides by zero,
 * anything else overflows). */
#define PEL_MATH2_OPS(X, ...)                                              \
    X(arctan2, atan2, 1, OVF, __VA_ARGS__) X(hypot, hypot, 1, OVF, __VA_ARGS__) \
    X(power, pow, 1, POW, __VA_ARGS__)

/* Complex ops (all scalar, math_complex.h). */
#define PEL_CMATH_OPS(X, ...)                                              \
    X(sqrt, 1, __VA_ARGS__) X(exp, 1, __VA_ARGS__) X(exp2, 1, __VA_ARGS__) \
    X(expm1, 1, __VA_ARGS__) X(log, 1, __VA_ARGS__) X(log2, 1, __VA_ARGS__) \
    X(log10, 1, __VA_ARGS__) X(log1p, 1, __VA_ARGS__)                      \
    X(sin, 1, __VA_ARGS__) X(cos, 1, __VA_ARGS__) X(tan, 1, __VA_ARGS__)   \
    X(arcsin, 1, __VA_ARGS__) X(arccos, 1, __VA_ARGS__)                    \
    X(arctan, 1, __VA_ARGS__) X(sinh, 1, __VA_ARGS__)                      \
    X(cosh, 1, __VA_ARGS__) X(tanh, 1, __VA_ARGS__)                        \
    X(arcsinh, 1, __VA_ARGS__) X(arccosh, 1, __VA_ARGS__)                  \
    X(arctanh, 1, __VA_ARGS__) X(power, 2, __VA_ARGS__)

typedef void (*pel_blk1_f64)(const double *x, double *y, intptr_t n);
typedef void (*pel_blk1_f32)(const float *x, float *y, intptr_t n);
typedef void (*pel_blk2_f64)(const double *x, const double *w, double *y,
                             intptr_t n);
typedef void (*pel_blk2_f32)(const float *x, const float *w, float *y,
                             intptr_t n);

/* ---- scalar libm blocks (also the fallback) ---------------------------- */
#define PEL_SCALAR_BLK1(op, fn, pad, pole, n, T)                           \
    static void blk_scalar_##op##_##n(const T *x, T *y, intptr_t len)      \
    {                                                                      \
        for (intptr_t i = 0; i < len; i++)                                 \
            y[i] = fn(x[i]);                                               \
    }
#define PEL_SCALAR_BLK2(op, fn, pad, pole, n, T)                           \
    static void blk_scalar_##op##_##n(const T *x, const T *w, T *y,        \
                                      intptr_t len)                        \
    {                                                                      \
        for (intptr_t i = 0; i < len; i++)                                 \
            y[i] = fn(x[i], w[i]);                                         \
    }
PEL_MATH1_OPS(PEL_SCALAR_BLK1, float64, double)
PEL_MATH1_OPS(PEL_SCALAR_BLK1, float32, float)
PEL_MATH2_OPS(PEL_SCALAR_BLK2, float64, double)
PEL_MATH2_OPS(PEL_SCALAR_BLK2, float32, float)

/* ---- FP flags of the vector blocks -----------------------------------------
 * libmvec handles special lanes with code that raises flags NumPy does not
 * (invalid for exp(+-inf), overflow for sin(1e300), ...), and its fast path
 * may raise none where libm would; vmath's branch-free code computes every
 * lane alike (vmath.h). So a vector block discards the flags
 * raised while it ran and derives them from the results, the IEEE way:
 * invalid for a NaN from non-NaN inputs, and for an infinity from finite
 * inputs divide-by-zero (poles: log(0), atanh(1), 0 ** -y) or overflow.
 * Underflow is not reported (NumPy ignores it by default). */
enum { PEL_POLE_OVF = 1, PEL_POLE_DIV = 2, PEL_POLE_POW = 3 };

static inline void pel_raise_for(double x, double w, double y, int pole)
{
    if (isnan(y)) {
        if (!isnan(x) && !isnan(w))
            feraiseexcept(FE_INVALID);
    } else if (isinf(y) && isfinite(x) && isfinite(w)) {
        if (pole == PEL_POLE_DIV || (pole == PEL_POLE_POW && x == 0))
            feraiseexcept(FE_DIVBYZERO);
        else
            feraiseexcept(FE_OVERFLOW);
    }
}

/* Whether any of y[0..len) is an infinity or NaN (PEL_NONFINITE_SIGN). */
#define PEL_ANY_NONFINITE(n, T, UT)                                        \
    static int pel_any_nonfinite_##n(const T *y, intptr_t len)             \
    {                                                                      \
        UT acc = 0;                                                        \
        for (intptr_t i = 0; i < len; i++) {                               \
            UT u;                                                          \
            memcpy(&u, y + i, sizeof u);                                   \
            acc |= PEL_NONFINITE_SIGN(UT, u);                              \
        }                                                                  \
        return (int)(acc >> (sizeof(UT) * 8 - 1));                         \
    }
PEL_ANY_NONFINITE(float64, double, uint64_t)
PEL_ANY_NONFINITE(float32, float, uint32_t)

/* The flags of a one-input block: put back those from before it, then raise
 * what its non-finite results mean (special: whether there are any). */
#define PEL_VEC_RAISE1(n, T)                                               \
    static void pel_vec_raise1_##n(const T *x, const T *y, intptr_t len,   \
                                   int pole, pel_fpflags saved,            \
                                   int special)                            \
    {                                                                      \
        pel_fpflags_restore(saved);                                        \
        if (special)                                                       \
            for (intptr_t i = 0; i < len; i++)                             \
                if (!isfinite(y[i]))                                       \
                    pel_raise_for(x[i], 0.0, y[i], pole);                  \
    }
PEL_VEC_RAISE1(float64, double)
PEL_VEC_RAISE1(float32, float)

#define PEL_VEC_FLAGS(n, T)                                                \
    static void pel_vec_flags1_##n(const T *x, const T *y,                 \
                                        intptr_t len, int pole,            \
                                        pel_fpflags saved)                 \
    {                                                                      \
        pel_vec_raise1_##n(x, y, len, pole, saved,                         \
                           pel_any_nonfinite_##n(y, len));                 \
    }                                                                      \
    static void pel_vec_flags2_##n(const T *x, const T *w,                 \
                                        const T *y, intptr_t len, int pole, \
                                        pel_fpflags saved)                 \
    {                                                                      \
        const int special = pel_any_nonfinite_##n(y, len);                 \
        pel_fpflags_restore(saved);                                        \
        if (special)                                                       \
            for (intptr_t i = 0; i < len; i++)                             \
                if (!isfinite(y[i]))                                       \
                    pel_raise_for(x[i], w[i], y[i], pole);                 \
    }
PEL_VEC_FLAGS(float64, double)
PEL_VEC_FLAGS(float32, float)

/* ---- vmath blocks ---------------------------------------------------------
 * The table of the level dispatch.c chose; written once at load. */
PEL_VMATH_DECLARE(_baseline)
#if PEL_SIMD_X86_LEVELS
PEL_VMATH_DECLARE(_avx2)
PEL_VMATH_DECLARE(_avx512)
#endif
static const pel_vmath *vmath = &pel_vmath_baseline;

#define PEL_VMATH_BLK(op, pole, n, T)                                      \
    static void blk_own_##op##_##n(const T *x, T *y, intptr_t len)         \
    {                                                                      \
        const pel_fpflags saved = pel_fpflags_save();                      \
        const int special = vmath->op##_##n(x, y, len);                    \
        pel_vec_raise1_##n(x, y, len, PEL_POLE_##pole, saved, special);    \
    }
PEL_VMATH_BLK(exp, OVF, float64, double)
PEL_VMATH_BLK(exp, OVF, float32, float)
PEL_VMATH_BLK(log, DIV, float64, double)
PEL_VMATH_BLK(log, DIV, float32, float)


#if PEL_SIMD_X86_LEVELS /* libmvec is x86-64 only */
/* ---- libmvec blocks ------------------------------------------------------
 * Vector-ABI names: _ZGV<isa>N<lanes><v|vv>_<name>; isa d = AVX2,
 * e = AVX-512. One vector block generator per (isa, type):
 *   VT vector type, W lanes, LD/ST unaligned load/store, SET1 broadcast. */
#define PEL_VEC_BLK1(op, fn, pad, pole, isa, W, sfx, T, VT, LD, ST, n)     \
    VT _ZGV##isa##N##W##v_##fn##sfx(VT);                                   \
    static void blk_##isa##_##op##_##sfx##W(const T *x, T *y, intptr_t len) \
    {                                                                      \
        const pel_fpflags saved = pel_fpflags_save();                      \
        intptr_t i = 0;                                                    \
        for (; i + W <= len; i += W)                                       \
            ST(y + i, _ZGV##isa##N##W##v_##fn##sfx(LD(x + i)));            \
        if (i < len) {                                                     \
            T bx[W], by[W];                                                \
            for (int k = 0; k < W; k++)                                    \
                bx[k] = (T)pad;                                            \
            memcpy(bx, x + i, (size_t)(len - i) * sizeof(T));              \
            ST(by, _ZGV##isa##N##W##v_##fn##sfx(LD(bx)));                  \
            memcpy(y + i, by, (size_t)(len - i) * sizeof(T));              \
        }                                                                  \
        pel_vec_flags1_##n(x, y, len, PEL_POLE_##pole, saved);             \
    }
#define PEL_VEC_BLK2(op, fn, pad, pole, isa, W, sfx, T, VT, LD, ST, n)     \
    VT _ZGV##isa##N##W##vv_##fn##sfx(VT, VT);                              \
    static void blk_##isa##_##op##_##sfx##W(const T *x, const T *w, T *y,  \
                                            intptr_t len)                  \
    {                                                                      \
        const pel_fpflags saved = pel_fpflags_save();                      \
        intptr_t i = 0;                                                    \
        for (; i + W <= len; i += W)                                       \
            ST(y + i, _ZGV##isa##N##W##vv_##fn##sfx(LD(x + i), LD(w + i))); \
        if (i < len) {                                                     \
            T bx[W], bw[W], by[W];                                         \
            for (int k = 0; k < W; k++)                                    \
                bx[k] = bw[k] = (T)pad;                                    \
            memcpy(bx, x + i, (size_t)(len - i) * sizeof(T));              \
            memcpy(bw, w + i, (size_t)(len - i) * sizeof(T));              \
            ST(by, _ZGV##isa##N##W##vv_##fn##sfx(LD(bx), LD(bw)));         \
            memcpy(y + i, by, (size_t)(len - i) * sizeof(T));              \
        }                                                                  \
        pel_vec_flags2_##n(x, w, y, len, PEL_POLE_##pole, saved);          \
    }

/* Vector types in a function signature need the ISA enabled at the
 * declaration; only the ISA is enabled (no "fma"), and -ffp-contract=off
 * still holds, so no arithmetic here changes rounding. */
#pragma GCC push_options
#pragma GCC target("avx2")
#define PEL_D_ARGS_F64 d, 4, , double, __m256d, _mm256_loadu_pd, _mm256_storeu_pd, float64
#define PEL_D_ARGS_F32 d, 8, f, float, __m256, _mm256_loadu_ps, _mm256_storeu_ps, float32
#define PEL_EXPAND(m, ...) m(__VA_ARGS__)
#define PEL_VB1_D64(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK1, op, fn, pad, pole, PEL_D_ARGS_F64)
#define PEL_VB1_D32(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK1, op, fn, pad, pole, PEL_D_ARGS_F32)
#define PEL_VB2_D64(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK2, op, fn, pad, pole, PEL_D_ARGS_F64)
#define PEL_VB2_D32(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK2, op, fn, pad, pole, PEL_D_ARGS_F32)
PEL_MATH1_OPS(PEL_VB1_D64, -)
PEL_MATH1_OPS(PEL_VB1_D32, -)
PEL_MATH2_OPS(PEL_VB2_D64, -)
PEL_MATH2_OPS(PEL_VB2_D32, -)
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#define PEL_E_ARGS_F64 e, 8, , double, __m512d, _mm512_loadu_pd, _mm512_storeu_pd, float64
#define PEL_E_ARGS_F32 e, 16, f, float, __m512, _mm512_loadu_ps, _mm512_storeu_ps, float32
#define PEL_VB1_E64(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK1, op, fn, pad, pole, PEL_E_ARGS_F64)
#define PEL_VB1_E32(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK1, op, fn, pad, pole, PEL_E_ARGS_F32)
#define PEL_VB2_E64(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK2, op, fn, pad, pole, PEL_E_ARGS_F64)
#define PEL_VB2_E32(op, fn, pad, pole, ...) PEL_EXPAND(PEL_VEC_BLK2, op, fn, pad, pole, PEL_E_ARGS_F32)
PEL_MATH1_OPS(PEL_VB1_E64, -)
PEL_MATH1_OPS(PEL_VB1_E32, -)
PEL_MATH2_OPS(PEL_VB2_E64, -)
PEL_MATH2_OPS(PEL_VB2_E32, -)
#pragma GCC pop_options

#endif /* PEL_SIMD_X86_LEVELS */

/* ---- the block function in use, per (op, type) --------------------------
 * Written once by the load-time constructor, before any loop can run. */
#define PEL_SEL1(op, fn, pad, pole, ...)                                   \
    static pel_blk1_f64 sel_##op##_float64 = blk_scalar_##op##_float64;    \
    static pel_blk1_f32 sel_##op##_float32 = blk_scalar_##op##_float32;
#define PEL_SEL2(op, fn, pad, pole, ...)                                   \
    static pel_blk2_f64 sel_##op##_float64 = blk_scalar_##op##_float64;    \
    static pel_blk2_f32 sel_##op##_float32 = blk_scalar_##op##_float32;
PEL_MATH1_OPS(PEL_SEL1, -)
PEL_MATH2_OPS(PEL_SEL2, -)

static const char *features = "vmath+scalar-libm";

#define PEL_USE(op, fn, pad, pole, isa, W64, W32)                          \
    sel_##op##_float64 = blk_##isa##_##op##_##W64;                         \
    sel_##op##_float32 = blk_##isa##_##op##_f##W32;

/* Called once at load by dispatch.c with the level in use for every family
 * (the CPU's, or lower): x86-64-v4 includes AVX-512F, v3 includes AVX2. */
void pel_math_select(pel_simd_level level)
{
#if PEL_SIMD_X86_LEVELS
    if (level >= PEL_SIMD_AVX512) {
        PEL_MATH1_OPS(PEL_USE, e, 8, 16)
        PEL_MATH2_OPS(PEL_USE, e, 8, 16)
        vmath = &pel_vmath_avx512;
        features = "vmath+libmvec-avx512";
    } else if (level >= PEL_SIMD_AVX2) {
        PEL_MATH1_OPS(PEL_USE, d, 4, 8)
        PEL_MATH2_OPS(PEL_USE, d, 4, 8)
        vmath = &pel_vmath_avx2;
        features = "vmath+libmvec-avx2";
    }
#else
    (void)level;
#endif
    /* exp and log are vmath's at every level: faster than libmvec's (log;
     * libmvec's logf is also 5 ULP off) or as fast (exp), and faster than
     * scalar libm at baseline. */
    sel_exp_float64 = blk_own_exp_float64;
    sel_exp_float32 = blk_own_exp_float32;
    sel_log_float64 = blk_own_log_float64;
    sel_log_float32 = blk_own_log_float32;
}

const char *pel_kernels_features(void) { return features; }

/* ---- the loops ----------------------------------------------------------- */
#define PEL_MATH_LOOP1(op, fn, pad, pole, n, T)                            \
    static void loop_##op##_##n(char **args, const intptr_t *dims,         \
                                const intptr_t *steps, void *data)         \
    {                                                                      \
        (void)data;                                                        \
        const intptr_t len = dims[0], s0 = steps[0], so = steps[1];        \
        char *p0 = args[0], *po = args[1];                                 \
        /* in place, the flags would be derived from overwritten inputs */ \
        if (s0 == (intptr_t)sizeof(T) && so == (intptr_t)sizeof(T) &&      \
            p0 != po) {                                                    \
            sel_##op##_##n((const T *)p0, (T *)po, len);                   \
            return;                                                        \
        }                                                                  \
        T bx[PEL_MATH_BUF], by[PEL_MATH_BUF];                              \
        for (intptr_t i = 0; i < len; i += PEL_MATH_BUF) {                 \
            intptr_t m = len - i < PEL_MATH_BUF ? len - i : PEL_MATH_BUF;  \
            for (intptr_t k = 0; k < m; k++, p0 += s0)                     \
                bx[k] = *(const T *)p0;                                    \
            sel_##op##_##n(bx, by, m);                                     \
            for (intptr_t k = 0; k < m; k++, po += so)                     \
                *(T *)po = by[k];                                          \
        }                                                                  \
    }
#define PEL_MATH_LOOP2(op, fn, pad, pole, n, T)                            \
    static void loop_##op##_##n(char **args, const intptr_t *dims,         \
                                const intptr_t *steps, void *data)         \
    {                                                                      \
        (void)data;                                                        \
        const intptr_t len = dims[0];                                      \
        const intptr_t s0 = steps[0], s1 = steps[1], so = steps[2];        \
        char *p0 = args[0], *p1 = args[1], *po = args[2];                  \
        if (s0 == (intptr_t)sizeof(T) && s1 == (intptr_t)sizeof(T) &&      \
            so == (intptr_t)sizeof(T) && p0 != po && p1 != po) {           \
            sel_##op##_##n((const T *)p0, (const T *)p1, (T *)po, len);    \
            return;                                                        \
        }                                                                  \
        T bx[PEL_MATH_BUF], bw[PEL_MATH_BUF], by[PEL_MATH_BUF];            \
        for (intptr_t i = 0; i < len; i += PEL_MATH_BUF) {                 \
            intptr_t m = len - i < PEL_MATH_BUF ? len - i : PEL_MATH_BUF;  \
            for (intptr_t k = 0; k < m; k++, p0 += s0, p1 += s1) {         \
                bx[k] = *(const T *)p0;                                    \
                bw[k] = *(const T *)p1;                                    \
            }                                                              \
            sel_##op##_##n(bx, bw, by, m);                                 \
            for (intptr_t k = 0; k < m; k++, po += so)                     \
                *(T *)po = by[k];                                          \
        }                                                                  \
    }
PEL_MATH1_OPS(PEL_MATH_LOOP1, float64, double)
PEL_MATH1_OPS(PEL_MATH_LOOP1, float32, float)
PEL_MATH2_OPS(PEL_MATH_LOOP2, float64, double)
PEL_MATH2_OPS(PEL_MATH_LOOP2, float32, float)

#define PEL_CMATH_LOOP(op, nin, E, n, T, A)                                \
    PEL_LOOP_N##nin(loop_##op##_##n, T, T, pel_##op##_##n)
#define PEL_CMATH_LOOPS(E, n, T, A) PEL_CMATH_OPS(PEL_CMATH_LOOP, E, n, T, A)
PEL_COMPLEX_TYPES(PEL_CMATH_LOOPS)

/* ---- table --------------------------------------------------------------- */
#define PEL_MATH_CELL(op, fn, pad, pole, E, n)                             \
    [PEL_OP_##op][PEL_##E] = {loop_##op##_##n, PEL_##E},
#define PEL_CMATH_CELL(op, nin, E, n, T, A)                                \
    [PEL_OP_##op][PEL_##E] = {loop_##op##_##n, PEL_##E},
#define PEL_CMATH_CELLS(E, n, T, A) PEL_CMATH_OPS(PEL_CMATH_CELL, E, n, T, A)

const pel_loop_entry pel_math_loops[PEL_NOPS][PEL_NDTYPES] = {
    PEL_MATH1_OPS(PEL_MATH_CELL, FLOAT64, float64)
    PEL_MATH1_OPS(PEL_MATH_CELL, FLOAT32, float32)
    PEL_MATH2_OPS(PEL_MATH_CELL, FLOAT64, float64)
    PEL_MATH2_OPS(PEL_MATH_CELL, FLOAT32, float32)
    PEL_COMPLEX_TYPES(PEL_CMATH_CELLS)
};
