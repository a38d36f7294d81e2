"""numexpr-compatible entry points: evaluate, validate, re_evaluate,
NumExpr."""
import math
import sys
import threading
import weakref

import numpy as np

from .. import _core
from .._out import check_out
from .._overrides import overriding, refuse
from .._warn import warn
from .bytes_eval import BytesLiteral, evaluate_bytes
from .cache import LRUCache
from .compiler import check_dtype, compile_expression
from .parser import parse

__all__ = ["evaluate", "validate", "re_evaluate", "NumExpr",
           "program_cache", "parse_cache"]

#: (parsed tree, variable names) by expression text.
parse_cache = LRUCache(256)
#: Compiled programs by (expression text, operand types).
program_cache = LRUCache(256)

_last = threading.local()  # re_evaluate: each thread's last evaluate()

_WEAK = (int, float, complex)
_ORDERS = ("K", "A", "C", "F")
_CASTINGS = ("no", "equiv", "safe", "same_kind", "unsafe")
#: numexpr's compiler options: accepted and checked. pelx compiles every
#: expression the same way (its optimizations keep NumPy's values), and
#: ``/`` is true division as in Python 3 (numexpr's truediv=False gives
#: true division too).
_NUMEXPR_OPTIONS = {"optimization": ("none", "moderate", "aggressive"),
                    "truediv": (False, True, "auto")}


class UndefinedVariableError(NameError, KeyError):
    """A variable of the expression is in neither dictionary: a NameError,
    and the KeyError numexpr raises."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0])


def _check_numexpr_options(sanitize, optimization, truediv, kwargs):
    """numexpr's keywords: ValueError for unknown names and values, as
    numexpr. `sanitize` (and numexpr's NUMEXPR_SANITIZE, which None would
    read) changes nothing: pelx's parser never evaluates the text, so every
    setting accepts and refuses the same expressions."""
    if kwargs:
        raise ValueError(f"Unknown keyword argument {next(iter(kwargs))!r}")
    if optimization == "aggressive" and truediv == "auto" and sanitize is None:
        return  # the defaults
    for name, value in (("optimization", optimization), ("truediv", truediv)):
        allowed = _NUMEXPR_OPTIONS[name]
        if not (isinstance(value, (bool, str)) and value in allowed):
            raise ValueError(f"{name!r} must be one of {allowed}")
    if sanitize is not None and not isinstance(sanitize, (bool, int)):
        raise TypeError(f"sanitize must be a bool or None, not "
                        f"{type(sanitize).__name__}")


def _parsed(ex, cached=True):
    """(tree, variable names in sorted order) of expression text `ex`."""
    if not isinstance(ex, str):
        raise TypeError(f"expression must be a str, not {type(ex).__name__}")
    if not cached:
        tree = parse(ex)
        return tree, _names(tree)
    return parse_cache.get_or_make(ex, lambda: _parsed(ex, cached=False))


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
    weak scalars (NEP 50), everything else becomes an array; the type is
    None for bytes."""
    if type(value) in _WEAK:
        return value, type(value)
    if overriding(value):
        raise refuse("evaluate", name, value)
    arr = np.asarray(value)
    kind = arr.dtype.kind
    if kind == "S":
        return arr, None  # bytes: see _program
    if kind == "U":
        raise ValueError(f"variable {name!r} is a str array (dtype "
                         f"{arr.dtype}): expressions take bytes (dtype S), "
                         "as numexpr")
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
            raise UndefinedVariableError(f"name {name!r} is not defined")
    return values


def _check_options(order, casting):
    if order not in _ORDERS:
        raise ValueError(f"order must be one of {_ORDERS}, got {order!r}")
    if casting not in _CASTINGS:
        raise ValueError(f"casting must be one of {_CASTINGS}, got "
                         f"{casting!r}")


def _program(ex, tree, values, cached=True):
    """(program, operands), or (None, values) for an expression over bytes
    (run by bytes_eval)."""
    ops, types = {}, {}
    for name, value in values.items():
        op, t = _operand(name, value)
        if t is None:  # bytes
            return None, values
        ops[name], types[name] = op, t
    try:
        if not cached:
            return compile_expression(tree, types), ops
        key = (ex, tuple((n, _type_key(types[n])) for n in sorted(types)))
        prog = program_cache.get_or_make(
            key, lambda: compile_expression(tree, types))
    except BytesLiteral:
        return None, values
    return prog, ops


def _copy_out(value, out, casting):
    if out is None:
        return value
    np.copyto(out, value, casting=casting)
    return out


