/* vm_reduce.c — see vm_reduce.h. One macro per reduction shape, expanded
 * over the dtypes NumPy accumulates in. */
#include "vm/vm_reduce.h"

#include <complex.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#define AT(T, d, i, s) (*(const T *)((d) + (i) * (s)))

/* Pairwise sum of n values of component type T, `s` bytes apart: blocks of
 * up to 128 use 8 interleaved accumulators, larger ranges split in halves
 * (on a multiple of 8). Error grows like O(log n) instead of O(n). */
#define PAIRWISE(T)                                                         \
    static T pairwise_##T(const char *d, intptr_t n, intptr_t s) {          \
        if (n < 8) {                                                        \
            T r = 0;                                                        \
            for (intptr_t i = 0; i < n; i++) r += AT(T, d, i, s);           \
            return r;                                                       \
        }                                                                   \
        if (n <= 128) {                                                     \
            T r[8];                                                         \
            for (int k = 0; k < 8; k++) r[k] = AT(T, d, k, s);              \
            intptr_t i = 8;                                                 \
            for (; i + 8 <= n; i += 8)                                      \
                for (int k = 0; k < 8; k++) r[k] += AT(T, d, i + k, s);     \
            T t = ((r[0] + r[1]) + (r[2] + r[3])) +                         \
                  ((r[4] + r[5]) + (r[6] + r[7]));                          \
            for (; i < n; i++) t += AT(T, d, i, s);                         \
            return t;                                                       \
        }                                                                   \
        intptr_t h = n / 2;                                                 \
        h -= h % 8;                                                         \
        return pairwise_##T(d, h, s) + pairwise_##T(d + h * s, n - h, s);   \
    }
PAIRWISE(float)
PAIRWISE(double)

/* ---- per-dtype block folds ------------------------------------------- */

#define SEQ_SUM(T)                                                          \
    static void sum_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        T acc;                                                              \
        memcpy(&acc, p->value, sizeof acc);                                 \
        for (intptr_t i = 0; i < n; i++) acc += AT(T, d, i, s);             \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }
#define PAIR_SUM(T)                                                         \
    static void sum_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        T acc;                                                              \
        memcpy(&acc, p->value, sizeof acc);                                 \
        acc += pairwise_##T(d, n, s);                                       \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }
/* Complex: real and imaginary parts are summed pairwise separately. */
#define CPAIR_SUM(T, R)                                                     \
    static void sum_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        R acc[2];                                                           \
        memcpy(acc, p->value, sizeof acc);                                  \
        acc[0] += pairwise_##R(d, n, s);                                    \
        acc[1] += pairwise_##R(d + sizeof(R), n, s);                        \
        memcpy(p->value, acc, sizeof acc);                                  \
    }
#define SEQ_PROD(T)                                                         \
    static void prod_##T(pel_vm_partial *p, const char *d, intptr_t n,      \
                         intptr_t s) {                                      \
        T acc;                                                              \
        memcpy(&acc, p->value, sizeof acc);                                 \
        for (intptr_t i = 0; i < n; i++) acc *= AT(T, d, i, s);             \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }
/* Unsigned arithmetic for the integer accumulators: wraps like NumPy's
 * int64 loops instead of being undefined on overflow. */
#define WRAP_SUM(T, U)                                                      \
    static void sum_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        U acc;                                                              \
        memcpy(&acc, p->value, sizeof acc);                                 \
        for (intptr_t i = 0; i < n; i++) acc += (U)AT(T, d, i, s);          \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }                                                                       \
    static void prod_##T(pel_vm_partial *p, const char *d, intptr_t n,      \
                         intptr_t s) {                                      \
        U acc;                                                              \
        memcpy(&acc, p->value, sizeof acc);                                 \
        for (intptr_t i = 0; i < n; i++) acc *= (U)AT(T, d, i, s);          \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }

typedef float complex cfloat;
typedef double complex cdouble;
WRAP_SUM(int64_t, uint64_t)
WRAP_SUM(uint64_t, uint64_t)
PAIR_SUM(float)
PAIR_SUM(double)
CPAIR_SUM(cfloat, float)
CPAIR_SUM(cdouble, double)
SEQ_PROD(float)
SEQ_PROD(double)
SEQ_PROD(cfloat)
SEQ_PROD(cdouble)

/* min/max: NaN propagates (as np.min/np.max): once the accumulator is NaN
 * it stays; a NaN element replaces it because the comparison is false.
 * GE/LE are quiet comparisons for floats (isgreaterequal: no FE_INVALID
 * for NaN, so no spurious "invalid value" warning). */
#define INT_GE(a, b) ((a) >= (b))
#define INT_LE(a, b) ((a) <= (b))
#define MINMAX(T) MINMAX_CMP(T, INT_GE, INT_LE)
#define MINMAX_CMP(T, GE, LE)                                                           \
    static void max_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        if (n <= 0) return;                                                 \
        T acc;                                                              \
        intptr_t i = 0;                                                     \
        if (p->empty) { acc = AT(T, d, 0, s); i = 1; p->empty = 0; }        \
        else memcpy(&acc, p->value, sizeof acc);                            \
        for (; i < n; i++) {                                                \
            T x = AT(T, d, i, s);                                           \
            if (!(GE(acc, x) || acc != acc)) acc = x;                         \
        }                                                                   \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }                                                                       \
    static void min_##T(pel_vm_partial *p, const char *d, intptr_t n,       \
                        intptr_t s) {                                       \
        if (n <= 0) return;                                                 \
        T acc;                                                              \
        intptr_t i = 0;                                                     \
        if (p->empty) { acc = AT(T, d, 0, s); i = 1; p->empty = 0; }        \
        else memcpy(&acc, p->value, sizeof acc);                            \
        for (; i < n; i++) {                                                \
            T x = AT(T, d, i, s);                                           \
            if (!(LE(acc, x) || acc != acc)) acc = x;                         \
        }                                                                   \
        memcpy(p->value, &acc, sizeof acc);                                 \
    }
