/*
 * dispatch.c — which build of each kernel family runs (simd_level.h):
 * chosen once at load from the CPU, before any loop can run, and never
 * changed after (so the tables are read without synchronisation).
 *
 * The CPU's level is the highest x86-64 microarchitecture level it (and the
 * OS, for the AVX-512 register state) supports, as libgcc's
 * __builtin_cpu_supports("x86-64-v3") / ("x86-64-v4") reports it.
 * PELX_KERNELS_SIMD=scalar|baseline|avx2|avx512 lowers the choice for every
 * family (it never raises it above what the CPU runs); other values are
 * ignored here and reported by pelx at import.
 */
#include <stdlib.h>
#include <string.h>

#include "kernels/simd_level.h"

PEL_SIMD_DECLARE(_baseline)
#if PEL_SIMD_X86_LEVELS
PEL_SIMD_DECLARE(_avx2)
PEL_SIMD_DECLARE(_avx512)
#endif

static const char *const level_names[PEL_SIMD_NLEVELS] = {
    [PEL_SIMD_BASELINE] = "baseline",
    [PEL_SIMD_AVX2] = "avx2",
    [PEL_SIMD_AVX512] = "avx512",
};

static const char *const family_names[PEL_NFAMILIES] = {
    [PEL_FAMILY_ELEMENTWISE] = "elementwise",
    [PEL_FAMILY_CASTS] = "casts",
    [PEL_FAMILY_REDUCTIONS] = "reductions",
};

pel_kernel_levels pel_levels;

static pel_simd_level cpu_level(void)
{
#if PEL_SIMD_X86_LEVELS
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return PEL_SIMD_AVX512;
    if (__builtin_cpu_supports("x86-64-v3"))
        return PEL_SIMD_AVX2;
#endif
    return PEL_SIMD_BASELINE;
}

static pel_simd_level allowed_level(void)
{
    const char *env = getenv("PELX_KERNELS_SIMD");
    if (env && (strcmp(env, "scalar") == 0 || strcmp(env, "baseline") == 0))
        return PEL_SIMD_BASELINE;
    if (env && strcmp(env, "avx2") == 0)
        return PEL_SIMD_AVX2;
    return PEL_SIMD_AVX512;
}

#define PEL_USE_LEVEL(sfx, lvl)                                            \
    do {                                                                   \
        pel_levels.exact = pel_exact_loops##sfx;                           \
        pel_levels.round = pel_round_loops##sfx;                           \
        pel_levels.mixed = pel_mixed_loops##sfx;                           \
        pel_levels.casts = pel_cast_loops##sfx;                            \
        pel_levels.red = pel_red_kernels##sfx;                             \
        pel_levels.nred = pel_red_nkernels##sfx;                           \
        for (int f = 0; f < PEL_NFAMILIES; f++)                            \
            pel_levels.level[f] = (lvl);                                   \
    } while (0)

/* A constructor: it runs when the extension (or a C test) is loaded, before
 * any code can look a kernel up. */
__attribute__((constructor)) static void pel_kernels_select(void)
{
    pel_simd_level cpu = cpu_level(), allowed = allowed_level();
    pel_simd_level use = cpu < allowed ? cpu : allowed;
    PEL_USE_LEVEL(_baseline, PEL_SIMD_BASELINE);
#if PEL_SIMD_X86_LEVELS
    if (use == PEL_SIMD_AVX512)
        PEL_USE_LEVEL(_avx512, PEL_SIMD_AVX512);
    else if (use == PEL_SIMD_AVX2)
        PEL_USE_LEVEL(_avx2, PEL_SIMD_AVX2);
#endif
    pel_math_select(use);
}

const char *pel_kernels_family(int family)
{
    if (family < 0 || family >= PEL_NFAMILIES)
        return NULL;
    return family_names[family];
}

const char *pel_kernels_level(int family)
{
    if (family < 0 || family >= PEL_NFAMILIES)
        return NULL;
    return level_names[pel_levels.level[family]];
}

const char *pel_kernels_cpu_level(void)
{
    return level_names[cpu_level()];
}
