/* vm_cast.c — see vm_cast.h. Two copies of the dtype list expand into the
 * (from x to) table. */
#include "vm/vm_cast.h"

#include <complex.h>
#include <stddef.h>
#include <stdint.h>

typedef unsigned char pbool;
typedef float complex cfloat;
typedef double complex cdouble;

/* TYPES_A lists every dtype; TO_LIST below repeats it as the inner loop
 * of the (from x to) expansion (a macro cannot expand itself).
 * X(pel name, C type, kind: KB bool, KI signed, KU unsigned, KF float,
 * KC complex (not bare letters: complex.h defines I), size in bytes) */
#define TYPES_A(X)                                                          \
    X(BOOL, pbool, KB, 1) X(INT8, int8_t, KI, 1) X(UINT8, uint8_t, KU, 1)       \
    X(INT16, int16_t, KI, 2) X(UINT16, uint16_t, KU, 2)                        \
    X(INT32, int32_t, KI, 4) X(UINT32, uint32_t, KU, 4)                        \
    X(INT64, int64_t, KI, 8) X(UINT64, uint64_t, KU, 8)                        \
    X(FLOAT32, float, KF, 4) X(FLOAT64, double, KF, 8)                         \
    X(COMPLEX64, cfloat, KC, 8) X(COMPLEX128, cdouble, KC, 16)
/* Value conversion by (from kind, to kind): to bool is "!= 0"; every other
 * pair that is ever used is a widening C conversion (exact or rounded as
 * NumPy rounds int64 -> float64). */
#define CONV_B(x) ((x) != 0)
#define CONV_TO_KB_KB(T, x) CONV_B(x)
#define CONV_TO_KB_KI(T, x) CONV_B(x)
#define CONV_TO_KB_KU(T, x) CONV_B(x)
#define CONV_TO_KB_KF(T, x) CONV_B(x)
#define CONV_TO_KB_KC(T, x) (creal(x) != 0 || cimag(x) != 0)
#define CONV_PLAIN(T, x) ((T)(x))
#define CONV_SEL_KB(FK) CONV_TO_KB_##FK
#define CONV_SEL_KI(FK) CONV_PLAIN
#define CONV_SEL_KU(FK) CONV_PLAIN
#define CONV_SEL_KF(FK) CONV_PLAIN
#define CONV_SEL_KC(FK) CONV_PLAIN
#define CONV(FK, TK, T, x) CONV_SEL_##TK(FK)(T, x)

#define DEF_PAIR(FN, FT, FK, FS, TN, TT, TK, TS)                             \
    static void cast_##FN##_##TN(char **a, const intptr_t *d,                \
                                 const intptr_t *s, void *data) {            \
        (void)data;                                                         \
        char *in = a[0], *out = a[1];                                       \
        for (intptr_t i = 0; i < d[0]; i++, in += s[0], out += s[1]) {      \
            FT x = *(const FT *)in;                                         \
            *(TT *)out = (TT)CONV(FK, TK, TT, x);                           \
        }                                                                   \
    }
/* Expand all pairs: from-type fields are fixed by a per-source macro. */
#define TO_LIST(P, FN, FT, FK, FS)                                          \
    P(FN, FT, FK, FS, BOOL, pbool, KB, 1)                                      \
    P(FN, FT, FK, FS, INT8, int8_t, KI, 1)                                     \
    P(FN, FT, FK, FS, UINT8, uint8_t, KU, 1)                                   \
    P(FN, FT, FK, FS, INT16, int16_t, KI, 2)                                   \
    P(FN, FT, FK, FS, UINT16, uint16_t, KU, 2)                                 \
    P(FN, FT, FK, FS, INT32, int32_t, KI, 4)                                   \
    P(FN, FT, FK, FS, UINT32, uint32_t, KU, 4)                                 \
    P(FN, FT, FK, FS, INT64, int64_t, KI, 8)                                   \
    P(FN, FT, FK, FS, UINT64, uint64_t, KU, 8)                                 \
    P(FN, FT, FK, FS, FLOAT32, float, KF, 4)                                   \
    P(FN, FT, FK, FS, FLOAT64, double, KF, 8)                                  \
    P(FN, FT, FK, FS, COMPLEX64, cfloat, KC, 8)                                \
    P(FN, FT, FK, FS, COMPLEX128, cdouble, KC, 16)
#define PAIRS_FROM(FN, FT, FK, FS) TO_LIST(DEF_PAIR, FN, FT, FK, FS)
TYPES_A(PAIRS_FROM)

#define ENTRY(FN, FT, FK, FS, TN, TT, TK, TS)                                \
    [PEL_##FN][PEL_##TN] = cast_##FN##_##TN,
#define ENTRIES_FROM(FN, FT, FK, FS) TO_LIST(ENTRY, FN, FT, FK, FS)
static const pel_loop_fn table[PEL_NDTYPES][PEL_NDTYPES] = {
    TYPES_A(ENTRIES_FROM)
};

#define KIND(FN, FT, FK, FS) [PEL_##FN] = #FK[1],
#define SIZE(FN, FT, FK, FS) [PEL_##FN] = FS,
static const char kinds[PEL_NDTYPES] = {TYPES_A(KIND)};
static const int sizes[PEL_NDTYPES] = {TYPES_A(SIZE)};

/* The pairs promotion can ask for: widening within a kind, integers to
 * floats and complex, reals to wide-enough complex; anything to and from
 * bool. */
static int allowed(pel_dtype f, pel_dtype t) {
    char fk = kinds[f], tk = kinds[t];
    int fs = sizes[f], ts = sizes[t];
    if (tk == 'B' || fk == 'B') return 1;
    switch (fk) {
    case 'I': return (tk == 'I' && ts >= fs) || tk == 'F' || tk == 'C';
    case 'U': return (tk == 'U' && ts >= fs) || (tk == 'I' && ts > fs) ||
                     tk == 'F' || tk == 'C';
    case 'F': return (tk == 'F' && ts >= fs) || (tk == 'C' && ts >= 2 * fs);
    case 'C': return tk == 'C' && ts >= fs;
    }
    return 0;
}

pel_loop_fn pel_vm_cast_loop(pel_dtype from, pel_dtype to) {
    if ((unsigned)from >= PEL_NDTYPES || (unsigned)to >= PEL_NDTYPES)
        return NULL;
    return allowed(from, to) ? table[from][to] : NULL;
}
