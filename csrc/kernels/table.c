/*
 * table.c — lookup in the kernel tables of the level in use (elementwise,
 * casts, reductions; see simd_level.h), op metadata, dtype sizes and the
 * thread-local kernel error.
 */
#include <stddef.h>

#include "kernels/dtypes.h"
#include "kernels/simd_level.h"

static const char *const op_names[PEL_NOPS] = {
#define PEL_OP_NAME(name, nin) #name,
    PEL_OPS(PEL_OP_NAME)
#undef PEL_OP_NAME
};

static const int op_nin[PEL_NOPS] = {
#define PEL_OP_NIN(name, nin) nin,
    PEL_OPS(PEL_OP_NIN)
#undef PEL_OP_NIN
};

static const int dtype_sizes[PEL_NDTYPES] = {
#define PEL_DTYPE_SIZE(E, n, T, A) [PEL_##E] = (int)sizeof(T),
    PEL_ALL_TYPES(PEL_DTYPE_SIZE)
#undef PEL_DTYPE_SIZE
};

static int valid(pel_op op, pel_dtype t)
{
    return (unsigned)op < (unsigned)PEL_NOPS && (unsigned)t < (unsigned)PEL_NDTYPES;
}

static const pel_loop_entry *entry(pel_op op, pel_dtype t)
{
    if (!valid(op, t))
        return NULL;
    if (pel_levels.exact[op][t].fn)
        return &pel_levels.exact[op][t];
    if (pel_levels.round[op][t].fn)
        return &pel_levels.round[op][t];
    if (pel_math_loops[op][t].fn)
        return &pel_math_loops[op][t];
    return NULL;
}

pel_loop_fn pel_kernel(pel_op op, pel_dtype t)
{
    const pel_loop_entry *e = entry(op, t);
    return e ? e->fn : NULL;
}

int pel_kernel_out_dtype(pel_op op, pel_dtype t)
{
    const pel_loop_entry *e = entry(op, t);
    return e ? e->out : -1;
}

pel_loop_fn pel_kernel_int64_uint64(pel_op op, int uint64_first)
{
    if ((unsigned)op >= (unsigned)PEL_NOPS)
        return NULL;
    return pel_levels.mixed[op][uint64_first != 0];
}

pel_loop_fn pel_cast_kernel(pel_dtype from, pel_dtype to)
{
    if ((unsigned)from >= (unsigned)PEL_NDTYPES ||
        (unsigned)to >= (unsigned)PEL_NDTYPES)
        return NULL;
    return pel_levels.casts[from][to];
}

const pel_red_kernel *pel_red_kernel_get(pel_red_op op, pel_dtype in,
                                         pel_dtype acc)
{
    for (size_t i = 0; i < pel_levels.nred; i++)
        if (pel_levels.red[i].op == op && pel_levels.red[i].in == in &&
            pel_levels.red[i].acc == acc)
            return &pel_levels.red[i];
    return NULL;
}

const char *pel_red_name(pel_red_op op)
{
    static const char *const names[] = {
#define PEL_RED_OP_NAME(name) #name,
        PEL_RED_OPS(PEL_RED_OP_NAME)
#undef PEL_RED_OP_NAME
    };
    return (unsigned)op < PEL_RED_NOPS ? names[op] : NULL;
}

int pel_kernel_nin(pel_op op)
{
    return (unsigned)op < (unsigned)PEL_NOPS ? op_nin[op] : -1;
}

const char *pel_kernel_name(pel_op op)
{
    return (unsigned)op < (unsigned)PEL_NOPS ? op_names[op] : NULL;
}

int pel_kernel_cost(pel_op op)
{
    switch (op) {
    case PEL_OP_exp: case PEL_OP_exp2: case PEL_OP_expm1:
    case PEL_OP_log: case PEL_OP_log2: case PEL_OP_log10: case PEL_OP_log1p:
    case PEL_OP_sin: case PEL_OP_cos: case PEL_OP_tan:
    case PEL_OP_arcsin: case PEL_OP_arccos: case PEL_OP_arctan:
    case PEL_OP_arctan2: case PEL_OP_sinh: case PEL_OP_cosh:
    case PEL_OP_tanh: case PEL_OP_arcsinh: case PEL_OP_arccosh:
    case PEL_OP_arctanh: case PEL_OP_power: case PEL_OP_cbrt:
    case PEL_OP_hypot:
        return 16;
    case PEL_OP_true_divide: case PEL_OP_floor_divide:
    case PEL_OP_remainder: case PEL_OP_sqrt: case PEL_OP_reciprocal:
        return 4;
    default:
        return 1;
    }
}

int pel_dtype_size(pel_dtype t)
{
    return (unsigned)t < (unsigned)PEL_NDTYPES ? dtype_sizes[t] : -1;
}

/* One slot per thread: loops run on pool workers, and the binding reads the
 * slot on the same worker right after the loop, so no sharing is needed. */
static _Thread_local int kernel_error;

void pel_kernel_set_error(int code)
{
    if (kernel_error == PEL_KERR_NONE)
        kernel_error = code;
}

int pel_kernel_error_take(void)
{
    int e = kernel_error;
    kernel_error = PEL_KERR_NONE;
    return e;
}
