/* pelx_module.c — PyInit__core: creates pelx._core and lets each binding
 * part (see bindings.h) register itself. The only file that imports NumPy's
 * C API (it defines the API tables; numpy_api.h). */
#define PELX_IMPORTS_NUMPY_API
#include "module/numpy_api.h"
#include "module/bindings.h"
#include "module/parallel_call.h"

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT, "pelx._core",
    "pelx C core: pool, kernels, expression VM and reductions.", -1, NULL,
};

PyMODINIT_FUNC PyInit__core(void) {
    import_array();
    import_umath();
    pelx_parallel_call_init();
    PyObject *m = PyModule_Create(&core_module);
    if (!m) return NULL;
    if (pelx_init_threads(m) < 0 || pelx_init_ufunc(m) < 0 ||
        pelx_init_vm(m) < 0 || pelx_init_reduce(m) < 0 ||
        pelx_init_map(m) < 0 || pelx_init_config(m) < 0 ||
        pelx_init_trace(m) < 0 || pelx_init_stream(m) < 0 ||
        pelx_init_numpy_patch(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
