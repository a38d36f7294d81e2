/*
 * numpy_api.h — the NumPy C API as every binding file sees it: Python.h,
 * then NumPy's array and ufunc headers bound to the one API table that
 * pelx_module.c imports (PY_ARRAY_UNIQUE_SYMBOL). Include it first.
 * pelx_module.c defines PELX_IMPORTS_NUMPY_API before including it, so
 * that its copy of the table is the definition.
 */
#ifndef PELX_NUMPY_API_H
#define PELX_NUMPY_API_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define PY_ARRAY_UNIQUE_SYMBOL pelx_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL pelx_UFUNC_API
#ifndef PELX_IMPORTS_NUMPY_API
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#endif
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>

#endif
