"""Comparison helpers: pelx's answer against NumPy's (the oracle).

Three levels of agreement, chosen per operation:
  exact        bit-identical, NaN payload aside (NaN where NumPy has NaN,
               signed zeros equal)
  ulp(k)       floating results within k units in the last place; NaN and
               infinities in the same places (an infinity next to the largest
               finite number counts as one ULP, as in IEEE ordering)
  close        fused or reordered arithmetic: relative tolerance scaled to
               the dtype
"""
import numpy as np
# tests/ (on sys.path through tests/conftest.py): the float -> ULP-ordered
# integer map shared by all the suite's ULP comparisons.
from kernel_cases import ordered


def ulp_distance(actual, expected):
    """Element-wise ULP distance between two real float arrays (NaN-free)."""
    a = np.ascontiguousarray(actual)
    e = np.ascontiguousarray(expected)
    return np.abs(ordered(a) - ordered(e))


def _same_shape_dtype(actual, expected):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    return actual, expected


def assert_exact(actual, expected, context="", signed_zeros=True):
    """signed_zeros=False: -0.0 and +0.0 count as equal. For min/max-like
    operations the sign of a zero tie is unspecified: NumPy's own answer
    changes with its code path (scalar versus SIMD loop)."""
    actual, expected = _same_shape_dtype(actual, expected)
    if actual.dtype.kind in "fc":
        parts = ((actual.real, expected.real), (actual.imag, expected.imag)) \
            if actual.dtype.kind == "c" else ((actual, expected),)
        for a, e in parts:
            nan_a, nan_e = np.isnan(a), np.isnan(e)
            assert np.array_equal(nan_a, nan_e), f"NaN positions differ {context}"
            keep = ~nan_e
            assert np.array_equal(a[keep], e[keep]), _diff(a, e, context)
            if signed_zeros:
                assert np.array_equal(np.signbit(a[keep]),
                                      np.signbit(e[keep])), \
                    f"signed zeros differ {context}"
    else:
        assert np.array_equal(actual, expected), _diff(actual, expected, context)


def assert_ulp(actual, expected, max_ulp=4, context=""):
    actual, expected = _same_shape_dtype(actual, expected)
    if actual.dtype.kind == "c":
        assert_close(actual, expected, context=context)
        return
    if actual.dtype.kind != "f":
        assert_exact(actual, expected, context)
        return
    nan_a, nan_e = np.isnan(actual), np.isnan(expected)
    assert np.array_equal(nan_a, nan_e), f"NaN positions differ {context}"
    keep = ~nan_e
    if keep.any():
        d = ulp_distance(actual[keep], expected[keep])
        assert d.max() <= max_ulp, (
            f"{d.max()} ULP > {max_ulp} {context}: "
            + _diff(actual[keep], expected[keep], ""))


def assert_close(actual, expected, context="", rtol=None):
    actual, expected = _same_shape_dtype(actual, expected)
    if actual.dtype.kind not in "fc":
        assert_exact(actual, expected, context)
        return
    eps = np.finfo(actual.dtype).eps
    rtol = 64 * eps if rtol is None else rtol
    parts = ((actual.real, expected.real), (actual.imag, expected.imag)) \
        if actual.dtype.kind == "c" else ((actual, expected),)
    # Complex parts are judged against the magnitude of the whole number
    # (NaN parts ignored): a component near zero may carry the other's error.
    scale = (np.fmax(np.abs(expected.real), np.abs(expected.imag))
             if actual.dtype.kind == "c" else None)
    for a, e in parts:
        nan_a, nan_e = np.isnan(a), np.isnan(e)
        assert np.array_equal(nan_a, nan_e), f"NaN positions differ {context}"
        keep = ~nan_e
        a, e = a[keep], e[keep]
        inf_e = np.isinf(e)
        assert np.array_equal(a[inf_e], e[inf_e]), f"infinities differ {context}"
        s = (scale[keep][~inf_e] if scale is not None else np.abs(e[~inf_e]))
        err = np.abs(a[~inf_e].astype(np.float64) - e[~inf_e])
        tiny = np.finfo(actual.dtype).tiny
        ok = err <= rtol * s + 4 * tiny
        assert ok.all(), f"not close (rtol={rtol}) {context}: " + _diff(
            a[~inf_e][~ok], e[~inf_e][~ok], "")


def _diff(a, e, context):
    a = np.asarray(a).ravel()
    e = np.asarray(e).ravel()
    with np.errstate(all="ignore"):
        bad = np.flatnonzero(~((a == e) | (np.isnan(a) & np.isnan(e))))
    shown = bad[:5]
    return (f"{len(bad)} of {a.size} differ {context}; first: "
            + ", ".join(f"[{i}] got {a[i]!r} want {e[i]!r}" for i in shown))
