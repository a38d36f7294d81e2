/* vmath.c built for x86-64-v4 (AVX-512): see simd_level.h. */
#include "kernels/simd_avx512.h"
#ifdef PEL_SIMD_BUILD
#include "kernels/vmath.c"
#else
typedef int pel_vmath_avx512_not_built; /* ISO C: no empty file */
#endif
