"""Parallel, deterministic reductions with NumPy's semantics.

``pelx.sum``, ``prod``, ``min``/``amin``, ``max``/``amax``, ``mean``,
``var``, ``std``, ``argmin``, ``argmax``, ``any``, ``all``, ``nansum``,
``nanmin``, ``nanmax``, ``nanmean``, ``dot`` and ``vdot`` take NumPy's
arguments and give NumPy's answers (same dtypes, NaN handling, empty-input
errors and warnings). The work runs on pelx's thread pool with the GIL
released. Sums are pairwise (error O(log n), like NumPy), variances are
two-pass, and every result is bit-identical for any number of threads:
the split of each reduction into chunks and the order in which chunk
results are combined depend only on the array's shape and layout.

This module applies NumPy's arguments, checks and errors; the dtype rules
are ``pelx._reduce_rules`` (shared with ``pelx.evaluate``), the layout of
the axes for the C kernels (``pelx._core._reduce``, a 2 x 2 strided view:
kept x reduced axes) is ``pelx._reduce_layout``.

Two kinds of call are NumPy's own, made with the caller's arguments
unchanged: operands with semantics of their own (masked arrays and other
ndarray subclasses but memmap, ``__array_function__`` overrides; see
``pelx._overrides``), and float16 data or accumulators (NumPy's half
reductions round at points that depend on its buffering).
"""
import functools
import operator

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from . import _core
from ._dtypes import SUPPORTED as _SUPPORTED
from ._out import check_out
from ._overrides import first_overriding
from ._reduce_layout import (axes_of as _axes, kernel_view as _view,
                             keepdims_shape as _keepdims_shape,
                             kept_shape as _kept_shape,
                             reduced_count as _reduced_count, run as _run)
from ._reduce_rules import mean_dtype, sum_dtype
from ._warn import warn as _warn

_F16 = np.dtype(np.float16)

__all__ = [
    "sum", "prod", "min", "max", "amin", "amax", "mean", "var", "std",
    "argmin", "argmax", "any", "all", "nansum", "nanmin", "nanmax",
    "nanmean", "dot", "vdot",
]

# ---- argument handling ------------------------------------------------------

class _ForNumPy(Exception):
    """Raised while a call is checked: NumPy's function answers it."""


def _numpy_fallback(fn):
    """Makes fn hand its call, arguments unchanged, to the NumPy function of
    the same name when an operand overrides NumPy (masked arrays, ...) or
    when its checks raise _ForNumPy (float16)."""
    fname = fn.__name__
    numpy_fn = getattr(np, fname)
    planned = fname in _FAST_NAMES

    @functools.wraps(fn)
    def reduction(*args, **kwargs):
        if (len(args) == 1 and type(args[0]) is np.ndarray
                and (not kwargs or (len(kwargs) == 1 and "axis" in kwargs))):
            # fn(ndarray) or fn(ndarray, axis=...), the common small call:
            # no operand to scan, and a planned path when it takes the call.
            if planned:
                axis = kwargs.get("axis")
                res = (_whole(fname, args[0]) if axis is None
                       else _along(fname, args[0], axis))
                if res is not None:
                    return res
        elif (first_overriding(args) is not None
              or first_overriding(kwargs.values()) is not None):
            return numpy_fn(*args, **kwargs)
        try:
            return fn(*args, **kwargs)
        except _ForNumPy:
            return numpy_fn(*args, **kwargs)
    return reduction


def _supported(dt):
    return _core._reduce_has_kernel("max", dt, dt)


