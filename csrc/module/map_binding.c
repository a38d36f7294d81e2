/*
 * map_binding.c — pelx.map(): run a user's compiled elementwise kernel over
 * NumPy arrays in the pool, without the GIL.
 *
 * The Python side (python/pelx/_map.py) checks what the kernel is (Numba
 * cfunc, ctypes function pointer, scipy.LowLevelCallable) and its C
 * signature, and hands over a bare address plus the kernel's form:
 *
 *   scalar form   double f(double, ...)  or  float f(float, ...), 1-4 args:
 *                 called once per element.
 *   loop form     void f(char **args, const intptr_t *dims,
 *                        const intptr_t *steps, void *data)
 *                 NumPy's inner-loop signature: called once per inner loop
 *                 with args[0..nin-1] the inputs, args[nin] the output,
 *                 dims[0] the element count, steps[i] the byte strides.
 *
 * One buffered NpyIter (broadcasting, casting to the kernel's dtype, output
 * allocation, overlap handling) runs on the one NpyIter runner
 * (iter_job.h). A run is started, stepped and finished from Python
 * (_map_start, _map_step, _map_finish), so that a progress callback runs
 * between steps in Python: C never calls back into Python.
 */
#include "module/numpy_api.h"
#include "module/bindings.h"

#include <stdint.h>

#include "module/cost_policy.h"
#include "module/iter_job.h"

/* A user kernel is costed like a cheap math function (8 additions per
 * element): its chunks are then 8 Ki elements (one NumPy buffer), which
 * balances a kernel of any cost, and a map over at most 8 Ki elements runs
 * inline. */
#define MAP_COST 8

/* Most scalar-form arguments (the switch in run_scalar has one case each). */
#define MAP_MAX_SCALAR_ARGS 4

enum { MAP_FORM_SCALAR = 0, MAP_FORM_LOOP = 1 };


typedef void (*loop_fn)(char **args, const npy_intp *dims,
                        const npy_intp *steps, void *data);

typedef struct map_kernel {
    int nin;                        /* inputs; operand nin is the output */
    int form;                       /* MAP_FORM_* */
    int is_float32;                 /* scalar form: float instead of double */
    void *fn;                       /* the kernel */
    void *data;                     /* loop form: its data argument */
} map_kernel;

/* A run: the iterator, its job, and how far it has got. */
typedef struct map_run {
    NpyIter *it;
    pelx_iter_job job;
    map_kernel kernel;
    int64_t total, grain;
    PyObject *result;
} map_run;

/* One scalar-form inner loop: out[i] = f(in0[i], ...), T is double or
 * float. The casts of the kernel address are to the exact C type the
 * signature check in _map.py accepted. Pointers and strides are read into
 * locals first: the call to f could write any memory, so the compiler
 * would otherwise reload them for every element. */
#define MAP_SCALAR_LOOPS(T, SUFFIX)                                          \
    typedef T (*f1_##SUFFIX)(T);                                             \
    typedef T (*f2_##SUFFIX)(T, T);                                          \
    typedef T (*f3_##SUFFIX)(T, T, T);                                       \
    typedef T (*f4_##SUFFIX)(T, T, T, T);                                    \
    static void scalar_##SUFFIX(void *fn, int nin, char **p,                 \
                                const npy_intp *s, npy_intp n) {            \
        char *o = p[nin];                                                    \
        const npy_intp so = s[nin];                                          \
        const char *x0 = p[0], *x1 = nin > 1 ? p[1] : NULL,                  \
                   *x2 = nin > 2 ? p[2] : NULL, *x3 = nin > 3 ? p[3] : NULL; \
        const npy_intp s0 = s[0], s1 = nin > 1 ? s[1] : 0,                   \
                       s2 = nin > 2 ? s[2] : 0, s3 = nin > 3 ? s[3] : 0;     \
        switch (nin) {                                                       \
        case 1: {                                                            \
            f1_##SUFFIX f = (f1_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(const T *)(x0 + i * s0));           \
            break;                                                           \
        }                                                                    \
        case 2: {                                                            \
            f2_##SUFFIX f = (f2_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(const T *)(x0 + i * s0),            \
                                       *(const T *)(x1 + i * s1));           \
            break;                                                           \
        }                                                                    \
        case 3: {                                                            \
            f3_##SUFFIX f = (f3_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(const T *)(x0 + i * s0),            \
                                       *(const T *)(x1 + i * s1),            \
                                       *(const T *)(x2 + i * s2));           \
            break;                                                           \
        }                                                                    \
        case 4: {                                                            \
            f4_##SUFFIX f = (f4_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(const T *)(x0 + i * s0),            \
                                       *(const T *)(x1 + i * s1),            \
                                       *(const T *)(x2 + i * s2),            \
                                       *(const T *)(x3 + i * s3));           \
            break;                                                           \
        }                                                                    \
        }                                                                    \
    }

