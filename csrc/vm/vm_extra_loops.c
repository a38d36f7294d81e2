/* vm_extra_loops.c — see vm_extra_loops.h. */
#include "vm/vm_extra_loops.h"

#include "kernels/dtypes.h"

#include <complex.h>
#include <stdint.h>
#include <string.h>

#define WHERE(N)                                                            \
    static void where_##N(char **a, const intptr_t *dims,                   \
                          const intptr_t *s, void *data) {                  \
        (void)data;                                                         \
        char *c = a[0], *x = a[1], *y = a[2], *o = a[3];                    \
        for (intptr_t i = 0; i < dims[0]; i++) {                            \
            memmove(o, *c ? x : y, N);                                      \
            c += s[0]; x += s[1]; y += s[2]; o += s[3];                     \
        }                                                                   \
    }
WHERE(1) WHERE(2) WHERE(4) WHERE(8) WHERE(16)

/* part = 0: real, 1: imaginary. */
#define PART(N, which, off)                                                 \
    static void which##_##N(char **a, const intptr_t *dims,                 \
                            const intptr_t *s, void *data) {                \
        (void)data;                                                         \
        char *z = a[0], *o = a[1];                                          \
        for (intptr_t i = 0; i < dims[0]; i++) {                            \
            memcpy(o, z + (off) * N, N);                                    \
            z += s[0]; o += s[1];                                           \
        }                                                                   \
    }                                                                       
PART(4, real, 0) PART(8, real, 0) PART(4, imag, 1) PART(8, imag, 1)

#define MAKE_COMPLEX(N)                                                     \
    static void complex_##N(char **a, const intptr_t *dims,                 \
                            const intptr_t *s, void *data) {                \
        (void)data;                                                         \
        char *re = a[0], *im = a[1], *o = a[2];                             \
        for (intptr_t i = 0; i < dims[0]; i++) {                            \
            char z[2 * N];                                                  \
            memcpy(z, re, N);                                               \
            memcpy(z + N, im, N);                                           \
            memcpy(o, z, 2 * N); /* o may alias re or im */                 \
            re += s[0]; im += s[1]; o += s[2];                              \
        }                                                                   \
    }
MAKE_COMPLEX(4) MAKE_COMPLEX(8)

pel_loop_fn pel_vm_where_loop(int itemsize) {
    switch (itemsize) {
    case 1: return where_1;
    case 2: return where_2;
    case 4: return where_4;
    case 8: return where_8;
    case 16: return where_16;
    default: return NULL;
    }
}
pel_loop_fn pel_vm_real_loop(int n) {
    return n == 4 ? real_4 : n == 8 ? real_8 : NULL;
}
pel_loop_fn pel_vm_imag_loop(int n) {
    return n == 4 ? imag_4 : n == 8 ? imag_8 : NULL;
}
pel_loop_fn pel_vm_complex_loop(int n) {
    return n == 4 ? complex_4 : n == 8 ? complex_8 : NULL;
}

/* ---- float16 conversions ------------------------------------------------
 * _Float16 (GCC, x86-64 SSE2) converts with IEEE round-to-nearest-even. */

#define HALF_CASTS(N, T)                                                    \
    static void to_half_##N(char **a, const intptr_t *d, const intptr_t *s, \
                            void *data) {                                   \
        (void)data;                                                         \
        for (intptr_t i = 0; i < d[0]; i++)                                 \
            *(_Float16 *)(a[1] + i * s[1]) =                                \
                (_Float16)(*(const T *)(a[0] + i * s[0]));                  \
    }                                                                       \
    static void from_half_##N(char **a, const intptr_t *d,                  \
                              const intptr_t *s, void *data) {              \
        (void)data;                                                         \
        for (intptr_t i = 0; i < d[0]; i++)                                 \
            *(T *)(a[1] + i * s[1]) =                                       \
                (T)(*(const _Float16 *)(a[0] + i * s[0]));                  \
    }
HALF_CASTS(i8, int8_t) HALF_CASTS(u8, uint8_t) HALF_CASTS(i16, int16_t)
HALF_CASTS(u16, uint16_t) HALF_CASTS(i32, int32_t) HALF_CASTS(u32, uint32_t)
HALF_CASTS(i64, int64_t) HALF_CASTS(u64, uint64_t) HALF_CASTS(f32, float)
HALF_CASTS(f64, double)

/* bool: to half is 0/1, from half is "!= 0" (NaN is true). */
static void to_half_b(char **a, const intptr_t *d, const intptr_t *s,
                      void *data) {
    (void)data;
    for (intptr_t i = 0; i < d[0]; i++)
        *(_Float16 *)(a[1] + i * s[1]) =
            (_Float16)(*(const pel_bool *)(a[0] + i * s[0]) != 0);
}
static void from_half_b(char **a, const intptr_t *d, const intptr_t *s,
                        void *data) {
    (void)data;
    for (intptr_t i = 0; i < d[0]; i++)
        *(pel_bool *)(a[1] + i * s[1]) =
            *(const _Float16 *)(a[0] + i * s[0]) != 0;
}
/* complex: the imaginary part is 0. */
static void from_half_c8(char **a, const intptr_t *d, const intptr_t *s,
                         void *data) {
    (void)data;
    for (intptr_t i = 0; i < d[0]; i++)
        *(pel_complex64 *)(a[1] + i * s[1]) =
            (float)(*(const _Float16 *)(a[0] + i * s[0]));
}
static void from_half_c16(char **a, const intptr_t *d, const intptr_t *s,
                          void *data) {
    (void)data;
    for (intptr_t i = 0; i < d[0]; i++)
        *(pel_complex128 *)(a[1] + i * s[1]) =
            (double)(*(const _Float16 *)(a[0] + i * s[0]));
}

pel_loop_fn pel_vm_half_cast_loop(int to_half, pel_dtype other) {
#define PICK(N) return to_half ? to_half_##N : from_half_##N
    switch (other) {
    case PEL_BOOL: PICK(b);
    case PEL_INT8: PICK(i8);
    case PEL_UINT8: PICK(u8);
    case PEL_INT16: PICK(i16);
    case PEL_UINT16: PICK(u16);
    case PEL_INT32: PICK(i32);
    case PEL_UINT32: PICK(u32);
    case PEL_INT64: PICK(i64);
    case PEL_UINT64: PICK(u64);
    case PEL_FLOAT32: PICK(f32);
    case PEL_FLOAT64: PICK(f64);
    case PEL_COMPLEX64: return to_half ? NULL : from_half_c8;
    case PEL_COMPLEX128: return to_half ? NULL : from_half_c16;
    default: return NULL;
    }
#undef PICK
}
