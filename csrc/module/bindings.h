/*
 * bindings.h — the parts of the pelx._core extension module. Each part adds
 * its functions and constants to the module in its own init function, called
 * once from PyInit__core (pelx_module.c).
 */
#ifndef PELX_BINDINGS_H
#define PELX_BINDINGS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

int pelx_init_threads(PyObject *m); /* threads_binding.c: pool control, stats */
int pelx_init_ufunc(PyObject *m);   /* ufunc_binding.c: elementwise ops */
int pelx_init_vm(PyObject *m);      /* vm_binding.c: expression programs */
int pelx_init_reduce(PyObject *m);  /* reduce_binding.c: reductions */
int pelx_init_map(PyObject *m);     /* map_binding.c: user C kernels */
int pelx_init_config(PyObject *m);  /* config_binding.c: show_config facts */
int pelx_init_trace(PyObject *m);   /* trace_binding.c: chunk timeline */
int pelx_init_stream(PyObject *m);  /* stream_binding.c: bandwidth kernels */
int pelx_init_numpy_patch(PyObject *m); /* numpy_patch.c: backend mode */

#endif
