/* vm_extra_loops.c — see vm_extra_loops.h. */
#include "vm/vm_extra_loops.h"

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
