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
 * allocation, overlap handling) is built with the GIL held and copied once
 * per job slot; each chunk resets its slot's copy to the chunk's range of
 * the iteration (NPY_ITER_RANGED) and runs the kernel over the inner loops.
 * Workers never touch Python objects.
 */
#define NO_IMPORT_ARRAY
#define PY_ARRAY_UNIQUE_SYMBOL pelx_ARRAY_API
#include "module/bindings.h"
#include "module/parallel_call.h"

#include <numpy/arrayobject.h>
#include <stdatomic.h>
#include <stdint.h>

/* Elements per chunk: the size of one NpyIter buffer (NumPy's default
 * buffersize, 8192 elements), so a chunk is one buffer fill for cast inputs
 * and large enough that a pool round-trip is noise next to the kernel calls. */
#define MAP_GRAIN 8192

/* Most scalar-form arguments (the switch in run_scalar has one case each). */
#define MAP_MAX_SCALAR_ARGS 4

enum { MAP_FORM_SCALAR = 0, MAP_FORM_LOOP = 1 };

/* Chunk error codes (> 0, turned into RuntimeError by the caller). */
enum { MAP_ERESET = 1 };

typedef void (*loop_fn)(char **args, const npy_intp *dims,
                        const npy_intp *steps, void *data);

typedef struct map_ctx {
    NpyIter **iters;                /* one per job slot */
    NpyIter_IterNextFunc **nexts;   /* their iternext functions */
    int nin;                        /* inputs; operand nin is the output */
    int form;                       /* MAP_FORM_* */
    int is_float32;                 /* scalar form: float instead of double */
    void *fn;                       /* the kernel */
    void *data;                     /* loop form: its data argument */
    int64_t base;                   /* offset of this wave in the iteration */
    _Atomic(char *) errmsg;         /* message of a failed reset */
} map_ctx;

/* One scalar-form inner loop: out[i] = f(in0[i], ...), T is double or
 * float. The casts of the kernel address are to the exact C type the
 * signature check in _map.py accepted. */
