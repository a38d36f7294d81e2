"""Bad input gets NumPy's kind of exception, with a clear message."""
import warnings

import numpy as np
import pytest

import pelx
from test_ufuncs_helpers import assert_same

A = np.arange(6.0)


def _outcome(fn, mod):
    try:
        return fn(mod)
    except Exception as exc:  # noqa: BLE001 (the outcome is compared)
        return exc


@pytest.mark.parametrize("case", [
    lambda m: m.add(A, np.ones(4)),                       # shapes
    lambda m: m.add(A, A, out=np.empty(3)),               # out shape
    lambda m: m.add(A, A, out=np.empty((2, 6))),          # out broadcast
    lambda m: m.add(A[:, None], A, out=np.empty(6)),      # out too small
    lambda m: m.add(A, A, out=np.empty(6, int)),          # out casting
    lambda m: m.add(A, A, out=[np.empty(6)]),             # out type
    lambda m: m.add(A, A, out=(np.empty(6), np.empty(6))),  # out arity
    lambda m: m.add(A, A, casting="bogus"),               # casting name
    lambda m: m.add(A, 1, dtype=np.int64),                # input casting
    lambda m: m.add(A, A, dtype="not a dtype"),           # dtype name
    lambda m: m.add(A, A, dtype=[("f", "f8")]),           # struct dtype
    lambda m: m.add(A, A, order="Q"),                     # order
    lambda m: m.bitwise_and(A, A),                        # no loop
    lambda m: m.invert(A),                                # no loop
    lambda m: m.negative(np.array([True])),               # bool negative
    lambda m: m.add(np.array(["a"]), np.array(["b"])) if m is pelx
    else m.add(np.array([1], dtype=object), "b"),         # strings
    lambda m: m.add(np.arange(3, dtype=np.int8), 1000),   # NEP 50 overflow
    lambda m: m.add(np.arange(3, dtype=np.uint8), -1),
    lambda m: m.add(A, A, where=np.array([1, 0, 1, 0, 1, 0])),  # where cast
    lambda m: m.add(A),                                   # arity
    lambda m: m.add(A, A, A, A),
    lambda m: m.add(A, A, bogus=1),                       # keyword
    lambda m: m.power(np.arange(3), -1),                  # int ** negative
])
def test_same_exception_kind_as_numpy(case):
    exp, res = _outcome(case, np), _outcome(case, pelx)
    if not isinstance(exp, Exception):  # NumPy accepts it: same answer
        assert_same(res, exp)
        return
    assert isinstance(res, Exception), f"NumPy raised {exp!r}, pelx did not"
    # NumPy's UFuncTypeError subclasses are private: any TypeError matches.
    same = type(res) is type(exp) or (isinstance(exp, TypeError) and
                                      isinstance(res, TypeError))
    assert same, (exp, res)
    assert str(res), "error without a message"


def test_read_only_out():
    out = np.empty(6)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        pelx.add(A, A, out=out)
    with pytest.raises(ValueError, match="read-only"):
        pelx.exp(A, out=out)


@pytest.mark.parametrize("dt", [object, "U3", "S3", "M8[s]", "m8[s]",
                                np.longdouble])
def test_unsupported_dtypes_name_what_is_supported(dt):
    a = np.ones(3).astype(dt) if dt not in ("M8[s]", "m8[s]") else \
        np.array([1, 2, 3]).astype(dt)
    with pytest.raises(TypeError) as info:
        pelx.add(a, a)
    msg = str(info.value)
    if dt in (object, np.longdouble):
        assert "float64" in msg and "complex128" in msg, msg


def test_unsupported_where_dtype():
    with pytest.raises(TypeError, match="supports"):
        pelx.where([True], np.array(["x"]), np.array(["y"]))
    with pytest.raises(ValueError):
        pelx.where([True], 1)


def test_clip_double_bound_refused():
    with pytest.raises(ValueError):
        pelx.clip(A, 1, 2, min=0)


def test_error_leaves_out_and_pool_usable():
    out = np.zeros(6)
    with pytest.raises(ValueError):
        pelx.add(A, np.ones(4), out=out)
    np.testing.assert_array_equal(out, 0)
    np.testing.assert_array_equal(pelx.add(A, 1.0), A + 1.0)


def _warning_texts(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return sorted({str(x.message) for x in w})


@pytest.mark.parametrize("name", ["exp", "log", "log10", "sin", "arctanh",
                                  "power"])
@pytest.mark.parametrize("dt", ["f4", "f8"])
def test_in_place_math_warns_as_numpy(name, dt):
    """With out= the input itself, the vector math loops still see the
    inputs when they derive the FP flags (transcendental.c)."""
    base = np.array([1000.0, 1.0, 0.0, -1.0, 2.0, np.inf, np.nan] * 50, dt)
    nin = getattr(np, name).nin
    a, b = base.copy(), base.copy()
    want = _warning_texts(lambda: getattr(np, name)(*[a] * nin, out=a))
    got = _warning_texts(lambda: getattr(pelx, name)(*[b] * nin, out=b))
    assert got == want
    assert want  # each of these warns on these inputs
    np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
