"""pelx reductions against NumPy: every function x dtype x axis x layout,
keywords (keepdims, dtype, out, where, initial, ddof), NaNs, empty inputs,
errors."""
import warnings

import numpy as np
import pytest

import pelx

DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32",
          "int64", "uint64", "float32", "float64", "complex64", "complex128"]
AXES = [None, 0, 1, -1, (0, 2), (2, 0), (1, 2), (0, 1, 2)]
SUMLIKE = ["sum", "prod", "nansum"]
EXTREMES = ["min", "max", "amin", "amax", "nanmin", "nanmax"]
MEANS = ["mean", "nanmean", "var", "std"]
TRUTH = ["any", "all"]
ARGS = ["argmin", "argmax"]


def make(dtype, shape, rng, kind="normal"):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind == "b":
        x = rng.random(n) < 0.5
    elif dt.kind in "iu":
        # small range: ties (first-occurrence rules) and exact wrap-around
        lo = 0 if dt.kind == "u" else -5
        x = rng.integers(lo, 6, n).astype(dt)
    else:
        if kind == "prod":  # near 1: no overflow to inf in products
            x = rng.uniform(0.9, 1.1, n)
        else:
            x = rng.standard_normal(n)
        if dt.kind == "c":
            x = x + 1j * (rng.uniform(0.9, 1.1, n) if kind == "prod"
                          else rng.standard_normal(n))
        x = x.astype(dt)
    return x.reshape(shape)


def layouts(x):
    """The same values in C, F, transposed, strided and reversed layouts."""
    big = np.zeros(tuple(2 * n for n in x.shape), dtype=x.dtype)
    big[::2, ::2, ::2] = x[::-1, :, ::-1]
    strided = big[::2, ::2, ::2][::-1, :, ::-1]  # negative strides too
    assert np.array_equal(strided, x)
    return {
        "C": np.ascontiguousarray(x),
        "F": np.asfortranarray(x),
        "T": np.ascontiguousarray(x.transpose(2, 0, 1)).transpose(1, 2, 0),
        "strided": strided,
    }


def tol(dt):
    dt = np.dtype(dt)
    if dt.kind in "fc":
        return dict(rtol=2e-5, atol=1e-5) if dt.itemsize in (4, 8) and \
            dt in (np.float32, np.complex64) else dict(rtol=1e-12, atol=1e-12)
    return None


def check_equal(r, e, dt_for_tol=None):
    r_arr, e_arr = np.asarray(r), np.asarray(e)
    assert r_arr.dtype == e_arr.dtype, (r_arr.dtype, e_arr.dtype)
    assert r_arr.shape == e_arr.shape, (r_arr.shape, e_arr.shape)
    t = tol(dt_for_tol if dt_for_tol is not None else e_arr.dtype)
    if t is None:
        assert np.array_equal(r_arr, e_arr)
    else:
        np.testing.assert_allclose(r_arr, e_arr, equal_nan=True, **t)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fname", SUMLIKE + EXTREMES + MEANS + TRUTH + ARGS)
def test_matches_numpy(fname, dtype):
    rng = np.random.default_rng(abs(hash((fname, dtype))) % 2**32)
    x = make(dtype, (6, 7, 5), rng, "prod" if fname == "prod" else "normal")
    for lay, a in layouts(x).items():
        for axis in AXES:
            if fname in ARGS and isinstance(axis, tuple):
                continue
            for keepdims in (False, True):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    e = getattr(np, fname)(a, axis=axis, keepdims=keepdims)
                    r = getattr(pelx, fname)(a, axis=axis, keepdims=keepdims)
                try:
                    check_equal(r, e)
                except AssertionError as err:
                    raise AssertionError(f"{fname} {dtype} {lay} axis={axis} "
                                         f"keepdims={keepdims}: {err}")
                assert type(r) is type(e) or isinstance(r, np.ndarray) == \
                    isinstance(e, np.ndarray)