#define MAP_SCALAR_LOOPS(T, SUFFIX)                                          \
    typedef T (*f1_##SUFFIX)(T);                                             \
    typedef T (*f2_##SUFFIX)(T, T);                                          \
    typedef T (*f3_##SUFFIX)(T, T, T);                                       \
    typedef T (*f4_##SUFFIX)(T, T, T, T);                                    \
    static void scalar_##SUFFIX(void *fn, int nin, char **p,                 \
                                const npy_intp *s, npy_intp n) {            \
        char *o = p[nin];                                                    \
        npy_intp so = s[nin];                                                \
        switch (nin) {                                                       \
        case 1: {                                                            \
            f1_##SUFFIX f = (f1_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(T *)(p[0] + i * s[0]));             \
            break;                                                           \
        }                                                                    \
        case 2: {                                                            \
            f2_##SUFFIX f = (f2_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(T *)(p[0] + i * s[0]),              \
                                       *(T *)(p[1] + i * s[1]));             \
            break;                                                           \
        }                                                                    \
        case 3: {                                                            \
            f3_##SUFFIX f = (f3_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(T *)(p[0] + i * s[0]),              \
                                       *(T *)(p[1] + i * s[1]),              \
                                       *(T *)(p[2] + i * s[2]));             \
            break;                                                           \
        }                                                                    \
        case 4: {                                                            \
            f4_##SUFFIX f = (f4_##SUFFIX)fn;                                 \
            for (npy_intp i = 0; i < n; i++)                                 \
                *(T *)(o + i * so) = f(*(T *)(p[0] + i * s[0]),              \
                                       *(T *)(p[1] + i * s[1]),              \
                                       *(T *)(p[2] + i * s[2]),              \
                                       *(T *)(p[3] + i * s[3]));             \
            break;                                                           \
        }                                                                    \
        }                                                                    \
    }

MAP_SCALAR_LOOPS(double, f64)
MAP_SCALAR_LOOPS(float, f32)

static int map_chunk(void *vctx, int64_t begin, int64_t end, int slot) {
    map_ctx *c = vctx;
    NpyIter *it = c->iters[slot];
    char *err = NULL;
    /* With errmsg non-NULL this neither needs nor touches the GIL (the first
     * reset of a slot also allocates its buffers, with PyMem_RawMalloc). */
    if (NpyIter_ResetToIterIndexRange(it, c->base + begin, c->base + end,
                                      &err) != NPY_SUCCEED) {
        /* Relaxed: read by the caller after the job's join, which orders
         * it; any failing slot's message will do. */
        atomic_store_explicit(&c->errmsg, err, memory_order_relaxed);
        return MAP_ERESET;
    }
    NpyIter_IterNextFunc *next = c->nexts[slot];
    char **ptrs = NpyIter_GetDataPtrArray(it);
    npy_intp *strides = NpyIter_GetInnerStrideArray(it);
    npy_intp *size = NpyIter_GetInnerLoopSizePtr(it);
    do {
        if (c->form == MAP_FORM_LOOP)
            ((loop_fn)c->fn)(ptrs, size, strides, c->data);
        else if (c->is_float32)
            scalar_f32(c->fn, c->nin, ptrs, strides, *size);
        else
            scalar_f64(c->fn, c->nin, ptrs, strides, *size);
    } while (next(it));
    return 0;
}

/* Frees the per-slot iterators (slot 0 is the original) and resolves any
 * write-back of an overlapping output. */
static int free_iters(map_ctx *c, int nslots) {
    int ok = 1;
    for (int s = 0; s < nslots; s++)
        if (c->iters[s] && NpyIter_Deallocate(c->iters[s]) != NPY_SUCCEED)
            ok = 0;
    PyMem_Free(c->iters);
    PyMem_Free(c->nexts);
    return ok ? 0 : -1;
}

/* Runs the job in waves of `wave` iterations, calling progress(done, total)
 * between waves (with the GIL) when progress is not None; one wave covering
 * everything when it is None. */
static int run_waves(map_ctx *c, npy_intp total, npy_intp wave,
                     PyObject *progress) {
    pelx_call_opts opts = {"pelx.map", 0};
    for (npy_intp done = 0; done < total;) {
        npy_intp n = total - done < wave ? total - done : wave;
        c->base = done;
        int rc = pelx_run_for(n, MAP_GRAIN, map_chunk, c, &opts);
        if (rc < 0) return -1;
        if (rc > 0) {
            char *msg = atomic_load_explicit(&c->errmsg, memory_order_relaxed);
            PyErr_Format(PyExc_RuntimeError,
                         "pelx.map: iterator failed in a worker: %s",
                         msg ? msg : "unknown error");
            return -1;
        }
        done += n;
        if (progress != Py_None) {
            PyObject *r = PyObject_CallFunction(progress, "nn",
                                                (Py_ssize_t)done,
                                                (Py_ssize_t)total);
            if (!r) return -1;
            Py_DECREF(r);
        }
    }
    return 0;
}

/* _map(address, form, dtype, inputs, out, casting, data, progress, waves)
 * address: kernel address (int); form: MAP_FORM_*; dtype: the kernel's
 * dtype; inputs: tuple of array-likes; out: array or None; casting: NumPy
 * casting name; data: loop-form data pointer (int); progress: callable or
 * None; waves: number of progress steps (>= 1). Returns the output array. */
static PyObject *py_map(PyObject *self, PyObject *args) {
    (void)self;
    unsigned long long address, data;
    int form, waves;
    PyArray_Descr *dtype = NULL;
    PyObject *inputs, *out, *progress;
    NPY_CASTING casting = NPY_SAME_KIND_CASTING;
    if (!PyArg_ParseTuple(args, "KiO&O!OO&KOi:_map", &address, &form,
                          PyArray_DescrConverter, &dtype, &PyTuple_Type,
                          &inputs, &out, PyArray_CastingConverter, &casting,
                          &data, &progress, &waves))
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
    PyObject *result = NULL;
    NpyIter *iter = NULL;
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
    /* DELAY_BUFALLOC: no buffer is filled before the per-slot copies are
     * made; each slot's first range reset allocates its own. Otherwise every
     * copy would inherit the first block's pending output buffer and write it
     * back (stale) over another slot's results on its first reset. */
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
    result = (PyObject *)NpyIter_GetOperandArray(iter)[nin];
    Py_INCREF(result);

    npy_intp total = NpyIter_GetIterSize(iter);
    if (total == 0) {
        if (NpyIter_Deallocate(iter) != NPY_SUCCEED) Py_CLEAR(result);
        goto done;
    }
    int nslots = pel_job_slots(NULL);
    map_ctx c = {0};
    atomic_init(&c.errmsg, NULL);
    c.nin = (int)nin;
    c.form = form;
    c.is_float32 = is_float32;
    /* Integer-to-pointer conversion: the address came from ctypes/numba as
     * the value of a C function pointer on this platform. */
    c.fn = (void *)(uintptr_t)address;
    c.data = (void *)(uintptr_t)data;
    c.iters = PyMem_Calloc((size_t)nslots, sizeof *c.iters);
    c.nexts = PyMem_Calloc((size_t)nslots, sizeof *c.nexts);
    if (!c.iters || !c.nexts) {
        PyErr_NoMemory();
        NpyIter_Deallocate(iter);
        PyMem_Free(c.iters);
        PyMem_Free(c.nexts);
        Py_CLEAR(result);
        goto done;
    }
    c.iters[0] = iter;
    int ok = 1;
    for (int s = 0; s < nslots && ok; s++) {
        if (s > 0 && !(c.iters[s] = NpyIter_Copy(iter))) ok = 0;
        if (ok && !(c.nexts[s] = NpyIter_GetIterNext(c.iters[s], NULL)))
            ok = 0;
    }
    if (ok) {
        npy_intp wave = total;
        if (progress != Py_None && waves > 1)
            wave = (total + waves - 1) / waves;
        if (wave < MAP_GRAIN) wave = MAP_GRAIN; /* never split below a chunk */
        ok = run_waves(&c, total, wave, progress) == 0;
    }
    if (free_iters(&c, nslots) < 0) ok = 0;
    if (!ok) Py_CLEAR(result);

done:
    for (Py_ssize_t i = 0; i <= nin; i++) Py_XDECREF(ops[i]);
    Py_DECREF(dtype);
    return result;
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
    {"_map", py_map, METH_VARARGS,
     "_map(address, form, dtype, inputs, out, casting, data, progress, "
     "waves): run a compiled elementwise kernel (see pelx.map)."},
    {"_capsule_info", py_capsule_info, METH_O,
     "_capsule_info(capsule) -> (address, name, context)."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_map(PyObject *m) {
    if (PyModule_AddIntConstant(m, "_MAP_FORM_SCALAR", MAP_FORM_SCALAR) < 0 ||
        PyModule_AddIntConstant(m, "_MAP_FORM_LOOP", MAP_FORM_LOOP) < 0 ||
        PyModule_AddIntConstant(m, "_MAP_GRAIN", MAP_GRAIN) < 0)
        return -1;
    return PyModule_AddFunctions(m, map_methods);
}
