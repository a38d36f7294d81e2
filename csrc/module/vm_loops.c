/* vm_loops.c — see vm_loops.h. */
#include "module/numpy_api.h"
#include "module/vm_loops.h"

#include <string.h>

#include "kernels/kernels.h"
#include "module/dtype_map.h"
#include "vm/vm_extra_loops.h"

/* ---- dtypes ------------------------------------------------------------ */

int pelx_vm_pel_dtype(int typenum) {
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    if (!d) { PyErr_Clear(); return -1; }
    int r = pelx_pel_dtype_by_kind(d);
    Py_DECREF(d);
    return r;
}

int pelx_vm_itemsize(int typenum) {
    PyArray_Descr *d = PyArray_DescrFromType(typenum);
    if (!d) return -1;
    int s = (int)PyDataType_ELSIZE(d);
    Py_DECREF(d);
    return s;
}

/* ---- loop resolution ----------------------------------------------------- */

static int resolve_cast(int from, int to, pel_vm_instr *in) {
    int pf = pelx_vm_pel_dtype(from), pt = pelx_vm_pel_dtype(to);
    pel_loop_fn f = NULL;
    if (pf >= 0 && pt >= 0)
        f = pel_cast_kernel((pel_dtype)pf, (pel_dtype)pt);
    else if (from == NPY_HALF && pt >= 0)
        f = pel_vm_half_cast_loop(0, (pel_dtype)pt);
    else if (to == NPY_HALF && pf >= 0)
        f = pel_vm_half_cast_loop(1, (pel_dtype)pf);
    if (!f) {
        PyErr_Format(PyExc_TypeError,
                     "pelx: expressions cannot convert type number %d to %d",
                     from, to);
        return -1;
    }
    in->fn = f;
    in->data = NULL;
    return 0;
}

static int table_op(const char *name) {
    for (int op = 0; op < PEL_NOPS; op++) {
        const char *n = pel_kernel_name((pel_op)op);
        if (n && strcmp(n, name) == 0) return op;
    }
    return -1;
}

/* The kernel table's loop for name over signature sig (typenums of the
 * inputs, then the output), or NULL. The loop dtype is the first input's,
 * except for where (its first input is the bool condition). */
static pel_loop_fn table_loop(const char *name, const int *sig, int nargs) {
    int op = table_op(name);
    int t = pelx_vm_pel_dtype(sig[strcmp(name, "where") == 0 ? 1 : 0]);
    if (op < 0 || t < 0 || pel_kernel_nin((pel_op)op) != nargs - 1 ||
        pel_kernel_out_dtype((pel_op)op, (pel_dtype)t) !=
            pelx_vm_pel_dtype(sig[nargs - 1]))
        return NULL;
    for (int k = 0; k < nargs - 1; k++) {
        int want = strcmp(name, "where") == 0 && k == 0 ? PEL_BOOL : t;
        if (pelx_vm_pel_dtype(sig[k]) != want) return NULL;
    }
    return pel_kernel((pel_op)op, (pel_dtype)t);
}

/* NumPy's own loop for ufunc numpy.<name> with exactly this signature. */
static int resolve_ufunc(const char *name, const int *sig, int nargs,
                         pel_vm_instr *in) {
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np) return -1;
    PyObject *uf = PyObject_GetAttrString(np, name);
    Py_DECREF(np);
    if (!uf) return -1;
    if (!PyObject_TypeCheck(uf, &PyUFunc_Type)) {
        Py_DECREF(uf);
        PyErr_Format(PyExc_ValueError, "pelx: numpy.%s is not a ufunc", name);
        return -1;
    }
    PyUFuncObject *u = (PyUFuncObject *)uf;
    int found = -1;
    if (u->nin + u->nout == nargs && u->nout == 1) {
        for (int i = 0; i < u->ntypes && found < 0; i++) {
            int ok = 1;
            for (int k = 0; k < nargs && ok; k++)
                ok = PyArray_EquivTypenums(u->types[i * nargs + k], sig[k]);
            if (ok && u->functions[i]) found = i;
        }
    }
    if (found >= 0) {
        in->fn = (pel_loop_fn)u->functions[found];
        /* ufunc objects of the numpy module live as long as the process */
        in->data = u->data ? u->data[found] : NULL;
    }
    Py_DECREF(uf);
    if (found < 0) {
        PyErr_Format(PyExc_TypeError, "pelx: no loop for %s with this signature",
                     name);
        return -1;
    }
    return 0;
}

static int resolve_extra(const char *name, const int *sig, int nargs,
                         pel_vm_instr *in) {
    pel_loop_fn f = NULL;
    if (strcmp(name, "where") == 0 && nargs == 4)
        f = pel_vm_where_loop(pelx_vm_itemsize(sig[3]));
    else if (strcmp(name, "real") == 0 && nargs == 2)
        f = pel_vm_real_loop(pelx_vm_itemsize(sig[1]));
    else if (strcmp(name, "imag") == 0 && nargs == 2)
        f = pel_vm_imag_loop(pelx_vm_itemsize(sig[1]));
    else if (strcmp(name, "complex") == 0 && nargs == 3)
        f = pel_vm_complex_loop(pelx_vm_itemsize(sig[0]));
    else
        return 1; /* not one of these */
    if (!f) {
        PyErr_Format(PyExc_TypeError, "pelx: no %s loop for this type", name);
        return -1;
    }
    in->fn = f;
    in->data = NULL;
    return 0;
}

int pelx_vm_resolve(const char *name, const int *sig, int nargs,
                    pel_vm_instr *in) {
    const int op = table_op(name);
    in->cost = op >= 0 ? pel_kernel_cost((pel_op)op) : 1;
    if (strcmp(name, "cast") == 0 && nargs == 2)
        return resolve_cast(sig[0], sig[1], in);
    if ((in->fn = table_loop(name, sig, nargs)) != NULL) {
        in->data = NULL;
        return 0;
    }
    int rc = resolve_extra(name, sig, nargs, in);
    return rc == 1 ? resolve_ufunc(name, sig, nargs, in) : rc;
}
