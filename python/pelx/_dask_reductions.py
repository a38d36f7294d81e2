"""Reductions of ``pelx.dask``: ``dask.array.reduction`` trees whose chunk,
combine and aggregate steps are pelx reductions.

The tree is fixed by the array's chunks and ``split_every`` (never by the
scheduler), and every step is deterministic, so a result does not change
from one compute to the next. Moments (mean, var, std) carry ``(count, sum)``
or ``(count, mean, M2)`` per block and merge them with Chan et al.'s
pairwise update, the numerically stable way to combine variances.
"""
import builtins
import functools
import dask.array as da
import numpy as np
from dask.array.core import _concatenate2
from dask.utils import deepmap

import pelx

__all__ = ["REDUCTIONS", "dot"]


def _is_dask(x):
    return isinstance(x, da.Array)


def _probe(x):
    return np.ones((1,) * x.ndim, dtype=x.dtype)


# ---- sum, prod, min, max, any, all and their nan-versions -----------------

def _call(fn, x, axis=None, keepdims=False, **kw):
    # dask passes axis as a tuple; pelx takes what NumPy takes.
    return fn(x, axis=axis, keepdims=keepdims, **kw)


def _simple(name, takes_dtype):
    pelx_fn = getattr(pelx, name)

    def reduce(a, axis=None, dtype=None, keepdims=False, split_every=None, out=None):
        if not _is_dask(a):
            kw = {"dtype": dtype} if takes_dtype and dtype is not None else {}
            return pelx_fn(a, axis=axis, keepdims=keepdims, out=out, **kw)
        if out is not None:
            raise TypeError(f"pelx.dask.{name}: out= is not supported with Dask arrays")
        if dtype is not None and not takes_dtype:
            raise TypeError(f"pelx.dask.{name} takes no dtype")
        kw = {"dtype": dtype} if dtype is not None else {}
        with np.errstate(all="ignore"):
            rdt = np.asarray(pelx_fn(_probe(a), **kw)).dtype
        kw = {"dtype": rdt} if takes_dtype else {}
        step = functools.partial(_call, pelx_fn, **kw)
        return da.reduction(a, step, step, combine=step, axis=axis, keepdims=keepdims,
                            dtype=rdt, split_every=split_every,
                            name=f"pelx-{name}", meta=np.empty((), rdt))

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = f"""``pelx.{name}`` over a Dask array, as a reduction tree.

    Parameters
    ----------
    a : dask.array.Array or array_like
        Input. Without a Dask array this is ``pelx.{name}(a, ...)``.
    axis : None, int or tuple of ints, optional
        Axes to reduce (NumPy's meaning).
    dtype : data-type, optional
        {"Accumulator and result dtype (NumPy's meaning)." if takes_dtype else
         "Not accepted (as for NumPy)."}
    keepdims : bool, optional
        Keep reduced axes with length one.
    split_every : int or dict, optional
        Fan-in of the reduction tree (Dask's meaning).
    out : None
        Only for non-Dask inputs.

    Returns
    -------
    dask.array.Array
        Lazy result; every block and every combine step runs
        ``pelx.{name}``.
    """
    return reduce


# ---- mean, var, std (and nan-versions) ---------------------------------------

def _count(x, axis, nan):
    if nan:
        return pelx.sum(~np.isnan(x), axis=axis, keepdims=True, dtype=np.int64)
    n = int(np.prod([x.shape[a] for a in axis], dtype=np.int64))
    shape = tuple(1 if i in axis else s for i, s in enumerate(x.shape))
    return np.full(shape, n, dtype=np.int64)


def _moment_chunk(x, axis=None, keepdims=True, computing_meta=False, *, nan, order, acc):
    if computing_meta:  # dask probing the block type: blocks stay ndarrays
        return x
    with np.errstate(all="ignore"):
        n = _count(x, axis, nan)
        total = (pelx.nansum if nan else pelx.sum)(x, axis=axis, keepdims=True, dtype=acc)
        if order == 1:
            return {"n": n, "s": total}
        mean = total / np.where(n > 0, n, 1)
        var = (pelx.nanvar if nan else pelx.var)(x, axis=axis, keepdims=True, dtype=acc)
        m2 = np.where(n > 0, var * n, 0)
    return {"n": n, "mean": mean, "m2": m2}


def _gather(parts, key, axis):
    return _concatenate2(deepmap(lambda p: p[key], parts), axes=axis)


