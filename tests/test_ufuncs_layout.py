"""Shapes, strides, operand kinds and keywords: pelx against NumPy."""
import array
import warnings

import numpy as np
import pytest

import pelx
from test_ufuncs_helpers import assert_same, numpy_call, pelx_call

RNG = np.random.default_rng(11)


def _base(shape, dt="f8"):
    return RNG.uniform(-10, 10, shape).astype(dt)


VIEWS = {
    "contiguous": lambda: (_base((6, 7)), _base((6, 7))),
    "broadcast_row": lambda: (_base((6, 7)), _base((7,))),
    "broadcast_col": lambda: (_base((6, 1)), _base((1, 7))),
    "negative_strides": lambda: (_base((6, 7))[::-1, ::-2],
                                 _base((6, 7))[:, ::-2]),
    "fortran": lambda: (np.asfortranarray(_base((6, 7))),
                        np.asfortranarray(_base((6, 7)))),
    "mixed_order": lambda: (np.asfortranarray(_base((6, 7))), _base((6, 7))),
    "non_contiguous_3d": lambda: (_base((4, 6, 8))[:, 1::2, ::3],
                                  _base((4, 6, 8))[:, ::2, 1::3]),
    "transposed": lambda: (_base((7, 6)).T, _base((6, 7))),
    "zero_d": lambda: (np.array(2.5), np.array(-1.0)),
    "zero_d_and_array": lambda: (np.array(2.5), _base((5,))),
    "empty": lambda: (_base((0, 7)), _base((7,))),
    "empty_broadcast": lambda: (_base((3, 0)), _base((1, 0))),
    "mixed_dtypes": lambda: (_base((5,), "i4"), _base((5,), "f4")),
    "unaligned": lambda: (np.frombuffer(b"\0" + _base((9,)).tobytes(),
                                        dtype="f8", count=9, offset=1),
                          _base((9,))),
    "byteswapped": lambda: (_base((8,)).astype(">f8"), _base((8,))),
    "size_one_broadcast": lambda: (_base((1,)), _base((3, 4))),
}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", ["add", "arctan2", "less", "maximum",
                                  "copysign"])
def test_binary_layouts(name, view):
    a, b = VIEWS[view]()
    exp, _ = numpy_call(name, a, b)
    res, _ = pelx_call(name, a, b)
    assert_same(res, exp, "ulp" if name == "arctan2" else "exact")
    if isinstance(exp, np.ndarray) and exp.ndim > 1:
        # order='K': the allocated result keeps the inputs' memory layout.
        assert res.strides == exp.strides


@pytest.mark.parametrize("view", VIEWS)
def test_unary_layouts(view):
    a, _ = VIEWS[view]()
    for name in ("negative", "sqrt", "exp", "isnan"):
        with np.errstate(all="ignore"):
            exp, _ = numpy_call(name, a)
            res, _ = pelx_call(name, a)
        assert_same(res, exp, "ulp" if name == "exp" else "exact")


class HasArray:
    def __init__(self, a):
        self.a = a

    def __array__(self, dtype=None, copy=None):
        return self.a if dtype is None else self.a.astype(dtype)


@pytest.mark.parametrize("make", [
    lambda: [1.0, 2.0, 3.0],
    lambda: [[1, 2, 3], [4, 5, 6]],
    lambda: array.array("d", [1.5, -2.0, 3.0]),
    lambda: memoryview(np.arange(3, dtype=np.int16)),
    lambda: HasArray(np.arange(3.0)),
    lambda: np.float32(2.5),
    lambda: np.int8(-3),
    lambda: True,
    lambda: 7,
    lambda: 2.5,
    lambda: 1 + 2j,
], ids=["list", "nested_list", "array.array", "memoryview", "__array__",
        "np.float32", "np.int8", "bool", "int", "float", "complex"])
def test_array_likes(make):
    for other in (np.arange(3.0), np.arange(3, dtype=np.int8)):
        exp, _ = numpy_call("multiply", make(), other)
        res, _ = pelx_call("multiply", make(), other)
        assert_same(res, exp)
        exp, _ = numpy_call("negative", make())
        res, _ = pelx_call("negative", make())
        assert_same(res, exp)


# ---- out= -------------------------------------------------------------------

def test_out_is_returned_and_filled():
    a, b = _base((4, 5)), _base((5,))
    out = np.empty((4, 5))
    r = pelx.add(a, b, out=out)
    assert r is out
    np.testing.assert_array_equal(out, a + b)
    out2 = np.empty((4, 5))
    assert pelx.add(a, b, out=(out2,)) is out2
    np.testing.assert_array_equal(out2, a + b)
    out3 = np.empty((4, 5), dtype=np.float32)
    pelx.add(a, b, out=out3)  # same_kind cast on output
    np.testing.assert_array_equal(out3, np.add(a, b, out=np.empty_like(out3)))


def test_out_zero_d_is_returned_as_array():
    out = np.zeros(())
    r = pelx.add(1.0, 2.0, out=out)
    assert r is out and out[()] == 3.0


def test_out_noncontiguous_view():
    base = np.zeros((6, 8))
    out = base[::2, ::-3]
    a = _base(out.shape)
    pelx.exp(a, out=out)
    exp = np.zeros((6, 8))
    np.exp(a, out=exp[::2, ::-3])
    assert_same(base, exp, "ulp")


@pytest.mark.parametrize("n", [10, 1000, 300_000])
@pytest.mark.parametrize("case", ["shift_right", "shift_left", "reverse",
                                  "in_place", "in_place_other"])