def _check_result_out(prog, out, casting):
    """out= as evaluate takes it: an ndarray (not an override), writeable,
    and the result's dtype castable into it under `casting`."""
    check_out(out, "evaluate")
    if out is None:
        return
    if overriding(out):
        raise refuse("evaluate", "out", out)
    if prog is None or prog.capsule is None or prog.reduce is not None:
        return  # np.copyto checks these
    rt = prog.result_dtype
    if not np.can_cast(rt, out.dtype, casting):
        raise TypeError(f"Cannot cast the expression's result from "
                        f"dtype('{rt}') to dtype('{out.dtype}') with "
                        f"casting rule {casting!r}")
    if not out.flags.writeable:
        raise ValueError("output array is read-only")


def _run(prog, ops, out, order, casting, tree=None):
    _check_result_out(prog, out, casting)
    return _execute(prog, ops, out, order, casting, tree)


def _execute(prog, ops, out, order, casting, tree):
    """Runs a program whose out= _check_result_out accepted."""
    if prog is None:  # bytes: NumPy, operation by operation
        return _copy_out(evaluate_bytes(tree, ops), out, casting)
    if prog.capsule is None:  # no variables: the folded constant
        value = np.asarray(prog.constant)
        if prog.reduce is not None:
            value = np.asarray(getattr(np, prog.reduce[0])(
                value, axis=prog.reduce[1]))
        return _copy_out(value, out, casting)
    arrays, dtypes = [], []
    for name, dt in prog.inputs:
        v = ops[name]
        arrays.append(np.array(v, dtype=dt) if type(v) in _WEAK else v)
        dtypes.append(dt)
    if prog.reduce is not None:
        return _copy_out(_reduce(prog, arrays, dtypes, order), out, casting)
    arrays.append(out)
    dtypes.append(prog.result_dtype)
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


def _prepare(ex, local_dict, global_dict, order, casting, sanitize,
             disable_cache, options, depth):
    """Everything but the run: (program, operands, tree, names). options:
    (optimization, truediv, other keywords)."""
    _check_options(order, casting)
    _check_numexpr_options(sanitize, *options)
    tree, names = _parsed(ex, cached=not disable_cache)
    values = _lookup(names, local_dict, global_dict, depth + 1)
    prog, ops = _program(ex, tree, values, cached=not disable_cache)
    return prog, ops, tree, names


def _remember(ex, tree, names, out, order, casting):
    """What re_evaluate() runs again; `out` is held weakly (as numexpr)."""
    _last.state = (ex, tree, names, None if out is None else weakref.ref(out),
                   order, casting)


def evaluate(ex, local_dict=None, global_dict=None, out=None, order="K",
             casting="same_kind", sanitize=None, _frame_depth=0,
             disable_cache=False, *, optimization="aggressive",
             truediv="auto", **kwargs):
    """Evaluate an array expression elementwise, fused and in parallel.

    Parameters
    ----------
    ex : str
        The expression: arithmetic ``+ - * / // % **``, comparisons,
        ``& | ^ ~ << >>`` (logical on bools, bitwise on integers), the
        functions of numexpr (``where``, ``sqrt``, ``sin``, ... ``abs``,
        ``real``, ``imag``, ``conj``, ``complex``, ``round``, ``contains``),
        the selectors ``.real`` and ``.imag``, and, as the outermost
        operation, a reduction ``sum``, ``prod``, ``min``, ``max``,
        ``mean``, ``any``, ``all``, ``nansum``, ``nanmin`` or ``nanmax``
        with an optional ``axis`` (an integer or None). A whole-array
        reduction gives the same bits as pelx's function of the same name
        applied to the expression's values (``pelx.sum`` & co.).
    local_dict, global_dict : dict, optional
        Where variables are looked up; by default the caller's locals and
        globals.
    out : ndarray, optional
        Where to write the result; its shape must be the broadcast shape.
    order : {'K', 'A', 'C', 'F'}, optional
        Memory layout of a newly allocated result.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        Which conversion of the result into `out` is allowed; 'same_kind'
        by default, as numexpr (float64 into a float32 `out` is allowed).
    sanitize : bool or None, optional
        numexpr's switch for its text checks (None: numexpr reads
        ``NUMEXPR_SANITIZE``). Accepted; pelx's parser never evaluates the
        text, so it refuses the same constructs whatever the setting.
    disable_cache : bool, optional
        Parse and compile afresh, and do not record the call for
        :func:`re_evaluate`.
    optimization : {'none', 'moderate', 'aggressive'}, optional
    truediv : {False, True, 'auto'}, optional
        numexpr's compiler options, accepted and checked; pelx compiles
        the same way for all of them, and ``/`` is true division.

    Returns
    -------
    ndarray
        The result, NumPy's dtype and values (reductions give a 0-d array
        for ``axis=None``, like numexpr).

    Raises
    ------
    pelx.expr.ExpressionError
        (a SyntaxError and a ValueError, as numexpr's) for text outside the
        language; a TypeError as well for ``and``/``or``/``not``.
    NameError
        (also numexpr's KeyError) for a variable in neither dictionary.

    Notes
    -----
    Bytes (``S`` arrays and bytes literals) can be compared and searched
    (``contains(haystack, needle)``); such expressions run with NumPy.
    Types follow NumPy (NEP 50): Python scalars do not widen arrays
    (``2.0*a`` stays float32 for a float32 ``a``). ``x**k`` with a constant
    integer ``k`` (``|k| <= 64``) is computed by multiplications, which can
    differ from ``np.power`` by an ulp or two for floats.
    """
    prog, ops, tree, names = _prepare(
        ex, local_dict, global_dict, order, casting, sanitize,
        disable_cache, (optimization, truediv, kwargs), _frame_depth + 1)
    _check_result_out(prog, out, casting)
    if not disable_cache:
        _remember(ex, tree, names, out, order, casting)
    return _execute(prog, ops, out, order, casting, tree)


