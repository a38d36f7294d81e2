/*
 * reduce_binding.c — pelx._core._reduce: runs one reduction kernel over a
 * 2 x 2 strided view of an array (see kernels/reduce.h) into a contiguous
 * output. The Python layer (pelx/_reductions.py) applies NumPy's rules
 * (axes, dtypes, keepdims, out=, where=, empty inputs) and lays the axes
 * out; this file checks that what it is given is safe to read and write,
 * then runs the job through pelx_run_for (GIL released, Ctrl-C, FP flags).
 */
#include "module/numpy_api.h"
#include "module/bindings.h"

#include "kernels/reduce.h"
#include "module/cost_policy.h"
#include "module/dtype_map.h"
#include "module/parallel_call.h"
#include "module/reduce_lookup.h"

/* Lowest and one-past-highest byte offsets touched by a strided block. */
static void extent(int nd, const int64_t *shape, const int64_t *strides,
                   int64_t itemsize, int64_t *lo, int64_t *hi) {
    *lo = 0;
    *hi = itemsize;
    for (int d = 0; d < nd; d++) {
        int64_t span = (shape[d] - 1) * strides[d];
        if (span < 0) *lo += span; else *hi += span;
    }
}

/* The array must be readable at [offset + view extent). */
static int check_inside(PyArrayObject *a, int64_t offset, int nd,
                        const int64_t *shape, const int64_t *strides,
                        const char *what) {
    int64_t alo, ahi, vlo, vhi, ash[NPY_MAXDIMS], ast[NPY_MAXDIMS];
    int and_ = PyArray_NDIM(a);
    for (int d = 0; d < and_; d++) {
        ash[d] = PyArray_DIM(a, d);
        ast[d] = PyArray_STRIDE(a, d);
    }
    extent(and_, ash, ast, PyArray_ITEMSIZE(a), &alo, &ahi);
    extent(nd, shape, strides, PyArray_ITEMSIZE(a), &vlo, &vhi);
    if (PyArray_SIZE(a) == 0 || offset + vlo < alo || offset + vhi > ahi) {
        PyErr_Format(PyExc_ValueError,
                     "pelx._reduce: the view of %s lies outside the array",
                     what);
        return -1;
    }
    return 0;
}

static int check_array(PyArrayObject *a, const char *what) {
    if (!PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a)) {
        PyErr_Format(PyExc_ValueError,
                     "pelx._reduce: %s must be aligned and in native byte "
                     "order", what);
        return -1;
    }
    return 0;
}

