/*
 * trace_binding.c — pelx.trace(): start and stop the execution layer's
 * chunk event log (pel_trace_start / pel_trace_stop) and hand the events to
 * Python, which writes them as a Chrome/Perfetto trace (python/pelx/_observe.py).
 */
#include "module/bindings.h"
#include "pel/pel.h"

/* Capacity of the current session, per thread (0: no session started by
 * us). Only touched with the GIL held. */
static size_t session_capacity;

/* _trace_start(capacity): record up to capacity chunk events per thread. */
static PyObject *py_trace_start(PyObject *self, PyObject *arg) {
    (void)self;
    int overflow = 0;
    long long cap = PyLong_AsLongLongAndOverflow(arg, &overflow);
    if (cap == -1 && PyErr_Occurred()) return NULL;
    if (overflow || cap < 1 || (unsigned long long)cap > PEL_TRACE_MAX_EVENTS) {
        PyErr_Format(PyExc_ValueError,
                     "trace capacity must be between 1 and %zu events per "
                     "thread, got %R", PEL_TRACE_MAX_EVENTS, arg);
        return NULL;
    }
    if (session_capacity) {
        PyErr_SetString(PyExc_RuntimeError,
                        "a pelx trace is already being recorded");
        return NULL;
    }
    if (pel_trace_start((size_t)cap) != PEL_OK) {
        PyErr_SetString(PyExc_ValueError, "pel_trace_start refused the capacity");
        return NULL;
    }
    session_capacity = (size_t)cap;
    Py_RETURN_NONE;
}

/* _trace_stop() -> (events, dropped): events is a list of
 * (thread, slot, job, begin, end, begin_ns, end_ns) sorted by begin_ns. */
static PyObject *py_trace_stop(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    if (!session_capacity) {
        PyErr_SetString(PyExc_RuntimeError, "no pelx trace is being recorded");
        return NULL;
    }
    /* Every thread that ran chunks may have filled its own buffer: calling
     * threads share thread id 0, so leave room for a few of them beyond
     * the pool; whatever does not fit is counted in `dropped`. */
    size_t threads = (size_t)pel_get_num_threads() + 8;
    /* No overflow: capacity <= PEL_TRACE_MAX_EVENTS and threads <= 264. */
    size_t max = session_capacity * threads;
    session_capacity = 0;
    pel_trace_event *ev = PyMem_Calloc(max, sizeof *ev); /* checks n*size */
    if (!ev) {
        pel_trace_stop(NULL, 0, NULL);
        return PyErr_NoMemory();
    }
    size_t dropped = 0, n;
    Py_BEGIN_ALLOW_THREADS
    n = pel_trace_stop(ev, max, &dropped);
    Py_END_ALLOW_THREADS
    PyObject *list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        PyObject *t = Py_BuildValue(
            "(iiKLLKK)", (int)ev[i].thread, (int)ev[i].slot,
            (unsigned long long)ev[i].job, (long long)ev[i].begin,
            (long long)ev[i].end, (unsigned long long)ev[i].begin_ns,
            (unsigned long long)ev[i].end_ns);
        if (!t) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, t);
    }
    PyMem_Free(ev);
    if (!list) return NULL;
    return Py_BuildValue("(Nn)", list, (Py_ssize_t)dropped);
}

static PyMethodDef trace_methods[] = {
    {"_trace_start", py_trace_start, METH_O,
     "_trace_start(capacity): start recording chunk events (per thread)."},
    {"_trace_stop", py_trace_stop, METH_NOARGS,
     "_trace_stop() -> (events, dropped); events are (thread, slot, job, "
     "begin, end, begin_ns, end_ns) tuples sorted by begin_ns."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_trace(PyObject *m) {
    if (PyModule_AddFunctions(m, trace_methods) < 0) return -1;
    return PyModule_AddObject(m, "TRACE_MAX_EVENTS",
                              PyLong_FromSize_t(PEL_TRACE_MAX_EVENTS));
}