# sizes that cross the 16384-element chunks and the 64-row chunks
@pytest.mark.parametrize("shape,axis", [
    ((100_003,), None), ((3, 40_000), 1), ((3, 40_000), 0),
    ((3000, 300), 0), ((300, 3000), 1), ((50_000, 3), 0), ((50_000, 3), None),
    ((700, 600), (0, 1)),
])
@pytest.mark.parametrize("dtype", ["int16", "float32", "float64", "complex128"])
def test_large_layouts(shape, axis, dtype):
    rng = np.random.default_rng(1)
    a = make(dtype, shape, rng)
    for fname in ["sum", "max", "min", "argmax", "argmin", "mean", "std",
                  "any", "all"]:
        if fname.startswith("arg") and isinstance(axis, tuple):
            continue
        for arr in (a, np.asfortranarray(a), a[::-1]):
            r = getattr(pelx, fname)(arr, axis=axis)
            e = getattr(np, fname)(arr, axis=axis)
            if dtype == "float32" and fname in ("sum", "mean"):
                # different (both pairwise) summation orders: at least as
                # close to the exact float64 sum as NumPy, up to rounding
                exact = getattr(np, fname)(arr.astype(np.float64), axis=axis)
                scale = np.sum(np.abs(arr.astype(np.float64)), axis=axis)
                if fname == "mean":
                    scale = scale / (arr.size // np.size(exact))
                assert np.asarray(r).dtype == np.float32
                assert np.all(np.abs(r - exact) <= 4 * np.abs(e - exact)
                              + 2e-7 * scale)
            else:
                check_equal(r, e)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int16",
                                   "uint8", "bool", "complex128"])
