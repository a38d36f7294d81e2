/* reduce_lookup.c — see reduce_lookup.h. */
#include "module/reduce_lookup.h"

#include <string.h>

#include "module/dtype_map.h"

pel_red_op pelx_red_op(const char *name) {
    for (int op = 0; op < PEL_RED_NOPS; op++)
        if (strcmp(pel_red_name((pel_red_op)op), name) == 0)
            return (pel_red_op)op;
    return PEL_RED_NOPS;
}

const pel_red_kernel *pelx_red_kernel_find(const char *name,
                                           PyArray_Descr *in,
                                           PyArray_Descr *acc) {
    pel_red_op op = pelx_red_op(name);
    int in_t = pelx_pel_dtype_by_kind(in), acc_t = pelx_pel_dtype_by_kind(acc);
    if (op == PEL_RED_NOPS || in_t < 0 || acc_t < 0) return NULL;
    return pel_red_kernel_get(op, (pel_dtype)in_t, (pel_dtype)acc_t);
}

const pel_red_kernel *pelx_red_kernel(const char *name, PyArray_Descr *in,
                                      PyArray_Descr *acc) {
    if (pelx_red_op(name) == PEL_RED_NOPS) {
        PyErr_Format(PyExc_ValueError, "pelx: unknown reduction '%s'", name);
        return NULL;
    }
    const pel_red_kernel *k = pelx_red_kernel_find(name, in, acc);
    if (!k)
        PyErr_Format(PyExc_TypeError,
                     "pelx: no '%s' kernel for input %R with accumulator %R",
                     name, (PyObject *)in, (PyObject *)acc);
    return k;
}
