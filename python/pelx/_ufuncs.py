"""Elementwise operations with NumPy's names, keywords and results, run on
pelx's thread pool with the GIL released.

Every function here is generated from ``_TABLE`` (one row per operation).
Type resolution is NumPy's own: the matching NumPy ufunc's
``resolve_dtypes`` picks the loop dtypes (NEP 50 promotion for Python
scalars included), then pelx runs its kernel for that loop dtype.

Supported loop dtypes: bool, int8, int16, int32, int64, uint8, uint16,
uint32, uint64, float32, float64, complex64, complex128 (each operation over
those dtypes NumPy has a loop for), and float16, which runs the float32 loop
and rounds the result to half precision as NumPy's half loops do. Other
dtypes (longdouble, object, strings, datetimes) raise TypeError.

Differences from NumPy ufuncs: these are functions, not ``numpy.ufunc``
objects (no ``.reduce``/``.outer``/``.at``); ``subok``/``signature`` are
not accepted. A call with an ndarray subclass (other than ``numpy.memmap``)
or an object overriding ``__array_ufunc__``/``__array_function__`` among
its operands is handed to NumPy whole, so masked arrays, matrices and
duck arrays keep their semantics (see ``pelx._overrides``).
"""
import numpy as np

from . import _core
from ._dtypes import SUPPORTED as _SUPPORTED
from ._overrides import first_overriding as _first_overriding
from ._warn import warn as _warn

_CASTINGS = frozenset(("no", "equiv", "safe", "same_kind", "unsafe"))
# The default keyword objects: the C fast path recognises defaults by
# identity, so the generated functions must use exactly these objects.
_SAME_KIND = "same_kind"
_KEEP = "K"