typedef unsigned char ubool; /* NumPy bools are bytes holding 0 or 1 */
MINMAX(ubool)
MINMAX(int8_t) MINMAX(uint8_t) MINMAX(int16_t) MINMAX(uint16_t)
MINMAX(int32_t) MINMAX(uint32_t) MINMAX(int64_t) MINMAX(uint64_t)
MINMAX_CMP(float, isgreaterequal, islessequal)
MINMAX_CMP(double, isgreaterequal, islessequal)

static void any_ubool(pel_vm_partial *p, const char *d, intptr_t n,
                      intptr_t s) {
    if (p->value[0]) return;
    for (intptr_t i = 0; i < n; i++)
        if (AT(ubool, d, i, s)) { p->value[0] = 1; return; }
}
static void all_ubool(pel_vm_partial *p, const char *d, intptr_t n,
                      intptr_t s) {
    if (!p->value[0]) return;
    for (intptr_t i = 0; i < n; i++)
        if (!AT(ubool, d, i, s)) { p->value[0] = 0; return; }
}

typedef void (*block_fn)(pel_vm_partial *, const char *, intptr_t, intptr_t);

/* The table: (kind x dtype) -> block fold, NULL where NumPy would use
 * another accumulator dtype (the binding casts to the right one). */
static block_fn table(int kind, pel_dtype t) {
#define ROW(T, name) case name: return fn_##T;
    switch (kind) {
    case PEL_VM_SUM:
        switch (t) {
        case PEL_INT64: return sum_int64_t;
        case PEL_UINT64: return sum_uint64_t;
        case PEL_FLOAT32: return sum_float;
        case PEL_FLOAT64: return sum_double;
        case PEL_COMPLEX64: return sum_cfloat;
        case PEL_COMPLEX128: return sum_cdouble;
        default: return NULL;
        }
    case PEL_VM_PROD:
        switch (t) {
        case PEL_INT64: return prod_int64_t;
        case PEL_UINT64: return prod_uint64_t;
        case PEL_FLOAT32: return prod_float;
        case PEL_FLOAT64: return prod_double;
        case PEL_COMPLEX64: return prod_cfloat;
        case PEL_COMPLEX128: return prod_cdouble;
        default: return NULL;
        }
    case PEL_VM_MIN:
    case PEL_VM_MAX: {
        int mx = kind == PEL_VM_MAX;
#define MM(T) return mx ? max_##T : min_##T
        switch (t) {
        case PEL_BOOL: MM(ubool);
        case PEL_INT8: MM(int8_t);
        case PEL_UINT8: MM(uint8_t);
        case PEL_INT16: MM(int16_t);
        case PEL_UINT16: MM(uint16_t);
        case PEL_INT32: MM(int32_t);
        case PEL_UINT32: MM(uint32_t);
        case PEL_INT64: MM(int64_t);
        case PEL_UINT64: MM(uint64_t);
        case PEL_FLOAT32: MM(float);
        case PEL_FLOAT64: MM(double);
        default: return NULL;
        }
#undef MM
    }
    case PEL_VM_ANY: return t == PEL_BOOL ? any_ubool : NULL;
    case PEL_VM_ALL: return t == PEL_BOOL ? all_ubool : NULL;
    default: return NULL;
    }
#undef ROW
}

int pel_vm_reduce_supported(int kind, pel_dtype t) {
    return table(kind, t) != NULL;
}

void pel_vm_reduce_init(int kind, pel_dtype t, pel_vm_partial *p) {
    memset(p, 0, sizeof *p);
    switch (kind) {
    case PEL_VM_PROD:
        switch (t) {
        case PEL_INT64: case PEL_UINT64: { uint64_t one = 1; memcpy(p->value, &one, 8); break; }
        case PEL_FLOAT32: case PEL_COMPLEX64: { float one = 1; memcpy(p->value, &one, 4); break; }
        default: { double one = 1; memcpy(p->value, &one, 8); break; }
        }
        break;
    case PEL_VM_MIN:
    case PEL_VM_MAX: p->empty = 1; break;
    case PEL_VM_ALL: p->value[0] = 1; break;
    default: break; /* sum, any: all-zero bytes */
    }
}

void pel_vm_reduce_block(int kind, pel_dtype t, pel_vm_partial *p,
                         const char *data, intptr_t n, intptr_t stride) {
    table(kind, t)(p, data, n, stride);
}

void pel_vm_reduce_combine(int kind, pel_dtype t, pel_vm_partial *acc,
                           const pel_vm_partial *rhs) {
    if (rhs->empty) return;
    /* Folding rhs's value as a one-element block applies the same rule
     * (NaN propagation, wrapping, ...) as inside a chunk. */
    table(kind, t)(acc, (const char *)rhs->value, 1, 0);
}
