/*
 * ufunc_binding.c — elementwise operations from Python.
 *
 *   ufunc_call(op, out, where, casting, order, dtype, *inputs)
 *       Entry point of every pelx elementwise function. Calls whose inputs
 *       are ndarrays of one dtype (plus at most one Python float or int),
 *       all contiguous in the same order and of one shape (0-d inputs
 *       broadcast), with default keywords, run here directly on the data
 *       pointers (no NpyIter: the small-array overhead stays close to
 *       NumPy's own). Everything else returns NotImplemented, and the
 *       caller (pelx._ufuncs) takes the general path: it resolves dtypes
 *       with NumPy and calls ufunc_exec.
 *   ufunc_exec(op, loop, inputs, out, where, order, alloc)
 *       Runs op over already-converted ndarrays with NpyIter
 *       (ufunc_iter.c).
 */
#include "module/ufunc_internal.h"

#include "module/cost_policy.h"

#include <math.h>
#include <string.h>

/* The dtype of input i of op's loop over t: t itself, except where()'s
 * condition, which is bool. */
static pel_dtype input_dtype(pel_op op, pel_dtype t, int i) {
    return op == PEL_OP_where && i == 0 ? PEL_BOOL : t;
}

/* ---- contiguous fast path ---------------------------------------------- */

/* Flat operands: element k of operand i is at base[i] + k * step[i]
 * (step 0 for a 0-d input). */
typedef struct flat_job {
    pel_loop_fn loop;
    int nargs;
    char *base[PELX_MAX_ARGS];
    npy_intp step[PELX_MAX_ARGS];
} flat_job;

static int flat_chunk(void *ctx, int64_t begin, int64_t end, int slot) {
    const flat_job *j = ctx;
    char *args[PELX_MAX_ARGS];
    npy_intp n = end - begin;
    (void)slot;
    for (int i = 0; i < j->nargs; i++) args[i] = j->base[i] + begin * j->step[i];
    j->loop(args, &n, j->step, NULL);
    return pel_kernel_error_take();
}

/* fast_ok[op][typenum][form]: 0 not known yet, 1 NumPy's loop for these
 * inputs is `typenum` throughout and pelx has it, -1 otherwise. form 0: all
 * inputs are arrays of typenum; form 1 + 2*i + is_int: input i is a Python
 * float (is_int 0) or int (1), the others arrays. Filled from Python
 * (pelx._ufuncs, with NumPy's type resolution) through _ufunc_fast_table;
 * an unknown entry sends the call to the general path, which fills it.
 * Only touched with the GIL held. */
#define FAST_FORMS (1 + 2 * PELX_MAX_ARGS)
static signed char fast_ok[PEL_NOPS][NPY_NTYPES_LEGACY][FAST_FORMS];
static PyObject *default_casting, *default_order;

/* Stores Python float/int x as a value of dtype t in buf (16 bytes).
 * Returns 1 where NumPy would warn, raise or round differently (a float
 * overflowing float32, an int out of range or not exact in t): the
 * general path then handles the call. */
