/*
 * kernels.h — typed inner loops, one table of (operation x dtype).
 *
 * Every loop has NumPy's ufunc inner-loop signature:
 *     void loop(char **args, const intptr_t *dims, const intptr_t *steps,
 *               void *data);
 * args[0..nin-1] are inputs, args[nin] the output; dims[0] is the element
 * count and steps[i] the byte stride of args[i]. Loops never touch Python.
 *
 * A loop is found by (operation, loop dtype): the loop dtype is the dtype
 * NumPy's type resolution picks for the inputs (np.add.resolve_dtypes(...)),
 * so promotion stays NumPy's business and the table only holds one loop per
 * (op, dtype) pair. The output dtype follows from the op (comparisons and
 * isnan-like predicates give bool, absolute of a complex gives its real
 * type, ...): see pel_kernel_out_dtype().
 */
#ifndef PEL_KERNELS_H
#define PEL_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*pel_loop_fn)(char **args, const intptr_t *dims,
                            const intptr_t *steps, void *data);

/* Order matters nowhere; values are internal (not NumPy type numbers). */
typedef enum pel_dtype {
    PEL_BOOL, PEL_INT8, PEL_UINT8, PEL_INT16, PEL_UINT16, PEL_INT32,
    PEL_UINT32, PEL_INT64, PEL_UINT64, PEL_FLOAT32, PEL_FLOAT64,
    PEL_COMPLEX64, PEL_COMPLEX128, PEL_NDTYPES
} pel_dtype;

/* X(name, nin): every elementwise operation, NumPy's names. One output. */
#define PEL_OPS(X)                                                         \
    X(add, 2) X(subtract, 2) X(multiply, 2) X(true_divide, 2)             \
    X(floor_divide, 2) X(remainder, 2) X(power, 2)                         \
    X(negative, 1) X(positive, 1) X(absolute, 1) X(sign, 1)                \
    X(maximum, 2) X(minimum, 2) X(fmax, 2) X(fmin, 2)                      \
    X(clip, 3) X(where, 3)                                                 \
    X(equal, 2) X(not_equal, 2) X(less, 2) X(less_equal, 2)               \
    X(greater, 2) X(greater_equal, 2)                                      \
    X(logical_and, 2) X(logical_or, 2) X(logical_xor, 2) X(logical_not, 1) \
    X(bitwise_and, 2) X(bitwise_or, 2) X(bitwise_xor, 2) X(invert, 1)     \
    X(left_shift, 2) X(right_shift, 2)                                     \
    X(sqrt, 1) X(cbrt, 1) X(square, 1) X(reciprocal, 1)                    \
    X(exp, 1) X(exp2, 1) X(expm1, 1)                                       \
    X(log, 1) X(log2, 1) X(log10, 1) X(log1p, 1)                           \
    X(sin, 1) X(cos, 1) X(tan, 1) X(arcsin, 1) X(arccos, 1) X(arctan, 1)   \
    X(arctan2, 2) X(sinh, 1) X(cosh, 1) X(tanh, 1)                         \
    X(arcsinh, 1) X(arccosh, 1) X(arctanh, 1) X(hypot, 2)                  \
    X(floor, 1) X(ceil, 1) X(trunc, 1) X(rint, 1)                          \
    X(isnan, 1) X(isinf, 1) X(isfinite, 1) X(copysign, 2)                  \
    X(real, 1) X(imag, 1) X(conjugate, 1) X(complex, 2)                    \
    X(copy, 1)

typedef enum pel_op {
#define PEL_OP_ENUM(name, nin) PEL_OP_##name,
    PEL_OPS(PEL_OP_ENUM)
#undef PEL_OP_ENUM
    PEL_NOPS
} pel_op;

/* The loop for op over loop dtype t, or NULL if NumPy has no such loop. */
pel_loop_fn pel_kernel(pel_op op, pel_dtype t);
/* Output dtype of op over loop dtype t (-1 if no loop). */
int pel_kernel_out_dtype(pel_op op, pel_dtype t);
/* Number of inputs of op. */
int pel_kernel_nin(pel_op op);
/* The op's NumPy name ("add", ...), or NULL. */
const char *pel_kernel_name(pel_op op);
/* Per-element cost of op relative to an addition (a guess within 2x is
 * enough: it only moves where work is cut; see module/cost_policy.h);
 * 1 for an unknown op. */
int pel_kernel_cost(pel_op op);
/* Cast loop (1 input, 1 output) with NumPy's unsafe-cast semantics. */
pel_loop_fn pel_cast_kernel(pel_dtype from, pel_dtype to);
/* Size in bytes of one element of t. */
int pel_dtype_size(pel_dtype t);

/* NumPy compares int64 with uint64 exactly (loops "qQ->?" and "Qq->?")
 * instead of promoting both to float64. The loop for op (equal, not_equal,
 * less, less_equal, greater, greater_equal) with inputs (int64, uint64), or
 * (uint64, int64) if uint64_first; output bool. NULL for other ops. */
pel_loop_fn pel_kernel_int64_uint64(pel_op op, int uint64_first);

/* Errors a loop reports besides floating-point flags (which it raises with
 * feraiseexcept, for the binding to turn into np.errstate warnings).
 * A loop that meets such an error writes a placeholder (0) for that element,
 * goes on, and records the code in a thread-local slot of the thread that
 * ran it; the first code recorded is kept. The binding calls
 * pel_kernel_error_take() on the same thread after the loop (e.g. at the end
 * of each chunk, returning a non-zero code from the chunk) and raises:
 *   PEL_KERR_NEGATIVE_INT_POWER  ValueError("Integers to negative integer
 *                                powers are not allowed.")  (np.power on
 *                                signed integer loops) */
enum {
    PEL_KERR_NONE = 0,
    PEL_KERR_NEGATIVE_INT_POWER = 1,
};
/* Returns the calling thread's recorded kernel error and clears it. */
int pel_kernel_error_take(void);

/* Which vector math the transcendental loops use, chosen once at load from
 * the CPU ("libmvec-avx512", "libmvec-avx2" or "scalar-libm"); for
 * show_config. */
const char *pel_kernels_features(void);

/* Every exact kernel family (elementwise loops, casts, reductions) is built
 * for several instruction-set levels ("baseline", "avx2", "avx512"; see
 * kernels/simd_level.h) and one is chosen per family at load, from the CPU;
 * the environment variable PELX_KERNELS_SIMD=scalar|baseline|avx2|avx512
 * read at load lowers the choice. pel_kernels_family(i) names family i
 * ("elementwise", "casts", "reductions") and pel_kernels_level(i) the level
 * it runs; both NULL past the last family. pel_kernels_cpu_level(): the
 * highest level this CPU supports. */
const char *pel_kernels_family(int family);
const char *pel_kernels_level(int family);
const char *pel_kernels_cpu_level(void);

#ifdef __cplusplus
}
#endif

#endif /* PEL_KERNELS_H */