def _input(a, fname):
    """`a` as a native-order, aligned ndarray of a supported dtype."""
    arr = np.asarray(a)
    if arr.dtype == _F16:
        raise _ForNumPy
    if arr.dtype.kind not in "biufc" or not _supported(arr.dtype.newbyteorder("=")):
        raise TypeError(
            f"pelx.{fname}: unsupported dtype {arr.dtype}; supported: {_SUPPORTED}"
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if not arr.flags.aligned:
        arr = arr.copy()
    return arr


def _finish(res, shape, axes, keepdims, out, fname):
    """Apply keepdims, write into out= (checking its shape), or unwrap a
    0-d result into a NumPy scalar."""
    if keepdims:
        res = res.reshape(_keepdims_shape(shape, axes))
    if check_out(out, fname) is not None:
        if out.shape != res.shape:
            raise ValueError(
                f"pelx.{fname}: out has shape {out.shape}, the result has "
                f"shape {res.shape}"
            )
        np.copyto(out, res, casting="unsafe")
        return out
    return res[()] if res.ndim == 0 else res


def _masked(arr, where, fill):
    """arr with the elements outside `where` replaced by fill."""
    if where is True:
        return arr
    where = np.asarray(where, dtype=bool)
    try:
        np.broadcast_shapes(where.shape, arr.shape)
    except ValueError:
        raise ValueError(
            f"where= of shape {where.shape} does not broadcast to the "
            f"array's shape {arr.shape}") from None
    # fill (an identity, or initial= already converted) takes arr's dtype:
    # promoting would change the data (uint64 with an int64 0 is float64).
    return np.where(where, arr, np.asarray(fill).astype(arr.dtype))


def _where_count(where, shape, axes):
    """Number of selected elements per output (int64 array, kept shape)."""
    w = np.broadcast_to(np.asarray(where, dtype=bool), shape)
    w = _input(w, "where")
    return _sum_core(w, axes, np.dtype(np.int64))


def _cast_for(op, arr, acc):
    """arr cast to acc when there is no (op, arr.dtype, acc) kernel."""
    if _core._reduce_has_kernel(op, arr.dtype, acc):
        return arr
    return arr.astype(acc)


def _sum_core(arr, axes, acc, op="sum"):
    """Sum/prod/nansum of arr over axes in acc; kept shape."""
    if _reduced_count(arr.shape, axes) == 0:
        return np.full(_kept_shape(arr.shape, axes), op == "prod", dtype=acc)
    if acc.kind == "b":  # boolean add is 'or', boolean multiply is 'and'
        return _run("any" if op in ("sum", "nansum") else "all",
                    arr, axes, np.bool_, np.bool_)
    if op == "nansum" and acc.kind not in "fc":
        op = "sum"
    if acc == _F16:
        raise _ForNumPy
    if not _supported(acc):
        raise TypeError(f"pelx: unsupported dtype {acc}; supported: {_SUPPORTED}")
    return _run(op, _cast_for(op, arr, acc), axes, acc, acc)


def _initial(initial, dt):
    """initial= as a 0-d array of dt, converted as NumPy's reductions
    convert it: a Python int out of dt's range raises OverflowError."""
    try:
        return np.asarray(initial, dtype=dt)
    except OverflowError:
        raise OverflowError(
            f"Python integer {initial} out of bounds for {dt}") from None


# ---- the common call, planned once per (function, dtype) ----------------------
#
# sum(a), max(a) & co. of a whole C-contiguous ndarray with no keywords is
# the call small-array users make most. Its plan (kernel and accumulator)
# depends only on the function and the dtype, so it is worked out once and
# the call goes straight to the kernel: the same kernel, accumulator and
# chunk grid as the general path, without its per-call bookkeeping.

_FAST_PLANS = {}
#: The functions with a plan (the fallback wrapper tries it first).
# Whole-array reductions with a planned path (the common call fn(a) or
# fn(a, axis=None) on a contiguous native array): one cached plan per
# (function, dtype) and one or two kernel calls, no argument processing.
_FAST_NAMES = frozenset(("sum", "prod", "min", "max", "argmin", "argmax",
                         "any", "all", "mean", "var", "std", "nanmin",
                         "nanmax"))
_BOOL = np.dtype(np.bool_)


def _fast_plan(fname, dt):
    """(kernel op, accumulator dtype) for a whole-array reduction of a native
    array of dtype dt, or None when the general path must take it."""
    if dt.kind not in "biufc" or not dt.isnative or not _supported(dt):
        return None
    if fname in ("sum", "prod"):
        acc, op = sum_dtype(dt), fname
    elif fname in ("min", "max", "argmin", "argmax"):
        acc, op = dt, fname
    elif fname in ("nanmin", "nanmax"):
        # integers have no NaN: plain min/max, as the general path
        acc, op = dt, fname if dt.kind in "fc" else fname[3:]
    elif fname in ("any", "all"):
        return (fname, _BOOL) if _core._reduce_has_kernel(fname, dt, _BOOL) else None
    elif fname in ("mean", "var", "std"):
        # real data, default dtype: the mean's type is float (float64 for
        # integers); complex and float16 take the general path
        acc, op = mean_dtype(dt, None), "sum"
        if dt.kind == "c" or acc.kind != "f" or acc == _F16:
            return None
        if fname != "mean" and not _core._reduce_has_kernel("sumsqdev", dt, acc):
            return None
    else:  # the nan-variants keep their own checks and warnings
        return None
    if acc.kind == "b" or not _core._reduce_has_kernel(op, dt, acc):
        return None
    return op, acc


def _whole(fname, a):
    """Result of fname(a) for the common call, or None if not taken."""
    if a.ndim == 0 or a.size == 0 or not (a.flags.c_contiguous and a.flags.aligned):
        return None
    key = (fname, a.dtype)
    try:
        plan = _FAST_PLANS[key]
    except KeyError:
        plan = _FAST_PLANS[key] = _fast_plan(fname, a.dtype)
    if plan is None:
        return None
    op, acc = plan
    # as _run passes this layout: no kept dimension, one reduced dimension
    # of a.size contiguous elements
    view = (0, (1, 1), (0, 0), (1, a.size), (0, a.itemsize))
    return _finish_planned(fname, op, acc, a, _planned_result(fname, acc, ()),
                           view, a.size)


def _planned_result(fname, acc, shape):
    return np.empty(shape, dtype=np.intp if fname in ("argmin", "argmax") else acc)


def _finish_planned(fname, op, acc, a, res, view, count):
    """Runs a planned reduction into res (the kept shape) over the 2 x 2
    kernel view (offset, keep shape, keep strides, reduced shape, reduced
    strides) of a, count elements per output, and applies what NumPy does
    after the sum: mean divides it in acc; var divides the pairwise sum of
    squared deviations from that mean by count (ddof=0); std is var's root;
    nanmin/nanmax warn for an all-NaN slice. Returns a scalar for a 0-d
    result, as NumPy."""
    _core._reduce(op, a, acc, res, *view, None)
    if fname in ("mean", "var", "std"):
        res = _divide(res, count, acc)
        if fname != "mean":
            ssd = np.empty(res.shape, dtype=acc)
            _core._reduce("sumsqdev", a, acc, ssd, *view,
                          np.ascontiguousarray(res))
            res = _divide(ssd, count, acc)
            if fname == "std":
                res = np.sqrt(res)
    elif op in ("nanmin", "nanmax") and np.isnan(res).any():
        _warn("All-NaN slice encountered")
    return res[()] if res.ndim == 0 else res


# Planned axis reductions: the view of each (function, dtype, shape,
# strides, axis) is worked out once (kept shape, 2 x 2 kernel view), then a
# call is an empty result and one kernel call. The cache is bounded: when
# full it is emptied (layouts are few in real programs).
_AXIS_PLANS = {}
_AXIS_PLANS_MAX = 1024


def _axis_plan(fname, a, axis):
    """The planned call of fname(a, axis=axis), or None for the general
    path (which also raises the errors of a bad axis or an empty input)."""
    if a.size == 0:
        return None
    base = _fast_plan(fname, a.dtype)
    if base is None:
        return None
    op, acc = base
    arg = fname in ("argmin", "argmax")
    if arg and not isinstance(axis, (int, np.integer)):
        return None  # NumPy's argmin/argmax take one axis, else TypeError
    try:
        axes = _axes(axis, a.ndim)
    except (TypeError, ValueError, IndexError):
        return None
    kept = [d for d in range(a.ndim) if d not in axes]
    shape = _kept_shape(a.shape, axes)
    view = _view(a, kept, axes, arg)
    if view is None or _reduced_count(a.shape, axes) == 0:
        return None
    offset, keep, red = view
    return (op, acc, shape, (offset, (keep[0][0], keep[1][0]),
                             (keep[0][1], keep[1][1]), (red[0][0], red[1][0]),
                             (red[0][1], red[1][1])),
            _reduced_count(a.shape, axes))


def _along(fname, a, axis):
    """Result of fname(a, axis=axis) for the common call, or None."""
    if not a.flags.aligned:
        return None
    key = (fname, a.dtype, a.shape, a.strides, axis)
    try:
        plan = _AXIS_PLANS[key]
    except KeyError:
        plan = _axis_plan(fname, a, axis)
        if len(_AXIS_PLANS) >= _AXIS_PLANS_MAX:
            _AXIS_PLANS.clear()
        _AXIS_PLANS[key] = plan
    except TypeError:  # an unhashable axis (a list): the general path's
        return None
    if plan is None:
        return None
    op, acc, shape, view, count = plan
    return _finish_planned(fname, op, acc, a, _planned_result(fname, acc, shape),
                           view, count)


# ---- sum, prod, nansum ------------------------------------------------------

def _fold(fname, op, identity, a, axis, dtype, out, keepdims, initial, where):
    check_out(out, fname)
    arr = _input(a, fname)
    axes = _axes(axis, arr.ndim)
    if dtype is not None:
        acc = np.dtype(dtype)
    elif out is not None:
        acc = out.dtype
    else:
        acc = sum_dtype(arr.dtype)
    if acc == _F16:
        raise _ForNumPy
    init = None if initial is None else _initial(initial, acc)
    if op == "nansum" and arr.dtype.kind in "fc" and acc.kind != arr.dtype.kind:
        # NumPy's nansum: NaN (complex: either part) becomes 0, then the sum
        # casts to dtype, which may not hold the NaN (int, or real for
        # complex data).
        arr = np.where(np.isnan(arr), arr.dtype.type(0), arr)
        op = "sum"
    if op == "nansum" and arr.dtype.kind in "fc" and where is not True:
        arr = _masked(arr, where, 0)
    elif where is not True:
        arr = _masked(arr, where, identity)
    res = _sum_core(arr, axes, acc, op)
    if init is not None:
        res = (res + init) if op != "prod" else (res * init)
        res = np.asarray(res).astype(acc, copy=False)
    return _finish(res, arr.shape, axes, keepdims, out, fname)


@_numpy_fallback
def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
        where=True):
    """Sum of array elements over the given axes (parallel, pairwise).

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints, optional
        Axes to sum over (negative counts from the last); None: all.
    dtype : dtype, optional
        Accumulator and result type. Default as NumPy: bool and integers
        narrower than the platform integer accumulate in int64 (uint64 for
        unsigned); other types in their own type.
    out : ndarray, optional
        Where to put the result (shape of the result, any dtype).
    keepdims : bool, optional
        Keep the reduced axes as size-one dimensions.
    initial : scalar, optional
        Added to the sum.
    where : array_like of bool, optional
        Elements to include.

    Returns
    -------
    ndarray or scalar
        As :func:`numpy.sum`. The result does not depend on the number of
        threads.
    """
    return _fold("sum", "sum", 0, a, axis, dtype, out, keepdims, initial, where)