static int scalar_to(PyObject *x, pel_dtype t, char *buf) {
    if (PyFloat_CheckExact(x)) {
        const double d = PyFloat_AS_DOUBLE(x);
        const float f = (float)d;
        const double c128[2] = {d, 0.0};
        const float c64[2] = {f, 0.0f};
        /* float32 overflow or total underflow: NumPy's cast may warn. */
        if ((t == PEL_FLOAT32 || t == PEL_COMPLEX64) &&
            ((isinf(f) && !isinf(d)) || (f == 0.0f && d != 0.0)))
            return 1;
        switch (t) {
        case PEL_FLOAT64: memcpy(buf, &d, sizeof d); return 0;
        case PEL_FLOAT32: memcpy(buf, &f, sizeof f); return 0;
        case PEL_COMPLEX128: memcpy(buf, c128, sizeof c128); return 0;
        case PEL_COMPLEX64: memcpy(buf, c64, sizeof c64); return 0;
        default: return 1;
        }
    }
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(x, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return 1;
    }
    /* Integers convert exactly to float32 up to 2**24, float64 to 2**53. */
    const long long exact32 = 1LL << 24, exact64 = 1LL << 53;
#define PUT(T, lo, hi)                                                     \
    do {                                                                   \
        if (v < (lo) || v > (hi)) return 1;                                \
        T val_ = (T)v;                                                     \
        memcpy(buf, &val_, sizeof val_);                                   \
        return 0;                                                          \
    } while (0)
    switch (t) {
    case PEL_INT8: PUT(int8_t, INT8_MIN, INT8_MAX);
    case PEL_INT16: PUT(int16_t, INT16_MIN, INT16_MAX);
    case PEL_INT32: PUT(int32_t, INT32_MIN, INT32_MAX);
    case PEL_INT64: PUT(int64_t, INT64_MIN, INT64_MAX);
    case PEL_UINT8: PUT(uint8_t, 0, UINT8_MAX);
    case PEL_UINT16: PUT(uint16_t, 0, UINT16_MAX);
    case PEL_UINT32: PUT(uint32_t, 0, UINT32_MAX);
    case PEL_UINT64: PUT(uint64_t, 0, INT64_MAX);
    case PEL_FLOAT32: PUT(float, -exact32, exact32);
    case PEL_FLOAT64: PUT(double, -exact64, exact64);
    case PEL_COMPLEX64: {
        if (v < -exact32 || v > exact32) return 1;
        const float c[2] = {(float)v, 0.0f};
        memcpy(buf, c, sizeof c);
        return 0;
    }
    case PEL_COMPLEX128: {
        if (v < -exact64 || v > exact64) return 1;
        const double c[2] = {(double)v, 0.0};
        memcpy(buf, c, sizeof c);
        return 0;
    }
    default: return 1;
    }
#undef PUT
}

static int ranges_overlap(PyArrayObject *a, PyArrayObject *b) {
    const char *pa = PyArray_BYTES(a), *pb = PyArray_BYTES(b);
    return pa < pb + PyArray_NBYTES(b) && pb < pa + PyArray_NBYTES(a);
}

/* Returns the result, NULL with an exception, or Py_NotImplemented (not
 * a new reference) when the call does not fit the fast path: ndarrays of
 * one dtype (at most one Python float/int among the inputs), one shape or
 * 0-d, all C- or all F-contiguous, aligned, native byte order. */
