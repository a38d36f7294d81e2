"""Reductions as the outermost operation, against NumPy."""
import numpy as np
import pytest

import pelx

rng = np.random.default_rng(11)
KINDS = ["sum", "prod", "min", "max", "mean", "any", "all"]


def data(dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dt.kind in "iu":
        return rng.integers(0, 5, shape).astype(dt)
    x = rng.uniform(0.5, 1.5, shape)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-0.1, 0.1, shape)
    return x.astype(dt)


def check(got, want, exact):
    got = np.asarray(got)
    want = np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        rtol = 1e-5 if want.dtype in (np.float32, np.complex64) else 1e-12
        np.testing.assert_allclose(got, want, rtol=rtol)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint16",
                                   "int64", "float32", "float64",
                                   "complex128"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_reduction_matches_numpy(kind, dtype, axis):
    shape = (37, 2100) if kind != "prod" else (7, 30)
    a = data(dtype, shape)
    exact = np.dtype(dtype).kind in "biu" and kind != "mean" or \
        kind in ("min", "max", "any", "all")
    ax = "" if axis is None else f", axis={axis}"
    got = pelx.evaluate(f"{kind}(a{ax})")
    want = getattr(np, kind)(a, axis=axis)
    check(got, want, exact)
    # and with an expression inside
    got = pelx.evaluate(f"{kind}(a * 2{ax})")
    check(got, getattr(np, kind)(a * 2, axis=axis), exact)


def test_fused_expression_reduction_large():
    a = rng.uniform(-1, 1, 1_000_003)
    b = rng.uniform(-1, 1, 1_000_003)
    got = pelx.evaluate("sum(a * b + 1)")
    np.testing.assert_allclose(got, np.sum(a * b + 1), rtol=1e-12)
    assert got.shape == ()
    got = pelx.evaluate("max(where(a > b, a, -b))")
    assert got == np.max(np.where(a > b, a, -b))


def test_reduction_is_deterministic():
    a = rng.uniform(-1, 1, 3_000_001)
    first = pelx.evaluate("sum(a * 1.5)")
    for _ in range(3):
        assert pelx.evaluate("sum(a * 1.5)") == first


def test_axis_reduction_of_broadcast_and_strided_operands():
    a = rng.uniform(size=(40, 1, 30))
    b = rng.uniform(size=(25, 30))[::-1]
    for axis in (0, 1, 2, -2):
        np.testing.assert_allclose(pelx.evaluate(f"sum(a * b, axis={axis})"),
                                   np.sum(a * b, axis=axis), rtol=1e-12)
        np.testing.assert_array_equal(
            pelx.evaluate(f"max(a - b, axis={axis})"),
            np.max(a - b, axis=axis))


def test_nan_propagates_in_min_max():
    a = np.arange(100_000, dtype=np.float64)
    a[77_777] = np.nan
    assert np.isnan(pelx.evaluate("max(a)"))
    assert np.isnan(pelx.evaluate("min(a)"))
    m = pelx.evaluate("max(a.reshape)" if False else "min(a)")
    assert np.isnan(m)


def test_empty_reductions():
    e = np.zeros((0, 4))
    check(pelx.evaluate("sum(e)"), np.sum(e), True)
    check(pelx.evaluate("prod(e, axis=0)"), np.prod(e, axis=0), True)
    check(pelx.evaluate("any(e, axis=1)"), np.any(e, axis=1), True)
    with pytest.raises(ValueError, match="zero-size"):
        pelx.evaluate("max(e)")
    with pytest.raises(ValueError, match="zero-size"):
        np.max(e)


def test_bad_axis():
    a = np.ones((3, 4))
    with pytest.raises(np.exceptions.AxisError):
        pelx.evaluate("sum(a, axis=2)")
    with pytest.raises(SyntaxError, match="axis"):
        pelx.evaluate("sum(a, axis=1.5)")


def test_constant_reduction():
    assert pelx.evaluate("sum(3)") == 3
    assert pelx.evaluate("max(2*4)") == 8


def test_reduction_with_out():
    a = data("float64", (10, 20))
    out = np.empty(10)
    r = pelx.evaluate("sum(a, axis=1)", out=out)
    assert r is out
    np.testing.assert_allclose(out, a.sum(axis=1), rtol=1e-12)