MAP_SCALAR_LOOPS(double, f64)
MAP_SCALAR_LOOPS(float, f32)

static int map_body(void *ctx, char **ptrs, const npy_intp *strides,
                    npy_intp n, int slot) {
    const map_kernel *k = ctx;
    (void)slot;
    if (k->form == MAP_FORM_LOOP)
        ((loop_fn)k->fn)(ptrs, &n, strides, k->data);
    else if (k->is_float32)
        scalar_f32(k->fn, k->nin, ptrs, strides, n);
    else
        scalar_f64(k->fn, k->nin, ptrs, strides, n);
    return 0;
}

#define RUN_CAPSULE "pelx.map_run"

/* Frees the job and the iterator (which resolves the write-back of an
 * overlapping output). Returns 0, or -1 if the write-back failed. */
static int run_close(map_run *r) {
    int ok = 1;
    pelx_iter_job_free(&r->job);
    if (r->it && NpyIter_Deallocate(r->it) != NPY_SUCCEED) ok = 0;
    r->it = NULL;
    return ok ? 0 : -1;
}

static void run_capsule_free(PyObject *cap) {
    map_run *r = PyCapsule_GetPointer(cap, RUN_CAPSULE);
    if (!r) return;
    /* A run dropped unfinished (an error in Python between steps): keep
     * the exception being raised, drop one from the write-back. */
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (run_close(r) < 0) PyErr_Clear();
    PyErr_Restore(type, value, tb);
    Py_XDECREF(r->result);
    PyMem_Free(r);
}

static map_run *get_run(PyObject *cap) {
    map_run *r = PyCapsule_GetPointer(cap, RUN_CAPSULE);
    if (r && !r->it) {
        PyErr_SetString(PyExc_ValueError, "pelx.map: this run is finished");
        return NULL;
    }
    return r;
}

/* _map_start(address, form, dtype, inputs, out, casting, data)
 * address: kernel address (int); form: MAP_FORM_*; dtype: the kernel's
 * dtype; inputs: tuple of array-likes; out: array or None; casting: NumPy
 * casting name; data: loop-form data pointer (int). Returns (run, total):
 * a run to step through its `total` iterations. */
