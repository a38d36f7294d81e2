/* simd_avx2.h — first include of an avx2 level wrapper (simd_level.h). */
#include "kernels/simd_level.h"
#if PEL_SIMD_X86_LEVELS
#pragma GCC target("arch=x86-64-v3")
#undef PEL_SIMD_SUFFIX
#define PEL_SIMD_SUFFIX _avx2
#define PEL_SIMD_BUILD 1
#endif
