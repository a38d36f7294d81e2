/*
 * loops.c — the exact (correctly rounded or integer) loops: one table of
 * (operation x dtype), generated from per-kind op lists crossed with the
 * dtype lists of dtypes.h. Float rounding (floor, ceil, trunc, rint) lives
 * in rounding.c, transcendental loops in transcendental.c.
 *
 * An op list entry is X(op, nin, KIND, ...type args...), KIND being the
 * output: SAME (the loop dtype), BOOL, REAL (component type of a complex),
 * REAL_QUIET (same, FP flags untouched), CPLX (complex of a real), WHERE (where(cond, x, y): cond is bool). Each
 * list is expanded twice: once to define the loops, once to fill the table.
 */
#include <fenv.h>
#include <stddef.h>

#include "kernels/divide_blocks.h"
#include "kernels/dtypes.h"
#include "kernels/fpe.h"
#include "kernels/loop_gen.h"
#include "kernels/mask_blocks.h"
#include "kernels/scalar_complex.h"
#include "kernels/scalar_float.h"
#include "kernels/scalar_int.h"
#include "kernels/simd_level.h"

/* The ops NumPy has loops for, per kind of dtype (numpy 2.4, checked with
 * np.<op>.types). */
#define PEL_CMP_OPS(X, ...)                                                \
    X(equal, 2, BOOL, __VA_ARGS__) X(not_equal, 2, BOOL, __VA_ARGS__)      \
    X(less, 2, BOOL, __VA_ARGS__) X(less_equal, 2, BOOL, __VA_ARGS__)      \
    X(greater, 2, BOOL, __VA_ARGS__)                                       \
    X(greater_equal, 2, BOOL, __VA_ARGS__)                                 \
    X(logical_and, 2, BOOL, __VA_ARGS__) X(logical_or, 2, BOOL, __VA_ARGS__) \
    X(logical_xor, 2, BOOL, __VA_ARGS__) X(logical_not, 1, BOOL, __VA_ARGS__) \
    X(isnan, 1, BOOL, __VA_ARGS__) X(isinf, 1, BOOL, __VA_ARGS__)          \
    X(isfinite, 1, BOOL, __VA_ARGS__)                                      \
    X(maximum, 2, SAME, __VA_ARGS__) X(minimum, 2, SAME, __VA_ARGS__)      \
    X(fmax, 2, SAME, __VA_ARGS__) X(fmin, 2, SAME, __VA_ARGS__)            \
    X(clip, 3, SAME, __VA_ARGS__) X(where, 3, WHERE, __VA_ARGS__)          \
    X(add, 2, SAME, __VA_ARGS__) X(multiply, 2, SAME, __VA_ARGS__)         \
    X(copy, 1, SAME, __VA_ARGS__)

#define PEL_BOOL_OPS(X, ...)                                               \
    PEL_CMP_OPS(X, __VA_ARGS__)                                            \
    X(absolute, 1, SAME, __VA_ARGS__)                                      \
    X(bitwise_and, 2, SAME, __VA_ARGS__) X(bitwise_or, 2, SAME, __VA_ARGS__) \
    X(bitwise_xor, 2, SAME, __VA_ARGS__) X(invert, 1, SAME, __VA_ARGS__)   \
    X(floor, 1, SAME, __VA_ARGS__) X(ceil, 1, SAME, __VA_ARGS__)           \
    X(trunc, 1, SAME, __VA_ARGS__)

/* Shared by ints, floats and complex. */
#define PEL_NUM_OPS(X, ...)                                                \
    PEL_CMP_OPS(X, __VA_ARGS__)                                            \
    X(subtract, 2, SAME, __VA_ARGS__) X(negative, 1, SAME, __VA_ARGS__)    \
    X(positive, 1, SAME, __VA_ARGS__) X(sign, 1, SAME, __VA_ARGS__)        \
    X(square, 1, SAME, __VA_ARGS__) X(reciprocal, 1, SAME, __VA_ARGS__)    \
    X(conjugate, 1, SAME, __VA_ARGS__)

