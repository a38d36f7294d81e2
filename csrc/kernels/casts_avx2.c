/* casts.c built for x86-64-v3 (AVX2, FMA): see simd_level.h. */
#include "kernels/simd_avx2.h"
#ifdef PEL_SIMD_BUILD
#include "kernels/casts.c"
#else
typedef int pel_casts_avx2_not_built; /* ISO C: no empty file */
#endif
