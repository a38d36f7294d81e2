"""Differential fuzzing of pelx's elementwise functions against NumPy.

Each example draws an operation, operand dtypes (arrays or Python scalars),
shapes that broadcast, awkward strides and edge values, then checks that pelx
gives NumPy's answer -- or NumPy's kind of exception when NumPy refuses. A
second part checks `out=` that overlaps an input, and that the thread count
never changes a result.
"""
import functools

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import pelx
from pelx_oracle import assert_exact, assert_ulp
from pelx_strategies import (ALL_DTYPES, arrays, broadcastable_shape, budget,
                             shapes, views)

# (name, number of inputs, agreement). "exact": correctly rounded or exact
# operations, bit-identical to NumPy. "ulp": libm-class functions, 4 ULP.
OPS = [
    ("add", 2, "exact"), ("subtract", 2, "exact"), ("multiply", 2, "exact"),
    ("true_divide", 2, "exact"), ("floor_divide", 2, "exact"),
    ("remainder", 2, "exact"), ("power", 2, "ulp"),
    ("negative", 1, "exact"), ("absolute", 1, "exact"), ("sign", 1, "exact"),
    ("maximum", 2, "exact"), ("minimum", 2, "exact"), ("fmax", 2, "exact"),
    ("fmin", 2, "exact"),
    ("equal", 2, "exact"), ("not_equal", 2, "exact"), ("less", 2, "exact"),
    ("less_equal", 2, "exact"), ("greater", 2, "exact"),
    ("greater_equal", 2, "exact"),
    ("logical_and", 2, "exact"), ("logical_or", 2, "exact"),
    ("logical_xor", 2, "exact"), ("logical_not", 1, "exact"),
    ("bitwise_and", 2, "exact"), ("bitwise_or", 2, "exact"),
    ("bitwise_xor", 2, "exact"), ("invert", 1, "exact"),
    ("left_shift", 2, "exact"), ("right_shift", 2, "exact"),
    ("sqrt", 1, "exact"), ("cbrt", 1, "ulp"), ("exp", 1, "ulp"),
    ("exp2", 1, "ulp"), ("expm1", 1, "ulp"), ("log", 1, "ulp"),
    ("log2", 1, "ulp"), ("log10", 1, "ulp"), ("log1p", 1, "ulp"),
    ("sin", 1, "ulp"), ("cos", 1, "ulp"), ("tan", 1, "ulp"),
    ("arcsin", 1, "ulp"), ("arccos", 1, "ulp"), ("arctan", 1, "ulp"),
    ("arctan2", 2, "ulp"), ("sinh", 1, "ulp"), ("cosh", 1, "ulp"),
    ("tanh", 1, "ulp"), ("arcsinh", 1, "ulp"), ("arccosh", 1, "ulp"),
    ("arctanh", 1, "ulp"), ("hypot", 2, "ulp"),
    ("floor", 1, "exact"), ("ceil", 1, "exact"), ("trunc", 1, "exact"),
    ("rint", 1, "exact"), ("isnan", 1, "exact"), ("isinf", 1, "exact"),
    ("isfinite", 1, "exact"), ("copysign", 2, "exact"),
]
OP_IDS = [op[0] for op in OPS]


# Complex results of the other 'exact' ops (multiply, divide, sqrt, ...) come
# from formulas whose rounding order is an implementation choice: those are
# compared with the ULP/close rule. These stay exact for complex too.
COMPLEX_EXACT = {"add", "subtract", "negative", "equal", "not_equal", "less",
                 "less_equal", "greater", "greater_equal", "logical_and",
                 "logical_or", "logical_xor", "logical_not", "isnan", "isinf",
                 "isfinite", "maximum", "minimum", "fmax", "fmin"}


# Ties between -0.0 and +0.0: NumPy's answer depends on its code path.
ZERO_SIGN_UNSPECIFIED = {"maximum", "minimum", "fmax", "fmin"}


def _agree(name, kind, args):
    complex_in = any(np.asarray(a).dtype.kind == "c" for a in args)
    if kind == "exact" and (not complex_in or name in COMPLEX_EXACT):
        return functools.partial(
            assert_exact, signed_zeros=name not in ZERO_SIGN_UNSPECIFIED)
    return assert_ulp


def _numpy_or_error(fn):
    with np.errstate(all="ignore"):
        try:
            return fn(), None
        except Exception as exc:  # the oracle's refusal is part of the answer
            return None, exc


