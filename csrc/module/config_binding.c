/*
 * config_binding.c — facts about the build and the machine for
 * pelx.show_config(): which vector math the kernels chose at load.
 */
#include "module/bindings.h"
#include "kernels/kernels.h"

static PyObject *py_kernels_features(PyObject *self, PyObject *noargs) {
    (void)self;
    (void)noargs;
    const char *f = pel_kernels_features();
    return PyUnicode_FromString(f ? f : "unknown");
}

/* Also registered as kernels_features (the name pelx.bench and the
 * benchmarks read): one function, two names. */
static PyMethodDef config_methods[] = {
    {"kernels_features", py_kernels_features, METH_NOARGS,
     "kernels_features()\n--\n\nVector math the transcendental loops use."},
    {"_kernels_features", py_kernels_features, METH_NOARGS,
     "_kernels_features() -> str: the vector math the transcendental loops "
     "use (\"libmvec-avx512\", \"libmvec-avx2\" or \"scalar-libm\")."},
    {NULL, NULL, 0, NULL},
};

int pelx_init_config(PyObject *m) { return PyModule_AddFunctions(m, config_methods); }