static PyObject *fast_call(pel_op op, PyObject *const *inputs, int nin,
                           PyObject *outobj) {
    PyArrayObject *in[PELX_MAX_ARGS] = {NULL}, *shaped = NULL, *first = NULL;
    int typenum = -1, all_c = 1, all_f = 1, form = 0, scalar_at = -1;
    char scalar_buf[16] __attribute__((aligned(16)));
    for (int i = 0; i < nin; i++) {
        PyObject *x = inputs[i];
        if (!PyArray_CheckExact(x)) {
            if (scalar_at >= 0) return Py_NotImplemented;
            if (PyFloat_CheckExact(x)) form = 1 + 2 * i;
            else if (PyLong_CheckExact(x)) form = 2 + 2 * i;
            else return Py_NotImplemented;
            scalar_at = i;
            continue;
        }
        in[i] = (PyArrayObject *)x;
        int tn = PyArray_TYPE(in[i]);
        if (!first) {
            first = in[i];
            typenum = tn;
        } else if (tn != typenum) {
            return Py_NotImplemented;
        }
        if (!PyArray_ISALIGNED(in[i]) ||
            !PyArray_ISNBO(PyArray_DESCR(in[i])->byteorder))
            return Py_NotImplemented;
        if (PyArray_NDIM(in[i]) == 0) continue;
        if (!shaped) shaped = in[i];
        else if (!PyArray_SAMESHAPE(shaped, in[i])) return Py_NotImplemented;
        all_c &= PyArray_IS_C_CONTIGUOUS(in[i]) != 0;
        all_f &= PyArray_IS_F_CONTIGUOUS(in[i]) != 0;
    }
    if (!first || (!all_c && !all_f) || typenum >= NPY_NTYPES_LEGACY)
        return Py_NotImplemented;
    int t = pelx_pel_dtype(PyArray_DESCR(first));
    if (t < 0) return Py_NotImplemented;
    if (fast_ok[op][typenum][form] <= 0) return Py_NotImplemented;
    if (scalar_at >= 0 &&
        scalar_to(inputs[scalar_at], (pel_dtype)t, scalar_buf) != 0)
        return Py_NotImplemented;
    const pel_loop_fn loop = pel_kernel(op, (pel_dtype)t);
    if (!loop) return Py_NotImplemented; /* the general path explains */
    const int out_typenum = pelx_typenum((pel_dtype)pel_kernel_out_dtype(op, (pel_dtype)t));

    PyArrayObject *out;
    if (outobj == Py_None) {
        int nd = shaped ? PyArray_NDIM(shaped) : 0;
        npy_intp *dims = shaped ? PyArray_DIMS(shaped) : NULL;
        out = (PyArrayObject *)PyArray_New(
            &PyArray_Type, nd, dims, out_typenum, NULL, NULL, 0,
            !all_c ? NPY_ARRAY_F_CONTIGUOUS : 0, NULL);
        if (!out) return NULL;
    } else {
        out = (PyArrayObject *)outobj;
        /* an equivalent type number is the same type under another name
         * (longlong is int64 on LP64 systems; NumPy gives longlong inputs
         * a longlong result) */
        if (!PyArray_CheckExact(outobj) ||
            !PyArray_EquivTypenums(PyArray_TYPE(out), out_typenum) ||
            !PyArray_ISWRITEABLE(out) || !PyArray_ISALIGNED(out) ||
            !PyArray_ISNBO(PyArray_DESCR(out)->byteorder))
            return Py_NotImplemented;
        if (shaped ? !PyArray_SAMESHAPE(shaped, out) : PyArray_NDIM(out) != 0)
            return Py_NotImplemented;
        if (!(all_c ? PyArray_IS_C_CONTIGUOUS(out)
                    : PyArray_IS_F_CONTIGUOUS(out)))
            return Py_NotImplemented;
        /* Elementwise in place (out is an input: same start, same element
         * size, same layout) is safe; any other overlap needs NpyIter's
         * copy. */
        for (int i = 0; i < nin; i++)
            if (in[i] && ranges_overlap(in[i], out) &&
                !(PyArray_BYTES(in[i]) == PyArray_BYTES(out) &&
                  PyArray_ITEMSIZE(in[i]) == PyArray_ITEMSIZE(out) &&
                  PyArray_NDIM(in[i]) != 0))
                return Py_NotImplemented;
        Py_INCREF(out);
    }

    flat_job job = {loop, nin + 1, {0}, {0}};
    int64_t bytes_per_elem = 0;
    for (int i = 0; i <= nin; i++) {
        if (i == scalar_at) { /* broadcast from the converted scalar */
            job.base[i] = scalar_buf;
            job.step[i] = 0;
            continue;
        }
        PyArrayObject *a = i < nin ? in[i] : out;
        job.base[i] = PyArray_BYTES(a);
        job.step[i] = PyArray_NDIM(a) == 0 ? 0 : PyArray_ITEMSIZE(a);
        bytes_per_elem += PyArray_ITEMSIZE(a);
    }
    const int64_t n = PyArray_SIZE(out);
    const pelx_work work = {n, pel_kernel_cost(op), bytes_per_elem, 0};
    pelx_call_opts opts = {pelx_ufunc_fpe_name(op), 0};
    if (n > 0 &&
        pelx_run_for(n, pelx_grain(&work), flat_chunk, &job, &opts) != 0) {
        Py_DECREF(out);
        return NULL;
    }
    return outobj == Py_None ? PyArray_Return(out) : (PyObject *)out;
}