def _moment_combine(parts, axis=None, keepdims=True, computing_meta=False, *, order):
    if computing_meta:
        return parts
    ns = _gather(parts, "n", axis)
    n = pelx.sum(ns, axis=axis, keepdims=True)
    if order == 1:
        return {"n": n, "s": pelx.sum(_gather(parts, "s", axis), axis=axis, keepdims=True)}
    means, m2s = _gather(parts, "mean", axis), _gather(parts, "m2", axis)
    with np.errstate(all="ignore"):
        weighted = np.where(ns > 0, means * ns, 0)
        mean = pelx.sum(weighted, axis=axis, keepdims=True) / np.where(n > 0, n, 1)
        delta = np.where(ns > 0, means - mean, 0)
        sq = (delta * np.conj(delta)).real if np.iscomplexobj(delta) else delta * delta
        m2 = pelx.sum(np.where(ns > 0, m2s, 0) + ns * sq, axis=axis, keepdims=True)
    return {"n": n, "mean": mean, "m2": m2}


def _moment_agg(parts, axis=None, keepdims=False, computing_meta=False, *, order, ddof,
                root, rdt):
    if computing_meta:
        return parts
    r = _moment_combine(parts, axis=axis, keepdims=True, order=order)
    n = r["n"]
    if order == 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            res = r["s"] / n
        if np.any(n == 0):
            import warnings
            warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=2)
    else:
        dof = n - ddof
        if np.any(dof <= 0):
            import warnings
            warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        with np.errstate(invalid="ignore", divide="ignore"):
            res = r["m2"] / np.where(dof > 0, dof, np.nan)
        if root:
            res = np.sqrt(res)
    if not keepdims:
        res = np.squeeze(res, axis=axis)
    return np.asarray(res, dtype=rdt)


def _moment(name, order, nan, root=False):
    def reduce(a, axis=None, dtype=None, keepdims=False, ddof=0, split_every=None,
               out=None):
        pelx_fn = getattr(pelx, name)
        if not _is_dask(a):
            kw = {"dtype": dtype} if dtype is not None else {}
            if order == 2:
                kw["ddof"] = ddof
            return pelx_fn(a, axis=axis, keepdims=keepdims, out=out, **kw)
        if out is not None:
            raise TypeError(f"pelx.dask.{name}: out= is not supported with Dask arrays")
        if order == 1 and ddof != 0:
            raise TypeError(f"pelx.dask.{name} takes no ddof")
        with np.errstate(all="ignore"):
            rdt = np.asarray(pelx_fn(_probe(a), **({"dtype": dtype} if dtype else {}))).dtype
        # Accumulate in double precision at least (the result is cast back).
        acc = np.result_type(rdt, np.float64) if rdt.kind != "c" else np.complex128
        chunk = functools.partial(_moment_chunk, nan=nan, order=order, acc=acc)
        combine = functools.partial(_moment_combine, order=order)
        agg = functools.partial(_moment_agg, order=order, ddof=ddof, root=root, rdt=rdt)
        return da.reduction(a, chunk, agg, combine=combine, axis=axis, keepdims=keepdims,
                            dtype=rdt, split_every=split_every, concatenate=False,
                            name=f"pelx-{name}")

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = f"""``pelx.{name}`` over a Dask array, as a reduction tree.

    Each block contributes its count, sum{' and sum of squared deviations'
    if order == 2 else ''} (computed by pelx); blocks are merged pairwise
    (Chan et al.), so the result equals NumPy's up to rounding.

    Parameters
    ----------
    a : dask.array.Array or array_like
        Input. Without a Dask array this is ``pelx.{name}(a, ...)``.
    axis : None, int or tuple of ints, optional
        Axes to reduce.
    dtype : data-type, optional
        Result dtype (NumPy's default: float64 for integers).
    keepdims : bool, optional
        Keep reduced axes with length one.
    ddof : int, optional
        Delta degrees of freedom (var and std only).
    split_every : int or dict, optional
        Fan-in of the reduction tree.
    out : None
        Only for non-Dask inputs.

    Returns
    -------
    dask.array.Array
    """
    return reduce


# ---- argmin, argmax ------------------------------------------------------------