@_numpy_fallback
def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
         where=True):
    """Product of array elements over the given axes; see :func:`numpy.prod`.

    Parameters and dtype rules are those of :func:`sum`.
    """
    return _fold("prod", "prod", 1, a, axis, dtype, out, keepdims, initial, where)


@_numpy_fallback
def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None,
           where=True):
    """Sum treating NaNs as zero; see :func:`numpy.nansum`."""
    return _fold("nansum", "nansum", 0, a, axis, dtype, out, keepdims, initial,
                 where)


# ---- min, max, nanmin, nanmax -----------------------------------------------

def _extreme(fname, op, ufunc_name, a, axis, out, keepdims, initial, where):
    check_out(out, fname)
    arr = _input(a, fname)
    axes = _axes(axis, arr.ndim)
    if arr.dtype.kind not in "fc" and op.startswith("nan"):
        op = op[3:]
    init = None if initial is None else _initial(initial, arr.dtype)
    if where is not True:
        if initial is None:
            raise ValueError(
                f"reduction operation '{ufunc_name}' does not have an "
                "identity, so to use a where mask one has to specify 'initial'")
        arr = _masked(arr, where, init)
    kshape = _kept_shape(arr.shape, axes)
    if _reduced_count(arr.shape, axes) == 0:
        if initial is None:
            raise ValueError(
                f"zero-size array to reduction operation {ufunc_name} which "
                "has no identity")
        res = np.full(kshape, init, dtype=arr.dtype)
    else:
        res = _run(op, arr, axes, arr.dtype, arr.dtype)
        if init is not None:
            pick = {"max": np.maximum, "min": np.minimum,
                    "nanmax": np.fmax, "nanmin": np.fmin}[op]
            res = np.asarray(pick(res, init)).astype(arr.dtype, copy=False)
    if op.startswith("nan") and np.isnan(res).any():
        _warn("All-NaN slice encountered")
    return _finish(res, arr.shape, axes, keepdims, out, fname)