def test_out_overlapping_input_gives_numpy_answer(case, n):
    def run(mod):
        x = np.arange(n, dtype=np.float64) * 1.5 - 7
        y = np.arange(n, dtype=np.float64)
        if case == "shift_right":
            mod.add(x[1:], x[:-1], out=x[:-1])
        elif case == "shift_left":
            mod.add(x[:-1], y[1:], out=x[1:])
        elif case == "reverse":
            mod.multiply(x, 2.0, out=x[::-1])
        elif case == "in_place":
            mod.sin(x, out=x)
        else:
            mod.subtract(y, x, out=x)
        return x
    exp = run(np)
    res = run(pelx)
    assert_same(res, exp, "ulp" if case == "in_place" else "exact")


def test_out_overlap_with_casting_int():
    x = np.arange(20, dtype=np.int32)
    y = x.copy()
    np.add(y[2:], 1.5, out=y[:-2], casting="unsafe")
    pelx.add(x[2:], 1.5, out=x[:-2], casting="unsafe")
    np.testing.assert_array_equal(x, y)


# ---- where= -----------------------------------------------------------------

@pytest.mark.parametrize("n", [7, 300_001])
def test_where_leaves_unselected_out_untouched(n):
    a, b = _base((n,)), _base((n,))
    mask = RNG.random(n) < 0.4
    out = np.full(n, -99.0)
    exp = np.full(n, -99.0)
    np.add(a, b, out=exp, where=mask)
    pelx.add(a, b, out=out, where=mask)
    np.testing.assert_array_equal(out, exp)


def test_where_broadcast_and_cast_out():
    a = _base((4, 6))
    out = np.full((4, 6), 7, dtype=np.float32)
    exp = out.copy()
    mask = np.array([True, False, True, False, False, True])
    np.sqrt(abs(a), out=exp, where=mask)
    pelx.sqrt(abs(a), out=out, where=mask)
    np.testing.assert_array_equal(out, exp)
    # int out with float loop: unselected large ints must survive intact
    iout = np.full(6, 2**60 + 1, dtype=np.int64)
    iexp = iout.copy()
    np.add(np.arange(6.0), 0.5, out=iexp, where=mask, casting="unsafe")
    pelx.add(np.arange(6.0), 0.5, out=iout, where=mask, casting="unsafe")
    np.testing.assert_array_equal(iout, iexp)


def test_where_without_out_warns_like_numpy():
    with pytest.warns(UserWarning, match="'where' used without 'out'"):
        r = pelx.add(np.ones(3), 1.0, where=np.array([True, False, True]))
    assert r[0] == 2.0 and r[2] == 2.0


def test_where_scalar_false_keeps_out():
    out = np.arange(4.0)
    pelx.multiply(np.ones(4), 5.0, out=out, where=False)
    np.testing.assert_array_equal(out, np.arange(4.0))


# ---- dtype=, casting=, order= -----------------------------------------------

@pytest.mark.parametrize("kw", [
    {"dtype": np.float32},
    {"dtype": np.float64},
    {"dtype": "int8", "casting": "unsafe"},
    {"dtype": np.int16},
    {"casting": "no"},
    {"casting": "equiv"},
    {"casting": "safe"},
    {"casting": "unsafe"},
    {"dtype": np.complex64},
    {"dtype": np.float16},
])
@pytest.mark.parametrize("args", [
    lambda: (np.arange(5, dtype=np.int8), np.arange(5, dtype=np.int8)),
    lambda: (np.arange(5.0), 3),
    lambda: (np.arange(5, dtype=np.int16), np.float32(2.5)),
], ids=["i1,i1", "f8,int", "i2,f4"])
def test_dtype_and_casting_keywords(kw, args):
    exp, _ = numpy_call("add", *args(), **kw)
    res, _ = pelx_call("add", *args(), **kw)
    assert_same(res, exp)


@pytest.mark.parametrize("order", ["C", "F", "A", "K"])
def test_order_keyword(order):
    a = np.asfortranarray(_base((4, 5)))
    b = _base((4, 5))
    for args in ((a, a), (a, b), (b, 1.0)):
        exp = np.add(*args, order=order)
        res = pelx.add(*args, order=order)
        np.testing.assert_array_equal(res, exp)
        assert res.flags.c_contiguous == exp.flags.c_contiguous
        assert res.flags.f_contiguous == exp.flags.f_contiguous


def test_float16_inputs_follow_numpy_half_loops():
    a = np.linspace(-3, 3, 101).astype(np.float16)
    b = np.linspace(0.5, 7, 101).astype(np.float16)
    for name, args in [("add", (a, b)), ("multiply", (a, b)),
                       ("true_divide", (a, b)), ("sqrt", (b,)),
                       ("exp", (a,)), ("less", (a, b)),
                       ("sqrt", (np.arange(20, dtype=np.int8),))]:
        exp, _ = numpy_call(name, *args)
        res, _ = pelx_call(name, *args)
        assert_same(res, exp, "exact")


def test_out_aliasing_input_with_other_itemsize():
    # bool output written over the bytes of its own float input
    def run(mod):
        buf = np.arange(64, dtype=np.float64) - 30
        out = buf.view(np.bool_)[:64]
        mod.less(buf, 0.5, out=out)
        return buf.view(np.uint8).copy()
    np.testing.assert_array_equal(run(pelx), run(np))