/* ---- module functions -------------------------------------------------- */

static int op_from(PyObject *o, pel_op *op) {
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (v < 0 || v >= PEL_NOPS) {
        PyErr_Format(PyExc_ValueError, "unknown pelx operation %ld", v);
        return -1;
    }
    *op = (pel_op)v;
    return 0;
}

/* ufunc_call(op, out, where, casting, order, dtype, *inputs): the result
 * of the fast path, or NotImplemented when the call is not for it (the
 * caller, pelx._ufuncs, then takes its general path). */
static PyObject *ufunc_call(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs) {
    (void)self;
    pel_op op;
    if (nargs < 7 || nargs > 6 + PELX_MAX_ARGS - 1) {
        PyErr_SetString(PyExc_TypeError, "ufunc_call: wrong argument count");
        return NULL;
    }
    if (op_from(args[0], &op) < 0) return NULL;
    PyObject *out = args[1];
    const int nin = (int)nargs - 6;
    if (PyTuple_CheckExact(out) && PyTuple_GET_SIZE(out) == 1)
        out = PyTuple_GET_ITEM(out, 0);
    if (nin == pel_kernel_nin(op) && args[2] == Py_True &&
        args[3] == default_casting && args[4] == default_order &&
        args[5] == Py_None) {
        PyObject *r = fast_call(op, args + 6, nin, out);
        if (r != Py_NotImplemented) return r;
    }
    Py_RETURN_NOTIMPLEMENTED;
}

/* The pel_dtype of a dtype argument of ufunc_exec, or -1 with TypeError. */
static int loop_dtype_arg(PyObject *o, const char *what) {
    int t = PyArray_DescrCheck(o) ? pelx_pel_dtype((PyArray_Descr *)o) : -1;
    if (t < 0)
        PyErr_Format(PyExc_TypeError, "ufunc_exec: %s: pelx has no loops "
                     "for %R", what, o);
    return t;
}

/* Fills spec for op from ufunc_exec's loop and allocation arguments:
 * loop is a dtype (every input and the loop of that dtype) or, for the
 * six comparisons, a pair of int64/uint64 dtypes (NumPy's exact mixed-sign
 * loops); alloc is None or the dtype of an output to allocate. */
static int loop_spec(pel_op op, PyObject *loop, PyObject *alloc,
                     pelx_loop_spec *spec) {
    const int nin = pel_kernel_nin(op);
    if (PyTuple_Check(loop)) {
        int a, b;
        if (PyTuple_GET_SIZE(loop) != 2 || nin != 2 ||
            (a = loop_dtype_arg(PyTuple_GET_ITEM(loop, 0), "loop")) < 0 ||
            (b = loop_dtype_arg(PyTuple_GET_ITEM(loop, 1), "loop")) < 0)
            goto mixed_error;
        if (!((a == PEL_INT64 && b == PEL_UINT64) ||
              (a == PEL_UINT64 && b == PEL_INT64)))
            goto mixed_error;
        spec->loop = pel_kernel_int64_uint64(op, a == PEL_UINT64);
        if (!spec->loop) goto mixed_error;
        spec->in_t[0] = (pel_dtype)a;
        spec->in_t[1] = (pel_dtype)b;
        spec->out_t = PEL_BOOL;
    } else {
        int t = loop_dtype_arg(loop, "loop");
        if (t < 0) return -1;
        spec->loop = pel_kernel(op, (pel_dtype)t);
        int out_t = pel_kernel_out_dtype(op, (pel_dtype)t);
        if (!spec->loop || out_t < 0) {
            PyErr_Format(PyExc_TypeError, "pelx has no '%s' loop for %R",
                         pel_kernel_name(op), loop);
            return -1;
        }
        for (int i = 0; i < nin; i++)
            spec->in_t[i] = input_dtype(op, (pel_dtype)t, i);
        spec->out_t = (pel_dtype)out_t;
    }
    spec->op = op;
    spec->alloc_typenum = -1;
    if (alloc != Py_None) {
        /* float16 is the one dtype pelx rounds to without loops of its
         * own (pelx_pel_dtype refuses it): checked by type number. */
        if (!PyArray_DescrCheck(alloc) ||
            ((PyArray_Descr *)alloc)->type_num != NPY_HALF) {
            PyErr_Format(PyExc_TypeError, "ufunc_exec: alloc must be None "
                         "or float16, got %R", alloc);
            return -1;
        }
        spec->alloc_typenum = NPY_HALF;
    }
    return 0;
mixed_error:
    if (!PyErr_Occurred())
        PyErr_Format(PyExc_TypeError, "ufunc_exec: no mixed-sign '%s' loop "
                     "for %R", pel_kernel_name(op), loop);
    return -1;
}

