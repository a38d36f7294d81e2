/*
 * config_binding.c — facts about the build and the machine for
 * pelx.show_config(): which build of each kernel family and which vector
 * math the kernels chose at load.
 */
#include "module/bindings.h"
#include "kernels/kernels.h"

static PyObject *py_kernels_features(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    const char *f = pel_kernels_features();
    return PyUnicode_FromString(f ? f : "unknown");
}

/* {"cpu": level, "elementwise": level, "casts": ..., "reductions": ...,
 * "math": features} */
static PyObject *py_kernels_levels(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    PyObject *d = PyDict_New();
    if (!d) return NULL;
    PyObject *v = PyUnicode_FromString(pel_kernels_cpu_level());
    if (!v || PyDict_SetItemString(d, "cpu", v) < 0) goto fail;
    Py_DECREF(v);
    for (int f = 0; pel_kernels_family(f); f++) {
        v = PyUnicode_FromString(pel_kernels_level(f));
        if (!v || PyDict_SetItemString(d, pel_kernels_family(f), v) < 0)
            goto fail;
        Py_DECREF(v);
    }
    v = PyUnicode_FromString(pel_kernels_features());
    if (!v || PyDict_SetItemString(d, "math", v) < 0) goto fail;
    Py_DECREF(v);
    return d;
fail:
    Py_XDECREF(v);
    Py_DECREF(d);
    return NULL;
}

/* Also registered as kernels_features (the name pelx.bench and the
 * benchmarks read): one function, two names. */
static PyMethodDef config_methods[] = {
    {"kernels_features", py_kernels_features, METH_NOARGS,
     "kernels_features()\n--\n\nVector math the transcendental loops use."},
    {"_kernels_features", py_kernels_features, METH_NOARGS,
     "_kernels_features() -> str: the vector math the transcendental loops "
     "use (\"libmvec-avx512\", \"libmvec-avx2\" or \"scalar-libm\")."},
    {"_kernels_levels", py_kernels_levels, METH_NOARGS,
     "_kernels_levels() -> dict: the SIMD level this CPU supports (\"cpu\"), "
     "the level each exact kernel family runs (\"elementwise\", \"casts\", "
     "\"reductions\": \"baseline\", \"avx2\" or \"avx512\") and the "
     "transcendental vector math (\"math\")."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_config(PyObject *m) { return PyModule_AddFunctions(m, config_methods); }
