/*
 * dtype_map.h — NumPy dtypes to pel_dtype and back: the one mapping every
 * binding part uses (elementwise, reductions, expression programs).
 * Include after module/numpy_api.h.
 */
#ifndef PELX_DTYPE_MAP_H
#define PELX_DTYPE_MAP_H

#include "kernels/kernels.h"

/* pel_dtype of a NumPy dtype by its kind and element size alone (byte
 * order and type number are not looked at), or -1 when pelx has no such
 * dtype (float16, longdouble, object, strings, datetimes, ...). */
int pelx_pel_dtype_by_kind(const PyArray_Descr *d);
/* pel_dtype of a NumPy dtype, or -1 when pelx has no loops for it: as
 * pelx_pel_dtype_by_kind, and also -1 for non-native byte order and for
 * dtypes outside NumPy's built-in (legacy) types. */
int pelx_pel_dtype(const PyArray_Descr *d);
/* NumPy type number of a pel_dtype. */
int pelx_typenum(pel_dtype t);

#endif