static PyObject *py_map_start(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long address, data;
    int form;
    PyArray_Descr *dtype = NULL;
    PyObject *inputs, *out;
    NPY_CASTING casting = NPY_SAME_KIND_CASTING;
    if (!PyArg_ParseTuple(args, "KiO&O!OO&K:_map_start", &address, &form,
                          PyArray_DescrConverter, &dtype, &PyTuple_Type,
                          &inputs, &out, PyArray_CastingConverter, &casting,
                          &data))
        return NULL;
    Py_ssize_t nin = PyTuple_GET_SIZE(inputs);
    int is_float32 = dtype->type_num == NPY_FLOAT32;
    if (form == MAP_FORM_SCALAR &&
        (nin < 1 || nin > MAP_MAX_SCALAR_ARGS ||
         (dtype->type_num != NPY_FLOAT64 && !is_float32))) {
        PyErr_SetString(PyExc_ValueError,
                        "pelx.map: a scalar-form kernel takes 1 to 4 float64 "
                        "or float32 arguments");
        Py_DECREF(dtype);
        return NULL;
    }
    if (nin < 1 || nin >= NPY_MAXARGS) {
        PyErr_Format(PyExc_ValueError,
                     "pelx.map: between 1 and %d input arrays are accepted",
                     NPY_MAXARGS - 1);
        Py_DECREF(dtype);
        return NULL;
    }
    if (out != Py_None && !PyArray_Check(out)) {
        PyErr_SetString(PyExc_TypeError,
                        "pelx.map: out must be a numpy.ndarray or None");
        Py_DECREF(dtype);
        return NULL;
    }

    PyArrayObject *ops[NPY_MAXARGS] = {NULL};
    npy_uint32 op_flags[NPY_MAXARGS];
    PyArray_Descr *op_dtypes[NPY_MAXARGS];
    PyObject *ret = NULL;
    map_run *r = NULL;
    NpyIter *iter = NULL;
    int64_t bytes_per_elem = 0;
    for (Py_ssize_t i = 0; i < nin; i++) {
        ops[i] = (PyArrayObject *)PyArray_FROM_O(PyTuple_GET_ITEM(inputs, i));
        if (!ops[i]) goto done;
        op_flags[i] = NPY_ITER_READONLY | NPY_ITER_ALIGNED;
        op_dtypes[i] = dtype;
    }
    ops[nin] = out == Py_None ? NULL : (PyArrayObject *)out;
    Py_XINCREF(ops[nin]);
    /* ALIGNED: kernels dereference T* directly (buffered if need be). */
    op_flags[nin] = NPY_ITER_WRITEONLY | NPY_ITER_ALLOCATE |
                    NPY_ITER_NO_SUBTYPE | NPY_ITER_ALIGNED;
    op_dtypes[nin] = dtype;
    iter = NpyIter_AdvancedNew(
        (int)nin + 1, ops,
        NPY_ITER_EXTERNAL_LOOP | NPY_ITER_BUFFERED | NPY_ITER_GROWINNER |
            NPY_ITER_RANGED | NPY_ITER_DELAY_BUFALLOC | NPY_ITER_ZEROSIZE_OK |
            NPY_ITER_COPY_IF_OVERLAP,
        NPY_KEEPORDER, casting, op_flags, op_dtypes, -1, NULL, NULL, 0);
    if (!iter) goto done;
    if (NpyIter_IterationNeedsAPI(iter)) { /* only object-like dtypes */
        PyErr_SetString(PyExc_TypeError,
                        "pelx.map: kernel dtype needs Python objects");
        NpyIter_Deallocate(iter);
        goto done;
    }
    r = PyMem_Calloc(1, sizeof *r);
    if (!r) {
        PyErr_NoMemory();
        NpyIter_Deallocate(iter);
        goto done;
    }
    r->it = iter;
    r->result = (PyObject *)NpyIter_GetOperandArray(iter)[nin];
    Py_INCREF(r->result);
    r->kernel.nin = (int)nin;
    r->kernel.form = form;
    r->kernel.is_float32 = is_float32;
    /* Integer-to-pointer conversion: the address came from ctypes/numba as
     * the value of a C function pointer on this platform. */
    r->kernel.fn = (void *)(uintptr_t)address;
    r->kernel.data = (void *)(uintptr_t)data;
    r->total = NpyIter_GetIterSize(iter);
    bytes_per_elem = (int64_t)(nin + 1) * (int64_t)PyDataType_ELSIZE(dtype);
    const pelx_work work = {r->total, MAP_COST, bytes_per_elem,
                            PELX_ITER_CHUNK_SETUP};
    r->grain = pelx_grain(&work);
    PyObject *cap = PyCapsule_New(r, RUN_CAPSULE, run_capsule_free);
    if (!cap) {
        run_close(r);
        Py_DECREF(r->result);
        PyMem_Free(r);
        goto done;
    }
    if (pelx_iter_job_init(&r->job, iter, pelx_iter_slots(r->total, r->grain),
                           map_body, &r->kernel) < 0) {
        Py_DECREF(cap);
        goto done;
    }
    ret = Py_BuildValue("(NL)", cap, (long long)r->total);

done:
    for (Py_ssize_t i = 0; i <= nin; i++) Py_XDECREF(ops[i]);
    Py_DECREF(dtype);
    return ret;
}