@st.composite
def operands(draw, nin):
    shape = draw(shapes())
    ops = []
    for i in range(nin):
        dtype = draw(st.sampled_from(ALL_DTYPES))
        form = draw(st.sampled_from(["array", "array", "array", "scalar"]))
        if form == "scalar" and i > 0:
            pytype = draw(st.sampled_from([bool, int, float, complex]))
            value = draw({
                bool: st.booleans(),
                int: st.integers(-300, 300),
                float: st.floats(allow_nan=True, allow_infinity=True,
                                 width=64),
                complex: st.complex_numbers(max_magnitude=1e6),
            }[pytype])
            ops.append(value)
        else:
            sub = shape if i == 0 else broadcastable_shape(draw, shape)
            ops.append(draw(views(dtype, sub)))
    return ops


@pytest.mark.parametrize("name,nin,kind", OPS, ids=OP_IDS)
@settings(max_examples=budget(200))
@given(data=st.data())
def test_elementwise_matches_numpy(name, nin, kind, data):
    args = data.draw(operands(nin))
    expected, np_error = _numpy_or_error(lambda: getattr(np, name)(*args))
    if np_error is not None:
        # NumPy refuses (no loop for these dtypes, negative integer power,
        # ...): pelx must refuse with the same kind of exception.
        with pytest.raises(type(np_error)), np.errstate(all="ignore"):
            getattr(pelx, name)(*args)
        return
    with np.errstate(all="ignore"):
        got = getattr(pelx, name)(*args)
    expected = np.asarray(expected)
    _agree(name, kind, args)(got, expected, context=f"{name}{tuple(np.asarray(a).dtype for a in args)}")


@pytest.mark.parametrize("name", ["add", "multiply", "subtract", "maximum",
                                  "true_divide", "copysign"])
@settings(max_examples=budget(150))
@given(data=st.data())
def test_out_overlapping_input(name, data):
    """out= that aliases an input with an offset: NumPy's answer, as if the
    inputs had been read before any output was written."""
    dtypes = [np.float64, np.float32]
    if name not in ("true_divide", "copysign"):  # these make floats from ints
        dtypes.append(np.int64)
    dtype = data.draw(st.sampled_from(dtypes))
    n = data.draw(st.sampled_from([9, 1000, 70_001]))
    shift = data.draw(st.integers(-3, 3))
    base = data.draw(arrays(dtype, (n + 3,), edge_prob=0.0))
    other = data.draw(arrays(dtype, (n,), edge_prob=0.0))
    ref = base.copy()
    lo = 3 if shift < 0 else 0
    src = slice(lo, lo + n)
    dst = slice(lo + shift, lo + shift + n) if lo + shift >= 0 else None
    assume(dst is not None and lo + shift + n <= n + 3)
    with np.errstate(all="ignore"):
        getattr(np, name)(ref[src], other, out=ref[dst])
        getattr(pelx, name)(base[src], other, out=base[dst])
    assert_exact(base, ref, context=f"{name} shift={shift}")


@pytest.mark.parametrize("name", ["add", "exp", "sin", "floor_divide",
                                  "hypot", "power"])
@settings(max_examples=budget(40))
@given(data=st.data())
def test_thread_count_never_changes_result(name, data):
    nin = 2 if name in ("add", "floor_divide", "hypot", "power") else 1
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    n = data.draw(st.sampled_from([1, 4095, 65_537, 200_003]))
    args = [data.draw(views(dtype, (n,))) for _ in range(nin)]
    results = []
    for threads in (1, 2, 3, 7):
        with pelx.threads(threads), np.errstate(all="ignore"):
            results.append(getattr(pelx, name)(*args))
    for r in results[1:]:
        assert_exact(r, results[0], context=f"{name} n={n}")


LAYOUTS = ["same", "shifted", "reversed", "strided"]


def _aliased(base, layout, n):
    """(input view, out view) of one buffer, overlapping as `layout` says."""
    if layout == "same":
        return base[:n], base[:n]
    if layout == "shifted":
        return base[:n], base[1:n + 1]
    if layout == "reversed":
        return base[:n], base[:n][::-1]
    return base[:2 * n:2], base[1:2 * n:2][::-1]  # interleaved, reversed


