/*
 * mask_blocks.h — comparison and classification of float32/float64 with a
 * bool output at the avx512 level (simd_level.h), for loops.c.
 *
 * gcc vectorizes `z[i] = x[i] < y[i]` by widening each compare's mask
 * register to a vector of 64-bit lanes and packing those down to bytes, a
 * dozen shuffles per 64 results. Here the masks of 64 elements are joined
 * into one 64-bit mask and written as 64 bools by one masked byte move.
 * The predicates are the quiet ones (no FP flag for NaN, as NumPy), with
 * NumPy's NaN answers: every ordered comparison is false, != is true.
 *
 * A block (loop_gen.h) handles the leading multiple of 64 elements of a
 * call whose operands are contiguous or scalar (step 0) and a contiguous
 * bool output, and returns how many it did (0 for any other layout).
 * PEL_MASK_BLOCK_CELLS are its cells of loops.c's block table; at the other
 * levels there are none.
 */
#ifndef PEL_KERNELS_MASK_BLOCKS_H
#define PEL_KERNELS_MASK_BLOCKS_H

#include <stdint.h>

#include "kernels/dtypes.h"
#include "kernels/loop_gen.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__)
#include <immintrin.h>

/* X(op, nin, ...): the ops with a block; PEL_MP_<op>(n, a, b) is the
 * predicate on vectors a, b of type n, a mask register.
 * fpclass 0x18: +-inf; 0x99: NaN (quiet or signalling) or +-inf. */
#define PEL_MASK_OPS(X, ...)                                               \
    X(equal, 2, __VA_ARGS__) X(not_equal, 2, __VA_ARGS__)                  \
    X(less, 2, __VA_ARGS__) X(less_equal, 2, __VA_ARGS__)                  \
    X(greater, 2, __VA_ARGS__) X(greater_equal, 2, __VA_ARGS__)            \
    X(isnan, 1, __VA_ARGS__) X(isinf, 1, __VA_ARGS__)                      \
    X(isfinite, 1, __VA_ARGS__)
#define PEL_MP_equal(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_EQ_OQ)
#define PEL_MP_not_equal(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_NEQ_UQ)
#define PEL_MP_less(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_LT_OQ)
#define PEL_MP_less_equal(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_LE_OQ)
#define PEL_MP_greater(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_GT_OQ)
#define PEL_MP_greater_equal(n, a, b) PEL_MB_##n##_CMP(a, b, _CMP_GE_OQ)
#define PEL_MP_isnan(n, a, b) PEL_MB_##n##_CMP(a, a, _CMP_UNORD_Q)
#define PEL_MP_isinf(n, a, b) PEL_MB_##n##_CLASS(a, 0x18)
#define PEL_MP_isfinite(n, a, b)                                           \
    ((PEL_MB_##n##_MASK) ~PEL_MB_##n##_CLASS(a, 0x99))

/* Per type: load, broadcast, compare, class test, lanes, mask and vector
 * types. */
#define PEL_MB_float64_LOAD(p) _mm512_loadu_pd(p)
#define PEL_MB_float64_SET1(p) _mm512_set1_pd(*(p))
#define PEL_MB_float64_CMP(a, b, P) _mm512_cmp_pd_mask(a, b, P)
#define PEL_MB_float64_CLASS(a, c) _mm512_fpclass_pd_mask(a, c)
#define PEL_MB_float64_W 8
#define PEL_MB_float64_MASK __mmask8
#define PEL_MB_float64_VEC __m512d
#define PEL_MB_float32_LOAD(p) _mm512_loadu_ps(p)
#define PEL_MB_float32_SET1(p) _mm512_set1_ps(*(p))
#define PEL_MB_float32_CMP(a, b, P) _mm512_cmp_ps_mask(a, b, P)
#define PEL_MB_float32_CLASS(a, c) _mm512_fpclass_ps_mask(a, c)
#define PEL_MB_float32_W 16
#define PEL_MB_float32_MASK __mmask16
#define PEL_MB_float32_VEC __m512

/* vector j of an operand: contiguous, or a scalar (step 0) broadcast */
#define PEL_MB_OPERAND(n, T, p, scalar, j)                                 \
    ((scalar) ? PEL_MB_##n##_SET1((const T *)(p))                          \
              : PEL_MB_##n##_LOAD((const T *)(p) + (j)))

#define PEL_MB_DEFINE(op, nin, E, n, T)                                    \
    static intptr_t pel_mblk_##op##_##n(char **args, intptr_t len,         \
                                        const intptr_t *steps)             \
    {                                                                      \
        const intptr_t so = steps[nin];                                    \
        const int s0 = steps[0] == 0, s1 = nin > 1 && steps[1] == 0;       \
        if (so != 1 || (!s0 && steps[0] != (intptr_t)sizeof(T)) ||         \
            (nin > 1 && !s1 && steps[1] != (intptr_t)sizeof(T)))           \
            return 0;                                                      \
        const char *p0 = args[0], *p1 = nin > 1 ? args[1] : args[0];       \
        pel_bool *z = (pel_bool *)args[nin];                               \
        const __m512i one = _mm512_set1_epi8(1);                           \
        intptr_t i = 0;                                                    \
        for (; i + 64 <= len; i += 64) {                                   \
            uint64_t m = 0;                                                \
            for (int j = 0; j < 64; j += PEL_MB_##n##_W) {                 \
                PEL_MB_##n##_VEC a = PEL_MB_OPERAND(n, T, p0, s0, i + j);  \
                PEL_MB_##n##_VEC b = PEL_MB_OPERAND(n, T, p1, s1, i + j);  \
                (void)b;                                                   \
                m |= (uint64_t)PEL_MP_##op(n, a, b) << j;                  \
            }                                                              \
            _mm512_storeu_si512(z + i, _mm512_maskz_mov_epi8(m, one));     \
        }                                                                  \
        return i;                                                          \
    }
PEL_MASK_OPS(PEL_MB_DEFINE, FLOAT64, float64, double)
PEL_MASK_OPS(PEL_MB_DEFINE, FLOAT32, float32, float)

#define PEL_MB_CELL(op, nin, E, n, T) [PEL_OP_##op][PEL_##E] = pel_mblk_##op##_##n,
#define PEL_MASK_BLOCK_CELLS                                               \
    PEL_MASK_OPS(PEL_MB_CELL, FLOAT64, float64, double)                    \
    PEL_MASK_OPS(PEL_MB_CELL, FLOAT32, float32, float)
#else
#define PEL_MASK_BLOCK_CELLS
#endif /* AVX-512 */

#endif