/* _map_step(run, begin, count): runs iterations [begin, begin + count). */
static PyObject *py_map_step(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *cap;
    long long begin, count;
    if (!PyArg_ParseTuple(args, "OLL:_map_step", &cap, &begin, &count))
        return NULL;
    map_run *r = get_run(cap);
    if (!r) return NULL;
    if (begin < 0 || count < 0 || begin > r->total - count) {
        PyErr_Format(PyExc_ValueError, "pelx.map: steps must lie in [0, %lld)",
                     (long long)r->total);
        return NULL;
    }
    r->job.base = begin;
    pelx_call_opts opts = {"pelx.map", 0};
    if (pelx_iter_job_run(&r->job, count, r->grain, &opts) < 0) return NULL;
    Py_RETURN_NONE;
}

/* _map_finish(run): frees the run; returns the output array. */
static PyObject *py_map_finish(PyObject *self, PyObject *cap) {
    (void)self;
    map_run *r = get_run(cap);
    if (!r) return NULL;
    if (run_close(r) < 0) return NULL;
    return Py_NewRef(r->result);
}

/* _capsule_info(capsule) -> (address, name, context): the pieces of a
 * PyCapsule holding a C function (as scipy.LowLevelCallable makes them). */
static PyObject *py_capsule_info(PyObject *self, PyObject *cap) {
    (void)self;
    if (!PyCapsule_CheckExact(cap)) {
        PyErr_SetString(PyExc_TypeError, "expected a PyCapsule");
        return NULL;
    }
    const char *name = PyCapsule_GetName(cap);
    void *ptr = PyCapsule_GetPointer(cap, name);
    if (!ptr) return NULL;
    void *context = PyCapsule_GetContext(cap);
    if (!context && PyErr_Occurred()) return NULL;
    return Py_BuildValue("(KzK)", (unsigned long long)(uintptr_t)ptr, name,
                         (unsigned long long)(uintptr_t)context);
}

static PyMethodDef map_methods[] = {
    {"_map_start", py_map_start, METH_VARARGS,
     "_map_start(address, form, dtype, inputs, out, casting, data) -> "
     "(run, total): set up a compiled elementwise kernel (see pelx.map)."},
    {"_map_step", py_map_step, METH_VARARGS,
     "_map_step(run, begin, count): run iterations [begin, begin + count)."},
    {"_map_finish", py_map_finish, METH_O,
     "_map_finish(run) -> the output array."},
    {"_capsule_info", py_capsule_info, METH_O,
     "_capsule_info(capsule) -> (address, name, context)."},
    {NULL, NULL, 0, NULL},
};

/* The chunk size of a large float64 map with one input (any map of up to
 * a few inputs gets the same: the set-up term of the policy decides). */
static int64_t map_grain(void) {
    const pelx_work work = {INT64_MAX / 64, MAP_COST, 16, PELX_ITER_CHUNK_SETUP};
    return pelx_grain(&work);
}

int pelx_init_map(PyObject *m) {
    if (PyModule_AddIntConstant(m, "_MAP_FORM_SCALAR", MAP_FORM_SCALAR) < 0 ||
        PyModule_AddIntConstant(m, "_MAP_FORM_LOOP", MAP_FORM_LOOP) < 0 ||
        PyModule_AddIntConstant(m, "_MAP_GRAIN", (long)map_grain()) < 0)
        return -1;
    return PyModule_AddFunctions(m, map_methods);
}
