/* vmath.c built for x86-64-v3 (AVX2): see simd_level.h. */
#include "kernels/simd_avx2.h"
#ifdef PEL_SIMD_BUILD
#include "kernels/vmath.c"
#else
typedef int pel_vmath_avx2_not_built; /* ISO C: no empty file */
#endif
