"""Integer floor_divide, remainder and reciprocal against NumPy: values,
dtypes and warnings, for every pair of 8-bit values and for random and edge
values of the wider types, with arrays and scalars on either side.

At the avx2 and avx512 levels the 8- to 32-bit types divide in floating
point (csrc/kernels/divide_blocks.h), whose exactness rests on an argument
about rounding; here every 8-bit case and the edges of the others (0, -1,
MIN, MAX, divisors that do not divide) are checked. CI runs this file at
each level.
"""
import warnings

import numpy as np
import pytest

import pelx

DTYPES = ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"]


def operands(dt):
    info = np.iinfo(dt)
    if info.bits == 8:
        a, b = np.meshgrid(np.arange(info.min, info.max + 1),
                           np.arange(info.min, info.max + 1))
        return a.ravel().astype(dt), b.ravel().astype(dt)
    rng = np.random.default_rng(1)
    edges = [0, 1, 2, 3, 7, info.max, info.max - 1]
    if info.min < 0:
        edges += [info.min, info.min + 1, -1, -2, -3, -7]
    edges = np.array(edges, dtype=object)
    n = 50000
    a = rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)
    # divisors of every magnitude, and many small ones
    b = rng.integers(info.min, info.max, n, endpoint=True, dtype=dt)
    b = b >> rng.integers(0, info.bits - 1, n).astype(dt)
    b[:2000] = rng.integers(-5 if info.min < 0 else 0, 5, 2000)
    ea, eb = np.meshgrid(edges, edges)
    return (np.concatenate([a, ea.ravel().astype(dt)]),
            np.concatenate([b, eb.ravel().astype(dt)]))


def outcome(mod, op, args):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = getattr(mod, op)(*args)
    return res, sorted({str(x.message) for x in w})


def layouts(dt):
    a, b = operands(dt)
    info = np.iinfo(dt)
    yield "arrays", (a, b)
    scalars = [0, 1, 3, info.max] + ([-1, -7, info.min] if info.min < 0 else [])
    for v in scalars:
        yield "divisor %d" % v, (a, np.array(v, dt))
    for v in [0, 5, info.max, info.min]:
        yield "dividend %d" % v, (np.array(v, dt), b)
    m = (a.size - 1) // 3
    yield "strided", (a[:3 * m:3], b[1:3 * m:3])


@pytest.mark.parametrize("op", ["floor_divide", "remainder"])
@pytest.mark.parametrize("dt", DTYPES)
def test_same_as_numpy(op, dt):
    for name, args in layouts(dt):
        want, want_w = outcome(np, op, args)
        got, got_w = outcome(pelx, op, args)
        assert got.dtype == want.dtype, name
        bad = np.flatnonzero(got != want)
        assert bad.size == 0, (name, [(args[0].flat[i] if args[0].ndim else
                                       args[0], got.flat[i], want.flat[i])
                                      for i in bad[:3]])
        assert got_w == want_w, name


def test_in_place_and_out():
    a = np.arange(-300, 300, dtype=np.int16)
    b = np.full_like(a, -7)
    want = np.floor_divide(a, b)
    c = a.copy()
    pelx.floor_divide(c, b, out=c)
    np.testing.assert_array_equal(c, want)
    o = np.empty_like(a)
    pelx.remainder(a, b, out=o)
    np.testing.assert_array_equal(o, np.remainder(a, b))


@pytest.mark.parametrize("dt", DTYPES)
def test_reciprocal_same_as_numpy(dt):
    """1 and -1 are their own reciprocals, other values give 0, and 0
    gives NumPy's cast of +inf with its two warnings (divide_blocks.h)."""
    info = np.iinfo(dt)
    a, _ = operands(dt)
    edges = [0, 1, 2, 3, info.max] + ([-1, -2, info.min] if info.min < 0 else [])
    a = np.concatenate([a[:5000], np.array(edges, dtype=object).astype(dt)])
    nonzero = np.where(a == 0, 1, a).astype(dt)
    for name, arr in (("with zeros", a), ("no zeros", nonzero),
                      ("strided", a[::3])):
        want, want_w = outcome(np, "reciprocal", (arr,))
        got, got_w = outcome(pelx, "reciprocal", (arr,))
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want, err_msg=name)
        assert got_w == want_w, name
