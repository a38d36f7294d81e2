/*
 * loop_gen.h — macros that turn a scalar function into a NumPy-style inner
 * loop (char **args, const intptr_t *dims, const intptr_t *steps, void *data).
 *
 * Each loop has a contiguous fast path (every step equals the element size)
 * and, for binary loops, fast paths for one scalar operand (step 0); these
 * plain indexed loops are what gcc auto-vectorizes at -O3. Everything else
 * takes the generic strided path. In-place use (output == an input, same
 * step) is allowed; partial overlap is the caller's business.
 */
#ifndef PEL_KERNELS_LOOP_GEN_H
#define PEL_KERNELS_LOOP_GEN_H

#include <stdint.h>

/* Attributes put on every generated loop; empty unless a file defines it
 * around a group of instantiations (loops.c: FMA clones for complex). */
#ifndef PEL_LOOP_ATTR
#define PEL_LOOP_ATTR
#endif

/* A block function: the fast form of one (op, dtype) loop for some layouts
 * (mask_blocks.h, divide_blocks.h). It does the leading part of the call
 * it can and returns how many elements that was (0: none, this layout is
 * not its own); the generic loop does the rest. */
typedef intptr_t (*pel_block_fn)(char **args, intptr_t n,
                                 const intptr_t *steps);

/* fname(x) -> To, one input of type T0. */
#define PEL_LOOP1(fname, T0, To, f)                                        \
    PEL_LOOP_ATTR static void fname(char **args, const intptr_t *dims,     \
                      const intptr_t *steps, void *data)                   \
    {                                                                      \
        (void)data;                                                        \
        const intptr_t n = dims[0];                                        \
        const intptr_t s0 = steps[0], so = steps[1];                       \
        char *p0 = args[0], *po = args[1];                                 \
        if (s0 == (intptr_t)sizeof(T0) && so == (intptr_t)sizeof(To)) {    \
            const T0 *x = (const T0 *)p0;                                  \
            To *z = (To *)po;                                              \
            for (intptr_t i = 0; i < n; i++)                               \
                z[i] = f(x[i]);                                            \
            return;                                                        \
        }                                                                  \
        for (intptr_t i = 0; i < n; i++, p0 += s0, po += so)               \
            *(To *)po = f(*(const T0 *)p0);                                \
    }

/* fname(x, y) -> To. */
#define PEL_LOOP2(fname, T0, T1, To, f)                                    \
    PEL_LOOP_ATTR static void fname(char **args, const intptr_t *dims,     \
                      const intptr_t *steps, void *data)                   \
    {                                                                      \
        (void)data;                                                        \
        const intptr_t n = dims[0];                                        \
        const intptr_t s0 = steps[0], s1 = steps[1], so = steps[2];        \
        char *p0 = args[0], *p1 = args[1], *po = args[2];                  \
        if (so == (intptr_t)sizeof(To)) {                                  \
            To *z = (To *)po;                                              \
            if (s0 == (intptr_t)sizeof(T0) && s1 == (intptr_t)sizeof(T1)) { \
                const T0 *x = (const T0 *)p0;                              \
                const T1 *y = (const T1 *)p1;                              \
                for (intptr_t i = 0; i < n; i++)                           \
                    z[i] = f(x[i], y[i]);                                  \
                return;                                                    \
            }                                                              \
            if (s0 == (intptr_t)sizeof(T0) && s1 == 0) {                   \
                const T0 *x = (const T0 *)p0;                              \
                const T1 y = *(const T1 *)p1;                              \
                for (intptr_t i = 0; i < n; i++)                           \
                    z[i] = f(x[i], y);                                     \
                return;                                                    \
            }                                                              \
            if (s0 == 0 && s1 == (intptr_t)sizeof(T1)) {                   \
                const T0 x = *(const T0 *)p0;                              \
                const T1 *y = (const T1 *)p1;                              \
                for (intptr_t i = 0; i < n; i++)                           \
                    z[i] = f(x, y[i]);                                     \
                return;                                                    \
            }                                                              \
        }                                                                  \
        for (intptr_t i = 0; i < n; i++, p0 += s0, p1 += s1, po += so)     \
            *(To *)po = f(*(const T0 *)p0, *(const T1 *)p1);               \
    }

/* fname(x, y, w) -> To (clip, where). Contiguous path when all steps are
 * element sizes, or when the last two inputs are scalars (clip bounds). */
#define PEL_LOOP3(fname, T0, T1, T2, To, f)                                \
    PEL_LOOP_ATTR static void fname(char **args, const intptr_t *dims,     \
                      const intptr_t *steps, void *data)                   \
    {                                                                      \
        (void)data;                                                        \
        const intptr_t n = dims[0];                                        \
        const intptr_t s0 = steps[0], s1 = steps[1], s2 = steps[2],        \
                       so = steps[3];                                      \
        char *p0 = args[0], *p1 = args[1], *p2 = args[2], *po = args[3];   \
        if (so == (intptr_t)sizeof(To) && s0 == (intptr_t)sizeof(T0)) {    \
            const T0 *x = (const T0 *)p0;                                  \
            To *z = (To *)po;                                              \
            if (s1 == (intptr_t)sizeof(T1) && s2 == (intptr_t)sizeof(T2)) { \
                const T1 *y = (const T1 *)p1;                              \
                const T2 *w = (const T2 *)p2;                              \
                for (intptr_t i = 0; i < n; i++)                           \
                    z[i] = f(x[i], y[i], w[i]);                            \
                return;                                                    \
            }                                                              \
            if (s1 == 0 && s2 == 0) {                                      \
                const T1 y = *(const T1 *)p1;                              \
                const T2 w = *(const T2 *)p2;                              \
                for (intptr_t i = 0; i < n; i++)                           \
                    z[i] = f(x[i], y, w);                                  \
                return;                                                    \
            }                                                              \
        }                                                                  \
        for (intptr_t i = 0; i < n;                                        \
             i++, p0 += s0, p1 += s1, p2 += s2, po += so)                  \
            *(To *)po = f(*(const T0 *)p0, *(const T1 *)p1,                \
                          *(const T2 *)p2);                                \
    }

/* Dispatch on arity: PEL_LOOP_N(nin, fname, T, To, f) for ops whose inputs
 * all have type T. */
#define PEL_LOOP_N1(fname, T, To, f) PEL_LOOP1(fname, T, To, f)
#define PEL_LOOP_N2(fname, T, To, f) PEL_LOOP2(fname, T, T, To, f)
#define PEL_LOOP_N3(fname, T, To, f) PEL_LOOP3(fname, T, T, T, To, f)

#endif
