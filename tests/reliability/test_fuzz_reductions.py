"""Differential fuzzing of pelx's reductions against NumPy.

Integer results, min/max and arg-reductions must equal NumPy's exactly.
Floating sums are compared against the exactly rounded sum (math.fsum): pelx
must be at least as accurate as NumPy's pairwise summation. Every result must
be bit-identical whatever the thread count.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pelx
from pelx_oracle import assert_exact
from pelx_strategies import (ALL_DTYPES, arrays, broadcastable_shape, budget,
                             shapes, views)

EXACT = ["min", "max", "argmin", "argmax", "any", "all", "nanmin", "nanmax"]
ROUNDED = ["sum", "prod", "mean", "var", "std", "nansum", "nanmean"]


def _axis(draw, ndim):
    if ndim == 0 or draw(st.integers(0, 3)) == 0:
        return None
    if draw(st.booleans()):
        return draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                         unique=True))
    return tuple(axes)


def _call(mod, name, a, axis, keepdims):
    fn = getattr(mod, name)
    if name in ("argmin", "argmax"):
        axis = axis if not isinstance(axis, tuple) else axis[0]
        return fn(a, axis=axis, keepdims=keepdims)
    return fn(a, axis=axis, keepdims=keepdims)


@pytest.mark.parametrize("name", EXACT + ROUNDED)
@settings(max_examples=budget(200))
@given(data=st.data())
def test_reduction_matches_numpy(name, data):
    dtype = data.draw(st.sampled_from(ALL_DTYPES))
    a = data.draw(views(dtype, data.draw(shapes())))
    axis = _axis(data.draw, a.ndim)
    keepdims = data.draw(st.booleans())
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            expected = _call(np, name, a, axis, keepdims)
        except Exception as exc:
            with pytest.raises(type(exc)):
                _call(pelx, name, a, axis, keepdims)
            return
        got = _call(pelx, name, a, axis, keepdims)
    _assert_agrees(name, a, axis, keepdims, got, expected)


def _assert_agrees(name, a, axis, keepdims, got, expected, initial=None):
    """pelx's result `got` against NumPy's `expected` for name(a, axis=...,
    initial=...): exact where the result is, else within the rounding of a
    pairwise reduction (initial= is one more term or factor, which NumPy
    takes first and pelx last)."""
    expected = np.asarray(expected)
    if name in EXACT or expected.dtype.kind not in "fc":
        # A tie between -0.0 and +0.0 has no specified winner (NumPy's own
        # answer depends on its code path).
        assert_exact(got, expected, context=f"{name} axis={axis}",
                     signed_zeros=name not in ("min", "max", "nanmin",
                                               "nanmax"))
        return
    if name == "prod" and _product_leaves_range(a, expected.dtype):
        # Once a partial product overflows or underflows, the order of
        # multiplication decides between inf, 0 and NaN (inf * 0); pelx's
        # pairwise order and NumPy's sequential one legitimately differ.
        return
    # Different (pairwise) summation orders round differently: the
    # difference is bounded by the reduction length times the size of the
    # terms, not of the result (which may cancel to nearly nothing).
    n = max(1, a.size // max(1, expected.size))
    eps = np.finfo(expected.dtype).eps
    with np.errstate(all="ignore"):
        mag = np.abs(np.asarray(a, dtype=np.complex128))
        mag = np.where(np.isnan(mag), 0, mag)
        scale = np.sum(mag, axis=axis, keepdims=keepdims)
        if name == "prod":
            scale = np.prod(mag, axis=axis, keepdims=keepdims)
        if initial is not None and name in ("sum", "nansum"):
            scale = scale + abs(complex(initial))
        if initial is not None and name == "prod":
            scale = scale * max(1.0, abs(complex(initial)))
        if name in ("mean", "nanmean"):
            scale = scale / n
        if name in ("var", "std"):
            scale = np.sum(mag ** 2, axis=axis, keepdims=keepdims) / n
            if name == "std":
                scale = np.sqrt(scale)
    if not np.all(scale <= float(np.finfo(expected.dtype).max)):
        return  # partial sums overflow: inf, -inf or NaN depends on order
    rtol = 8 * n * eps if name == "prod" else 8 * (math.log2(n) + 2) * eps
    if name in ("var", "std"):
        # Two passes (mean, then squared deviations), each pairwise: the
        # rounding of the mean enters every deviation.
        rtol *= 4
    if name == "std":
        rtol = max(rtol, math.sqrt(rtol))  # sqrt of a cancelled variance
    _assert_close_to_scale(np.asarray(got), expected, scale, rtol,
                           f"{name} axis={axis}")


def _product_leaves_range(a, dtype):
    finfo = np.finfo(dtype)
    with np.errstate(all="ignore"):
        logs = np.log(np.abs(np.asarray(a, dtype=np.complex128)))
    logs = logs[np.isfinite(logs)]
    bound = math.log(float(finfo.max)) - 2
    return (not np.isfinite(np.log(np.abs(np.asarray(a, np.complex128)))).all()
            or float(np.sum(np.abs(logs))) > bound)


def _assert_close_to_scale(got, expected, scale, rtol, context):
    assert got.shape == expected.shape and got.dtype == expected.dtype, (
        got.shape, got.dtype, expected.shape, expected.dtype, context)
    g = got.astype(np.complex128).ravel()
    e = expected.astype(np.complex128).ravel()
    s = np.broadcast_to(np.asarray(scale, np.float64), expected.shape).ravel()
    for part in (np.real, np.imag):
        gp, ep = part(g), part(e)
        assert np.array_equal(np.isnan(gp), np.isnan(ep)), f"NaN differ {context}"
        fin = np.isfinite(ep)
        assert np.array_equal(gp[~fin & ~np.isnan(ep)], ep[~fin & ~np.isnan(ep)]), \
            f"infinities differ {context}"
        err = np.abs(gp[fin] - ep[fin])
        tol = rtol * s[fin] + 4 * float(np.finfo(expected.dtype).tiny)
        bad = err > tol
        assert not bad.any(), (
            f"{context}: got {gp[fin][bad][:3]} want {ep[fin][bad][:3]} "
            f"(tolerance {tol[bad][:3]})")


@settings(max_examples=budget(200))
@given(data=st.data())
def test_sum_at_least_as_accurate_as_numpy(data):
    n = data.draw(st.sampled_from([10, 1000, 100_003]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    scale = 10.0 ** rng.integers(-20, 20, n)
    a = rng.standard_normal(n) * scale
    exact = math.fsum(a.tolist())
    err_pelx = abs(float(pelx.sum(a)) - exact)
    err_numpy = abs(float(np.sum(a)) - exact)
    bound = n * np.finfo(np.float64).eps * float(np.abs(a).sum())
    assert err_pelx <= max(2 * err_numpy, 1e-300) or err_pelx <= bound / n, (
        err_pelx, err_numpy)


@pytest.mark.parametrize("name", ["sum", "mean", "std", "var", "prod",
                                  "argmax", "nansum"])
@settings(max_examples=budget(25))
@given(data=st.data())
def test_reduction_bit_identical_across_thread_counts(name, data):
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    shape = data.draw(st.sampled_from([(300_007,), (513, 700), (3, 100_000)]))
    a = data.draw(views(dtype, shape))
    axis = data.draw(st.sampled_from([None, 0, -1]))
    results = []
    for threads in (1, 2, 3, 4, 7, 16):
        with pelx.threads(threads), np.errstate(all="ignore"):
            results.append(np.asarray(getattr(pelx, name)(a, axis=axis)))
    for r in results[1:]:
        assert r.tobytes() == results[0].tobytes(), f"{name} axis={axis}"


# The keywords each reduction takes besides axis and keepdims.
KEYWORDS = {
    "sum": ("dtype", "initial", "where"), "prod": ("dtype", "initial", "where"),
    "nansum": ("dtype", "initial", "where"),
    "min": ("initial", "where"), "max": ("initial", "where"),
    "nanmin": ("initial", "where"), "nanmax": ("initial", "where"),
    "mean": ("dtype", "where"), "nanmean": ("dtype", "where"),
    "var": ("dtype", "where", "ddof"), "std": ("dtype", "where", "ddof"),
    "any": ("where",), "all": ("where",),
}
KEYWORD_DTYPES = [np.bool_, np.int8, np.uint8, np.int64, np.uint64,
                  np.float16, np.float32, np.float64, np.complex128]


def _keywords(draw, name, shape):
    kw = {}
    for key in KEYWORDS[name]:
        if draw(st.booleans()):
            continue
        if key == "dtype":
            kw[key] = draw(st.sampled_from(KEYWORD_DTYPES))
        elif key == "initial":
            kw[key] = draw(st.one_of(
                st.integers(-300, 300),
                st.sampled_from([300, -5, 2**63, -2**63 - 1, 2**70]),
                st.floats(-1e3, 1e3, width=32)))
        elif key == "where":
            kw[key] = draw(st.one_of(
                st.booleans(),
                arrays(np.bool_, broadcastable_shape(draw, shape),
                       edge_prob=0.0)))
        else:
            kw[key] = draw(st.integers(0, 4))
    return kw


def _outcome(fn, mode):
    """(result, None) or (None, the exception) for fn() under
    np.errstate(all=mode), warnings silenced."""
    with np.errstate(all=mode), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(), None
        except Exception as exc:
            return None, exc


@pytest.mark.parametrize("name", sorted(KEYWORDS))
@settings(max_examples=budget(150))
@given(data=st.data())
def test_reduction_keywords_and_errors_match_numpy(name, data):
    """dtype=, initial= (also out of the dtype's range), where=, ddof=, empty
    inputs and float16 data: NumPy's value, or NumPy's exception, also under
    np.errstate(all="raise") (FloatingPointError for the 0/0 of an empty
    mean or a variance with ddof >= N)."""
    mode = data.draw(st.sampled_from(["ignore", "raise"]))
    dtype = data.draw(st.sampled_from(ALL_DTYPES + [np.float16]))
    shape = data.draw(shapes(allow_big=False))
    # Under "raise", no edge values: overflow of a partial sum or product
    # depends on the summation order, which pelx and NumPy choose apart.
    a = data.draw(arrays(dtype, shape, edge_prob=0.0 if mode == "raise"
                         else 0.3))
    axis = _axis(data.draw, a.ndim)
    keepdims = data.draw(st.booleans())
    kw = _keywords(data.draw, name, shape)
    if mode == "raise" and name == "prod" and a.dtype.kind in "fc":
        mode = "ignore"  # partial products overflow in order-dependent ways
    expected, np_error = _outcome(
        lambda: getattr(np, name)(a, axis=axis, keepdims=keepdims, **kw), mode)
    got, error = _outcome(
        lambda: getattr(pelx, name)(a, axis=axis, keepdims=keepdims, **kw),
        mode)
    context = f"{name}({a.dtype}{a.shape}, axis={axis}, {kw}) under {mode}"
    if np_error is not None:
        assert error is not None and isinstance(error, type(np_error)), (
            f"{context}: NumPy raised {np_error!r}, pelx gave "
            f"{error!r} / {got!r}")
        return
    assert error is None, f"{context}: pelx raised {error!r}, NumPy gave {expected!r}"
    if np.asarray(expected).dtype == np.float16:
        # NumPy's own float16 reduction answers these (see pelx docs)
        assert_exact(got, np.asarray(expected), context=context)
        return
    with np.errstate(all="ignore"):
        if "where" in kw:
            # the tolerance follows the selected elements only
            a = np.where(np.broadcast_to(kw["where"], a.shape), a,
                         a.dtype.type(name == "prod"))
        _assert_agrees(name, a, axis, keepdims, got, expected,
                       kw.get("initial"))
