"""NumPy's dtype rules for reductions, in one place: the accumulator of
each reduction, for pelx's reduction functions and for the reductions of
``pelx.evaluate`` alike.
"""
import numpy as np

from . import _core

_F16 = np.dtype(np.float16)
_BOOL = np.dtype(np.bool_)
_F64 = np.dtype(np.float64)


def sum_dtype(dt):
    """NumPy's accumulator for add/multiply reductions of dtype dt."""
    if dt.kind == "b":
        return np.dtype(np.int_)
    if dt.kind == "i" and dt.itemsize < np.dtype(np.int_).itemsize:
        return np.dtype(np.int_)
    if dt.kind == "u" and dt.itemsize < np.dtype(np.uint).itemsize:
        return np.dtype(np.uint)
    return dt


def mean_dtype(dt, dtype=None):
    """The dtype NumPy's mean sums and divides in."""
    if dtype is not None:
        return np.dtype(dtype)
    return _F64 if dt.kind in "biu" else dt


def kernel_plan(kind, dt):
    """How a reduction `kind` (sum, prod, mean, min, max, any, all, nansum,
    nanmin, nanmax) of values of dtype `dt` runs on the kernels:
    ``(op, values dtype, accumulator dtype)``; the values are cast to the
    values dtype first. NumPy's rules: integer sums in int64/uint64, means
    of integers in float64, bool any/all of any dtype, the nan-variants of
    non-inexact dtypes are the plain ones. TypeError for what NumPy's rules
    make a dtype without kernels (float16 accumulators, longdouble)."""
    if kind in ("any", "all"):
        if _core._reduce_has_kernel(kind, dt, _BOOL):
            return kind, dt, _BOOL
        return kind, _BOOL, _BOOL
    if kind in ("nansum", "nanmin", "nanmax") and dt.kind not in "fc":
        kind = kind[3:]
    if kind in ("min", "max", "nanmin", "nanmax"):
        op, acc = kind, dt
    elif kind == "mean":
        op, acc = "sum", mean_dtype(dt)
    else:
        op, acc = kind, sum_dtype(dt)
    if acc == _F16 or not _core._reduce_has_kernel(op, acc, acc):
        raise TypeError(f"{kind}() of {dt} values is not supported")
    return op, acc, acc