#define PEL_INT_OPS(X, ...)                                                \
    PEL_NUM_OPS(X, __VA_ARGS__)                                            \
    X(absolute, 1, SAME, __VA_ARGS__)                                      \
    X(floor_divide, 2, SAME, __VA_ARGS__) X(remainder, 2, SAME, __VA_ARGS__) \
    X(power, 2, SAME, __VA_ARGS__)                                         \
    X(bitwise_and, 2, SAME, __VA_ARGS__) X(bitwise_or, 2, SAME, __VA_ARGS__) \
    X(bitwise_xor, 2, SAME, __VA_ARGS__) X(invert, 1, SAME, __VA_ARGS__)   \
    X(left_shift, 2, SAME, __VA_ARGS__) X(right_shift, 2, SAME, __VA_ARGS__) \
    X(floor, 1, SAME, __VA_ARGS__) X(ceil, 1, SAME, __VA_ARGS__)           \
    X(trunc, 1, SAME, __VA_ARGS__)

#define PEL_FLOAT_OPS(X, ...)                                              \
    PEL_NUM_OPS(X, __VA_ARGS__)                                            \
    X(absolute, 1, SAME, __VA_ARGS__)                                      \
    X(true_divide, 2, SAME, __VA_ARGS__)                                   \
    X(floor_divide, 2, SAME, __VA_ARGS__) X(remainder, 2, SAME, __VA_ARGS__) \
    X(sqrt, 1, SAME, __VA_ARGS__)                                          \
    X(copysign, 2, SAME, __VA_ARGS__)                                      \
    X(real, 1, SAME, __VA_ARGS__) X(imag, 1, SAME, __VA_ARGS__)            \
    X(complex, 2, CPLX, __VA_ARGS__)

#define PEL_COMPLEX_OPS(X, ...)                                            \
    PEL_NUM_OPS(X, __VA_ARGS__)                                            \
    X(absolute, 1, REAL_QUIET, __VA_ARGS__)                                \
    X(true_divide, 2, SAME, __VA_ARGS__) X(rint, 1, SAME, __VA_ARGS__)     \
    X(real, 1, REAL, __VA_ARGS__) X(imag, 1, REAL, __VA_ARGS__)

/* Output types and dtypes per KIND. */
typedef pel_complex64 pel_cplx_of_float32;
typedef pel_complex128 pel_cplx_of_float64;
#define PEL_OUT_T_SAME(T, A, n) T
#define PEL_OUT_T_BOOL(T, A, n) pel_bool
#define PEL_OUT_T_REAL(T, A, n) A
#define PEL_OUT_T_CPLX(T, A, n) pel_cplx_of_##n
#define PEL_OUT_E_SAME(E) PEL_##E
#define PEL_OUT_E_BOOL(E) PEL_BOOL
#define PEL_OUT_E_REAL(E) PEL_REAL_OF_##E
#define PEL_OUT_E_REAL_QUIET(E) PEL_REAL_OF_##E
#define PEL_OUT_E_CPLX(E) PEL_CPLX_OF_##E
#define PEL_OUT_E_WHERE(E) PEL_##E
#define PEL_REAL_OF_COMPLEX64 PEL_FLOAT32
#define PEL_REAL_OF_COMPLEX128 PEL_FLOAT64
#define PEL_CPLX_OF_FLOAT32 PEL_COMPLEX64
#define PEL_CPLX_OF_FLOAT64 PEL_COMPLEX128

/* Ops NumPy never warns for (1), or never for real types (2). Their float
 * loops may still raise FE_INVALID on NaN: gcc vectorizes the quiet
 * comparisons (isless & co.) with SSE's signalling compare instructions
 * (cmpltps & co.; SSE has no quiet form). So these loops restore the
 * caller's flags when done. Complex ordering comparisons warn like NumPy's
 * (scalar_complex.h) and complex sign overflows like NumPy's hypot, so
 * those (2) are left alone for complex types. */
static const unsigned char quiet_op[PEL_NOPS] = {
    [PEL_OP_equal] = 1, [PEL_OP_not_equal] = 1, [PEL_OP_less] = 2,
    [PEL_OP_less_equal] = 2, [PEL_OP_greater] = 2,
    [PEL_OP_greater_equal] = 2, [PEL_OP_maximum] = 1, [PEL_OP_minimum] = 1,
    [PEL_OP_fmax] = 1, [PEL_OP_fmin] = 1, [PEL_OP_clip] = 1,
    [PEL_OP_sign] = 2, [PEL_OP_isnan] = 1, [PEL_OP_isinf] = 1,
    [PEL_OP_isfinite] = 1, [PEL_OP_logical_and] = 1, [PEL_OP_logical_or] = 1,
    [PEL_OP_logical_xor] = 1, [PEL_OP_logical_not] = 1, [PEL_OP_where] = 1,
};
#define PEL_FLOATING(T) ((T)0.5 != 0)
#define PEL_IS_COMPLEX(T)                                                  \
    _Generic((T)0, pel_complex64: 1, pel_complex128: 1, default: 0)