static PyObject *reduce_call(PyObject *self, PyObject *args, PyObject *kw) {
    static char *kwlist[] = {"op", "a", "acc", "out", "offset", "keep_shape",
                             "keep_strides", "red_shape", "red_strides",
                             "aux", "b", "b_offset", "b_stride", NULL};
    const char *opname;
    PyArrayObject *a, *out;
    PyObject *acc_obj, *aux_obj = Py_None, *b_obj = Py_None;
    long long offset, b_offset = 0, b_stride = 0;
    long long ksh[2], kst[2], rsh[2], rst[2];
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(
            args, kw, "sO!OO!L(LL)(LL)(LL)(LL)|OOLL", kwlist, &opname,
            &PyArray_Type, &a, &acc_obj, &PyArray_Type, &out, &offset,
            &ksh[0], &ksh[1], &kst[0], &kst[1], &rsh[0], &rsh[1], &rst[0],
            &rst[1], &aux_obj, &b_obj, &b_offset, &b_stride))
        return NULL;
    PyArray_Descr *acc_descr = NULL;
    if (!PyArray_DescrConverter(acc_obj, &acc_descr)) return NULL;
    const pel_red_kernel *k =
        pelx_red_kernel(opname, PyArray_DESCR(a), acc_descr);
    Py_DECREF(acc_descr);
    if (!k) return NULL;
    const pel_red_op op = k->op;

    pel_red_view v;
    memset(&v, 0, sizeof v);
    int64_t shape4[4], strides4[4];
    for (int d = 0; d < 2; d++) {
        v.keep_shape[d] = ksh[d];
        v.keep_strides[d] = kst[d];
        v.red_shape[d] = rsh[d];
        v.red_strides[d] = rst[d];
        if (ksh[d] < 1 || rsh[d] < 1)
            return PyErr_Format(PyExc_ValueError,
                                "pelx._reduce: view dimensions must be >= 1");
        shape4[d] = ksh[d];
        strides4[d] = kst[d];
        shape4[2 + d] = rsh[d];
        strides4[2 + d] = rst[d];
    }
    if (check_array(a, "the input") < 0 ||
        check_inside(a, offset, 4, shape4, strides4, "the input") < 0)
        return NULL;
    v.data = PyArray_BYTES(a) + offset;
    int64_t M = ksh[0] * ksh[1], K = rsh[0] * rsh[1];

    if (!PyArray_IS_C_CONTIGUOUS(out) || !PyArray_ISWRITEABLE(out) ||
        check_array(out, "out") < 0 || PyArray_SIZE(out) != M ||
        PyArray_ITEMSIZE(out) != k->out_size)
        return PyErr_Format(PyExc_ValueError,
                            "pelx._reduce: out must be a writeable "
                            "C-contiguous array of %lld elements of %d bytes",
                            (long long)M, k->out_size);

    PyArrayObject *aux = NULL, *b = NULL;
    if (aux_obj != Py_None) {
        if (!PyArray_Check(aux_obj))
            return PyErr_Format(PyExc_TypeError,
                                "pelx._reduce: aux must be an ndarray");
        aux = (PyArrayObject *)aux_obj;
        if (!PyArray_IS_C_CONTIGUOUS(aux) || check_array(aux, "aux") < 0 ||
            PyArray_SIZE(aux) != M || PyArray_ITEMSIZE(aux) != k->aux_size ||
            pelx_pel_dtype_by_kind(PyArray_DESCR(aux)) != (int)k->aux)
            return PyErr_Format(PyExc_ValueError,
                                "pelx._reduce: aux must be a C-contiguous "
                                "array of %lld elements of the aux type",
                                (long long)M);
    } else if (op == PEL_RED_sumsqdev) {
        return PyErr_Format(PyExc_ValueError,
                            "pelx._reduce: sumsqdev needs aux (the means)");
    }
    if (op == PEL_RED_dot || op == PEL_RED_vdot) {
        if (!PyArray_Check(b_obj) ||
            PyArray_DESCR((PyArrayObject *)b_obj)->type_num !=
                PyArray_DESCR(a)->type_num ||
            M != 1 || rsh[0] != 1)
            return PyErr_Format(PyExc_ValueError,
                                "pelx._reduce: dot needs b of a's dtype and a "
                                "1-D reduced range");
        b = (PyArrayObject *)b_obj;
        int64_t bs = b_stride;
        if (check_array(b, "b") < 0 ||
            check_inside(b, b_offset, 1, &K, &bs, "b") < 0)
            return NULL;
        v.data2 = PyArray_BYTES(b) + b_offset;
        v.red_stride2 = b_stride;
    }

    pel_red_job j;
    int rc = pel_red_job_init(&j, k, &v, PyArray_BYTES(out),
                              aux ? PyArray_BYTES(aux) : NULL);
    if (rc == PEL_ENOMEM) return PyErr_NoMemory();
    if (rc != PEL_OK)
        return PyErr_Format(PyExc_ValueError,
                            "pelx._reduce: invalid reduction view");
    /* Ordering-only reductions raise no meaningful FP flags (a comparison
     * with NaN may set 'invalid', which NumPy does not report for them). */
    int arith = op == PEL_RED_sum || op == PEL_RED_prod ||
                op == PEL_RED_nansum || op == PEL_RED_sumsqdev ||
                op == PEL_RED_dot || op == PEL_RED_vdot;
    pelx_call_opts opts = {arith ? "reduce" : NULL, 0};
    const pelx_work work = {M * K, 1, k->in_size, 0};
    rc = pelx_run_for(j.ntasks, pelx_fixed_grid_grain(&work, j.ntasks, j.grain),
                      pel_red_job_task, &j, &opts);
    if (rc == 0) pel_red_job_finish(&j);
    pel_red_job_free(&j);
    if (rc != 0) return NULL;
    Py_RETURN_NONE;
}

/* _reduce_has_kernel(op, in_dtype, acc_dtype) -> bool */
static PyObject *reduce_has_kernel(PyObject *self, PyObject *args) {
    const char *opname;
    PyObject *in_obj, *acc_obj;
    PyArray_Descr *in_d = NULL, *acc_d = NULL;
    (void)self;
    if (!PyArg_ParseTuple(args, "sOO", &opname, &in_obj, &acc_obj)) return NULL;
    if (pelx_red_op(opname) == PEL_RED_NOPS)
        return PyErr_Format(PyExc_ValueError,
                            "pelx._reduce: unknown reduction '%s'", opname);
    if (!PyArray_DescrConverter(in_obj, &in_d)) return NULL;
    if (!PyArray_DescrConverter(acc_obj, &acc_d)) {
        Py_DECREF(in_d);
        return NULL;
    }
    int ok = PyDataType_ISNOTSWAPPED(in_d) &&
             pelx_red_kernel_find(opname, in_d, acc_d) != NULL;
    Py_DECREF(in_d);
    Py_DECREF(acc_d);
    return PyBool_FromLong(ok);
}

static PyMethodDef reduce_methods[] = {
    {"_reduce", (PyCFunction)(void (*)(void))reduce_call,
     METH_VARARGS | METH_KEYWORDS,
     "_reduce(op, a, acc, out, offset, keep_shape, keep_strides, red_shape, "
     "red_strides, aux=None, b=None, b_offset=0, b_stride=0)\n\n"
     "Internal: run one reduction kernel over a strided view of `a` into the "
     "C-contiguous `out`. Use pelx.sum & co."},
    {"_reduce_has_kernel", reduce_has_kernel, METH_VARARGS,
     "Internal: whether _reduce has a kernel for (op, input, accumulator)."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_reduce(PyObject *m) {
    return PyModule_AddFunctions(m, reduce_methods);
}