def test_argminmax_columns_as_numpy(dtype):
    """Along axis 0 of C arrays (the column kernel, in blocks of 256
    columns): ties keep the first row, NaN wins from its first row."""
    rng = np.random.default_rng(7)
    for rows, cols in [(1, 5), (3, 256), (40, 257), (9, 700), (200, 513)]:
        a = rng.integers(0, 4, (rows, cols)).astype(dtype)
        if dtype.startswith(("float", "complex")):
            a[rng.random(a.shape) < 0.01] = np.nan
        if dtype == "complex128":
            a = a + 1j * rng.integers(0, 2, a.shape)
        for f in ("argmax", "argmin"):
            for arr in (a, a[:, ::-1], a[::2]):
                check_equal(getattr(pelx, f)(arr, axis=0),
                            getattr(np, f)(arr, axis=0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_minmax_short_rows_as_numpy(dtype):
    """Along the last axis, rows of every length around the vector widths
    (the vector kernel's 4-vector blocks, single vectors, scalar tail),
    with NaN in some rows and none in others."""
    rng = np.random.default_rng(11)
    for cols in [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127,
                 128, 129, 200]:
        a = rng.integers(-3, 4, (60, cols)).astype(dtype)
        a[rng.random(a.shape) < 0.004] = np.nan
        a[5, :] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for f in ("max", "min", "nanmax", "nanmin", "argmax", "argmin"):
                check_equal(getattr(pelx, f)(a, axis=1),
                            getattr(np, f)(a, axis=1))


def test_argminmax_first_occurrence_and_nan():
    a = np.zeros(100_000)
    a[[10, 50_000, 99_999]] = 5.0
    a[[20, 60_000]] = -5.0
    assert pelx.argmax(a) == 10 and pelx.argmin(a) == 20
    a[[70_000, 30_000]] = np.nan
    assert pelx.argmax(a) == 30_000 == np.argmax(a)
    assert pelx.argmin(a) == 30_000 == np.argmin(a)
    assert np.isnan(pelx.max(a)) and np.isnan(pelx.min(a))
    assert pelx.nanmax(a) == 5.0 and pelx.nanmin(a) == -5.0
    # along both axes, NaN in some rows/columns, ties elsewhere
    rng = np.random.default_rng(2)
    b = rng.integers(0, 3, (300, 200)).astype(np.float64)
    b[rng.random(b.shape) < 0.002] = np.nan
    for ax in (0, 1, None):
        for arr in (b, np.asfortranarray(b)):
            for f in ("argmax", "argmin", "max", "min"):
                check_equal(getattr(pelx, f)(arr, axis=ax),
                            getattr(np, f)(arr, axis=ax))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                for f in ("nanmax", "nanmin", "nansum", "nanmean"):
                    check_equal(getattr(pelx, f)(arr, axis=ax),
                                getattr(np, f)(arr, axis=ax))


def test_complex_nan_and_order():
    a = np.array([1 + 1j, 1 + 2j, 1 + 0j, 0 + 5j], np.complex128)
    for f in ("max", "min", "argmax", "argmin"):
        check_equal(getattr(pelx, f)(a), getattr(np, f)(a))
    a[2] = complex(1, np.nan)
    for f in ("argmax", "argmin"):
        assert getattr(pelx, f)(a) == getattr(np, f)(a) == 2
    assert np.isnan(pelx.max(a))


def test_all_nan_slice_warns():
    a = np.array([[np.nan, np.nan], [1.0, np.nan]])
    with pytest.warns(RuntimeWarning, match="All-NaN"):
        r = pelx.nanmax(a, axis=1)
    check_equal(r, np.array([np.nan, 1.0]))
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"):
        r = pelx.nanmean(a, axis=1)
    check_equal(r, np.array([np.nan, 1.0]))


def test_empty_inputs():
    e = np.empty((0, 3))
    assert pelx.sum(e) == 0.0 and pelx.prod(e) == 1.0
    check_equal(pelx.sum(e, axis=0), np.sum(e, axis=0))
    check_equal(pelx.sum(e, axis=1), np.sum(e, axis=1))
    check_equal(pelx.prod(np.empty(0, np.int8)), np.prod(np.empty(0, np.int8)))
    assert pelx.any(e) is np.False_ or pelx.any(e) == False  # noqa: E712
    assert bool(pelx.all(e)) is True
    check_equal(pelx.max(e, axis=1), np.max(e, axis=1))  # no outputs: fine
    for f, name in (("max", "maximum"), ("min", "minimum"),
                    ("nanmax", "fmax"), ("nanmin", "fmin")):
        with pytest.raises(ValueError, match=f"zero-size array to reduction "
                                             f"operation {name} which has no "
                                             f"identity"):
            getattr(pelx, f)(e)
        with pytest.raises(ValueError, match="no identity"):
            getattr(pelx, f)(e, axis=0)
    assert pelx.max(e, initial=-1.0) == np.max(e, initial=-1.0)
    check_equal(pelx.max(e, axis=0, initial=2), np.max(e, axis=0, initial=2))
    for f in ("argmax", "argmin"):
        with pytest.raises(ValueError, match="empty sequence"):
            getattr(pelx, f)(e)
        check_equal(getattr(pelx, f)(e, axis=1), getattr(np, f)(e, axis=1))
    with pytest.warns(RuntimeWarning, match="Mean of empty slice"):
        assert np.isnan(pelx.mean(e))
    with pytest.warns(RuntimeWarning):
        check_equal(pelx.mean(e, axis=0), np.full(3, np.nan))
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        assert np.isnan(pelx.var(e))
    with pytest.warns(RuntimeWarning, match="Degrees of freedom"):
        assert np.isnan(pelx.std(np.ones(1), ddof=1))
    assert pelx.dot(np.empty(0), np.empty(0)) == 0.0


def test_dtype_rules():
    cases = [(np.int8, "sum"), (np.uint16, "sum"), (np.bool_, "sum"),
             (np.int32, "prod"), (np.uint8, "prod"), (np.float32, "sum"),
             (np.int16, "mean"), (np.float32, "mean"), (np.complex64, "var"),
             (np.complex128, "std"), (np.int64, "var"), (np.bool_, "mean")]
    rng = np.random.default_rng(3)
    for dt, f in cases:
        a = make(dt, (20, 30), rng)
        check_equal(getattr(pelx, f)(a), getattr(np, f)(a))
        check_equal(getattr(pelx, f)(a, axis=0), getattr(np, f)(a, axis=0))
    # explicit dtype=, narrower or wider than the default
    a = np.arange(1000, dtype=np.int32)
    for dt in (np.int8, np.uint8, np.int16, np.float32, np.float64,
               np.complex128, np.uint64):
        check_equal(pelx.sum(a, dtype=dt), np.sum(a, dtype=dt))
        check_equal(pelx.prod(a[1:12], dtype=dt), np.prod(a[1:12], dtype=dt))
    f = np.linspace(0, 1, 1001, dtype=np.float32)
    check_equal(pelx.sum(f, dtype=np.float64), np.sum(f, dtype=np.float64))
    check_equal(pelx.mean(f, dtype=np.float64), np.mean(f, dtype=np.float64))
    check_equal(pelx.var(f, dtype=np.float64), np.var(f, dtype=np.float64))
    check_equal(pelx.sum(f > 0.5, dtype=bool), np.sum(f > 0.5, dtype=bool))
    # int overflow wraps like NumPy
    big = np.full(10, 2**62, np.int64)
    check_equal(pelx.sum(big), np.sum(big))
    check_equal(pelx.prod(np.full(70, 3, np.int64)), np.prod(np.full(70, 3, np.int64)))


def test_out_keyword():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((8, 9))
    for f in ("sum", "prod", "max", "min", "mean", "std", "var", "any",
              "all", "nansum", "argmax", "argmin"):
        o = np.empty(9, dtype=np.intp if f.startswith("arg")
                     else bool if f in ("any", "all") else np.float64)
        r = getattr(pelx, f)(a, axis=0, out=o)
        assert r is o
        check_equal(o, getattr(np, f)(a, axis=0))
    # out of another dtype: accumulated in out's dtype, as NumPy
    o = np.zeros((), np.float32)
    i8 = np.arange(100, dtype=np.int8)
    pelx.sum(i8, out=o)
    check_equal(o, np.sum(i8, out=np.zeros((), np.float32)))
    # keepdims shape for out
    o = np.empty((8, 1))
    pelx.sum(a, axis=1, keepdims=True, out=o)
    check_equal(o, np.sum(a, axis=1, keepdims=True))
    with pytest.raises(ValueError, match="shape"):
        pelx.sum(a, axis=0, out=np.empty(8))
    with pytest.raises(TypeError, match="ndarray"):
        pelx.sum(a, out=[0.0])
    # out overlapping the input gives NumPy's answer
    b = a.copy()
    pelx.sum(b, axis=0, out=b[0])
    check_equal(b[0], np.sum(a, axis=0))


def test_where_and_initial():
    rng = np.random.default_rng(5)
    a = rng.standard_normal((6, 7))
    w = rng.random((6, 7)) < 0.6
    wrow = np.array([True, False, True, True, False, True, True])
    for f in ("sum", "prod", "nansum", "any", "all", "mean", "var", "std"):
        for where in (w, wrow):
            for axis in (None, 0, 1):
                check_equal(getattr(pelx, f)(a, axis=axis, where=where),
                            getattr(np, f)(a, axis=axis, where=where))
    for f in ("max", "min", "nanmax", "nanmin"):
        for axis in (None, 0, 1):
            check_equal(getattr(pelx, f)(a, axis=axis, where=w, initial=0.5),
                        getattr(np, f)(a, axis=axis, where=w, initial=0.5))
            check_equal(getattr(pelx, f)(a, axis=axis, initial=0.5),
                        getattr(np, f)(a, axis=axis, initial=0.5))
        with pytest.raises(ValueError, match="initial"):
            getattr(pelx, f)(a, where=w)
    ia = rng.integers(-9, 9, (5, 5))
    for f in ("sum", "prod"):
        check_equal(getattr(pelx, f)(ia, axis=1, initial=3),
                    getattr(np, f)(ia, axis=1, initial=3))
    with pytest.raises(ValueError, match="broadcast"):
        pelx.sum(a, where=np.ones(3, bool))


def test_ddof():
    rng = np.random.default_rng(6)
    a = rng.standard_normal((10, 4)) + 1j * rng.standard_normal((10, 4))
    for ddof in (0, 1, 3):
        for f in ("var", "std"):
            check_equal(getattr(pelx, f)(a, axis=0, ddof=ddof),
                        getattr(np, f)(a, axis=0, ddof=ddof))
            check_equal(getattr(pelx, f)(a.real, ddof=ddof),
                        getattr(np, f)(a.real, ddof=ddof))


def test_dot_vdot():
    rng = np.random.default_rng(7)
    for dt in ("float32", "float64", "complex64", "complex128", "int8",
               "int32", "uint16", "int64", "bool"):
        a = make(dt, (1000,), rng)
        b = make(dt, (1000,), rng)
        check_equal(pelx.dot(a, b), np.dot(a, b))
        check_equal(pelx.dot(a[::-3], b[::3]), np.dot(a[::-3], b[::3]))
        check_equal(pelx.vdot(a, b), np.vdot(a, b))
    a8 = np.full(100, 100, np.int8)
    check_equal(pelx.dot(a8, a8), np.dot(a8, a8))  # wraps like NumPy
    m = rng.standard_normal((3, 4))
    check_equal(pelx.vdot(m, m), np.vdot(m, m))
    check_equal(pelx.dot(m, m.T), np.dot(m, m.T))  # 2-D: NumPy's dot
    check_equal(pelx.dot(np.arange(3), np.arange(3.0)),
                np.dot(np.arange(3), np.arange(3.0)))
    with pytest.raises(ValueError, match="not aligned"):
        pelx.dot(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="same size"):
        pelx.vdot(np.ones(3), np.ones(4))


def test_scalars_lists_and_0d():
    assert pelx.sum([1, 2, 3]) == 6 and type(pelx.sum([1, 2, 3])) is np.int64
    check_equal(pelx.max(np.float32(3)), np.max(np.float32(3)))
    check_equal(pelx.mean(np.array(2.0)), np.mean(np.array(2.0)))
    check_equal(pelx.argmax(np.array(2.0)), np.argmax(np.array(2.0)))
    check_equal(pelx.sum(np.ones((3, 4)), axis=()), np.sum(np.ones((3, 4)), axis=()))


def test_bad_input():
    a = np.ones((3, 4))
    with pytest.raises(np.exceptions.AxisError):
        pelx.sum(a, axis=2)
    with pytest.raises(np.exceptions.AxisError):
        pelx.argmax(a, axis=-3)
    with pytest.raises(ValueError, match="duplicate"):
        pelx.sum(a, axis=(0, -2))
    with pytest.raises(TypeError):
        pelx.argmax(a, axis=(0, 1))
    with pytest.raises(TypeError):
        pelx.sum(a, axis=1.5)
    for bad in (np.array(["a", "b"]), np.array([1, None], dtype=object),
                np.ones(2, np.longdouble)):
        with pytest.raises(TypeError, match="unsupported dtype"):
            pelx.sum(bad)
        with pytest.raises(TypeError, match="unsupported dtype"):
            pelx.max(bad)
    with pytest.raises(TypeError, match="integer"):
        pelx.argmax(a, axis=0, out=np.empty(4))
    # float16 data and integer dtype= for var are NumPy's own answers
    half = np.arange(7, dtype=np.float16)
    for name in ("sum", "max", "mean", "var"):
        check_equal(getattr(pelx, name)(half), getattr(np, name)(half))
    check_equal(pelx.var(a * 3, dtype=np.int64), np.var(a * 3, dtype=np.int64))
    # byte-swapped and unaligned inputs are handled
    sw = np.arange(10.0).astype(">f8")
    check_equal(pelx.sum(sw), np.sum(sw))
    buf = np.zeros(81, np.uint8)[1:].view(np.float64)
    buf[:] = np.arange(10.0)
    check_equal(pelx.max(buf), np.max(buf))


def test_private_binding_rejects_bad_views():
    a = np.ones(10)
    out = np.empty(())
    with pytest.raises(ValueError, match="outside"):
        pelx._core._reduce("sum", a, np.float64, out, 0, (1, 1), (0, 0),
                           (1, 11), (0, 8))
    with pytest.raises(ValueError, match="outside"):
        pelx._core._reduce("sum", a, np.float64, out, -8, (1, 1), (0, 0),
                           (1, 10), (0, 8))
    with pytest.raises(ValueError, match="out must"):
        pelx._core._reduce("sum", a, np.float64, np.empty(2), 0, (1, 1),
                           (0, 0), (1, 10), (0, 8))
    with pytest.raises(TypeError, match="no 'sum' kernel"):
        pelx._core._reduce("sum", a, np.float16, out, 0, (1, 1), (0, 0),
                           (1, 10), (0, 8))
    with pytest.raises(ValueError, match="unknown reduction"):
        pelx._core._reduce("median", a, np.float64, out, 0, (1, 1), (0, 0),
                           (1, 10), (0, 8))


def test_fp_warnings_follow_errstate():
    a = np.array([np.inf, -np.inf])
    with pytest.warns(RuntimeWarning, match="invalid value"):
        assert np.isnan(pelx.sum(a))
    with np.errstate(invalid="raise"):
        with pytest.raises(FloatingPointError):
            pelx.sum(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # comparisons with NaN: no warning
        assert np.isnan(pelx.max(np.array([1.0, np.nan])))
        assert pelx.argmax(np.array([1.0, np.nan])) == 1
    with pytest.warns(RuntimeWarning, match="overflow"):
        pelx.sum(np.full(4, 3e38, np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fname", ["sum", "prod", "min", "max", "argmin", "argmax",
                                   "any", "all", "mean", "var", "std"])
def test_whole_array_fast_path(fname, dtype):
    """fn(a) and fn(a, axis=None) on a contiguous array take the planned
    whole-array path: the same value, bits and type as the general path
    (forced here with keepdims=False) and NumPy's dtype and type."""
    rng = np.random.default_rng(abs(hash((fname, dtype, "fast"))) % 2**32)
    for n in (1, 7, 1000, 40000):
        a = make(dtype, (n,), rng, "prod" if fname == "prod" else "normal")
        fn = getattr(pelx, fname)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fast, fast_kw = fn(a), fn(a, axis=None)
            general = fn(a, axis=None, keepdims=False)
            want = getattr(np, fname)(a)
        for got in (fast, fast_kw):
            assert type(got) is type(general) is type(want), (type(got), type(want))
            assert np.asarray(got).tobytes() == np.asarray(general).tobytes(), (n, got, general)
        check_equal(fast, want)


def test_any_all_stop_early():
    """A True at the front of 1e8 booleans decides any() without reading the
    rest: far faster than reading all 100 MB (bounded loosely: only a 10x
    gap is asserted, which no machine noise produces)."""
    import time
    a = np.zeros(10**8, bool)
    full = time.perf_counter()
    assert not pelx.any(a)
    full = time.perf_counter() - full
    a[3] = True
    early = min(_timed(lambda: pelx.any(a)) for _ in range(5))
    assert pelx.any(a) and pelx.any(a, axis=None)
    assert not pelx.all(~a) and pelx.all(~np.zeros(100, bool))
    assert early < full / 10, (early, full)


def _timed(fn):
    import time
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t
