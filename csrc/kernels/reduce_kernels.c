/*
 * reduce_kernels.c — the (reduction x dtype) kernels, generated from the
 * tables at the end of this file by four templates:
 *
 *   FOLD     an associative fold with an identity, summed pairwise
 *            (sum, prod, nansum, any, all, sumsqdev)
 *   DOT      pairwise sum of products of two inputs (dot, vdot)
 *   MINMAX   min, max (NaN propagates), nanmin, nanmax (NaN skipped)
 *   ARG      argmin, argmax: first index of the min/max, or of the first NaN
 *
 * Pairwise summation follows NumPy's scheme (blocks of up to 128 elements
 * summed with 8 independent accumulators, larger ranges split in halves),
 * so each chunk's error grows like O(log n) and the contiguous inner loops
 * vectorize. See reduce.h for the view and the function contracts.
 */
#include "kernels/reduce.h"
#include "kernels/reduce_types.h"
#include "kernels/simd_level.h"

#include <string.h>

/* Elements per pairwise leaf: 8 accumulators x 16 steps, as in NumPy. */
#define PW_LEAF 128

/* Address of flat reduced element k relative to an output's base. */
static inline const char *red_at(const char *base, const pel_red_view *v,
                                 int64_t k) {
    int64_t K0 = v->red_shape[1];
    return base + (k / K0) * v->red_strides[0] + (k % K0) * v->red_strides[1];
}

/* any/all look at blocks of STOP_BLOCK elements between checks of whether
 * the answer is known: 1024 bools are 16 AVX-512 vectors, enough to keep
 * the vectorized loop's speed, and little read past the deciding element. */
#define STOP_BLOCK 1024

/* ---- FOLD ---------------------------------------------------------------
 * NAME: function prefix; IS, AS, XS: input, accumulator, aux suffixes;
 * INIT: identity; MAP(IS, AS, x, m): value folded for input x (m: aux);
 * OP: the fold (a macro of two accumulators); HAS_AUX: 0 or 1;
 * STOP: the absorbing accumulator value (any: 1, all: 0) after which the
 * fold stops early, or -1. */
