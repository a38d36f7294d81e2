"""numexpr-compatible entry points: evaluate, re_evaluate, NumExpr."""
import math
import sys
import threading

import numpy as np

from .. import _core
from .._out import check_out
from .._overrides import overriding, refuse
from .._warn import warn
from .cache import LRUCache
from .compiler import check_dtype, compile_expression
from .parser import parse

__all__ = ["evaluate", "re_evaluate", "NumExpr", "program_cache",
           "parse_cache"]

#: Parsed trees by expression text.
parse_cache = LRUCache(256)
#: Compiled programs by (expression text, operand types).
program_cache = LRUCache(256)

_last = threading.local()  # re_evaluate: each thread's last evaluate()

_WEAK = (int, float, complex)
_ORDERS = ("K", "A", "C", "F")
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")


def _parsed(ex):
    if not isinstance(ex, str):
        raise TypeError(f"expression must be a str, not {type(ex).__name__}")
    return parse_cache.get_or_make(ex, lambda: parse(ex))


def _names(tree):
    names, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if node[0] == "var":
            names.add(node[1])
        elif node[0] == "op":
            stack.extend(node[2])
        elif node[0] == "reduce":
            stack.append(node[2])
    return tuple(sorted(names))


def _operand(name, value):
    """(value to pass, type for compiling): Python int/float/complex stay
    weak scalars (NEP 50), everything else becomes an array."""
    if type(value) in _WEAK:
        return value, type(value)
    if overriding(value):
        raise refuse("evaluate", name, value)
    arr = np.asarray(value)
    check_dtype(name, arr.dtype)
    return arr, arr.dtype


def _type_key(t):
    return t.str if isinstance(t, np.dtype) else t.__name__


def _lookup(names, local_dict, global_dict, depth):
    if local_dict is None or global_dict is None:
        frame = sys._getframe(depth + 1)
        try:
            if local_dict is None:
                local_dict = frame.f_locals
            if global_dict is None:
                global_dict = frame.f_globals
        finally:
            del frame
    values = {}
    for name in names:
        if name in local_dict:
            values[name] = local_dict[name]
        elif name in global_dict:
            values[name] = global_dict[name]
        else:
            raise NameError(f"name {name!r} is not defined")
    return values


def _check_options(order, casting):
    if order not in _ORDERS:
        raise ValueError(f"order must be one of {_ORDERS}, got {order!r}")
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {_CASTINGS}, got "
                         f"{casting!r}")


def _program(ex, tree, values):
    ops, types = {}, {}
    for name, value in values.items():
        ops[name], types[name] = _operand(name, value)
    key = (ex, tuple((n, _type_key(types[n])) for n in sorted(types)))
    prog = program_cache.get_or_make(
        key, lambda: compile_expression(tree, types))
    return prog, ops


def _run(prog, ops, out, order, casting):
    check_out(out, "evaluate")
    if overriding(out):
        raise refuse("evaluate", "out", out)
    if prog.capsule is None:  # no variables: the folded constant
        value = np.asarray(prog.constant)
        if prog.reduce is not None:
            value = np.asarray(getattr(np, prog.reduce[0])(
                value, axis=prog.reduce[1]))
        if out is None:
            return value
        np.copyto(out, value, casting=casting)
        return out
    arrays, dtypes = [], []
    for name, dt in prog.inputs:
        v = ops[name]
        arrays.append(np.array(v, dtype=dt) if type(v) in _WEAK else v)
        dtypes.append(dt)
    if prog.reduce is not None:
        result = _reduce(prog, arrays, dtypes, order)
        if out is None:
            return result
        np.copyto(out, result, casting=casting)
        return out
    rt = prog.result_dtype
    if out is not None:
        if not np.can_cast(rt, out.dtype, casting):
            raise TypeError(f"Cannot cast the expression's result from "
                            f"dtype('{rt}') to dtype('{out.dtype}') with "
                            f"casting rule {casting!r}")
        if not out.flags.writeable:
            raise ValueError("output array is read-only")
    arrays.append(out)
    dtypes.append(rt)
    res = _core.vm_evaluate(prog.capsule, tuple(arrays), tuple(dtypes), order)
    return out if out is not None else res


