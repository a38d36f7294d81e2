"""Shared oracle helpers for the elementwise tests (no tests here): edge
values per dtype, and comparisons with NumPy's results (bit-exact or within
a few ULP)."""
import warnings

import numpy as np
import pytest

import pelx
from kernel_cases import ordered

DTYPES = [np.dtype(c) for c in
          ("?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8",
           "f4", "f8", "c8", "c16")]
# (name, nin, accuracy) for every ufunc-like function in pelx.
FUNCS = [(row[0], pelx._ufuncs._SPECS[pelx._core.ufunc_ops[row[0]][0]].nin,
          row[2]) for row in pelx._ufuncs._TABLE]
MAX_ULP = 4
# Complex results of these are compared within MAX_ULP of the larger
# component (NumPy's own complex loops differ between platforms there).
COMPLEX_ULP = {"true_divide", "reciprocal", "sign", "absolute", "sqrt",
               "power", "square", "multiply", "floor_divide", "remainder"}


def edge_values(dt):
    """1-d array of awkward values of dtype dt."""
    if dt.kind == "b":
        return np.array([False, True], dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 5, 7, 100, info.max, info.max - 1, info.min,
                info.min + 1]
        if dt.kind == "i":
            vals += [-1, -2, -7, -100]
        return np.array(sorted(set(vals)), dt)
    real = np.dtype(dt.char.lower()) if dt.kind == "c" else dt
    info = np.finfo(real)
    vals = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.5, -2.5, 3.0, 0.1,
                     -7.25, 100.0, 1e-3, np.nan, np.inf, -np.inf,
                     info.max, -info.max, info.tiny, info.smallest_subnormal,
                     -info.smallest_subnormal, 0.9999, 710.0, -745.0],
                    real)
    if dt.kind == "c":
        re, im = np.meshgrid(vals[::3], vals[1::3])
        return (re + 1j * im).ravel().astype(dt)
    return vals


def operands(dt, nin):
    """Inputs covering every pair of edge values (for nin == 2)."""
    v = edge_values(dt)
    if nin == 1:
        return (v,)
    a, b = np.meshgrid(v, v, indexing="ij")
    return (a.ravel(), b.ravel())


def numpy_call(name, *args, **kw):
    """NumPy's result or the exception it raises, with its warnings."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            res = getattr(np, name)(*args, **kw)
        except Exception as exc:  # noqa: BLE001 (the oracle's answer)
            res = exc
    return res, {type(x.message) for x in w}


def pelx_call(name, *args, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            res = getattr(pelx, name)(*args, **kw)
        except Exception as exc:  # noqa: BLE001
            res = exc
    return res, {type(x.message) for x in w}


def ulp_distance(x, y):
    ox = ordered(x)
    oy = ordered(y)
    # Python ints avoid overflow for far-apart values.
    return np.array([abs(int(a) - int(b)) for a, b in zip(ox.ravel(),
                                                          oy.ravel())])


def assert_same(res, exp, accuracy="exact", name=""):
    """res (pelx) equals exp (NumPy): type, dtype, shape, and values."""
    if isinstance(exp, Exception):
        assert isinstance(res, Exception), (
            f"NumPy raised {exp!r} but pelx returned {res!r}")
        assert isinstance(res, type(exp)) or (
            isinstance(exp, TypeError) and isinstance(res, TypeError)), (
            f"NumPy raised {type(exp).__name__}, pelx {res!r}")
        return
    if isinstance(res, Exception):
        raise AssertionError(f"pelx raised {res!r}, NumPy returned {exp!r}")
    assert type(res) is type(exp), (type(res), type(exp))
    res = np.asarray(res)
    exp = np.asarray(exp)
    assert res.dtype == exp.dtype, (res.dtype, exp.dtype)
    assert res.shape == exp.shape, (res.shape, exp.shape)
    if exp.dtype.kind == "c":
        if accuracy == "exact" and name not in COMPLEX_ULP:
            assert_same(res.real, exp.real, "exact")
            assert_same(res.imag, exp.imag, "exact")
            return
        _assert_complex_close(res, exp)
        return
    if exp.dtype.kind != "f":
        np.testing.assert_array_equal(res, exp, strict=True)
        return
    np.testing.assert_array_equal(np.isnan(res), np.isnan(exp),
                                  err_msg="NaN positions differ")
    ok = ~np.isnan(exp)
    if accuracy == "exact":
        np.testing.assert_array_equal(res[ok], exp[ok])
        np.testing.assert_array_equal(np.signbit(res[ok]),
                                      np.signbit(exp[ok]),
                                      err_msg="signs of zero differ")
    else:
        d = ulp_distance(res[ok], exp[ok])
        assert d.size == 0 or d.max() <= MAX_ULP, (
            f"{d.max()} ULP apart at {np.argmax(d)}: "
            f"{res[ok].ravel()[np.argmax(d)]!r} vs "
            f"{exp[ok].ravel()[np.argmax(d)]!r}")


def _assert_complex_close(res, exp):
    for part in ("real", "imag"):
        r, e = getattr(res, part), getattr(exp, part)
        np.testing.assert_array_equal(np.isnan(r), np.isnan(e),
                                      err_msg=f"NaN positions differ ({part})")
    finite = np.isfinite(exp.real) & np.isfinite(exp.imag)
    for part in ("real", "imag"):
        r, e = getattr(res, part), getattr(exp, part)
        inf = np.isinf(e)
        np.testing.assert_array_equal(r[inf], e[inf])
    scale = np.maximum(abs(exp.real), abs(exp.imag))[finite]
    tol = MAX_ULP * np.spacing(scale)
    assert np.all(abs(res.real[finite] - exp.real[finite]) <= tol)
    assert np.all(abs(res.imag[finite] - exp.imag[finite]) <= tol)


@pytest.fixture
def no_warnings():
    with np.errstate(all="ignore"):
        yield