/* ufunc_exec(op, loop, inputs, out, where, order, alloc) */
static PyObject *ufunc_exec(PyObject *self, PyObject *const *args,
                            Py_ssize_t nargs) {
    (void)self;
    pel_op op;
    NPY_ORDER order = NPY_KEEPORDER;
    pelx_loop_spec spec;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "ufunc_exec takes 7 arguments");
        return NULL;
    }
    if (op_from(args[0], &op) < 0) return NULL;
    if (loop_spec(op, args[1], args[6], &spec) < 0) return NULL;
    const int nin = pel_kernel_nin(op);
    PyObject *inputs = args[2];
    if (!PyTuple_Check(inputs) || PyTuple_GET_SIZE(inputs) != nin) {
        PyErr_Format(PyExc_TypeError, "ufunc_exec: %d inputs expected", nin);
        return NULL;
    }
    PyArrayObject *in[PELX_MAX_ARGS];
    for (int i = 0; i < nin; i++) {
        PyObject *x = PyTuple_GET_ITEM(inputs, i);
        if (!PyArray_Check(x)) {
            PyErr_SetString(PyExc_TypeError, "ufunc_exec: ndarray inputs expected");
            return NULL;
        }
        in[i] = (PyArrayObject *)x;
    }
    PyObject *out = args[3], *where = args[4];
    if ((out != Py_None && !PyArray_Check(out)) ||
        (where != Py_None && !PyArray_Check(where))) {
        PyErr_SetString(PyExc_TypeError, "ufunc_exec: out and where must be ndarrays or None");
        return NULL;
    }
    if (out != Py_None &&
        PyArray_FailUnlessWriteable((PyArrayObject *)out, "output array") < 0)
        return NULL;
    if (!PyArray_OrderConverter(args[5], &order)) return NULL;
    PyObject *r = pelx_ufunc_iter(
        &spec, in, out == Py_None ? NULL : (PyArrayObject *)out,
        where == Py_None ? NULL : (PyArrayObject *)where, order);
    if (r && out == Py_None) return PyArray_Return((PyArrayObject *)r);
    return r;
}

/* _ufunc_defaults(default_casting, default_order): the keyword values
 * the fast path takes (compared by identity). */
static PyObject *ufunc_defaults(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *c, *o;
    if (!PyArg_ParseTuple(args, "OO", &c, &o)) return NULL;
    Py_XSETREF(default_casting, Py_NewRef(c));
    Py_XSETREF(default_order, Py_NewRef(o));
    Py_RETURN_NONE;
}

/* _ufunc_fast_table(op, entries): sets fast_ok[op] from a bytes object of
 * NPY_NTYPES_LEGACY * FAST_FORMS signed entries (see fast_ok). */