def _empty_reduction(kind, acc, shape):
    if kind in ("min", "max", "nanmin", "nanmax"):
        name = "maximum" if kind.endswith("max") else "minimum"
        raise ValueError(f"zero-size array to reduction operation {name} "
                         "which has no identity")
    fill = {"sum": 0, "nansum": 0, "mean": 0, "prod": 1, "any": False,
            "all": True}[kind]
    return np.full(shape, fill, dtype=acc)


def _reduce(prog, arrays, dtypes, order):
    kind, axis = prog.reduce
    op, src, acc = prog.reduce_kernel
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    if axis is None:
        count = math.prod(shape)
        outshape = ()
        # K order: the element order of pelx's own whole-array reductions
        moved, rowlen, order = tuple(arrays), 0, "K"
    else:
        nd = len(shape)
        if not -nd <= axis < nd:
            raise np.exceptions.AxisError(axis, nd)
        ax = axis % nd
        count = shape[ax]
        outshape = shape[:ax] + shape[ax + 1:]
        # the reduced axis last, in C order: row r is iterations
        # r*count .. r*count + count-1
        moved = tuple(np.moveaxis(np.broadcast_to(a, shape), ax, -1)
                      for a in arrays)
        rowlen, order = count, "C"
    if count == 0:
        value = _empty_reduction(kind, acc, outshape)
    else:
        value = np.empty(outshape, dtype=acc)
        if value.size:
            _core.vm_reduce(prog.capsule, moved, tuple(dtypes), order, op,
                            src, acc, rowlen, value.reshape(-1))
        if kind in ("nanmin", "nanmax") and acc.kind in "fc" and \
                np.isnan(value).any():
            warn("All-NaN slice encountered", RuntimeWarning)
    if kind == "mean":
        with np.errstate(invalid="warn", divide="warn"):
            value = np.asarray(np.true_divide(value, count)).astype(acc)
    return value


def evaluate(ex, local_dict=None, global_dict=None, out=None, order="K",
             casting="safe", _frame_depth=0):
    """Evaluate an array expression elementwise, fused and in parallel.

    Parameters
    ----------
    ex : str
        The expression: arithmetic ``+ - * / // % **``, comparisons,
        ``& | ^ ~ << >>`` (logical on bools, bitwise on integers), the
        functions of numexpr (``where``, ``sqrt``, ``sin``, ... ``abs``,
        ``real``, ``imag``, ``conj``, ``complex``) and, as the outermost
        operation, a reduction ``sum``, ``prod``, ``min``, ``max``,
        ``mean``, ``any``, ``all``, ``nansum``, ``nanmin`` or ``nanmax``
        with an optional ``axis``. A whole-array reduction gives the same
        bits as pelx's function of the same name applied to the
        expression's values (``pelx.sum`` & co.).
    local_dict, global_dict : dict, optional
        Where variables are looked up; by default the caller's locals and
        globals.
    out : ndarray, optional
        Where to write the result; its shape must be the broadcast shape.
    order : {'K', 'A', 'C', 'F'}, optional
        Memory layout of a newly allocated result.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        Which conversion of the result into `out` is allowed.

    Returns
    -------
    ndarray
        The result, NumPy's dtype and values (reductions give a 0-d array
        for ``axis=None``, like numexpr).

    Notes
    -----
    Types follow NumPy (NEP 50): Python scalars do not widen arrays
    (``2.0*a`` stays float32 for a float32 ``a``). ``x**k`` with a constant
    integer ``k`` (``|k| <= 64``) is computed by multiplications, which can
    differ from ``np.power`` by an ulp or two for floats.
    """
    _check_options(order, casting)
    tree = _parsed(ex)
    values = _lookup(_names(tree), local_dict, global_dict, _frame_depth + 1)
    prog, ops = _program(ex, tree, values)
    _last.state = (ex, tree, tuple(values))
    return _run(prog, ops, out, order, casting)