# name, NumPy ufunc name, accuracy ("exact" or "ulp": transcendental,
# within a few ULP of NumPy), summary line.
_TABLE = [
    ("add", "add", "exact", "Add arguments element-wise."),
    ("subtract", "subtract", "exact", "Subtract arguments element-wise."),
    ("multiply", "multiply", "exact", "Multiply arguments element-wise."),
    ("true_divide", "divide", "exact", "Divide arguments element-wise (true division)."),
    ("floor_divide", "floor_divide", "exact", "Largest integer smaller or equal to the division of the inputs."),
    ("remainder", "remainder", "exact", "Element-wise remainder of division, with the sign of the divisor."),
    ("power", "power", "ulp", "First array elements raised to powers from the second array, element-wise."),
    ("negative", "negative", "exact", "Numerical negative, element-wise."),
    ("positive", "positive", "exact", "Numerical positive (a copy), element-wise."),
    ("absolute", "absolute", "exact", "Absolute value element-wise."),
    ("sign", "sign", "exact", "Element-wise indication of the sign of a number."),
    ("maximum", "maximum", "exact", "Element-wise maximum of array elements; NaNs propagate."),
    ("minimum", "minimum", "exact", "Element-wise minimum of array elements; NaNs propagate."),
    ("fmax", "fmax", "exact", "Element-wise maximum of array elements; NaNs are ignored."),
    ("fmin", "fmin", "exact", "Element-wise minimum of array elements; NaNs are ignored."),
    ("equal", "equal", "exact", "Return (x1 == x2) element-wise."),
    ("not_equal", "not_equal", "exact", "Return (x1 != x2) element-wise."),
    ("less", "less", "exact", "Return the truth value of (x1 < x2) element-wise."),
    ("less_equal", "less_equal", "exact", "Return the truth value of (x1 <= x2) element-wise."),
    ("greater", "greater", "exact", "Return the truth value of (x1 > x2) element-wise."),
    ("greater_equal", "greater_equal", "exact", "Return the truth value of (x1 >= x2) element-wise."),
    ("logical_and", "logical_and", "exact", "Compute the truth value of x1 AND x2 element-wise."),
    ("logical_or", "logical_or", "exact", "Compute the truth value of x1 OR x2 element-wise."),
    ("logical_xor", "logical_xor", "exact", "Compute the truth value of x1 XOR x2 element-wise."),
    ("logical_not", "logical_not", "exact", "Compute the truth value of NOT x element-wise."),
    ("bitwise_and", "bitwise_and", "exact", "Compute the bit-wise AND of two arrays element-wise."),
    ("bitwise_or", "bitwise_or", "exact", "Compute the bit-wise OR of two arrays element-wise."),
    ("bitwise_xor", "bitwise_xor", "exact", "Compute the bit-wise XOR of two arrays element-wise."),
    ("invert", "invert", "exact", "Compute bit-wise inversion (bit-wise NOT) element-wise."),
    ("left_shift", "left_shift", "exact", "Shift the bits of an integer to the left."),
    ("right_shift", "right_shift", "exact", "Shift the bits of an integer to the right."),
    ("sqrt", "sqrt", "exact", "Return the non-negative square-root of an array, element-wise."),
    ("cbrt", "cbrt", "ulp", "Return the cube-root of an array, element-wise."),
    ("square", "square", "exact", "Return the element-wise square of the input."),
    ("reciprocal", "reciprocal", "exact", "Return the reciprocal of the argument, element-wise."),
    ("exp", "exp", "ulp", "Calculate the exponential of all elements in the input array."),
    ("exp2", "exp2", "ulp", "Calculate 2**p for all p in the input array."),
    ("expm1", "expm1", "ulp", "Calculate exp(x) - 1 for all elements in the array."),
    ("log", "log", "ulp", "Natural logarithm, element-wise."),
    ("log2", "log2", "ulp", "Base-2 logarithm of x."),
    ("log10", "log10", "ulp", "Return the base 10 logarithm of the input array, element-wise."),
    ("log1p", "log1p", "ulp", "Return the natural logarithm of one plus the input array, element-wise."),
    ("sin", "sin", "ulp", "Trigonometric sine, element-wise."),
    ("cos", "cos", "ulp", "Cosine element-wise."),
    ("tan", "tan", "ulp", "Compute tangent element-wise."),
    ("arcsin", "arcsin", "ulp", "Inverse sine, element-wise."),
    ("arccos", "arccos", "ulp", "Trigonometric inverse cosine, element-wise."),
    ("arctan", "arctan", "ulp", "Trigonometric inverse tangent, element-wise."),
    ("arctan2", "arctan2", "ulp", "Element-wise arc tangent of x1/x2 choosing the quadrant correctly."),
    ("sinh", "sinh", "ulp", "Hyperbolic sine, element-wise."),
    ("cosh", "cosh", "ulp", "Hyperbolic cosine, element-wise."),
    ("tanh", "tanh", "ulp", "Compute hyperbolic tangent element-wise."),
    ("arcsinh", "arcsinh", "ulp", "Inverse hyperbolic sine element-wise."),
    ("arccosh", "arccosh", "ulp", "Inverse hyperbolic cosine, element-wise."),
    ("arctanh", "arctanh", "ulp", "Inverse hyperbolic tangent element-wise."),
    ("hypot", "hypot", "ulp", "Given the legs of a right triangle, return its hypotenuse."),
    ("floor", "floor", "exact", "Return the floor of the input, element-wise."),
    ("ceil", "ceil", "exact", "Return the ceiling of the input, element-wise."),
    ("trunc", "trunc", "exact", "Return the truncated value of the input, element-wise."),
    ("rint", "rint", "exact", "Round elements of the array to the nearest integer."),
    ("isnan", "isnan", "exact", "Test element-wise for NaN and return result as a boolean array."),
    ("isinf", "isinf", "exact", "Test element-wise for positive or negative infinity."),
    ("isfinite", "isfinite", "exact", "Test element-wise for finiteness (not infinity and not NaN)."),
    ("copysign", "copysign", "exact", "Change the sign of x1 to that of x2, element-wise."),
]
# Other names for the same functions, as in NumPy.
_ALIASES = {"divide": "true_divide", "mod": "remainder", "abs": "absolute"}


class _Spec:
    """What the general path needs to know about one operation."""

    __slots__ = ("name", "op", "nin", "ufunc")

    def __init__(self, name, ufunc):
        self.name = name
        self.op, self.nin = _core.ufunc_ops[name]
        self.ufunc = ufunc


_SPECS = {}          # op index -> _Spec
_LOOP_CACHE = {}     # (op, input dtypes/types, out dtype, dtype, casting) -> plan
_LOOP_CACHE_MAX = 4096
_DTYPE_BY_NUM = {np.dtype(c).num: np.dtype(c) for c in np.typecodes["All"]}
_PY_SCALARS = (int, float, complex)
_F16 = np.dtype(np.float16)


