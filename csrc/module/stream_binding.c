/* stream_binding.c — pelx._core.stream_copy / stream_triad: run the
 * STREAM-like kernels of csrc/kernels/stream.h through the pool and return
 * how long each run took (timed here in C, so no Python call overhead is in
 * the numbers). pelx.bench turns these times into the bandwidth ceiling. */
#include "module/numpy_api.h"
#include "module/parallel_call.h"

#include <stdint.h>
#include <time.h>

#include "kernels/stream.h"

/* Upper bound on `repeat`: a typo like repeat=10**9 must not hang the
 * interpreter for hours. */
#define STREAM_MAX_REPEAT 100000

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Checks that obj is a 1-d, C-contiguous, aligned float64 ndarray (and
 * writeable if `writeable`); sets a ValueError/TypeError naming `what`. */
static PyArrayObject *as_stream_array(PyObject *obj, const char *what,
                                      int writeable) {
    if (!PyArray_Check(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "stream: %s must be a numpy.ndarray of float64, got %s",
                     what, Py_TYPE(obj)->tp_name);
        return NULL;
    }
    PyArrayObject *arr = (PyArrayObject *)obj;
    if (PyArray_TYPE(arr) != NPY_DOUBLE || PyArray_NDIM(arr) != 1 ||
        !PyArray_IS_C_CONTIGUOUS(arr) || !PyArray_ISALIGNED(arr)) {
        PyErr_Format(PyExc_ValueError,
                     "stream: %s must be a 1-d, contiguous, aligned float64 "
                     "array",
                     what);
        return NULL;
    }
    if (writeable && !PyArray_ISWRITEABLE(arr)) {
        PyErr_Format(PyExc_ValueError, "stream: %s must be writeable", what);
        return NULL;
    }
    return arr;
}

static int overlaps(PyArrayObject *x, PyArrayObject *y) {
    const char *xs = PyArray_BYTES(x), *ys = PyArray_BYTES(y);
    const char *xe = xs + PyArray_NBYTES(x), *ye = ys + PyArray_NBYTES(y);
    return xs < ye && ys < xe;
}

/* Runs `repeat` jobs of `fn` over n elements; returns a tuple of seconds. */
static PyObject *run_timed(pel_for_fn fn, pel_stream_args *args, int64_t n,
                           int threads, int repeat, const char *name) {
    if (threads < 0) {
        PyErr_Format(PyExc_ValueError,
                     "%s: threads must be >= 0 (0: the pool's size), got %d",
                     name, threads);
        return NULL;
    }
    if (repeat < 1 || repeat > STREAM_MAX_REPEAT) {
        PyErr_Format(PyExc_ValueError,
                     "%s: repeat must be in [1, %d], got %d", name,
                     STREAM_MAX_REPEAT, repeat);
        return NULL;
    }
    PyObject *times = PyTuple_New(repeat);
    if (!times) return NULL;
    pelx_call_opts opts = {NULL, threads};
    for (int r = 0; r < repeat; r++) {
        double t0 = now_seconds();
        int rc = pelx_run_for(n, PEL_STREAM_GRAIN, fn, args, &opts);
        double t1 = now_seconds();
        if (rc != 0) {
            if (rc > 0)
                PyErr_Format(PyExc_RuntimeError, "%s: job failed (%d)",
                             name, rc);
            Py_DECREF(times);
            return NULL;
        }
        PyObject *t = PyFloat_FromDouble(t1 - t0);
        if (!t) {
            Py_DECREF(times);
            return NULL;
        }
        PyTuple_SET_ITEM(times, r, t);
    }
    return times;
}

static PyObject *stream_copy(PyObject *self, PyObject *args, PyObject *kw) {
    (void)self;
    static char *kwlist[] = {"a", "b", "threads", "repeat", NULL};
    PyObject *ao, *bo;
    int threads = 0, repeat = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OO|$ii:stream_copy", kwlist,
                                     &ao, &bo, &threads, &repeat))
        return NULL;
    PyArrayObject *a = as_stream_array(ao, "a (destination)", 1);
    PyArrayObject *b = a ? as_stream_array(bo, "b", 0) : NULL;
    if (!b) return NULL;
    if (PyArray_SIZE(a) != PyArray_SIZE(b)) {
        PyErr_SetString(PyExc_ValueError,
                        "stream_copy: a and b must have the same length");
        return NULL;
    }
    if (overlaps(a, b)) {
        PyErr_SetString(PyExc_ValueError,
                        "stream_copy: a must not overlap b");
        return NULL;
    }
    pel_stream_args sa = {PyArray_DATA(a), PyArray_DATA(b), NULL, 0.0};
    return run_timed(pel_stream_copy_chunk, &sa, PyArray_SIZE(a), threads,
                     repeat, "stream_copy");
}

static PyObject *stream_triad(PyObject *self, PyObject *args, PyObject *kw) {
    (void)self;
    static char *kwlist[] = {"a", "b", "c", "scalar", "threads", "repeat",
                             NULL};
    PyObject *ao, *bo, *co;
    double scalar = 3.0;
    int threads = 0, repeat = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "OOO|d$ii:stream_triad",
                                     kwlist, &ao, &bo, &co, &scalar,
                                     &threads, &repeat))
        return NULL;
    PyArrayObject *a = as_stream_array(ao, "a (destination)", 1);
    PyArrayObject *b = a ? as_stream_array(bo, "b", 0) : NULL;
    PyArrayObject *c = b ? as_stream_array(co, "c", 0) : NULL;
    if (!c) return NULL;
    if (PyArray_SIZE(a) != PyArray_SIZE(b) ||
        PyArray_SIZE(a) != PyArray_SIZE(c)) {
        PyErr_SetString(PyExc_ValueError,
                        "stream_triad: a, b and c must have the same length");
        return NULL;
    }
    if (overlaps(a, b) || overlaps(a, c)) {
        PyErr_SetString(PyExc_ValueError,
                        "stream_triad: a must not overlap b or c");
        return NULL;
    }
    pel_stream_args sa = {PyArray_DATA(a), PyArray_DATA(b), PyArray_DATA(c),
                          scalar};
    return run_timed(pel_stream_triad_chunk, &sa, PyArray_SIZE(a), threads,
                     repeat, "stream_triad");
}

static PyMethodDef stream_methods[] = {
    {"stream_copy", (PyCFunction)(void (*)(void))stream_copy,
     METH_VARARGS | METH_KEYWORDS,
     "stream_copy(a, b, *, threads=0, repeat=1)\n--\n\n"
     "a[:] = b with the pool (threads=0: all of its threads), `repeat` "
     "times.\nReturns a tuple of the seconds each run took. a and b: 1-d "
     "contiguous float64 arrays of equal length that do not overlap."},
    {"stream_triad", (PyCFunction)(void (*)(void))stream_triad,
     METH_VARARGS | METH_KEYWORDS,
     "stream_triad(a, b, c, scalar=3.0, *, threads=0, repeat=1)\n--\n\n"
     "a[:] = b + scalar * c with the pool, `repeat` times.\nReturns a tuple "
     "of the seconds each run took."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_stream(PyObject *m) {
    if (PyModule_AddFunctions(m, stream_methods) < 0) return -1;
    if (PyModule_AddIntConstant(m, "STREAM_COPY_BYTES",
                                PEL_STREAM_COPY_BYTES) < 0)
        return -1;
    return PyModule_AddIntConstant(m, "STREAM_TRIAD_BYTES",
                                   PEL_STREAM_TRIAD_BYTES);
}