static PyObject *ufunc_fast_table(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *opobj;
    Py_buffer b;
    pel_op op;
    if (!PyArg_ParseTuple(args, "Oy*", &opobj, &b)) return NULL;
    if (op_from(opobj, &op) < 0 || b.len != (Py_ssize_t)sizeof fast_ok[0]) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_ValueError, "_ufunc_fast_table: %zd entries "
                         "expected", (Py_ssize_t)sizeof fast_ok[0]);
        PyBuffer_Release(&b);
        return NULL;
    }
    memcpy(fast_ok[op], b.buf, sizeof fast_ok[0]);
    PyBuffer_Release(&b);
    Py_RETURN_NONE;
}

/* has_kernel(op, dtype) -> output dtype of pelx's loop, or None */
static PyObject *has_kernel(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *opobj;
    PyArray_Descr *d;
    pel_op op;
    if (!PyArg_ParseTuple(args, "OO&", &opobj, PyArray_DescrConverter, &d))
        return NULL;
    int t = pelx_pel_dtype(d);
    Py_DECREF(d);
    if (op_from(opobj, &op) < 0) return NULL;
    if (t < 0 || !pel_kernel(op, (pel_dtype)t)) Py_RETURN_NONE;
    int out_t = pel_kernel_out_dtype(op, (pel_dtype)t);
    if (out_t < 0) Py_RETURN_NONE;
    return (PyObject *)PyArray_DescrFromType(pelx_typenum((pel_dtype)out_t));
}

static PyMethodDef ufunc_methods[] = {
    {"ufunc_call", (PyCFunction)(void (*)(void))ufunc_call, METH_FASTCALL,
     "ufunc_call(op, out, where, casting, order, dtype, *inputs)\n--\n\n"
     "Run elementwise operation op (index into ufunc_ops)."},
    {"ufunc_exec", (PyCFunction)(void (*)(void))ufunc_exec, METH_FASTCALL,
     "ufunc_exec(op, loop, inputs, out, where, order, alloc)\n--\n\n"
     "Run op over ndarrays (NpyIter path). loop: the loop dtype, or an\n"
     "(int64, uint64) pair for exact mixed-sign comparisons; alloc: None,\n"
     "or float16 to round the result into a float16 array."},
    {"_ufunc_defaults", ufunc_defaults, METH_VARARGS,
     "_ufunc_defaults(casting, order)\n--\n\nThe default keyword objects "
     "the fast path accepts."},
    {"_ufunc_fast_table", ufunc_fast_table, METH_VARARGS,
     "_ufunc_fast_table(op, entries)\n--\n\nSet op's row of the fast-path "
     "table (bytes, one entry per (type number, form))."},
    {"has_kernel", has_kernel, METH_VARARGS,
     "has_kernel(op, dtype)\n--\n\nOutput dtype of pelx's loop for op over "
     "dtype, or None."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_ufunc(PyObject *m) {
    if (PyModule_AddFunctions(m, ufunc_methods) < 0) return -1;
    if (PyModule_AddIntConstant(m, "UFUNC_FAST_FORMS", FAST_FORMS) < 0 ||
        PyModule_AddIntConstant(m, "UFUNC_FAST_TYPES", NPY_NTYPES_LEGACY) < 0)
        return -1;
    PyObject *ops = PyDict_New();
    if (!ops) return -1;
    for (int op = 0; op < PEL_NOPS; op++) {
        PyObject *v = Py_BuildValue("(ii)", op, pel_kernel_nin((pel_op)op));
        if (!v || PyDict_SetItemString(ops, pel_kernel_name((pel_op)op), v) < 0) {
            Py_XDECREF(v);
            Py_DECREF(ops);
            return -1;
        }
        Py_DECREF(v);
    }
    /* name -> (op index, nin) */
    if (PyModule_AddObject(m, "ufunc_ops", ops) < 0) {
        Py_DECREF(ops);
        return -1;
    }
    return 0;
}