@pytest.mark.parametrize("name,nin,kind", OPS, ids=OP_IDS)
@settings(max_examples=budget(25))
@given(data=st.data())
def test_where_with_out_overlapping_an_input(name, nin, kind, data):
    """The in-place idiom f(x, ..., out=x, where=mask) and its shifted,
    reversed and strided variants: where the mask is False, out keeps its
    values; elsewhere NumPy's result, as if all inputs were read first.

    (The kept values are checked against out's original values, not against
    NumPy: NumPy 2.x itself writes garbage there when its loop's output
    dtype differs from out's, e.g. less(x, y, out=float_view_of_x, ...)
    with a shifted view: its overlap copy of out is written back whole.)"""
    dtype = data.draw(st.sampled_from([np.float64, np.float32, np.int64,
                                       np.int16, np.uint8, np.bool_]))
    n = data.draw(st.sampled_from([8, 1000, 70_001]))
    layout = data.draw(st.sampled_from(LAYOUTS))
    base = data.draw(arrays(dtype, (2 * n + 1,), edge_prob=0.1))
    others = [data.draw(arrays(dtype, (n,), edge_prob=0.1))
              for _ in range(nin - 1)]
    mask = data.draw(st.one_of(
        st.just(False), arrays(np.bool_, (n,), edge_prob=0.0)))
    ref = base.copy()
    x_ref, out_ref = _aliased(ref, layout, n)
    kept = out_ref.copy()
    expected, np_error = _numpy_or_error(
        lambda: getattr(np, name)(x_ref, *others, out=out_ref, where=mask))
    x, out = _aliased(base, layout, n)
    context = f"{name}({dtype.__name__}, layout={layout}, n={n})"
    if np_error is not None:
        before = base.copy()
        with pytest.raises(type(np_error)), np.errstate(all="ignore"):
            getattr(pelx, name)(x, *others, out=out, where=mask)
        assert_exact(base, before, context=context + ": refused, unchanged")
        return
    with np.errstate(all="ignore"):
        got = getattr(pelx, name)(x, *others, out=out, where=mask)
    assert got is out
    untouched = ~np.broadcast_to(np.asarray(mask), (n,))
    assert_exact(out[untouched], kept[untouched],
                 context=context + " (where=False)")
    selected = ~untouched
    _agree(name, kind, [x_ref, *others])(out[selected], out_ref[selected],
                                         context=context)


# Input dtypes whose NumPy loop is float16 (bool, int8, uint8 and float16
# for functions that make floats): NumPy rounds to half before any cast to
# out's dtype.
HALF_OPS = ["sqrt", "exp", "exp2", "expm1", "log", "log1p", "sin", "cos",
            "tanh", "arctan", "cbrt", "true_divide", "power", "arctan2",
            "hypot", "reciprocal", "floor", "less", "isnan"]


@pytest.mark.parametrize("name", HALF_OPS)
@settings(max_examples=budget(40))
@given(data=st.data())
def test_inputs_whose_numpy_loop_is_float16(name, data):
    nin = getattr(np, name).nin
    dtype = data.draw(st.sampled_from([np.int8, np.uint8, np.bool_,
                                       np.float16]))
    shape = data.draw(shapes(max_dims=2))
    args = [data.draw(views(dtype, shape)) for _ in range(nin)]
    out_dtype = data.draw(st.sampled_from([None, np.float16, np.float32,
                                           np.float64, np.complex128]))
    order = data.draw(st.sampled_from(["K", "C", "F"]))
    kw = {"order": order}
    if out_dtype is not None:
        kw["out"] = np.zeros(np.broadcast_shapes(shape), out_dtype)
    expected, np_error = _numpy_or_error(
        lambda: getattr(np, name)(*args, **{k: (v.copy() if k == "out" else v)
                                            for k, v in kw.items()}))
    if np_error is not None:
        with pytest.raises(type(np_error)), np.errstate(all="ignore"):
            getattr(pelx, name)(*args, **kw)
        return
    with np.errstate(all="ignore"):
        got = np.asarray(getattr(pelx, name)(*args, **kw))
    expected = np.asarray(expected)
    context = f"{name}({dtype.__name__}{shape}) out={out_dtype} order={order}"
    assert got.dtype == expected.dtype and got.shape == expected.shape, context
    if expected.ndim > 1 and out_dtype is None:
        assert (got.flags.c_contiguous, got.flags.f_contiguous) == (
            expected.flags.c_contiguous, expected.flags.f_contiguous), context
    try:
        loop = getattr(np, name).resolve_dtypes(
            tuple(a.dtype for a in args)
            + (None if out_dtype is None else np.dtype(out_dtype),))
    except TypeError:
        loop = (None,)
    if loop[-1] == np.float16:
        # The value went through float16, as NumPy's does: exactly
        # representable there, within a half ULP-class bound of NumPy's.
        with np.errstate(all="ignore"):
            half = got.astype(np.float16).astype(got.dtype)
        assert_exact(half, got, context=context + " is a float16 value")
        with np.errstate(all="ignore"):
            assert_ulp(got.real.astype(np.float16),
                       expected.real.astype(np.float16), max_ulp=1,
                       context=context)
    elif expected.dtype.kind in "fc":
        assert_ulp(got, expected, context=context)
    else:
        assert_exact(got, expected, context=context)
