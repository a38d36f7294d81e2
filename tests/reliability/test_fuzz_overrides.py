"""Array types with semantics of their own: masked arrays, ndarray
subclasses, and objects overriding ``__array_ufunc__`` or
``__array_function__``. pelx must never unwrap them silently: its NumPy
functions give NumPy's answer for them (type, values and mask), and the
calls NumPy has no counterpart for (``evaluate``, ``map``) refuse them with
a TypeError. ``numpy.memmap`` only says where the data lives: pelx computes
on it as on a base array.
"""
import ctypes

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pelx
from pelx_strategies import arrays, budget

from test_fuzz_elementwise import OPS

REDUCTIONS = ["sum", "prod", "min", "max", "mean", "var", "std", "argmin",
              "argmax", "any", "all", "nansum", "nanmin", "nanmax", "nanmean"]


class Tagged(np.ndarray):
    """A subclass NumPy keeps through ufuncs (as user code defines them)."""


class Duck:
    """Overrides ufuncs: NumPy hands every ufunc call to it."""

    def __init__(self, data):
        self.data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kw):
        raw = [x.data if isinstance(x, Duck) else x for x in inputs]
        return ("duck", getattr(ufunc, method)(*raw, **kw))


class FunctionDuck:
    """Overrides NumPy's functions (np.sum, np.where, ...) only."""

    def __init__(self, data):
        self.data = np.asarray(data)

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __array_function__(self, func, types, args, kwargs):
        return ("function-duck", func.__name__)


KINDS = ["masked", "tagged", "matrix", "duck", "function_duck"]


def _make(kind, data, mask):
    if kind == "masked":
        return np.ma.array(data, mask=mask)
    if kind == "tagged":
        return data.view(Tagged)
    if kind == "matrix":
        return np.asmatrix(data.reshape(1, -1))
    if kind == "duck":
        return Duck(data)
    return FunctionDuck(data)


def _same(got, expected, context):
    assert type(got) is type(expected), (context, type(got), type(expected))
    if isinstance(expected, tuple):
        assert got[0] == expected[0], context
        if isinstance(expected[1], str):
            assert got == expected, context
            return
        got, expected = got[1], expected[1]
    if isinstance(expected, np.ma.MaskedArray):
        assert np.array_equal(np.ma.getmaskarray(got),
                              np.ma.getmaskarray(expected)), context
        got, expected = got.filled(0), expected.filled(0)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected),
                                  err_msg=context)


def _outcome(fn):
    with np.errstate(all="ignore"):
        try:
            return fn(), None
        except Exception as exc:
            return None, exc


@pytest.mark.parametrize("name", [op[0] for op in OPS] + ["clip", "where"])
@settings(max_examples=budget(15))
@given(data=st.data())
def test_elementwise_functions_honour_overrides(name, data):
    nin = {"clip": 3, "where": 3}.get(name) or getattr(np, name).nin
    kind = data.draw(st.sampled_from(KINDS))
    dtype = data.draw(st.sampled_from([np.float64, np.int32, np.bool_]))
    n = data.draw(st.sampled_from([5, 70_001]))
    values = data.draw(arrays(dtype, (n,)))
    mask = data.draw(arrays(np.bool_, (n,), edge_prob=0.0))
    at = data.draw(st.integers(0, nin - 1))
    args = [data.draw(arrays(dtype, (n,))) for _ in range(nin)]
    args[at] = _make(kind, values, mask)
    expected, np_error = _outcome(lambda: getattr(np, name)(*args))
    got, error = _outcome(lambda: getattr(pelx, name)(*args))
    context = f"{name} with a {kind} operand {at}"
    if np_error is not None:
        assert isinstance(error, type(np_error)), (context, np_error, error)
        return
    assert error is None, (context, error)
    _same(got, expected, context)


@pytest.mark.parametrize("name", REDUCTIONS)
@settings(max_examples=budget(15))
@given(data=st.data())
def test_reductions_honour_overrides(name, data):
    kind = data.draw(st.sampled_from(KINDS))
    dtype = data.draw(st.sampled_from([np.float64, np.int64, np.bool_]))
    n = data.draw(st.sampled_from([5, 70_001]))
    a = _make(kind, data.draw(arrays(dtype, (n,))),
              data.draw(arrays(np.bool_, (n,), edge_prob=0.0)))
    axis = data.draw(st.sampled_from([None, -1]))
    expected, np_error = _outcome(lambda: getattr(np, name)(a, axis=axis))
    got, error = _outcome(lambda: getattr(pelx, name)(a, axis=axis))
    context = f"{name} of a {kind} array, axis={axis}"
    if np_error is not None:
        assert isinstance(error, type(np_error)), (context, np_error, error)
        return
    assert error is None, (context, error)
    if isinstance(expected, (np.floating, float)) or (
            isinstance(expected, np.ndarray) and expected.dtype.kind == "f"
            and not isinstance(expected, np.ma.MaskedArray)):
        # the same NumPy call answered both: bit-identical
        assert np.asarray(got).tobytes() == np.asarray(expected).tobytes(), \
            context
        return
    _same(got, expected, context)


@pytest.mark.parametrize("kind", KINDS)
def test_evaluate_and_map_refuse_overriding_operands(kind):
    a = _make(kind, np.arange(6.0), np.arange(6) % 2 == 0)
    with pytest.raises(TypeError, match="pelx would drop"):
        pelx.evaluate("x * 2", local_dict={"x": a})
    with pytest.raises(TypeError, match="pelx would drop"):
        pelx.evaluate("sum(x)", local_dict={"x": a})
    if kind in ("masked", "tagged"):
        with pytest.raises(TypeError, match="pelx would drop"):
            pelx.evaluate("y + 1", local_dict={"y": np.ones(6)}, out=a)
    fn = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(
        ctypes.cast(ctypes.pythonapi.Py_IsInitialized, ctypes.c_void_p).value)
    with pytest.raises(TypeError, match="pelx would drop"):
        pelx.map(fn, a)


def test_memmap_is_computed_as_data(tmp_path):
    mm = np.memmap(tmp_path / "m.bin", dtype=np.float64, mode="w+",
                   shape=(70_001,))
    mm[:] = np.linspace(0, 1, mm.size)
    assert pelx.sum(mm) == pelx.sum(np.asarray(mm))
    np.testing.assert_array_equal(pelx.sin(mm), pelx.sin(np.asarray(mm)))
    assert type(pelx.sin(mm)) is np.ndarray
    np.testing.assert_array_equal(pelx.evaluate("mm * 2"), np.asarray(mm) * 2)