def _arg(name):
    from dask.array.reductions import arg_agg, arg_chunk, arg_combine, arg_reduction

    value_fn = {"argmin": "min", "argmax": "max", "nanargmin": "nanmin",
                "nanargmax": "nanmax"}[name]

    def reduce(a, axis=None, keepdims=False, split_every=None, out=None):
        argfn, valfn = getattr(pelx, name), getattr(pelx, value_fn)
        if not _is_dask(a):
            return argfn(a, axis=axis, keepdims=keepdims, out=out)
        if out is not None:
            raise TypeError(f"pelx.dask.{name}: out= is not supported with Dask arrays")
        # dask's generic arg-reduction driver (block offsets, value/index
        # pairs), with pelx doing the work on every block and merge.
        return arg_reduction(a, functools.partial(arg_chunk, valfn, argfn),
                             functools.partial(arg_combine, argfn),
                             functools.partial(arg_agg, argfn), axis=axis,
                             keepdims=keepdims, split_every=split_every)

    reduce.__name__ = reduce.__qualname__ = name
    reduce.__doc__ = f"""``pelx.{name}`` over a Dask array.

    Parameters
    ----------
    a : dask.array.Array or array_like
    axis : None or int, optional
        Axis along which to search (None: the flattened array).
    keepdims : bool, optional
    split_every : int or dict, optional
    out : None
        Only for non-Dask inputs.

    Returns
    -------
    dask.array.Array of int64
        Indices as NumPy's ``{name}`` gives them; the first occurrence wins.
    """
    return reduce


# ---- dot -----------------------------------------------------------------------

def _dot_block(x, y):
    return np.atleast_1d(pelx.dot(x, y))


def dot(a, b, out=None):
    """Dot product of two 1-D arrays, Dask or not.

    Parameters
    ----------
    a, b : dask.array.Array or array_like, 1-D
        Vectors of the same length (rechunked to common chunks if needed).
    out : None
        Only for non-Dask inputs.

    Returns
    -------
    dask.array.Array (0-d) or NumPy scalar
        Each pair of blocks is multiplied and summed by ``pelx.dot``; the
        partial sums are added by :func:`pelx.dask.sum`.

    Raises
    ------
    NotImplementedError
        For Dask inputs that are not both 1-D.
    """
    if not (_is_dask(a) or _is_dask(b)):
        return pelx.dot(a, b) if out is None else pelx.dot(a, b, out=out)
    if out is not None:
        raise TypeError("pelx.dask.dot: out= is not supported with Dask arrays")
    a, b = da.asarray(a), da.asarray(b)
    if a.ndim != 1 or b.ndim != 1:
        raise NotImplementedError("pelx.dask.dot supports 1-D x 1-D Dask arrays only, "
                                  f"got {a.ndim}-D and {b.ndim}-D")
    if a.shape != b.shape:
        raise ValueError(f"shapes {a.shape} and {b.shape} not aligned")
    a, b = da.core.unify_chunks(a, "i", b, "i")[1]
    rdt = np.asarray(pelx.dot(_probe(a), _probe(b))).dtype
    partials = da.map_blocks(_dot_block, a, b, chunks=((1,) * a.numblocks[0],),
                             dtype=rdt, token="pelx-dot")
    return pelx_dask_sum(partials)


_SIMPLE = {"sum": True, "prod": True, "min": False, "max": False, "any": False,
           "all": False, "nansum": True, "nanprod": True, "nanmin": False,
           "nanmax": False}
_MOMENTS = {"mean": (1, False, False), "var": (2, False, False), "std": (2, False, True),
            "nanmean": (1, True, False), "nanvar": (2, True, False),
            "nanstd": (2, True, True)}
_ARGS = ("argmin", "argmax", "nanargmin", "nanargmax")

def _available(*names):
    return builtins.all(callable(getattr(pelx, n, None)) for n in names)


_made = {}
for _n, _takes_dtype in _SIMPLE.items():
    if _available(_n):
        _made[_n] = _simple(_n, _takes_dtype)
for _n, (_order, _nan, _root) in _MOMENTS.items():
    # the blocks need the sum (and var) of the same nan-ness
    if _available(_n, "nansum" if _nan else "sum", *(("nanvar" if _nan else "var",)
                                                      if _order == 2 else ())):
        _made[_n] = _moment(_n, _order, _nan, _root)
for _n in _ARGS:
    if _available(_n, _n[3:] if _n.startswith("arg") else "nan" + _n[6:]):
        _made[_n] = _arg(_n)
pelx_dask_sum = _made["sum"]

#: Names of the reductions pelx.dask provides (those pelx itself has).
REDUCTIONS = tuple(_made)
globals().update(_made)