#define FOLD_DEF(NAME, IS, AS, XS, INIT, MAP, OP, HAS_AUX, STOP)            \
    static T_##AS NAME##_seg(const char *p, int64_t n, int64_t s,           \
                             T_##XS m) {                                    \
        if (EXACT_##AS) {                                                   \
            /* integer and boolean folds are exact in any order: one        \
             * accumulator, which gcc vectorizes on its own */              \
            T_##AS r = INIT;                                                \
            if (s == (int64_t)sizeof(T_##IS)) {                             \
                const T_##IS *x = (const T_##IS *)p;                        \
                if (STOP >= 0) {                                            \
                    for (int64_t b0 = 0; b0 < n; b0 += STOP_BLOCK) {        \
                        int64_t b1 = n - b0 < STOP_BLOCK ? n : b0 + STOP_BLOCK; \
                        for (int64_t i = b0; i < b1; i++)                   \
                            r = OP(r, MAP(IS, AS, x[i], m));                \
                        if (r == (T_##AS)STOP) break;                       \
                    }                                                       \
                    return r;                                               \
                }                                                           \
                for (int64_t i = 0; i < n; i++)                             \
                    r = OP(r, MAP(IS, AS, x[i], m));                        \
            } else {                                                        \
                for (int64_t i = 0; i < n; i++)                             \
                    r = OP(r, MAP(IS, AS, *(const T_##IS *)(p + i * s), m));\
            }                                                               \
            return r;                                                       \
        }                                                                   \
        if (n < 8) {                                                        \
            T_##AS r = INIT;                                                \
            for (int64_t i = 0; i < n; i++)                                 \
                r = OP(r, MAP(IS, AS, *(const T_##IS *)(p + i * s), m));    \
            return r;                                                       \
        }                                                                   \
        if (n <= PW_LEAF) {                                                 \
            T_##AS r[8], res;                                               \
            const int64_t nb = n / 8;                                       \
            int64_t i = nb * 8;                                             \
            if (s == (int64_t)sizeof(T_##IS)) {                             \
                const T_##IS *x = (const T_##IS *)p;                        \
                for (int j = 0; j < 8; j++) r[j] = MAP(IS, AS, x[j], m);    \
                for (int64_t bk = 1; bk < nb; bk++)                         \
                    for (int j = 0; j < 8; j++)                             \
                        r[j] = OP(r[j], MAP(IS, AS, x[bk * 8 + j], m));     \
            } else {                                                        \
                for (int j = 0; j < 8; j++)                                 \
                    r[j] = MAP(IS, AS, *(const T_##IS *)(p + j * s), m);    \
                for (int64_t bk = 1; bk < nb; bk++)                         \
                    for (int j = 0; j < 8; j++)                             \
                        r[j] = OP(r[j],                                     \
                                  MAP(IS, AS,                               \
                                      *(const T_##IS *)(p + (bk * 8 + j) * s), \
                                      m));                                  \
            }                                                               \
            res = OP(OP(OP(r[0], r[1]), OP(r[2], r[3])),                    \
                     OP(OP(r[4], r[5]), OP(r[6], r[7])));                   \
            for (; i < n; i++)                                              \
                res = OP(res, MAP(IS, AS, *(const T_##IS *)(p + i * s), m));\
            return res;                                                     \
        }                                                                   \
        int64_t n2 = n / 2;                                                 \
        n2 -= n2 % 8;                                                       \
        T_##AS lo = NAME##_seg(p, n2, s, m);                                \
        return OP(lo, NAME##_seg(p + n2 * s, n - n2, s, m));                \
    }                                                                       \
    /* pairwise over the flat range [b, e), which may span inner rows:  \
     * the same tree as _seg over the same values (splits on multiples   \
     * of 8, leaves of PW_LEAF with 8 accumulators), so a result depends \
     * on the sequence of values only, never on the view holding them    \
     * (the expression VM reduces its values from a contiguous buffer). */\
    static T_##AS NAME##_flat(const char *base, const pel_red_view *v,      \
                              int64_t b, int64_t e, T_##XS m) {             \
        int64_t K0 = v->red_shape[1], k0 = b % K0, n = e - b;               \
        if (k0 + n <= K0)                                                   \
            return NAME##_seg(red_at(base, v, b), n, v->red_strides[1], m); \
        if (EXACT_##AS || n < 8) {                                          \
            T_##AS r = INIT;                                                \
            for (int64_t k = b; k < e; k++)                                 \
                r = OP(r, MAP(IS, AS, *(const T_##IS *)red_at(base, v, k),  \
                              m));                                          \
            return r;                                                       \
        }                                                                   \
        if (n <= PW_LEAF) {                                                 \
            T_##AS r[8], res;                                               \
            const int64_t nb = n / 8;                                       \
            for (int j = 0; j < 8; j++)                                     \
                r[j] = MAP(IS, AS, *(const T_##IS *)red_at(base, v, b + j), \
                           m);                                              \
            for (int64_t bk = 1; bk < nb; bk++)                             \
                for (int j = 0; j < 8; j++)                                 \
                    r[j] = OP(r[j],                                         \
                              MAP(IS, AS,                                   \
                                  *(const T_##IS *)red_at(base, v,          \
                                                          b + bk * 8 + j),  \
                                  m));                                      \
            res = OP(OP(OP(r[0], r[1]), OP(r[2], r[3])),                    \
                     OP(OP(r[4], r[5]), OP(r[6], r[7])));                   \
            for (int64_t k = b + nb * 8; k < e; k++)                        \
                res = OP(res, MAP(IS, AS, *(const T_##IS *)red_at(base, v, k),\
                                  m));                                      \
            return res;                                                     \
        }                                                                   \
        int64_t n2 = n / 2;                                                 \
        n2 -= n2 % 8;                                                       \
        T_##AS lo = NAME##_flat(base, v, b, b + n2, m);                     \
        return OP(lo, NAME##_flat(base, v, b + n2, e, m));                  \
    }                                                                       \
    static void NAME##_range(const char *base, const pel_red_view *v,       \
                             int64_t b, int64_t e, void *partial,           \
                             const void *aux) {                             \
        T_##XS m = HAS_AUX ? *(const T_##XS *)aux : (T_##XS)0;              \
        *(T_##AS *)partial = NAME##_flat(base, v, b, e, m);                 \
    }                                                                       \
    /* rows in order, vectorized across the w columns */                   \
    static void NAME##_cols(const char *base, int64_t cs, int64_t w,        \
                            const pel_red_view *v, int64_t b, int64_t e,    \
                            void *partials, const void *aux) {              \
        T_##AS *acc = (T_##AS *)partials;                                   \
        const T_##XS *mx = (const T_##XS *)aux;                             \
        (void)mx;                                                           \
        for (int64_t c = 0; c < w; c++) acc[c] = INIT;                      \
        for (int64_t k = b; k < e; k++) {                                   \
            const char *row = red_at(base, v, k);                           \
            if (cs == (int64_t)sizeof(T_##IS)) {                            \
                const T_##IS *x = (const T_##IS *)row;                      \
                for (int64_t c = 0; c < w; c++)                             \
                    acc[c] = OP(acc[c], MAP(IS, AS, x[c],                   \
                                            HAS_AUX ? mx[c] : (T_##XS)0));  \
            } else {                                                        \
                for (int64_t c = 0; c < w; c++)                             \
                    acc[c] = OP(acc[c],                                     \
                                MAP(IS, AS, *(const T_##IS *)(row + c * cs),\
                                    HAS_AUX ? mx[c] : (T_##XS)0));          \
            }                                                               \
        }                                                                   \
    }                                                                       \
    static void NAME##_combine(void *a, const void *r) {                    \
        *(T_##AS *)a = OP(*(T_##AS *)a, *(const T_##AS *)r);                \
    }                                                                       \
    static void NAME##_store(const void *p, char *out) {                    \
        memcpy(out, p, sizeof(T_##AS));                                     \
    }

/* MAPs */
#define MAP_CAST(IS, AS, x, m) ((T_##AS)(x))
#define MAP_NANZERO(IS, AS, x, m) (NAN_##IS(x) ? (T_##AS)0 : (T_##AS)(x))
#define MAP_TRUTH(IS, AS, x, m) ((uint8_t)(NZ_##IS(x) ? 1 : 0))
#define MAP_SQDEV(IS, AS, x, m) pel_sqdev_##AS##_##IS(x, m)

/* Squared deviation |x - m|^2 of the two-pass variance, computed as NumPy
 * does: (x - mean) in the mean's type, then re^2 + im^2 (a product with the
 * conjugate) for complex. */
static inline float pel_sqdev_f32_f32(float x, float m) {
    float d = x - m;
    return d * d;
}
static inline double pel_sqdev_real64(double x, double m) {
    double d = x - m;
    return d * d;
}
#define SQDEV64(S)                                                          \
    static inline double pel_sqdev_f64_##S(T_##S x, double m) {             \
        return pel_sqdev_real64((double)x, m);                              \
    }
SQDEV64(b) SQDEV64(i8) SQDEV64(u8) SQDEV64(i16) SQDEV64(u16) SQDEV64(i32)
SQDEV64(u32) SQDEV64(i64) SQDEV64(u64) SQDEV64(f64)
static inline float pel_sqdev_f32_c64(pel_complex64 x, pel_complex64 m) {
    pel_complex64 d = x - m;
    return crealf(d) * crealf(d) + cimagf(d) * cimagf(d);
}
static inline double pel_sqdev_f64_c128(pel_complex128 x, pel_complex128 m) {
    pel_complex128 d = x - m;
    return creal(d) * creal(d) + cimag(d) * cimag(d);
}

/* ---- DOT: pairwise sum of MUL(CONJ(x), y) over two 1-D inputs ---------- */
#define NOCONJ(v) (v)
#define DOT_DEF(NAME, S, CONJ)                                              \
    static T_##S NAME##_seg(const char *p, int64_t sp, const char *q,       \
                            int64_t sq, int64_t n) {                        \
        if (n <= PW_LEAF) {                                                 \
            T_##S r[8] = {0, 0, 0, 0, 0, 0, 0, 0}, res;                     \
            int64_t i = 0;                                                  \
            if (sp == (int64_t)sizeof(T_##S) && sq == sp) {                 \
                const T_##S *x = (const T_##S *)p, *y = (const T_##S *)q;   \
                const int64_t nb = n / 8;        \
                for (int64_t bk = 0; bk < nb; bk++)                         \
                    for (int j = 0; j < 8; j++)                             \
                        r[j] = ADD_##S(r[j], MUL_##S(CONJ(x[bk * 8 + j]),   \
                                                     y[bk * 8 + j]));       \
                i = nb * 8;                                                 \
            }                                                               \
            res = ADD_##S(ADD_##S(ADD_##S(r[0], r[1]), ADD_##S(r[2], r[3])),\
                          ADD_##S(ADD_##S(r[4], r[5]), ADD_##S(r[6], r[7])));\
            for (; i < n; i++)                                              \
                res = ADD_##S(res,                                          \
                              MUL_##S(CONJ(*(const T_##S *)(p + i * sp)),   \
                                      *(const T_##S *)(q + i * sq)));       \
            return res;                                                     \
        }                                                                   \
        int64_t n2 = n / 2;                                                 \
        n2 -= n2 % 8;                                                       \
        T_##S lo = NAME##_seg(p, sp, q, sq, n2);                            \
        return ADD_##S(lo, NAME##_seg(p + n2 * sp, sp, q + n2 * sq, sq,     \
                                      n - n2));                             \
    }                                                                       \
    static void NAME##_range(const char *base, const pel_red_view *v,       \
                             int64_t b, int64_t e, void *partial,           \
                             const void *aux) {                             \
        (void)aux;                                                          \
        int64_t sp = v->red_strides[1], sq = v->red_stride2;                \
        *(T_##S *)partial = NAME##_seg(base + b * sp, sp,                   \
                                       v->data2 + b * sq, sq, e - b);       \
    }                                                                       \
    static void NAME##_combine(void *a, const void *r) {                    \
        *(T_##S *)a = ADD_##S(*(T_##S *)a, *(const T_##S *)r);              \
    }                                                                       \
    static void NAME##_store(const void *p, char *out) {                    \
        memcpy(out, p, sizeof(T_##S));                                      \
    }

/* ---- MINMAX --------------------------------------------------------------
 * TAKE(S, v, r): whether candidate v replaces the current best r.
 *   min/max:       v is better, or v is NaN; a NaN best is never replaced,
 *                  so the first NaN sticks (NaN propagates)
 *   nanmin/nanmax: v is better, or the best so far is NaN (NaN skipped; the
 *                  result is NaN only if every element is) */
#define TAKE_MAX(S, v, r) (!NAN_##S(r) && (GT_##S(v, r) || NAN_##S(v)))
#define TAKE_MIN(S, v, r) (!NAN_##S(r) && (LT_##S(v, r) || NAN_##S(v)))
#define TAKE_NANMAX(S, v, r) (GT_##S(v, r) || NAN_##S(r))
#define TAKE_NANMIN(S, v, r) (LT_##S(v, r) || NAN_##S(r))

/* LANE_*(S, c, a): the new lane best after candidate c, for the vectorized
 * lanes of real types, written so that gcc emits max/min or compare+blend
 * instructions: max/min ignore NaN here (maxpd semantics) and the lanes
 * track NaNs on the side; nanmax/nanmin replace a NaN lane best. */
#define LANE_MAX(S, c, a) (GT_##S(c, a) ? (c) : (a))
#define LANE_MIN(S, c, a) (LT_##S(c, a) ? (c) : (a))
#define LANE_NANMAX(S, c, a) ((GT_##S(c, a) | NAN_##S(a)) ? (c) : (a))
#define LANE_NANMIN(S, c, a) ((LT_##S(c, a) | NAN_##S(a)) ? (c) : (a))
/* real types get the 8-lane loop; complex ones the plain TAKE loop */
#define LANES_b 1
#define LANES_i8 1
#define LANES_u8 1
#define LANES_i16 1
#define LANES_u16 1
#define LANES_i32 1
#define LANES_u32 1
#define LANES_i64 1
#define LANES_u64 1
#define LANES_f32 1
#define LANES_f64 1
#define LANES_c64 0
#define LANES_c128 0

/* Explicit vectors for float min/max are PEL_VBYTES wide: the level's
 * register width (simd_level.h), 16 bytes at the baseline.
 * VMAX(c, a) = c > a ? c : a, VMIN(c, a) = c < a ? c : a per lane: exactly
 * the x86 maxpd/minpd (maxps/minps) semantics (the second operand when
 * either is NaN), so one instruction; a compare and blend elsewhere.
 * VNAN2(x, y): lanes set where x or y is NaN (one unordered compare covers
 * two vectors), of type NACC, which | accumulates; NACC_ANY(m): any lane
 * set. VANY(m): any lane of the vector compare mask m is set. */
#if defined(__AVX512F__)
#include <immintrin.h>
#define PEL_VBYTES 64
#define VMAX_f64(c, a) ((vec_f64)_mm512_max_pd((__m512d)(c), (__m512d)(a)))
#define VMIN_f64(c, a) ((vec_f64)_mm512_min_pd((__m512d)(c), (__m512d)(a)))
#define VMAX_f32(c, a) ((vec_f32)_mm512_max_ps((__m512)(c), (__m512)(a)))
#define VMIN_f32(c, a) ((vec_f32)_mm512_min_ps((__m512)(c), (__m512)(a)))
/* AVX-512 compares give mask registers */
#define NACC_f64 unsigned
#define NACC_f32 unsigned
#define NACC_ANY_f64(m) ((m) != 0)
#define NACC_ANY_f32(m) ((m) != 0)
#define VNAN2_f64(x, y)                                                     \
    ((unsigned)_mm512_cmp_pd_mask((__m512d)(x), (__m512d)(y), _CMP_UNORD_Q))
#define VNAN2_f32(x, y)                                                     \
    ((unsigned)_mm512_cmp_ps_mask((__m512)(x), (__m512)(y), _CMP_UNORD_Q))
#define VANY_f64(m) (_mm512_test_epi64_mask((__m512i)(m), (__m512i)(m)) != 0)
#define VANY_f32(m) (_mm512_test_epi32_mask((__m512i)(m), (__m512i)(m)) != 0)
#elif defined(__AVX2__)
#include <immintrin.h>
#define PEL_VBYTES 32
#define VMAX_f64(c, a) ((vec_f64)_mm256_max_pd((__m256d)(c), (__m256d)(a)))
#define VMIN_f64(c, a) ((vec_f64)_mm256_min_pd((__m256d)(c), (__m256d)(a)))
#define VMAX_f32(c, a) ((vec_f32)_mm256_max_ps((__m256)(c), (__m256)(a)))
#define VMIN_f32(c, a) ((vec_f32)_mm256_min_ps((__m256)(c), (__m256)(a)))
#define NACC_f64 ivec_f64
#define NACC_f32 ivec_f32
#define NACC_ANY_f64(m) VANY_f64(m)
#define NACC_ANY_f32(m) VANY_f32(m)
#define VNAN2_f64(x, y)                                                     \
    ((ivec_f64)_mm256_cmp_pd((__m256d)(x), (__m256d)(y), _CMP_UNORD_Q))
#define VNAN2_f32(x, y)                                                     \
    ((ivec_f32)_mm256_cmp_ps((__m256)(x), (__m256)(y), _CMP_UNORD_Q))
#define VANY_f64(m) (_mm256_movemask_pd((__m256d)(m)) != 0)
#define VANY_f32(m) (_mm256_movemask_ps((__m256)(m)) != 0)
#elif defined(__SSE2__)
#include <emmintrin.h>
#define PEL_VBYTES 16
#define VMAX_f64(c, a) ((vec_f64)_mm_max_pd((__m128d)(c), (__m128d)(a)))
#define VMIN_f64(c, a) ((vec_f64)_mm_min_pd((__m128d)(c), (__m128d)(a)))
#define VMAX_f32(c, a) ((vec_f32)_mm_max_ps((__m128)(c), (__m128)(a)))
#define VMIN_f32(c, a) ((vec_f32)_mm_min_ps((__m128)(c), (__m128)(a)))
#define NACC_f64 ivec_f64
#define NACC_f32 ivec_f32
#define NACC_ANY_f64(m) VANY_f64(m)
#define NACC_ANY_f32(m) VANY_f32(m)
#define VNAN2_f64(x, y) ((ivec_f64)_mm_cmpunord_pd((__m128d)(x), (__m128d)(y)))
#define VNAN2_f32(x, y) ((ivec_f32)_mm_cmpunord_ps((__m128)(x), (__m128)(y)))
#define VANY_f64(m) (_mm_movemask_pd((__m128d)(m)) != 0)
#define VANY_f32(m) (_mm_movemask_ps((__m128)(m)) != 0)
#else
#define PEL_VBYTES 16
#define VANY_f64(m) (((m)[0] | (m)[1]) != 0)
#define VANY_f32(m) (((m)[0] | (m)[1] | (m)[2] | (m)[3]) != 0)
#define NACC_f64 ivec_f64
#define NACC_f32 ivec_f32
#define NACC_ANY_f64(m) VANY_f64(m)
#define NACC_ANY_f32(m) VANY_f32(m)
#define VNAN2_f64(x, y) (((x) != (x)) | ((y) != (y)))
#define VNAN2_f32(x, y) (((x) != (x)) | ((y) != (y)))
#define VMAX_f64(c, a) vblend_f64((c) > (a), c, a)
#define VMIN_f64(c, a) vblend_f64((c) < (a), c, a)
#define VMAX_f32(c, a) vblend_f32((c) > (a), c, a)
#define VMIN_f32(c, a) vblend_f32((c) < (a), c, a)
#endif

/* Explicit vectors (GCC vector extensions, PEL_VBYTES wide) for float
 * min/max: the compare-and-blend loop with NaNs tracked on the side does not
 * auto-vectorize.
 * MODE: 0 max, 1 min (NaN propagates: returns NaN if any), 2 nanmax,
 * 3 nanmin (NaN lanes replaced). Sets *r to the result of x[0..n), n >= W. */
#define VEC_MINMAX_DEF(S, IT, W)                                            \
    typedef T_##S vec_##S __attribute__((vector_size(PEL_VBYTES)));         \
    typedef IT ivec_##S __attribute__((vector_size(PEL_VBYTES)));           \
    /* an element-aligned view for loads: one unaligned load instruction   \
     * (a memcpy into a vector went through the stack at 32/64 bytes) */   \
    typedef T_##S uvec_##S __attribute__((vector_size(PEL_VBYTES),          \
                                          aligned(sizeof(T_##S)),           \
                                          may_alias));                      \
    static inline vec_##S vload_##S(const T_##S *x) {                       \
        return *(const uvec_##S *)x;                                        \
    }                                                                       \
    static inline vec_##S vblend_##S(ivec_##S m, vec_##S a, vec_##S b) {    \
        return (vec_##S)((m & (ivec_##S)a) | (~m & (ivec_##S)b));           \
    }                                                                       \
    /* one step of a lane accumulator a with candidates c: max, min      \
     * (NaN is tracked apart), or nanmax/nanmin by compare and blend */   \
    static inline __attribute__((always_inline)) vec_##S                   \
    VSTEP_##S(int mode, vec_##S c, vec_##S a) {                             \
        if (mode == 0) return VMAX_##S(c, a);                               \
        if (mode == 1) return VMIN_##S(c, a);                               \
        ivec_##S t = mode == 2 ? (c > a) | (a != a) : (c < a) | (a != a);   \
        return vblend_##S(t, c, a);                                         \
    }                                                                       \
    static inline __attribute__((always_inline)) int64_t                    \
    vec_minmax_##S(const T_##S *x, int64_t n, int mode,                     \
                                  T_##S *r) {                               \
        /* 4 accumulators: each max or compare+blend chain has ~4-5     \
         * cycles latency */                                               \
        vec_##S a[4];                                                       \
        a[0] = a[1] = a[2] = a[3] = vload_##S(x);                           \
        /* min/max: whether a NaN was seen, one compare per 2 vectors */   \
        NACC_##S nan_seen = VNAN2_##S(a[0], a[0]);                          \
        int64_t i = W;                                                      \
        for (; i + 4 * W <= n; i += 4 * W) {                                \
            vec_##S c[4];                                                   \
            /* unrolled, so that a[] and c[] stay in registers */          \
            _Pragma("GCC unroll 4")                                         \
            for (int u = 0; u < 4; u++) {                                   \
                c[u] = vload_##S(x + i + u * W);                            \
                a[u] = VSTEP_##S(mode, c[u], a[u]);                         \
            }                                                               \
            if (mode < 2)                                                   \
                nan_seen |= VNAN2_##S(c[0], c[1]) | VNAN2_##S(c[2], c[3]);  \
        }                                                                   \
        /* then single vectors, and the 4 accumulators folded lane by lane  \
         * with the same rule: a short row (axis=-1 of a 1000x100 array)    \
         * leaves fewer than W elements and W lanes to the scalar code,     \
         * instead of up to 4W of each */                                   \
        for (; i + W <= n; i += W) {                                        \
            vec_##S c = vload_##S(x + i);                                   \
            a[0] = VSTEP_##S(mode, c, a[0]);                                \
            if (mode < 2) nan_seen |= VNAN2_##S(c, c);                      \
        }                                                                   \
        a[0] = VSTEP_##S(mode, a[1], a[0]);                                 \
        a[2] = VSTEP_##S(mode, a[3], a[2]);                                 \
        a[0] = VSTEP_##S(mode, a[2], a[0]);                                 \
        T_##S best = a[0][0];                                               \
        for (int j = 1; j < W; j++) {                                       \
            T_##S c = a[0][j];                                              \
            int take = mode == 0 ? (GT_##S(c, best) || NAN_##S(c))          \
                     : mode == 1 ? (LT_##S(c, best) || NAN_##S(c))          \
                     : mode == 2 ? (GT_##S(c, best) || NAN_##S(best))       \
                                 : (LT_##S(c, best) || NAN_##S(best));      \
            if (take && !(mode < 2 && NAN_##S(best))) best = c;             \
        }                                                                   \
        if (mode < 2 && NACC_ANY_##S(nan_seen)) best = (T_##S)NAN;              \
        *r = best;                                                          \
        return i;                                                           \
    }                                                                       \
    /* First i in [0, n) with x[i] == v (or x[i] NaN when v is NaN);     \
     * n if none. Blocks of 4 vectors are tested at once. */              \
    static inline int64_t vec_find_##S(const T_##S *x, int64_t n, T_##S v) { \
        int isnan_ = v != v;                                                \
        vec_##S vv;                                                         \
        for (int j = 0; j < W; j++) vv[j] = v;                              \
        int64_t i = 0;                                                      \
        if (isnan_) {                                                       \
            for (; i + 4 * W <= n; i += 4 * W) {                            \
                ivec_##S m = {0};                                           \
                _Pragma("GCC unroll 4")                                     \
                for (int u = 0; u < 4; u++) {                               \
                    vec_##S c = vload_##S(x + i + u * W);                   \
                    m |= c != c;                                            \
                }                                                           \
                if (VANY_##S(m)) break;                                     \
            }                                                               \
        } else {                                                            \
            for (; i + 4 * W <= n; i += 4 * W) {                            \
                ivec_##S m = {0};                                           \
                _Pragma("GCC unroll 4")                                     \
                for (int u = 0; u < 4; u++) {                               \
                    vec_##S c = vload_##S(x + i + u * W);                   \
                    m |= c == vv;                                           \
                }                                                           \
                if (VANY_##S(m)) break;                                     \
            }                                                               \
        }                                                                   \
        for (; i < n; i++)                                                  \
            if (isnan_ ? x[i] != x[i] : x[i] == v) return i;                \
        return n;                                                           \
    }
VEC_MINMAX_DEF(f64, int64_t, PEL_VBYTES / 8)
VEC_MINMAX_DEF(f32, int32_t, PEL_VBYTES / 4)
/* vec_minmax for float types, else nothing (the lane loop runs) */
#define VEC_MODE_TAKE_MAX 0
#define VEC_MODE_TAKE_MIN 1
#define VEC_MODE_TAKE_NANMAX 2
#define VEC_MODE_TAKE_NANMIN 3
static inline int64_t vec_none(const void *x, int64_t n, int mode, void *r) {
    (void)x, (void)n, (void)mode, (void)r;
    return 1;
}
#define VEC_f32 1
#define VEC_f64 1
#define VEC_FN_f32(x, n, mode, r) vec_minmax_f32((const float *)(x), n, mode, r)
#define VEC_FIND_f32(x, n, v) vec_find_f32((const float *)(x), n, v)
#define VEC_FIND_f64(x, n, v) vec_find_f64((const double *)(x), n, v)
#define VEC_FN_f64(x, n, mode, r) vec_minmax_f64((const double *)(x), n, mode, r)
#define VEC_b 0
#define VEC_i8 0
#define VEC_u8 0
#define VEC_i16 0
#define VEC_u16 0
#define VEC_i32 0
#define VEC_u32 0
#define VEC_i64 0
#define VEC_u64 0
#define VEC_c64 0
#define VEC_c128 0
#define VEC_FN_b(x, n, mode, r) vec_none(x, n, mode, r)
#define VEC_FIND_NONE(x, n, v) ((void)(x), (void)(v), (int64_t)(n))
#define VEC_FIND_b VEC_FIND_NONE
#define VEC_FIND_i8 VEC_FIND_NONE
#define VEC_FIND_u8 VEC_FIND_NONE
#define VEC_FIND_i16 VEC_FIND_NONE
#define VEC_FIND_u16 VEC_FIND_NONE
#define VEC_FIND_i32 VEC_FIND_NONE
#define VEC_FIND_u32 VEC_FIND_NONE
#define VEC_FIND_i64 VEC_FIND_NONE
#define VEC_FIND_u64 VEC_FIND_NONE
#define VEC_FIND_c64 VEC_FIND_NONE
#define VEC_FIND_c128 VEC_FIND_NONE
#define VEC_FN_i8 VEC_FN_b
#define VEC_FN_u8 VEC_FN_b
#define VEC_FN_i16 VEC_FN_b
#define VEC_FN_u16 VEC_FN_b
#define VEC_FN_i32 VEC_FN_b
#define VEC_FN_u32 VEC_FN_b
#define VEC_FN_i64 VEC_FN_b
#define VEC_FN_u64 VEC_FN_b
#define VEC_FN_c64 VEC_FN_b
#define VEC_FN_c128 VEC_FN_b

#define MINMAX_DEF(NAME, S, TAKE, LANE, TRACK_NAN)                          \
    static T_##S NAME##_seg(const char *p, int64_t n, int64_t s) {          \
        T_##S r = *(const T_##S *)p;                                        \
        int64_t i = 1;                                                      \
        if (VEC_##S && s == (int64_t)sizeof(T_##S) && n >= 64) {            \
            i = VEC_FN_##S((const void *)p, n, VEC_MODE_##TAKE, &r);        \
        } else if (LANES_##S && s == (int64_t)sizeof(T_##S) && n >= 16) {   \
            const T_##S *x = (const T_##S *)p;                              \
            T_##S a[8], nan_[8];                                            \
            const int64_t nb = n / 8;                                       \
            for (int j = 0; j < 8; j++) {                                   \
                a[j] = x[j];                                                \
                nan_[j] = 0;                                                \
            }                                                               \
            for (int64_t bk = 1; bk < nb; bk++)                             \
                for (int j = 0; j < 8; j++) {                               \
                    T_##S c = x[bk * 8 + j];                                \
                    a[j] = LANE(S, c, a[j]);                                \
                    if (TRACK_NAN) nan_[j] = NAN_##S(c) ? c : nan_[j];      \
                }                                                           \
            i = nb * 8;                                                     \
            r = a[0];                                                       \
            for (int j = 1; j < 8; j++) r = TAKE(S, a[j], r) ? a[j] : r;    \
            for (int j = 0; j < 8; j++)                                     \
                if (TRACK_NAN && NAN_##S(nan_[j])) r = nan_[j];             \
        }                                                                   \
        for (; i < n; i++) {                                                \
            T_##S c = *(const T_##S *)(p + i * s);                          \
            r = TAKE(S, c, r) ? c : r;                                      \
        }                                                                   \
        return r;                                                           \
    }                                                                       \
    static T_##S NAME##_flat(const char *base, const pel_red_view *v,       \
                             int64_t b, int64_t e) {                        \
        int64_t K0 = v->red_shape[1];                                       \
        T_##S r = *(const T_##S *)red_at(base, v, b);                       \
        while (b < e) {                                                     \
            int64_t n = K0 - b % K0;                                        \
            if (n > e - b) n = e - b;                                       \
            T_##S c = NAME##_seg(red_at(base, v, b), n, v->red_strides[1]); \
            r = TAKE(S, c, r) ? c : r;                                      \
            b += n;                                                         \
        }                                                                   \
        return r;                                                           \
    }                                                                       \
    static void NAME##_range(const char *base, const pel_red_view *v,       \
                             int64_t b, int64_t e, void *partial,           \
                             const void *aux) {                             \
        (void)aux;                                                          \
        *(T_##S *)partial = NAME##_flat(base, v, b, e);                     \
    }                                                                       \
    static void NAME##_cols(const char *base, int64_t cs, int64_t w,        \
                            const pel_red_view *v, int64_t b, int64_t e,    \
                            void *partials, const void *aux) {              \
        (void)aux;                                                          \
        T_##S *acc = (T_##S *)partials;                                     \
        const char *row = red_at(base, v, b);                               \
        for (int64_t c = 0; c < w; c++)                                     \
            acc[c] = *(const T_##S *)(row + c * cs);                        \
        for (int64_t k = b + 1; k < e; k++) {                               \
            row = red_at(base, v, k);                                       \
            if (cs == (int64_t)sizeof(T_##S)) {                             \
                const T_##S *x = (const T_##S *)row;                        \
                for (int64_t c = 0; c < w; c++)                             \
                    acc[c] = TAKE(S, x[c], acc[c]) ? x[c] : acc[c];         \
            } else {                                                        \
                for (int64_t c = 0; c < w; c++) {                           \
                    T_##S x = *(const T_##S *)(row + c * cs);               \
                    acc[c] = TAKE(S, x, acc[c]) ? x : acc[c];               \
                }                                                           \
            }                                                               \
        }                                                                   \
    }                                                                       \
    static void NAME##_combine(void *a, const void *r) {                    \
        T_##S x = *(const T_##S *)r, *p = (T_##S *)a;                       \
        *p = TAKE(S, x, *p) ? x : *p;                                       \
    }                                                                       \
    static void NAME##_store(const void *p, char *out) {                    \
        memcpy(out, p, sizeof(T_##S));                                      \
    }

/* ---- ARG -----------------------------------------------------------------
 * The chunk's min/max (NaN propagating) comes from the vectorized MINMAX
 * kernel MM; a second pass finds its first index (the chunk is still in
 * cache). Partials carry (value, index); ties keep the smaller index. */
/* Columns per block of the contiguous column kernel: 256 values and 256
 * row indices are at most 6 KiB of stack (complex128: 8 KiB), in L1. */
#define ARG_COLS 256
#define ARG_DEF(NAME, S, MM, TAKE)                                          \
    typedef struct { T_##S v; int64_t i; } NAME##_part;                     \
    static void NAME##_range(const char *base, const pel_red_view *v,       \
                             int64_t b, int64_t e, void *partial,           \
                             const void *aux) {                             \
        (void)aux;                                                          \
        T_##S best = MM##_flat(base, v, b, e);                              \
        int isnan_ = NAN_##S(best) ? 1 : 0;                                 \
        int64_t K0 = v->red_shape[1], s = v->red_strides[1], found = b;     \
        for (int64_t k = b; k < e;) { /* one inner row at a time */         \
            int64_t n = K0 - k % K0;                                        \
            if (n > e - k) n = e - k;                                       \
            const char *q = red_at(base, v, k);                             \
            int64_t i = 0;                                                  \
            if (VEC_##S && s == (int64_t)sizeof(T_##S)) {                   \
                i = VEC_FIND_##S(q, n, best);                               \
            } else if (isnan_) {                                            \
                while (i < n && !NAN_##S(*(const T_##S *)(q + i * s))) i++; \
            } else {                                                        \
                while (i < n && !EQ_##S(*(const T_##S *)(q + i * s), best)) \
                    i++;                                                    \
            }                                                               \
            if (i < n) { found = k + i; break; }                            \
            k += n;                                                         \
        }                                                                   \
        NAME##_part *p = (NAME##_part *)partial;                            \
        p->v = best;                                                        \
        p->i = found; /* always set: best is one of the elements */        \
    }                                                                       \
    /* Contiguous columns: the bests and their rows in two arrays per       \
     * block of ARG_COLS columns, updated by selects, which gcc vectorizes  \
     * (the (value, index) pairs of the partials, updated by a branch, it   \
     * does not). */                                                        \
    static void NAME##_cols_contig(const char *base, int64_t w,             \
                                   const pel_red_view *v, int64_t b,        \
                                   int64_t e, NAME##_part *acc) {           \
        for (int64_t c0 = 0; c0 < w; c0 += ARG_COLS) {                      \
            const int64_t wc = w - c0 < ARG_COLS ? w - c0 : ARG_COLS;       \
            T_##S bv[ARG_COLS];                                             \
            int64_t bi[ARG_COLS];                                           \
            const T_##S *x = (const T_##S *)red_at(base, v, b) + c0;        \
            for (int64_t c = 0; c < wc; c++) {                              \
                bv[c] = x[c];                                               \
                bi[c] = b;                                                  \
            }                                                               \
            for (int64_t k = b + 1; k < e; k++) {                           \
                x = (const T_##S *)red_at(base, v, k) + c0;                 \
                for (int64_t c = 0; c < wc; c++) {                          \
                    const T_##S y = x[c];                                   \
                    const int take = TAKE(S, y, bv[c]);                     \
                    bv[c] = take ? y : bv[c];                               \
                    bi[c] = take ? k : bi[c];                               \
                }                                                           \
            }                                                               \
            for (int64_t c = 0; c < wc; c++) {                              \
                acc[c0 + c].v = bv[c];                                      \
                acc[c0 + c].i = bi[c];                                      \
            }                                                               \
        }                                                                   \
    }                                                                       \
    static void NAME##_cols(const char *base, int64_t cs, int64_t w,        \
                            const pel_red_view *v, int64_t b, int64_t e,    \
                            void *partials, const void *aux) {              \
        (void)aux;                                                          \
        NAME##_part *acc = (NAME##_part *)partials;                         \
        if (cs == (int64_t)sizeof(T_##S)) {                                 \
            NAME##_cols_contig(base, w, v, b, e, acc);                      \
            return;                                                         \
        }                                                                   \
        const char *row = red_at(base, v, b);                               \
        for (int64_t c = 0; c < w; c++) {                                   \
            acc[c].v = *(const T_##S *)(row + c * cs);                      \
            acc[c].i = b;                                                   \
        }                                                                   \
        for (int64_t k = b + 1; k < e; k++) {                               \
            row = red_at(base, v, k);                                       \
            for (int64_t c = 0; c < w; c++) {                               \
                T_##S x = *(const T_##S *)(row + c * cs);                   \
                if (TAKE(S, x, acc[c].v) && !NAN_##S(acc[c].v)) {           \
                    acc[c].v = x;                                           \
                    acc[c].i = k;                                           \
                }                                                           \
            }                                                               \
        }                                                                   \
    }                                                                       \
    static void NAME##_combine(void *a, const void *r) {                    \
        NAME##_part *p = (NAME##_part *)a;                                  \
        const NAME##_part *q = (const NAME##_part *)r;                      \
        int pn = NAN_##S(p->v) ? 1 : 0, qn = NAN_##S(q->v) ? 1 : 0;         \
        int take;                                                           \
        if (pn || qn)                                                       \
            take = pn ? (qn && q->i < p->i) : 1;                            \
        else if (EQ_##S(q->v, p->v))                                        \
            take = q->i < p->i;                                             \
        else                                                                \
            take = TAKE(S, q->v, p->v);                                     \
        if (take) *p = *q;                                                  \
    }                                                                       \
    static void NAME##_store(const void *p, char *out) {                    \
        memcpy(out, &((const NAME##_part *)p)->i, sizeof(int64_t));         \
    }

/* ---- the tables ----------------------------------------------------------
 * (input, accumulator) pairs per reduction. Widening pairs avoid a cast
 * copy for NumPy's default accumulators (int sums in int64/uint64, integer
 * means in float64); every (T, T) pair exists so that any dtype= works after
 * a cast of the input. */
#define ALL_TYPES(X, ...)                                                   \
    X(b, __VA_ARGS__) X(i8, __VA_ARGS__) X(u8, __VA_ARGS__)                 \
    X(i16, __VA_ARGS__) X(u16, __VA_ARGS__) X(i32, __VA_ARGS__)             \
    X(u32, __VA_ARGS__) X(i64, __VA_ARGS__) X(u64, __VA_ARGS__)             \
    X(f32, __VA_ARGS__) X(f64, __VA_ARGS__) X(c64, __VA_ARGS__)             \
    X(c128, __VA_ARGS__)

/* X(in, acc) for sum and prod: every numeric (T, T), the default
 * accumulators, and float64 for integer means. */
#define SUMPROD_PAIRS(X)                                                    \
    X(i8, i8) X(u8, u8) X(i16, i16) X(u16, u16) X(i32, i32) X(u32, u32)     \
    X(i64, i64) X(u64, u64) X(f32, f32) X(f64, f64) X(c64, c64)             \
    X(c128, c128)                                                           \
    X(b, i64) X(i8, i64) X(i16, i64) X(i32, i64)                            \
    X(u8, u64) X(u16, u64) X(u32, u64)                                      \
    X(b, f64) X(i8, f64) X(u8, f64) X(i16, f64) X(u16, f64) X(i32, f64)     \
    X(u32, f64) X(i64, f64) X(u64, f64) X(f32, f64) X(c64, c128)
#define NANSUM_PAIRS(X) X(f32, f32) X(f64, f64) X(c64, c64) X(c128, c128)
/* X(in, acc, mean): sumsqdev */
#define SQDEV_TRIPLES(X)                                                    \
    X(b, f64, f64) X(i8, f64, f64) X(u8, f64, f64) X(i16, f64, f64)         \
    X(u16, f64, f64) X(i32, f64, f64) X(u32, f64, f64) X(i64, f64, f64)     \
    X(u64, f64, f64) X(f32, f32, f32) X(f64, f64, f64) X(c64, f32, c64)     \
    X(c128, f64, c128)
#define DOT_TYPES(X) X(i64) X(u64) X(f32) X(f64) X(c64) X(c128)
#define VDOT_TYPES(X) X(c64) X(c128)
#define NAN_TYPES(X) X(f32) X(f64) X(c64) X(c128)

#define DEF_SUM(I, A) FOLD_DEF(sum_##I##_##A, I, A, A, 0, MAP_CAST, ADD_##A, 0, -1)
#define DEF_PROD(I, A)                                                      \
    FOLD_DEF(prod_##I##_##A, I, A, A, 1, MAP_CAST, MUL_##A, 0, -1)
#define DEF_NANSUM(I, A)                                                    \
    FOLD_DEF(nansum_##I##_##A, I, A, A, 0, MAP_NANZERO, ADD_##A, 0, -1)
#define DEF_ANY(I, IGNORED)                                                 \
    FOLD_DEF(any_##I##_b, I, b, b, 0, MAP_TRUTH, ADD_b, 0, 1)
#define DEF_ALL(I, IGNORED)                                                 \
    FOLD_DEF(all_##I##_b, I, b, b, 1, MAP_TRUTH, MUL_b, 0, 0)
#define DEF_SQDEV(I, A, X)                                                  \
    FOLD_DEF(sumsqdev_##I##_##A, I, A, X, 0, MAP_SQDEV, ADD_##A, 1, -1)
#define DEF_DOT(S) DOT_DEF(dot_##S##_##S, S, NOCONJ)
#define DEF_VDOT(S) DOT_DEF(vdot_##S##_##S, S, CONJ_##S)
#define DEF_MINMAX(S, IGNORED)                                                    \
    MINMAX_DEF(max_##S##_##S, S, TAKE_MAX, LANE_MAX, 1)                     \
    MINMAX_DEF(min_##S##_##S, S, TAKE_MIN, LANE_MIN, 1)                     \
    ARG_DEF(argmax_##S##_##S, S, max_##S##_##S, TAKE_MAX)                   \
    ARG_DEF(argmin_##S##_##S, S, min_##S##_##S, TAKE_MIN)
#define DEF_NANMINMAX(S)                                                    \
    MINMAX_DEF(nanmax_##S##_##S, S, TAKE_NANMAX, LANE_NANMAX, 0)            \
    MINMAX_DEF(nanmin_##S##_##S, S, TAKE_NANMIN, LANE_NANMIN, 0)

SUMPROD_PAIRS(DEF_SUM)
SUMPROD_PAIRS(DEF_PROD)
NANSUM_PAIRS(DEF_NANSUM)
ALL_TYPES(DEF_ANY, 0)
ALL_TYPES(DEF_ALL, 0)
SQDEV_TRIPLES(DEF_SQDEV)
DOT_TYPES(DEF_DOT)
VDOT_TYPES(DEF_VDOT)
ALL_TYPES(DEF_MINMAX, 0)
NAN_TYPES(DEF_NANMINMAX)

/* ---- the kernel table ---------------------------------------------------- */
#define ENTRY(OP, I, A, X, PART_T, OUT_T, COLS)                             \
    {PEL_RED_##OP, D_##I, D_##A, D_##X, (int)sizeof(T_##I), (int)sizeof(OUT_T),                 \
     (int)sizeof(T_##X),                                                    \
     PEL_RED_##OP == PEL_RED_any ? 1 : PEL_RED_##OP == PEL_RED_all ? 0 : -1, \
     sizeof(PART_T), OP##_##I##_##A##_range, COLS,                          \
     OP##_##I##_##A##_combine, OP##_##I##_##A##_store},
#define E_SUM(I, A) ENTRY(sum, I, A, A, T_##A, T_##A, sum_##I##_##A##_cols)
#define E_PROD(I, A) ENTRY(prod, I, A, A, T_##A, T_##A, prod_##I##_##A##_cols)
#define E_NANSUM(I, A)                                                      \
    ENTRY(nansum, I, A, A, T_##A, T_##A, nansum_##I##_##A##_cols)
#define E_ANY(I, IGNORED) ENTRY(any, I, b, b, uint8_t, uint8_t, any_##I##_b_cols)
#define E_ALL(I, IGNORED) ENTRY(all, I, b, b, uint8_t, uint8_t, all_##I##_b_cols)
#define E_SQDEV(I, A, X)                                                    \
    ENTRY(sumsqdev, I, A, X, T_##A, T_##A, sumsqdev_##I##_##A##_cols)
#define E_DOT(S) ENTRY(dot, S, S, S, T_##S, T_##S, NULL)
#define E_VDOT(S) ENTRY(vdot, S, S, S, T_##S, T_##S, NULL)
#define E_MINMAX(S, IGNORED)                                                      \
    ENTRY(max, S, S, S, T_##S, T_##S, max_##S##_##S##_cols)                 \
    ENTRY(min, S, S, S, T_##S, T_##S, min_##S##_##S##_cols)                 \
    ENTRY(argmax, S, S, S, argmax_##S##_##S##_part, int64_t,                \
          argmax_##S##_##S##_cols)                                          \
    ENTRY(argmin, S, S, S, argmin_##S##_##S##_part, int64_t,                \
          argmin_##S##_##S##_cols)
#define E_NANMINMAX(S)                                                      \
    ENTRY(nanmax, S, S, S, T_##S, T_##S, nanmax_##S##_##S##_cols)           \
    ENTRY(nanmin, S, S, S, T_##S, T_##S, nanmin_##S##_##S##_cols)

const pel_red_kernel PEL_SIMD_NAME(pel_red_kernels)[] = {
    SUMPROD_PAIRS(E_SUM) SUMPROD_PAIRS(E_PROD) NANSUM_PAIRS(E_NANSUM)
    ALL_TYPES(E_ANY, 0) ALL_TYPES(E_ALL, 0) SQDEV_TRIPLES(E_SQDEV)
    DOT_TYPES(E_DOT) VDOT_TYPES(E_VDOT) ALL_TYPES(E_MINMAX, 0)
    NAN_TYPES(E_NANMINMAX)
};
const size_t PEL_SIMD_NAME(pel_red_nkernels) =
    sizeof PEL_SIMD_NAME(pel_red_kernels) / sizeof(pel_red_kernel);