def re_evaluate(local_dict=None, global_dict=None, _frame_depth=0):
    """Evaluate the last expression passed to :func:`evaluate` in this
    thread again, with the variables' current values.

    Parameters
    ----------
    local_dict, global_dict : dict, optional
        As for :func:`evaluate`; by default the caller's frame.
    """
    state = getattr(_last, "state", None)
    if state is None:
        raise RuntimeError("re_evaluate() called before evaluate() in this "
                           "thread")
    ex, tree, names = state
    values = _lookup(names, local_dict, global_dict, _frame_depth + 1)
    prog, ops = _program(ex, tree, values)
    return _run(prog, ops, None, "K", "safe")


class NumExpr:
    """An expression compiled once, called many times with arrays.

    Parameters
    ----------
    ex : str
        The expression (see :func:`evaluate`).
    signature : sequence of (name, dtype), optional
        Fixes the input order and dtypes; arguments are converted to these
        dtypes ('safe' casting). Without it the inputs are the variable
        names in sorted order (as numexpr) and a program is compiled per
        distinct set of argument dtypes (cached).

    Notes
    -----
    The object is immutable: one instance may be called from many threads at
    the same time.
    """
    __slots__ = ("ex", "input_names", "_tree", "_signature", "_program")

    def __init__(self, ex, signature=None):
        tree = _parsed(ex)
        names = _names(tree)
        object.__setattr__(self, "ex", ex)
        object.__setattr__(self, "_tree", tree)
        sig, prog = None, None
        if signature is not None:
            sig = tuple((str(n), np.dtype(t)) for n, t in signature)
            if sorted(n for n, _ in sig) != sorted(names):
                raise ValueError(f"signature names {[n for n, _ in sig]} do "
                                 f"not match the expression's variables "
                                 f"{list(names)}")
            for n, t in sig:
                check_dtype(n, t)
            names = tuple(n for n, _ in sig)
            types = dict(sig)
            key = (ex, tuple((n, types[n].str) for n in sorted(types)))
            prog = program_cache.get_or_make(
                key, lambda: compile_expression(tree, types))
        object.__setattr__(self, "input_names", names)
        object.__setattr__(self, "_signature", sig)
        object.__setattr__(self, "_program", prog)

    def __setattr__(self, name, value):
        raise AttributeError("NumExpr objects are immutable")

    def __call__(self, *args, out=None, order="K", casting="safe", **kwargs):
        _check_options(order, casting)
        if len(args) > len(self.input_names):
            raise TypeError(f"expected at most {len(self.input_names)} "
                            f"arrays, got {len(args)}")
        values = dict(zip(self.input_names, args))
        for k, v in kwargs.items():
            if k not in self.input_names or k in values:
                raise TypeError(f"unexpected or repeated argument {k!r}")
            values[k] = v
        missing = [n for n in self.input_names if n not in values]
        if missing:
            raise TypeError(f"missing arrays for {missing}")
        if self._signature is None:
            prog, ops = _program(self.ex, self._tree, values)
            return _run(prog, ops, out, order, casting)
        ops = {}
        for name, dt in self._signature:
            arr = np.asarray(values[name])
            if not np.can_cast(arr.dtype, dt, "safe"):
                raise TypeError(f"argument {name!r} of dtype {arr.dtype} "
                                f"cannot be cast safely to the signature's "
                                f"{dt}")
            ops[name] = arr if arr.dtype == dt else arr.astype(dt)
        return _run(self._program, ops, out, order, casting)

    def __repr__(self):
        return f"NumExpr({self.ex!r})"
