"""pelx on Dask arrays: lazy graphs whose blocks are computed by pelx.

``pelx.dask`` mirrors pelx's API for ``dask.array.Array`` inputs:

* the elementwise functions (``pelx.dask.exp``, ``pelx.dask.add``, ...) and
  :func:`evaluate` build a ``blockwise`` graph (NumPy broadcasting, output
  dtype and ``meta`` worked out by pelx itself on one-element probes);
* the reductions (``sum``, ``mean``, ``var``, ``argmin``, ``nansum``, ...)
  build a ``dask.array.reduction`` tree (chunk, combine, aggregate), each
  step computed by pelx; the tree is fixed by the chunks and
  ``split_every``, so results are deterministic;
* :class:`PelxThreads` is a ``distributed`` worker plugin that sizes pelx's
  pool in every worker so that workers x Dask threads x pelx threads do not
  oversubscribe the machine.

Inputs that are not Dask arrays are passed straight to pelx (the result is
then a NumPy array, computed now). Nothing here is imported by ``import
pelx``; ``import pelx.dask`` needs ``dask[array]`` (and ``distributed`` for
the plugin).
"""
import ast
import builtins
import sys

import dask.array as da
import numpy as np
from dask.base import tokenize as _tokenize

import pelx

from ._dask_plugin import PelxThreads, worker_threads
from . import _dask_reductions
from ._dask_reductions import REDUCTIONS, dot

__all__ = ["evaluate", "PelxThreads", "worker_threads", "dot", "ELEMENTWISE"]

# Every elementwise operation pelx implements (NumPy names), plus NumPy's
# aliases; a function is made here for each one pelx exposes.
_ELEMENTWISE_CANDIDATES = (
    "add", "subtract", "multiply", "true_divide", "divide", "floor_divide",
    "remainder", "mod", "power", "negative", "positive", "absolute", "abs",
    "sign", "maximum", "minimum", "fmax", "fmin", "clip", "where", "equal",
    "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and",
    "bitwise_or", "bitwise_xor", "invert", "bitwise_not", "left_shift",
    "right_shift", "sqrt", "cbrt", "square", "reciprocal", "exp", "exp2",
    "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
    "arccos", "arctan", "arctan2", "sinh", "cosh", "tanh", "arcsinh",
    "arccosh", "arctanh", "hypot", "floor", "ceil", "trunc", "rint", "isnan",
    "isinf", "isfinite", "copysign", "real", "imag", "conjugate", "conj",
    "complex", "copy",
)


def _is_dask(x):
    return isinstance(x, da.Array)


def _probe(x):
    """A one-element NumPy stand-in for x with its dtype and ndim, to let
    pelx work out result dtypes; scalars stay as they are."""
    if _is_dask(x) or isinstance(x, np.ndarray):
        return np.ones((1,) * x.ndim, dtype=x.dtype)
    return x


def _meta_of(result):
    result = np.asarray(result)
    return np.empty((0,) * result.ndim, dtype=result.dtype)


def _blockwise(fn, args, meta, prefix, **kwargs):
    """``fn(*blocks, **kwargs)`` over the broadcast blocks of args.

    Arrays are indexed from their last dimension (NumPy broadcasting);
    ``align_arrays`` rechunks them to common chunks and reuses length-one
    dimensions for every block. Non-Dask arrays become one-chunk Dask
    arrays; scalars are passed as they are. The output name is a hash of
    everything, so equal calls give equal graphs."""
    ndim = builtins.max(np.ndim(a) for a in args)
    pairs = []
    for a in args:
        if _is_dask(a) or np.ndim(a) > 0:
            a = a if _is_dask(a) else da.asarray(a)
            pairs += [a, tuple(range(a.ndim))[::-1]]
        else:
            pairs += [a, None]
    name = f"{prefix}-{_tokenize(fn, *args, kwargs)}"
    return da.blockwise(fn, tuple(range(ndim))[::-1], *pairs, dtype=meta.dtype,
                        meta=meta, name=name, align_arrays=True, concatenate=True,
                        **kwargs)


