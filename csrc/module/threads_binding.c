/* threads_binding.c — pool control from Python: thread counts, CPU count,
 * per-worker statistics. Argument checking lives in python/pelx/_threads.py;
 * these functions still refuse values the execution layer cannot take. */
#include "module/bindings.h"
#include "pel/pel.h"

#include <stdlib.h>

static PyObject *get_num_threads(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    return PyLong_FromLong(pel_get_num_threads());
}

/* set_num_threads(n) -> previous size; n <= 0 restores the default. */
static PyObject *set_num_threads(PyObject *self, PyObject *arg) {
    (void)self;
    int overflow = 0;
    long n = PyLong_AsLongAndOverflow(arg, &overflow);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (overflow || n > PEL_MAX_POOL_THREADS) {
        PyErr_Format(PyExc_ValueError,
                     "number of threads must be at most %d, got %R",
                     PEL_MAX_POOL_THREADS, arg);
        return NULL;
    }
    return PyLong_FromLong(pel_set_num_threads((int)n));
}

static PyObject *default_num_threads(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    return PyLong_FromLong(pel_default_num_threads());
}

static PyObject *env_num_threads(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    return PyLong_FromLong(pel_env_num_threads());
}

static PyObject *available_cpus(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    return PyLong_FromLong(pel_available_cpus());
}

/* get_stats() -> list of dicts, one per thread (entry 0: calling threads). */
static PyObject *get_stats(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    int n = pel_get_stats(NULL, 0), got;
    pel_worker_stats *st = NULL;
    /* The pool may start threads between the two calls: retry until the
     * buffer holds every entry. */
    for (;;) {
        free(st);
        st = calloc((size_t)(n > 0 ? n : 1), sizeof *st);
        if (!st) return PyErr_NoMemory();
        got = pel_get_stats(st, n);
        if (got <= n) break;
        n = got;
    }
    PyObject *list = PyList_New(got);
    for (int i = 0; list && i < got; i++) {
        PyObject *d = Py_BuildValue(
            "{s:i,s:K,s:K,s:K,s:K,s:K}", "thread", i,
            "chunks", (unsigned long long)st[i].chunks,
            "steals", (unsigned long long)st[i].steals,
            "parks", (unsigned long long)st[i].parks,
            "jobs", (unsigned long long)st[i].jobs,
            "busy_ns", (unsigned long long)st[i].busy_ns);
        if (!d) { Py_CLEAR(list); break; }
        PyList_SET_ITEM(list, i, d);
    }
    free(st);
    return list;
}

static PyObject *reset_stats(PyObject *self, PyObject *noargs) {
    (void)self; (void)noargs;
    pel_reset_stats();
    Py_RETURN_NONE;
}

/* contention_rule(on) -> previous: 1/0 sets, -1 asks (pel_contention_rule). */
static PyObject *contention_rule(PyObject *self, PyObject *arg) {
    (void)self;
    long on = PyLong_AsLong(arg);
    if (on == -1 && PyErr_Occurred()) return NULL;
    if (on < -1 || on > 1) {
        PyErr_Format(PyExc_ValueError, "contention_rule takes 1, 0 or -1, "
                     "got %R", arg);
        return NULL;
    }
    return PyBool_FromLong(pel_contention_rule((int)on));
}

static PyMethodDef threads_methods[] = {
    {"get_num_threads", get_num_threads, METH_NOARGS,
     "get_num_threads()\n--\n\nPool size, counting the calling thread."},
    {"set_num_threads", set_num_threads, METH_O,
     "set_num_threads(n)\n--\n\nSet the pool size (n <= 0: default); "
     "returns the previous size."},
    {"default_num_threads", default_num_threads, METH_NOARGS,
     "default_num_threads()\n--\n\nmin(available CPUs, PELX_NUM_THREADS)."},
    {"env_num_threads", env_num_threads, METH_NOARGS,
     "env_num_threads()\n--\n\nPELX_NUM_THREADS as the pool reads it: 0 "
     "unset, -1 invalid, else its value."},
    {"available_cpus", available_cpus, METH_NOARGS,
     "available_cpus()\n--\n\nCPUs this process may use (affinity and "
     "cgroup quota)."},
    {"get_stats", get_stats, METH_NOARGS,
     "get_stats()\n--\n\nPer-thread counters as a list of dicts."},
    {"reset_stats", reset_stats, METH_NOARGS,
     "reset_stats()\n--\n\nZero the per-thread counters."},
    {"contention_rule", contention_rule, METH_O,
     "contention_rule(on)\n--\n\nFewer threads while workers are seen "
     "preempted (1 on, 0 off, -1 ask); returns the previous setting."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_threads(PyObject *m) {
    if (PyModule_AddFunctions(m, threads_methods) < 0) return -1;
    return PyModule_AddIntConstant(m, "MAX_POOL_THREADS",
                                   PEL_MAX_POOL_THREADS);
}