def validate(ex, local_dict=None, global_dict=None, out=None, order="K",
             casting="safe", _frame_depth=0, sanitize=None, *,
             optimization="aggressive", truediv="auto", **kwargs):
    """Check expression `ex` with its variables and options as
    :func:`evaluate` would, without running it.

    Returns None when :func:`evaluate` would accept the call, and records
    it: :func:`re_evaluate` then runs it. Otherwise returns the exception
    that :func:`evaluate` would raise (it is not raised). The options are
    :func:`evaluate`'s; `casting` defaults to 'safe', as numexpr's
    ``validate``.
    """
    try:
        prog, ops, tree, names = _prepare(
            ex, local_dict, global_dict, order, casting, sanitize,
            False, (optimization, truediv, kwargs), _frame_depth + 1)
        _check_result_out(prog, out, casting)
    except Exception as e:  # noqa: BLE001 - returned, as numexpr's validate
        return e
    _remember(ex, tree, names, out, order, casting)
    return None


def re_evaluate(local_dict=None, global_dict=None, _frame_depth=0):
    """Run the last expression passed to :func:`evaluate` (or accepted by
    :func:`validate`) in this thread again, with the variables' current
    values and the same `out`, `order` and `casting`.

    Parameters
    ----------
    local_dict, global_dict : dict, optional
        As for :func:`evaluate`; by default the caller's frame.

    Returns
    -------
    ndarray
        The previous call's `out` (written again) if it had one and it is
        still alive, else a new array.
    """
    state = getattr(_last, "state", None)
    if state is None:
        raise RuntimeError("re_evaluate() called before evaluate() in this "
                           "thread")
    ex, tree, names, out_ref, order, casting = state
    values = _lookup(names, local_dict, global_dict, _frame_depth + 1)
    prog, ops = _program(ex, tree, values)
    out = None if out_ref is None else out_ref()
    return _run(prog, ops, out, order, casting, tree)


class NumExpr:
    """An expression compiled once, called many times with arrays.

    Parameters
    ----------
    ex : str
        The expression (see :func:`evaluate`).
    signature : sequence of (name, dtype), optional
        Fixes the input order and dtypes (an empty one, numexpr's default,
        is none); arguments are converted to these dtypes ('safe'
        casting). Without it the inputs are the variable
        names in sorted order (as numexpr) and a program is compiled per
        distinct set of argument dtypes (cached).
    sanitize, optimization, truediv
        numexpr's options, accepted and checked as by :func:`evaluate`.

    Notes
    -----
    The object is immutable: one instance may be called from many threads at
    the same time.
    """
    __slots__ = ("ex", "input_names", "_tree", "_signature", "_program")

    def __init__(self, ex, signature=None, sanitize=True, *,
                 optimization="aggressive", truediv="auto", **kwargs):
        _check_numexpr_options(sanitize, optimization, truediv, kwargs)
        if signature is not None and len(signature) == 0:
            signature = None  # numexpr's default, ()
        tree, names = _parsed(ex)
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

    #: numexpr's name for a call
    run = __call__

    def __repr__(self):
        return f"NumExpr({self.ex!r})"