@_numpy_fallback
def max(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Maximum along the given axes; NaN propagates. See :func:`numpy.max`.

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints, optional
    out : ndarray, optional
    keepdims : bool, optional
    initial : scalar, optional
        Lower bound of the result; required for empty reductions and with
        `where`.
    where : array_like of bool, optional

    Raises
    ------
    ValueError
        Empty reduction without `initial`, as NumPy.
    """
    return _extreme("max", "max", "maximum", a, axis, out, keepdims, initial,
                    where)


@_numpy_fallback
def min(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Minimum along the given axes; NaN propagates. See :func:`max`."""
    return _extreme("min", "min", "minimum", a, axis, out, keepdims, initial,
                    where)


amax = max
amin = min


@_numpy_fallback
def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Maximum ignoring NaNs; all-NaN slices give NaN and a RuntimeWarning.
    See :func:`numpy.nanmax`."""
    return _extreme("nanmax", "nanmax", "fmax", a, axis, out, keepdims,
                    initial, where)


@_numpy_fallback
def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=True):
    """Minimum ignoring NaNs; see :func:`nanmax`."""
    return _extreme("nanmin", "nanmin", "fmin", a, axis, out, keepdims,
                    initial, where)


# ---- argmin, argmax ---------------------------------------------------------

def _arg(fname, op, a, axis, out, keepdims):
    check_out(out, fname)
    arr = _input(a, fname)
    if axis is None:
        axes = tuple(range(arr.ndim))
    else:
        axes = normalize_axis_tuple(operator.index(axis), arr.ndim)
    if _reduced_count(arr.shape, axes) == 0:
        raise ValueError(f"attempt to get {fname} of an empty sequence")
    res = _run(op, arr, axes, arr.dtype, np.intp, ordered=True)
    if out is not None and not np.can_cast(out.dtype, np.intp, "safe"):
        # NumPy's rule: out must be an integer type that casts safely to intp
        raise TypeError(f"pelx.{fname}: out must have an integer dtype "
                        f"that casts safely to {np.dtype(np.intp)}, got "
                        f"{out.dtype}")
    return _finish(res, arr.shape, axes, keepdims, out, fname)


@_numpy_fallback
def argmax(a, axis=None, out=None, *, keepdims=False):
    """Index of the first maximum (of the first NaN, if any) along an axis,
    into the flattened array when axis is None. See :func:`numpy.argmax`."""
    return _arg("argmax", "argmax", a, axis, out, keepdims)


@_numpy_fallback
def argmin(a, axis=None, out=None, *, keepdims=False):
    """Index of the first minimum (of the first NaN, if any); see
    :func:`argmax`."""
    return _arg("argmin", "argmin", a, axis, out, keepdims)


# ---- any, all -----------------------------------------------------------------

def _truth(fname, identity, a, axis, out, keepdims, where):
    check_out(out, fname)
    arr = _input(a, fname)
    axes = _axes(axis, arr.ndim)
    if where is not True:
        arr = _masked(arr, where, identity)
    if _reduced_count(arr.shape, axes) == 0:
        res = np.full(_kept_shape(arr.shape, axes), identity, dtype=bool)
    else:
        res = _run(fname, arr, axes, np.bool_, np.bool_)
    return _finish(res, arr.shape, axes, keepdims, out, fname)


@_numpy_fallback
def any(a, axis=None, out=None, keepdims=False, *, where=True):
    """Whether any element along the axes is true (non-zero; NaN is true).
    See :func:`numpy.any`."""
    return _truth("any", False, a, axis, out, keepdims, where)


@_numpy_fallback
def all(a, axis=None, out=None, keepdims=False, *, where=True):
    """Whether all elements along the axes are true; see :func:`numpy.all`."""
    return _truth("all", True, a, axis, out, keepdims, where)


# ---- mean, nanmean, var, std --------------------------------------------------

def _inexact_mean_dtype(dt, dtype):
    """_mean_dtype for mean, var and std. An integer or bool dtype= makes
    NumPy truncate the mean and cast the deviations at points of its own
    implementation: such calls are NumPy's."""
    mdt = mean_dtype(dt, dtype)
    if mdt.kind not in "fc" or mdt == _F16:
        raise _ForNumPy
    return mdt


def _divide(total, count, dt):
    """total / count in dt. Under the caller's np.errstate, as NumPy's mean
    and var divide: an empty slice gives NaN with NumPy's warning, or
    FloatingPointError under errstate(invalid="raise")."""
    q = np.true_divide(total, count)
    return np.asarray(q).astype(dt, copy=False)


@_numpy_fallback
def mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Arithmetic mean along the given axes; see :func:`numpy.mean`.

    Integers are averaged in float64, float32 in float32 (pairwise), unless
    `dtype` says otherwise. Empty slices give NaN with a RuntimeWarning.
    """
    check_out(out, "mean")
    arr = _input(a, "mean")
    axes = _axes(axis, arr.ndim)
    acc = _inexact_mean_dtype(arr.dtype, dtype)
    if where is not True:
        count = _where_count(where, arr.shape, axes)
        arr = _masked(arr, where, 0)
    else:
        count = _reduced_count(arr.shape, axes)
    if np.any(np.asarray(count) == 0):
        _warn("Mean of empty slice.")
    total = _sum_core(arr, axes, acc)
    res = _divide(total, count, acc)
    return _finish(res, arr.shape, axes, keepdims, out, "mean")


@_numpy_fallback
def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=True):
    """Mean ignoring NaNs; all-NaN slices give NaN and a RuntimeWarning.
    See :func:`numpy.nanmean`."""
    arr = _input(a, "nanmean")
    if arr.dtype.kind not in "fc":
        return mean(arr, axis, dtype, out, keepdims, where=where)
    check_out(out, "nanmean")
    axes = _axes(axis, arr.ndim)
    acc = mean_dtype(arr.dtype, dtype)
    if acc.kind not in "fc":
        raise TypeError("If a is inexact, then dtype must be inexact")
    if acc == _F16:
        raise _ForNumPy
    valid = np.asarray(~np.isnan(arr))  # an ndarray for 0-d input too
    if where is not True:
        valid &= np.asarray(where, dtype=bool)
        arr = _masked(arr, where, 0)
    total = _sum_core(arr, axes, acc, "nansum")
    count = _sum_core(valid, axes, np.dtype(np.int64))
    if np.any(count == 0):
        _warn("Mean of empty slice")
    with np.errstate(invalid="ignore", divide="ignore"):  # as NumPy's nanmean
        res = _divide(total, count, acc)
    return _finish(res, arr.shape, axes, keepdims, out, "nanmean")


def _var(fname, a, axis, dtype, out, ddof, keepdims, where, root):
    check_out(out, fname)
    arr = _input(a, fname)
    axes = _axes(axis, arr.ndim)
    mdt = _inexact_mean_dtype(arr.dtype, dtype)
    if arr.dtype.kind == "c" and mdt.kind != "c":
        raise _ForNumPy  # NumPy drops the imaginary parts, with a warning
    if dtype is not None and np.result_type(arr.dtype, mdt) != mdt:
        # NumPy takes the deviations in the promoted type (float64 for
        # int64 data and dtype=float32) and sums them in dtype: a mix of
        # precisions of its own implementation, so its own answer.
        raise _ForNumPy
    result_dt = None
    if mdt.kind == "c" and (dtype is not None or arr.dtype.kind != "c"):
        # NumPy sums the squared deviations in a complex dtype= (a complex
        # result, zero imaginary part). Real data has a real mean and real
        # deviations: computed in the real type.
        result_dt = mdt
        if arr.dtype.kind != "c":
            mdt = np.empty(0, mdt).real.dtype
    rdt = np.empty(0, mdt).real.dtype  # variance of complex is real
    # The dtype of the last division (NumPy's: complex 0/0 is nan+nanj).
    ddt = rdt if result_dt is None else result_dt
    kshape = _kept_shape(arr.shape, axes)
    K = _reduced_count(arr.shape, axes)
    if where is not True:
        count = _where_count(where, arr.shape, axes)
    else:
        count = np.full(kshape, K, dtype=np.int64)
    ddof = operator.index(ddof) if not isinstance(ddof, float) else ddof
    if np.any(count - ddof <= 0):
        _warn("Degrees of freedom <= 0 for slice")
    if K == 0 or np.prod(kshape) == 0:
        # NumPy divides here too (0 / 0): NaN, or its error under errstate.
        res = _divide(np.zeros(kshape, ddt), np.maximum(count - ddof, 0),
                      ddt)
    else:
        src = arr if where is True else _masked(arr, where, 0)
        mean_ = _divide(_sum_core(src, axes, mdt), count, mdt)
        if where is not True:
            # deviations of unselected elements must be exactly 0
            mk = mean_.reshape(_keepdims_shape(arr.shape, axes))
            src = np.where(np.asarray(where, dtype=bool), arr.astype(mdt), mk)
        if not _core._reduce_has_kernel("sumsqdev", src.dtype, rdt):
            src = src.astype(mdt)
        ssd = _run("sumsqdev", src, axes, rdt, rdt, aux=mean_.astype(mdt))
        res = _divide(ssd.astype(ddt, copy=False),
                      np.maximum(count - ddof, 0), ddt)
    if root:
        res = np.sqrt(res)
    return _finish(res, arr.shape, axes, keepdims, out, fname)


@_numpy_fallback
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
        where=True):
    """Variance along the given axes, two-pass (mean, then the pairwise sum
    of squared deviations); see :func:`numpy.var`.

    Parameters
    ----------
    a : array_like
    axis : None, int or tuple of ints, optional
    dtype : dtype, optional
        Type of the mean; default float64 for integers, else a's type.
    out : ndarray, optional
    ddof : int, optional
        Divisor is ``N - ddof``.
    keepdims : bool, optional
    where : array_like of bool, optional

    Returns
    -------
    ndarray or scalar
        Real for complex input.
    """
    return _var("var", a, axis, dtype, out, ddof, keepdims, where, False)


@_numpy_fallback
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *,
        where=True):
    """Standard deviation: ``sqrt(var(...))``; see :func:`var`."""
    return _var("std", a, axis, dtype, out, ddof, keepdims, where, True)


# ---- dot, vdot ------------------------------------------------------------------

def _dot1d(fname, op, a, b):
    rt = np.result_type(a, b)
    if rt.kind not in "biufc" or not _supported(rt):
        raise TypeError(f"pelx.{fname}: unsupported dtype {rt}; supported: "
                        f"{_SUPPORTED}")
    if a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape} not aligned: "
                         f"{a.shape[0]} (dim 0) != {b.shape[0]} (dim 0)")
    # integers: wrap-around products and sums in 64 bits, then narrowed,
    # give the same bits as NumPy's arithmetic in the result type
    work = {"b": np.int64, "i": np.int64, "u": np.uint64}.get(rt.kind, rt)
    work = np.dtype(work)
    if work.kind != "c":
        op = "dot"
    if a.size == 0:
        return rt.type(0)
    a = _input(a.astype(work, copy=False), fname)
    b = _input(b.astype(work, copy=False), fname)
    res = np.empty((), dtype=work)
    _core._reduce(op, a, work, res, 0, (1, 1), (0, 0), (1, a.shape[0]),
                  (0, a.strides[0]), None, b, 0, b.strides[0])
    if rt.kind == "b":
        return np.bool_(res != 0)
    return rt.type(res.astype(rt)[()])


@_numpy_fallback
def dot(a, b, out=None):
    """Dot product. 1-D inputs run on pelx (pairwise, deterministic); other
    shapes are handed to :func:`numpy.dot` (BLAS)."""
    a1, b1 = np.asarray(a), np.asarray(b)
    if a1.ndim != 1 or b1.ndim != 1:
        return np.dot(a, b, out) if out is not None else np.dot(a, b)
    res = _dot1d("dot", "dot", a1, b1)
    if out is not None:
        raise ValueError("pelx.dot: out= is only supported for non-1-D inputs "
                         "(as numpy.dot, which returns a scalar here)")
    return res


@_numpy_fallback
def vdot(a, b):
    """Dot product of the flattened inputs, conjugating the first; see
    :func:`numpy.vdot`."""
    a1, b1 = np.asarray(a).ravel(), np.asarray(b).ravel()
    if a1.size != b1.size:
        raise ValueError(f"pelx.vdot: inputs have {a1.size} and {b1.size} "
                         "elements; they must have the same size")
    return _dot1d("vdot", "vdot", a1, b1)
