/* simd_avx512.h — first include of an avx512 level wrapper (simd_level.h).
 * 512-bit vectors: NumPy's AVX-512 loops use them too, and on the CPUs
 * measured here (Xeon, AVX-512 server parts) they were faster than 256-bit
 * for every exact loop in cache; gcc's default for x86-64-v4 is 256. */
#include "kernels/simd_level.h"
#if PEL_SIMD_X86_LEVELS
#pragma GCC target("arch=x86-64-v4,prefer-vector-width=512")
#undef PEL_SIMD_SUFFIX
#define PEL_SIMD_SUFFIX _avx512
#define PEL_SIMD_BUILD 1
#endif