def _is_py_type(t):
    # Identity, not ==: np.dtype("f8") == float is True.
    return t is int or t is float or t is complex



_F32 = np.dtype(np.float32)
_COMPARISONS = frozenset(
    ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"))
# The one pair of different input dtypes NumPy has comparison loops for.
_MIXED = {np.dtype(np.int64), np.dtype(np.uint64)}


def _unsupported(spec, loop):
    names = ", ".join(str(d) for d in loop)
    return TypeError(
        f"pelx.{spec.name}: no pelx loop for dtypes ({names}) chosen by "
        f"numpy.{spec.ufunc.__name__}; pelx supports {_SUPPORTED}")


def _resolve(spec, dtypes, out_dtype, dtype, casting):
    """NumPy's loop dtypes for these operands (raises NumPy's errors)."""
    kw = {"casting": casting}
    if dtype is not None:
        kw["signature"] = (None,) * spec.nin + (dtype,)
    if casting in ("no", "equiv") and any(map(_is_py_type, dtypes)):
        # NumPy 2.x's resolve_dtypes crashes where it should refuse a
        # Python scalar under these rules; a zero-size call of the ufunc
        # raises NumPy's error instead.
        spec.ufunc(*(d(0) if _is_py_type(d) else np.empty(0, d)
                     for d in dtypes),
                   out=None if out_dtype is None else np.empty(0, out_dtype),
                   **kw)
    return spec.ufunc.resolve_dtypes(tuple(dtypes) + (out_dtype,), **kw)


def _check_out(out):
    if type(out) is tuple:
        if len(out) != 1:
            raise ValueError(
                "The 'out' tuple must have exactly one entry per ufunc output")
        out = out[0]
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError("return arrays must be of ArrayType")
    return out


def _check_where(where, out):
    if where is True:
        return None
    where = np.asarray(where)
    if where.dtype != np.bool_ and not np.can_cast(where.dtype, np.bool_,
                                                   "safe"):
        raise TypeError(
            f"Cannot cast array data from {where.dtype!r} to "
            f"dtype('bool') according to the rule 'safe'")
    if out is None:
        _warn("'where' used without 'out', expect uninitialized memory in "
              "output. If this is intentional, use out=None.", UserWarning)
    return where


def _as_loop_scalar(x, dt):
    # A Python scalar takes the loop dtype (NEP 50): out-of-range Python
    # ints raise OverflowError exactly as in NumPy.
    return np.asarray(x, dtype=dt)


# How the general path runs one resolved call (cached per key):
_PLAN_RUN, _PLAN_HALF, _PLAN_MIXED = 0, 1, 2


def _plan(spec, key, dtypes, out_dtype, dtype, casting):
    """(kind, NumPy's loop dtypes, pelx loop dtype) for these operands."""
    plan = _LOOP_CACHE.get(key)
    if plan is not None:
        return plan
    loop = _resolve(spec, dtypes, out_dtype, dtype, casting)
    loop_dt = loop[0]
    kind = _PLAN_RUN
    if any(d != loop_dt for d in loop[1:spec.nin]):
        if spec.name not in _COMPARISONS or {loop[0], loop[1]} != _MIXED:
            raise _unsupported(spec, loop)
        kind = _PLAN_MIXED
    else:
        out_dt = loop[spec.nin]
        if loop_dt == _F16:
            # float16: NumPy's half loops compute in float32 and round the
            # result to half; the float32 loop plus a cast does the same.
            kind, loop_dt = _PLAN_HALF, _F32
            out_dt = _F32 if out_dt == _F16 else out_dt
        if not _has_loop(spec.op, loop_dt, out_dt):
            raise _unsupported(spec, loop)
    plan = (kind, loop, loop_dt)
    if len(_LOOP_CACHE) >= _LOOP_CACHE_MAX:
        _LOOP_CACHE.clear()
    _LOOP_CACHE[key] = plan
    return plan


def _general(op, inputs, out, where, casting, order, dtype):
    """Everything the C fast path does not take: any array_like, Python
    scalars, broadcasting, casting, out=/where=/dtype=/order=."""
    spec = _SPECS[op]
    if op not in _FAST_FILLED:
        _fill_fast_table(spec)
    if _first_overriding(inputs) is not None or _first_overriding(
            (out, where)) is not None:
        return _numpy_call(spec, inputs, out, where, casting, order, dtype)
    if out is not None:
        out = _check_out(out)
    if casting not in _CASTINGS:
        raise ValueError(
            "casting must be one of 'no', 'equiv', 'safe', 'same_kind', or "
            f"'unsafe' (got {casting!r})")
    arrays = []
    dtypes = []
    for x in inputs:
        t = type(x)
        if t is float or t is int or t is complex:
            dtypes.append(t)
            arrays.append(x)
        else:
            a = x if t is np.ndarray else np.asarray(x)
            dtypes.append(a.dtype)
            arrays.append(a)
    out_dtype = None if out is None else out.dtype
    if dtype is not None:
        dtype = np.dtype(dtype)  # hashable, and NumPy's error if invalid
    kind, loop, loop_dt = _plan(spec, (op, *dtypes, out_dtype, dtype,
                                       casting),
                                dtypes, out_dtype, dtype, casting)
    where = None if where is True else _check_where(where, out)
    if where is not None and out is not None:
        # Masked writes into an out that overlaps an operand: NumPy's answer
        # is as if the operands were read first. NpyIter's overlap copy of
        # out would be of the loop's output dtype (bool for a comparison
        # into a float out) and written back whole, masked-off elements
        # included; copies of the overlapping operands avoid it.
        arrays = [a.copy() if isinstance(a, np.ndarray)
                  and np.may_share_memory(a, out) else a for a in arrays]
        if np.may_share_memory(where, out):
            where = where.copy()
    if kind == _PLAN_RUN:
        if spec.name == "power" and loop_dt.kind == "i":
            _check_integer_exponents(arrays, where)
        return _exec_converted(spec, arrays, dtypes, loop_dt, out, where,
                               order, loop_dt)
    if kind == _PLAN_MIXED:
        # NumPy's exact int64/uint64 comparison loops (qQ->?, Qq->?).
        return _exec_converted(spec, arrays, dtypes, None, out, where, order,
                               (loop[0], loop[1]))
    return _exec_half(spec, arrays, dtypes, loop, out, where, order)


def _check_integer_exponents(operands, where):
    """NumPy's ValueError for a negative integer exponent among the elements
    the loop would see, raised before any element is written (NumPy's loop
    raises it after writing the elements before it; pelx's refused calls
    leave out= untouched)."""
    shape = np.broadcast(*operands).shape
    negative = np.broadcast_to(np.less(operands[1], 0), shape)
    if where is not None:
        negative = np.logical_and(negative, where)
    if np.any(negative):
        raise ValueError("Integers to negative integer powers are not "
                         "allowed.")


def _numpy_call(spec, inputs, out, where, casting, order, dtype):
    """The call handed to NumPy's ufunc, for operands whose own semantics
    (subclasses, __array_ufunc__ overrides) NumPy honours."""
    kw = {"casting": casting, "order": order}
    if out is not None:
        kw["out"] = out
    if where is not True:
        kw["where"] = where
    if dtype is not None:
        kw["dtype"] = dtype
    return spec.ufunc(*inputs, **kw)


def _exec_half(spec, arrays, dtypes, loop, out, where, order):
    """A call whose NumPy loop is float16 (e.g. exp of int8): NumPy rounds
    the inputs to half, computes in float32 and rounds the result to half
    before any cast to out's dtype. pelx does the same with its float32
    loop: inputs not exact in half are rounded first, and the result goes
    through a float16 array."""
    for i, t in enumerate(dtypes):
        if not _is_py_type(t) and t != _F16 and not _exact_in_half(t):
            arrays[i] = arrays[i].astype(_F16)
            dtypes[i] = _F16
    if loop[spec.nin] != _F16 or (out is not None and out.dtype == _F16):
        # A bool result (comparisons, isnan, ...), or out is float16: the
        # iterator rounds the float32 results into it.
        return _exec_converted(spec, arrays, dtypes, _F16, out, where, order,
                               _F32)
    half = _exec_converted(spec, arrays, dtypes, _F16, None, where, order,
                           _F32, alloc=_F16)
    if out is None:
        return half
    np.copyto(out, half, casting="unsafe",
              where=True if where is None else where)
    return out


def _exact_in_half(t):
    # Every bool, int8 and uint8 value is exact in float16 (11-bit
    # significand): the float32 loop reads the same value NumPy's half loop
    # would.
    return t.kind == "b" or (t.kind in "iu" and t.itemsize == 1)


def _exec_converted(spec, arrays, dtypes, scalar_dt, out, where, order,
                    loop_dt, alloc=None):
    """Python scalars take dtype scalar_dt, then op runs over loop_dt (a
    dtype, or an (int64, uint64) pair for mixed-sign comparisons); alloc:
    see _core.ufunc_exec."""
    op = spec.op
    for i, t in enumerate(dtypes):
        if _is_py_type(t):
            try:
                arrays[i] = _as_loop_scalar(arrays[i], scalar_dt)
            except OverflowError:
                other = arrays[1 - i] if spec.nin == 2 else None
                # NumPy answers these only for an integer array operand.
                if spec.name not in _COMPARISONS or not (
                        isinstance(other, np.ndarray)
                        and other.dtype.kind in "iu"):
                    raise
                return _out_of_range_compare(spec, arrays, i, scalar_dt, out,
                                             where, order)
    return _core.ufunc_exec(op, loop_dt, tuple(arrays), out, where, order,
                            alloc)


# Comparisons with a Python int outside the range of the array's integer
# dtype: NumPy answers them exactly (the int is larger or smaller than every
# element). The same answer comes from comparing with the dtype's max or min
# under a different operator, e.g. x < 1000 (int8) is x <= 127.
_ABOVE_MAX = {"less": "less_equal", "less_equal": "less_equal",
              "not_equal": "less_equal", "greater": "greater",
              "greater_equal": "greater", "equal": "greater"}
_BELOW_MIN = {"greater": "greater_equal", "greater_equal": "greater_equal",
              "not_equal": "greater_equal", "less": "less",
              "less_equal": "less", "equal": "less"}
_SWAPPED = {"less": "greater", "less_equal": "greater_equal",
            "greater": "less", "greater_equal": "less_equal",
            "equal": "equal", "not_equal": "not_equal"}


def _out_of_range_compare(spec, arrays, i, dt, out, where, order):
    if spec.nin != 2 or dt.kind not in "iu":
        raise OverflowError(f"Python integer {arrays[i]} out of bounds for {dt}")
    value, other = arrays[i], arrays[1 - i]
    name = spec.name if i == 1 else _SWAPPED[spec.name]
    info = np.iinfo(dt)
    if value > info.max:
        name, bound = _ABOVE_MAX[name], info.max
    else:
        name, bound = _BELOW_MIN[name], info.min
    if type(other) in _PY_SCALARS:
        other = _as_loop_scalar(other, dt)
    new = _SPECS[_core.ufunc_ops[name][0]]
    return _core.ufunc_exec(new.op, dt, (np.asarray(other),
                                         np.asarray(bound, dtype=dt)),
                            out, where, order, None)


def _fast_entry(spec, dt, form):
    """Whether NumPy runs its loop of dtype `dt` throughout for inputs of
    that dtype (form 0), or with input (form - 1) // 2 a Python float (form
    odd) or int (form even), and pelx has that loop with NumPy's output
    dtype: the C fast path may then take such calls."""
    dtypes = [dt] * spec.nin
    if form:
        dtypes[(form - 1) // 2] = float if form % 2 else int
    try:
        loop = spec.ufunc.resolve_dtypes(tuple(dtypes) + (None,))
    except (TypeError, ValueError):
        return False
    if any(d != dt for d in loop[:spec.nin]):
        return False
    if spec.name == "power" and dt.kind == "i":
        return False  # the general path checks the exponents first
    return _has_loop(spec.op, dt, loop[spec.nin])


_FAST_FILLED = set()


def _fill_fast_table(spec):
    """Hands the C fast path op's row: NumPy's type resolution for every
    (input dtype, form) it can see, decided here once."""
    _FAST_FILLED.add(spec.op)
    forms = _core.UFUNC_FAST_FORMS
    row = bytearray(_core.UFUNC_FAST_TYPES * forms)
    for num, dt in _DTYPE_BY_NUM.items():
        if num >= _core.UFUNC_FAST_TYPES:
            continue
        for form in range(1 + 2 * spec.nin):
            row[num * forms + form] = 1 if _fast_entry(spec, dt, form) else 255
    _core._ufunc_fast_table(spec.op, bytes(row))


def _has_loop(op, dt, out_dt):
    # (np.dtype("f8") == None is True: compare only real dtypes.)
    kout = _core.has_kernel(op, dt)
    return kout is not None and kout == out_dt


_DOC = """{summary}

Same as :func:`numpy.{npname}` (type promotion, broadcasting, keywords,
results), computed by pelx's thread pool with the GIL released; small
inputs run on the calling thread.

Parameters
----------
{params} : array_like
    Input {what}. Objects exporting the buffer protocol or ``__array__``
    and Python scalars are accepted.{bcast}
out : ndarray, None, or tuple of ndarray and None, optional
    A location into which the result is stored. If provided, it must have
    a shape that the inputs broadcast to and must be writeable; it may
    overlap the inputs (the result is NumPy's). If not provided or None, a
    freshly-allocated array is returned.
where : array_like of bool, optional
    Broadcast over the inputs. Where True, the `out` array is set to the
    result; elsewhere it keeps its value (undefined if `out` was not
    given).
casting : {{'no', 'equiv', 'safe', 'same_kind', 'unsafe'}}, optional
    Controls what kind of data casting may occur, as in NumPy.
order : {{'K', 'C', 'F', 'A'}}, optional
    Memory layout of an allocated output.
dtype : data-type, optional
    Overrides the dtype of the calculation and output, as in NumPy.

Returns
-------
y : ndarray or scalar
    The result, element-wise ({rtype}). This is a scalar if all inputs are
    scalars or 0-d and `out` is not given.

Raises
------
TypeError
    If NumPy has no loop for the input dtypes, if pelx has no loop for the
    dtype NumPy picks (supported: {supported}), or if a cast is not
    allowed by `casting`.
ValueError
    If the inputs and `out` do not broadcast or `out` is read-only.

See Also
--------
numpy.{npname}
"""

# The generated functions: the C fast path first; NotImplemented from it
# means the general path (_general) takes the call.
def _unary(op, call=_core.ufunc_call):
    def fn(x, /, out=None, *, where=True, casting=_SAME_KIND, order=_KEEP,
           dtype=None):
        r = call(op, out, where, casting, order, dtype, x)
        if r is NotImplemented:
            return _general(op, (x,), out, where, casting, order, dtype)
        return r
    return fn


def _binary(op, call=_core.ufunc_call):
    def fn(x1, x2, /, out=None, *, where=True, casting=_SAME_KIND,
           order=_KEEP, dtype=None):
        r = call(op, out, where, casting, order, dtype, x1, x2)
        if r is NotImplemented:
            return _general(op, (x1, x2), out, where, casting, order, dtype)
        return r
    return fn


def _rtype(ufunc):
    types = ufunc.types
    if all(t.endswith("?") for t in types if not t.startswith("O")):
        return "bool"
    return "NumPy's result dtype"


def _make(name, npname, accuracy, summary):
    ufunc = getattr(np, npname)
    spec = _Spec(name, ufunc)
    _SPECS[spec.op] = spec
    params = "x" if spec.nin == 1 else ", ".join(
        f"x{i + 1}" for i in range(spec.nin))
    fn = {1: _unary, 2: _binary}[spec.nin](spec.op)
    fn.__module__ = "pelx"
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = _DOC.format(
        summary=summary, npname=npname, params=params,
        what="array" if spec.nin == 1 else "arrays",
        bcast="" if spec.nin == 1 else
        " They must be broadcastable to a common shape.",
        rtype=_rtype(ufunc), supported=_SUPPORTED)
    fn._pelx_accuracy = accuracy
    return fn


__all__ = []
for _row in _TABLE:
    globals()[_row[0]] = _make(*_row)
    __all__.append(_row[0])
for _alias, _target in _ALIASES.items():
    globals()[_alias] = globals()[_target]
    __all__.append(_alias)
del _row, _alias, _target

# clip and where are not NumPy ufuncs: written out below, on the same path.
_CLIP = _Spec("clip", np._core.umath.clip)
_SPECS[_CLIP.op] = _CLIP
_WHERE_OP = _core.ufunc_ops["where"][0]


def clip(a, a_min=None, a_max=None, /, out=None, *, min=None, max=None,
         where=True, casting=_SAME_KIND, order=_KEEP, dtype=None):
    """Clip (limit) the values in an array.

    Same as :func:`numpy.clip`: values below `a_min` become `a_min`, values
    above `a_max` become `a_max`; NaN propagates. Computed on pelx's pool.

    Parameters
    ----------
    a : array_like
        Array containing elements to clip.
    a_min, a_max : array_like or None
        Minimum and maximum value (broadcast against `a`). Either may be
        None (no bound on that side). Also accepted as the keywords `min`
        and `max`.
    out : ndarray, optional
        Where to store the result (may be `a` itself).
    where, casting, order, dtype
        As for the other pelx elementwise functions (see :func:`pelx.add`).

    Returns
    -------
    clipped : ndarray or scalar
        `a` with its elements clipped.

    Raises
    ------
    ValueError
        If a bound is given both positionally and by keyword.
    TypeError
        For dtypes pelx has no loop for (supported: bool, integers,
        float32/64, complex64/128).

    See Also
    --------
    numpy.clip, maximum, minimum
    """
    if _first_overriding((a, a_min, a_max, out, min, max, where)) is not None:
        kw = {"casting": casting, "order": order}
        for key, value in (("out", out), ("min", min), ("max", max),
                           ("dtype", dtype)):
            if value is not None:
                kw[key] = value
        if where is not True:
            kw["where"] = where
        return np.clip(a, a_min, a_max, **kw)
    if min is not None:
        if a_min is not None:
            raise ValueError("Passed more than one argument for 'min'")
        a_min = min
    if max is not None:
        if a_max is not None:
            raise ValueError("Passed more than one argument for 'max'")
        a_max = max
    if type(a) not in _PY_SCALARS:
        a = np.asarray(a)
        if a.dtype.kind in "iu":
            # Python ints beyond the dtype's range bound nothing (NEP 50:
            # no value-based promotion), as numpy.clip does.
            info = np.iinfo(a.dtype)
            if type(a_min) is int and a_min <= info.min:
                a_min = None
            if type(a_max) is int and a_max >= info.max:
                a_max = None
    kw = dict(out=out, where=where, casting=casting, order=order,
              dtype=dtype)
    if a_min is None and a_max is None:
        return positive(a, **kw)
    if a_min is None:
        return minimum(a, a_max, **kw)
    if a_max is None:
        return maximum(a, a_min, **kw)
    r = _core.ufunc_call(_CLIP.op, out, where, casting, order, dtype, a,
                         a_min, a_max)
    if r is NotImplemented:
        return _general(_CLIP.op, (a, a_min, a_max), out, where, casting,
                        order, dtype)
    return r


def where(condition, x=None, y=None, /):
    """Return elements chosen from `x` or `y` depending on `condition`.

    Same as :func:`numpy.where`: the result has the dtype
    ``numpy.result_type(x, y)`` (NEP 50 rules for Python scalars) and the
    broadcast shape of the three arguments. With only `condition`, returns
    ``numpy.nonzero(condition)``.

    Parameters
    ----------
    condition : array_like
        Where True (non-zero), take `x`, otherwise `y`.
    x, y : array_like
        Values to choose from; broadcast against `condition`.

    Returns
    -------
    out : ndarray
        An array with elements from `x` where `condition` is True, and
        elements from `y` elsewhere.

    Raises
    ------
    ValueError
        If only one of `x` and `y` is given.
    TypeError
        If the result dtype is not one pelx supports.

    See Also
    --------
    numpy.where
    """
    if x is None and y is None:
        return np.nonzero(condition)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
    if _first_overriding((condition, x, y)) is not None:
        return np.where(condition, x, y)
    cond = np.asarray(condition)
    xs = [v if type(v) in _PY_SCALARS else np.asarray(v) for v in (x, y)]
    dt = np.result_type(*xs)
    if _core.has_kernel(_WHERE_OP, dt) is None:
        raise TypeError(f"pelx.where: dtype {dt} is not supported; pelx "
                        f"supports {_SUPPORTED}")
    xs = [np.asarray(v, dtype=dt) if type(v) in _PY_SCALARS else v
          for v in xs]
    res = _core.ufunc_exec(_WHERE_OP, dt, (cond, *xs), None, None, _KEEP,
                           None)
    return res if isinstance(res, np.ndarray) else np.asarray(res)


__all__ += ["clip", "where"]

_core._ufunc_defaults(_SAME_KIND, _KEEP)
