/*
 * simd_level.h — the instruction-set levels the exact kernel families are
 * built for, and how one source file becomes one build per level.
 *
 * The exact families (loops.c and rounding.c: elementwise, casts.c: casts,
 * reduce_kernels.c: reductions) are written once, in plain C that gcc
 * vectorizes, plus a few explicit vectors whose width follows the level.
 * Each is compiled three times:
 *   baseline  the file itself, for the build's target (x86-64: SSE2)
 *   avx2      <family>_avx2.c: x86-64-v3 (AVX2, FMA, BMI2, F16C, ...)
 *   avx512    <family>_avx512.c: x86-64-v4 (AVX-512 F/BW/CD/DQ/VL), with
 *             512-bit vectors preferred (gcc's default for v4 is 256)
 * A level wrapper is two lines: it includes simd_avx2.h or simd_avx512.h,
 * which switches gcc's target for the rest of the translation unit (that
 * also defines __AVX2__, __FMA__, __AVX512F__ ... for the explicit vector
 * code) and sets PEL_SIMD_SUFFIX, then the family's .c file. Each family
 * exports its tables under PEL_SIMD_NAME(...) (pel_exact_loops_avx2, ...);
 * dispatch.c picks one level per family at load.
 *
 * Only the target changes: -ffp-contract=off still holds and no file uses
 * -ffast-math, so every exact result is bit-identical at every level
 * (tests/test_simd_levels.py runs the kernels at each forced level).
 * Levels above baseline are built only by gcc on x86-64; elsewhere the
 * wrappers are empty and dispatch.c knows only the baseline.
 */
#ifndef PEL_KERNELS_SIMD_LEVEL_H
#define PEL_KERNELS_SIMD_LEVEL_H

#include <stddef.h>

#include "kernels/dtypes.h"
#include "kernels/reduce.h"

typedef enum pel_simd_level {
    PEL_SIMD_BASELINE, PEL_SIMD_AVX2, PEL_SIMD_AVX512, PEL_SIMD_NLEVELS
} pel_simd_level;

/* Whether this compiler builds the x86-64-v3/v4 levels. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PEL_SIMD_X86_LEVELS 1
#else
#define PEL_SIMD_X86_LEVELS 0
#endif

#define PEL_SIMD_CAT2(a, b) a##b
#define PEL_SIMD_CAT(a, b) PEL_SIMD_CAT2(a, b)
#ifndef PEL_SIMD_SUFFIX
#define PEL_SIMD_SUFFIX _baseline
#endif
/* name##_baseline, name##_avx2 or name##_avx512 for this build. */
#define PEL_SIMD_NAME(name) PEL_SIMD_CAT(name, PEL_SIMD_SUFFIX)

/* What each family exports per level (sfx: _baseline, _avx2, _avx512):
 *   pel_exact_loops    the (op x dtype) table of loops.c
 *   pel_round_loops    the same for rounding.c (float floor/ceil/trunc/rint)
 *   pel_mixed_loops    [op][uint64_first]: exact int64/uint64 comparisons
 *   pel_cast_loops     [from][to] cast loops
 *   pel_red_kernels    the reduction kernels, pel_red_nkernels of them */
#define PEL_SIMD_DECLARE(sfx)                                              \
    extern const pel_loop_entry pel_exact_loops##sfx[PEL_NOPS][PEL_NDTYPES]; \
    extern const pel_loop_entry pel_round_loops##sfx[PEL_NOPS][PEL_NDTYPES]; \
    extern const pel_loop_fn pel_mixed_loops##sfx[PEL_NOPS][2];            \
    extern const pel_loop_fn pel_cast_loops##sfx[PEL_NDTYPES][PEL_NDTYPES]; \
    extern const pel_red_kernel pel_red_kernels##sfx[];                    \
    extern const size_t pel_red_nkernels##sfx;

/* The families, for dispatch and show_config. */
typedef enum pel_kernel_family {
    PEL_FAMILY_ELEMENTWISE, PEL_FAMILY_CASTS, PEL_FAMILY_REDUCTIONS,
    PEL_NFAMILIES
} pel_kernel_family;

/* The level in use per family, chosen once at load (dispatch.c). */
typedef struct pel_kernel_levels {
    const pel_loop_entry (*exact)[PEL_NDTYPES];
    const pel_loop_entry (*round)[PEL_NDTYPES];
    const pel_loop_fn (*mixed)[2];
    const pel_loop_fn (*casts)[PEL_NDTYPES];
    const pel_red_kernel *red;
    size_t nred;
    pel_simd_level level[PEL_NFAMILIES];
} pel_kernel_levels;

extern pel_kernel_levels pel_levels;

/* transcendental.c: choose the vector math for the highest level allowed. */
void pel_math_select(pel_simd_level allowed);

#endif