def _elementwise(name):
    pelx_fn = getattr(pelx, name)

    def fn(*args, out=None, **kwargs):
        if not builtins.any(_is_dask(a) for a in args):
            return pelx_fn(*args, out=out, **kwargs) if out is not None \
                else pelx_fn(*args, **kwargs)
        if out is not None:
            raise TypeError(f"pelx.dask.{name}: out= is not supported with Dask "
                            "arrays (the result is a new lazy array)")
        with np.errstate(all="ignore"):
            meta = _meta_of(pelx_fn(*[_probe(a) for a in args], **kwargs))
        return _blockwise(pelx_fn, args, meta, f"pelx-{name}", **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"""Elementwise ``pelx.{name}`` over Dask arrays.

    Parameters
    ----------
    *args : dask.array.Array, array_like or scalar
        The operands, broadcast together with NumPy's rules. NumPy arrays
        are wrapped as one-chunk Dask arrays.
    out : None
        Only for NumPy inputs (a Dask result is always a new array).
    **kwargs
        Passed on to ``pelx.{name}`` for every block.

    Returns
    -------
    dask.array.Array
        Lazy result; each block is computed by ``pelx.{name}``. With no
        Dask input, ``pelx.{name}(*args, **kwargs)`` is returned directly.
    """
    return fn


ELEMENTWISE = tuple(n for n in _ELEMENTWISE_CANDIDATES if callable(getattr(pelx, n, None)))
for _name in ELEMENTWISE:
    globals()[_name] = _elementwise(_name)
for _name in REDUCTIONS:
    globals()[_name] = getattr(_dask_reductions, _name)
__all__ += list(ELEMENTWISE) + list(REDUCTIONS)
del _name

# ---- evaluate ----------------------------------------------------------------

# Reductions numexpr-style expressions may contain: a blockwise graph would
# reduce each block separately, so they are refused for Dask inputs.
_REDUCING_CALLS = {"sum", "prod", "min", "max", "mean", "any", "all"}


def _names(ex):
    """Variable names an expression reads (function names excluded)."""
    tree = ast.parse(ex, mode="eval")
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    calls = {n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    names = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and id(n) not in funcs and n.id not in names:
            names.append(n.id)
    return names, calls


def _evaluate_block(*blocks, ex, names, consts, order, casting):
    local = dict(consts)
    local.update(zip(names, blocks))
    return pelx.evaluate(ex, local_dict=local, global_dict={}, order=order,
                         casting=casting)


def evaluate(ex, local_dict=None, global_dict=None, out=None, order="K",
             casting="same_kind", _frame_depth=1):
    """Evaluate an expression lazily over Dask arrays, block by block.

    Same expression language and variable lookup as :func:`pelx.evaluate`
    (``local_dict``, then ``global_dict``, each defaulting to the caller's
    frame). If any variable is a Dask array the result is a lazy Dask array
    whose blocks are computed by ``pelx.evaluate``; otherwise this is
    ``pelx.evaluate`` itself.

    Parameters
    ----------
    ex : str
        The expression, e.g. ``"2*a + sin(b)"``.
    local_dict, global_dict : dict, optional
        Where variables are looked up (default: the caller's locals and
        globals).
    out : ndarray, optional
        Only without Dask inputs.
    order : {'C', 'F', 'A', 'K'}, optional
        Memory order of each block's result.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        As for :func:`pelx.evaluate` ('same_kind' by default).

    Returns
    -------
    dask.array.Array or ndarray

    Raises
    ------
    NotImplementedError
        If the expression contains a reduction (``sum(...)``, ...) and an
        input is a Dask array: reduce with :func:`pelx.dask.sum` & co.
        instead.
    KeyError
        If a variable is not found.
    """
    frame = sys._getframe(_frame_depth)
    try:
        names, calls = _names(ex)
        loc = frame.f_locals if local_dict is None else local_dict
        glob = frame.f_globals if global_dict is None else global_dict
        values = {}
        for n in names:
            if n in loc:
                values[n] = loc[n]
            elif n in glob:
                values[n] = glob[n]
    finally:
        del frame
    if not builtins.any(_is_dask(v) for v in values.values()):
        return pelx.evaluate(ex, local_dict=values, global_dict={}, out=out,
                             order=order, casting=casting)
    if out is not None:
        raise TypeError("pelx.dask.evaluate: out= is not supported with Dask arrays")
    reducing = sorted(calls & _REDUCING_CALLS)
    if reducing:
        raise NotImplementedError(
            f"pelx.dask.evaluate: {', '.join(reducing)}() inside an expression is "
            "not supported on Dask arrays; reduce the result with pelx.dask."
            f"{reducing[0]}(pelx.dask.evaluate(...)) instead")
    missing = [n for n in names if n not in values]
    if missing:
        raise KeyError(f"pelx.dask.evaluate: variable(s) not found: {', '.join(missing)}")
    arrays = {n: v for n, v in values.items() if np.ndim(v) > 0 or _is_dask(v)}
    consts = {n: v for n, v in values.items() if n not in arrays}
    order_names = list(arrays)
    with np.errstate(all="ignore"):
        probe = pelx.evaluate(ex, local_dict={**consts, **{n: _probe(v) for n, v in
                                                            arrays.items()}},
                              global_dict={}, order=order, casting=casting)
    meta = _meta_of(probe)
    return _blockwise(_evaluate_block, [arrays[n] for n in order_names], meta,
                      "pelx-evaluate", ex=ex, names=tuple(order_names), consts=consts,
                      order=order, casting=casting)