/* The block functions (loop_gen.h) of this level. The table is static and
 * constant, so for every (op, dtype) without one the check folds away. */
static const pel_block_fn pel_blocks[PEL_NOPS][PEL_NDTYPES] = {
    PEL_MASK_BLOCK_CELLS
    PEL_DIVIDE_BLOCK_CELLS
    PEL_RECIPROCAL_BLOCK_CELLS
};

/* Pass 1: loop definitions: the loop proper (..._raw) and the entry point,
 * which keeps the FP flags untouched for quiet ops and lets a block take
 * the leading part of the range where one exists (all constants here are
 * folded away at compile time). */
#define PEL_DEFINE(op, nin, K, E, n, T, A)                                 \
    PEL_DEFINE_##K(op##_##n##_raw, op, nin, n, T, A)                       \
    static void loop_##op##_##n##_blocks(char **args, const intptr_t *dims, \
                                         const intptr_t *steps, void *data) \
    {                                                                      \
        const pel_block_fn blk = pel_blocks[PEL_OP_##op][PEL_##E];         \
        const intptr_t done = blk ? blk(args, dims[0], steps) : 0;         \
        if (done == 0) {                                                   \
            loop_##op##_##n##_raw(args, dims, steps, data);                \
        } else if (done < dims[0]) {                                       \
            char *rest[nin + 1];                                           \
            for (int k = 0; k <= nin; k++)                                 \
                rest[k] = args[k] + done * steps[k];                       \
            const intptr_t left = dims[0] - done;                          \
            loop_##op##_##n##_raw(rest, &left, steps, data);               \
        }                                                                  \
    }                                                                      \
    static void loop_##op##_##n(char **args, const intptr_t *dims,         \
                                const intptr_t *steps, void *data)         \
    {                                                                      \
        if (PEL_QUIET_##K ||                                               \
            (PEL_FLOATING(T) && (quiet_op[PEL_OP_##op] == 1 ||             \
                                 (quiet_op[PEL_OP_##op] == 2 &&            \
                                  !PEL_IS_COMPLEX(T))))) {                 \
            const pel_fpflags saved = pel_fpflags_save();                  \
            loop_##op##_##n##_blocks(args, dims, steps, data);             \
            pel_fpflags_restore(saved);                                    \
        } else {                                                           \
            loop_##op##_##n##_blocks(args, dims, steps, data);             \
        }                                                                  \
    }
#define PEL_DEFINE_SAME(fn, op, nin, n, T, A)                              \
    PEL_LOOP_N##nin(loop_##fn, T, T, pel_##op##_##n)
#define PEL_DEFINE_BOOL(fn, op, nin, n, T, A)                              \
    PEL_LOOP_N##nin(loop_##fn, T, pel_bool, pel_##op##_##n)
#define PEL_DEFINE_REAL(fn, op, nin, n, T, A)                              \
    PEL_LOOP_N##nin(loop_##fn, T, A, pel_##op##_##n)
/* REAL_QUIET: NumPy's complex absolute never warns (|max + max j| is inf
 * silently). */
#define PEL_DEFINE_REAL_QUIET(fn, op, nin, n, T, A)                        \
    PEL_LOOP_N##nin(loop_##fn, T, A, pel_##op##_##n)
#define PEL_DEFINE_CPLX(fn, op, nin, n, T, A)                              \
    PEL_LOOP_N##nin(loop_##fn, T, pel_cplx_of_##n, pel_##op##_##n)
#define PEL_DEFINE_WHERE(fn, op, nin, n, T, A)                             \
    PEL_LOOP3(loop_##fn, pel_bool, T, T, T, pel_##op##_##n)
#define PEL_QUIET_SAME 0
#define PEL_QUIET_BOOL 0
#define PEL_QUIET_REAL 0
#define PEL_QUIET_REAL_QUIET 1
#define PEL_QUIET_CPLX 0
#define PEL_QUIET_WHERE 0

/* Pass 2: table cells. */
#define PEL_REGISTER(op, nin, K, E, n, T, A)                               \
    [PEL_OP_##op][PEL_##E] = {loop_##op##_##n, PEL_OUT_E_##K(E)},

#define PEL_DEF_BOOL(E, n, T, A) PEL_BOOL_OPS(PEL_DEFINE, E, n, T, A)
#define PEL_DEF_INT(E, n, T, A) PEL_INT_OPS(PEL_DEFINE, E, n, T, A)
#define PEL_DEF_FLOAT(E, n, T, A) PEL_FLOAT_OPS(PEL_DEFINE, E, n, T, A)
#define PEL_DEF_COMPLEX(E, n, T, A) PEL_COMPLEX_OPS(PEL_DEFINE, E, n, T, A)
PEL_BOOL_TYPE(PEL_DEF_BOOL)
PEL_INT_TYPES(PEL_DEF_INT)
PEL_FLOAT_TYPES(PEL_DEF_FLOAT)
/* Complex multiply, square and absolute call fma() to round like NumPy's
 * SIMD loops: one instruction at the avx2 and avx512 levels (only explicit
 * fma() calls fuse: -ffp-contract=off still holds), a libm call at the
 * baseline. */
PEL_COMPLEX_TYPES(PEL_DEF_COMPLEX)

#define PEL_REG_BOOL(E, n, T, A) PEL_BOOL_OPS(PEL_REGISTER, E, n, T, A)
#define PEL_REG_INT(E, n, T, A) PEL_INT_OPS(PEL_REGISTER, E, n, T, A)
#define PEL_REG_FLOAT(E, n, T, A) PEL_FLOAT_OPS(PEL_REGISTER, E, n, T, A)
#define PEL_REG_COMPLEX(E, n, T, A) PEL_COMPLEX_OPS(PEL_REGISTER, E, n, T, A)
const pel_loop_entry PEL_SIMD_NAME(pel_exact_loops)[PEL_NOPS][PEL_NDTYPES] = {
    PEL_BOOL_TYPE(PEL_REG_BOOL)
    PEL_INT_TYPES(PEL_REG_INT)
    PEL_FLOAT_TYPES(PEL_REG_FLOAT)
    PEL_COMPLEX_TYPES(PEL_REG_COMPLEX)
};

/* ---- exact int64 <-> uint64 comparisons ---------------------------------
 * A negative int64 is below every uint64; otherwise compare as uint64.
 * X(op, expression in terms of the signed value s, unsigned value u, and
 * whether the signed operand is on the left). */
#define PEL_MIXED_CMPS(X)                                                  \
    X(equal, s >= 0 && (uint64_t)s == u)                                   \
    X(not_equal, s < 0 || (uint64_t)s != u)                                \
    X(less, left ? (s < 0 || (uint64_t)s < u) : (s >= 0 && u < (uint64_t)s)) \
    X(less_equal,                                                          \
      left ? (s < 0 || (uint64_t)s <= u) : (s >= 0 && u <= (uint64_t)s))   \
    X(greater, left ? (s >= 0 && (uint64_t)s > u) : (s < 0 || u > (uint64_t)s)) \
    X(greater_equal,                                                       \
      left ? (s >= 0 && (uint64_t)s >= u) : (s < 0 || u >= (uint64_t)s))

#define PEL_MIXED_DEF(op, expr)                                            \
    static inline pel_bool pel_##op##_qQ(int64_t s, uint64_t u)            \
    { const int left = 1; (void)left; return (pel_bool)(expr); }           \
    static inline pel_bool pel_##op##_Qq(uint64_t u, int64_t s)            \
    { const int left = 0; (void)left; return (pel_bool)(expr); }           \
    PEL_LOOP2(loop_##op##_qQ, int64_t, uint64_t, pel_bool, pel_##op##_qQ)  \
    PEL_LOOP2(loop_##op##_Qq, uint64_t, int64_t, pel_bool, pel_##op##_Qq)
PEL_MIXED_CMPS(PEL_MIXED_DEF)

/* [op][uint64_first] */
const pel_loop_fn PEL_SIMD_NAME(pel_mixed_loops)[PEL_NOPS][2] = {
#define PEL_MIXED_CELL(name, expr)                                         \
    [PEL_OP_##name] = {loop_##name##_qQ, loop_##name##_Qq},
    PEL_MIXED_CMPS(PEL_MIXED_CELL)
#undef PEL_MIXED_CELL
};
