"""One call path: the expression reductions run on the reduction kernels,
and every NpyIter job runs on the one iterator runner.

- ``pelx.evaluate(f"{r}(a)")`` equals ``pelx.<r>(a)`` bit for bit: the
  expression's values go through the same chunk grid, kernels and combine
  order as the array itself, for every dtype, size and layout;
- the runner's buffer-flush rule: jobs whose output is cast from the loop
  dtype, on many threads, give NumPy's values in every element.
"""
import ctypes

import numpy as np
import pytest

import pelx

REDUCTIONS = ["sum", "prod", "min", "max", "any", "all"]
DTYPES = ["float32", "float64", "complex128", "int64"]
# around the kernels' chunk (16384) and pairwise leaf (128) sizes, and large
SIZES = [1, 7, 127, 128, 129, 1000, 16383, 16384, 16385, 60000, 100_003,
         1_000_003, 3_000_000]

rng = np.random.default_rng(2026)


def values(dtype, n, for_prod=False):
    dt = np.dtype(dtype)
    if dt.kind == "i":
        x = rng.integers(-1000, 1000, n)
        if for_prod:  # a product that neither overflows nor is all zeros
            x = np.where(x % 5 == 0, 2, 1)
        return x.astype(dt)
    x = rng.standard_normal(n)
    if dt.kind == "c":
        x = x + 1j * rng.standard_normal(n)
    if for_prod:
        x = 1 + 1e-4 * x
    return x.astype(dt)


def same_bits(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    assert got.tobytes() == want.tobytes(), (got, want)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("r", REDUCTIONS)
def test_evaluate_reduction_is_the_reduction_function(r, dtype, n):
    a = values(dtype, n, for_prod=r == "prod")
    same_bits(pelx.evaluate(f"{r}(a)"), getattr(pelx, r)(a))


LAYOUTS = {
    "fortran": lambda x: np.asfortranarray(x.reshape(300, -1)),
    "transposed": lambda x: x.reshape(300, -1).T,
    "reversed": lambda x: x[::-1],
    "strided": lambda x: x[::3],
    "reversed_rows": lambda x: x.reshape(300, -1)[::-1, ::2],
    "3d_unmergeable": lambda x: x.reshape(30, 40, -1)[::2, ::3, ::-2]
                                 .transpose(2, 0, 1),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("r", REDUCTIONS)
def test_every_layout(r, dtype, layout):
    a = LAYOUTS[layout](values(dtype, 300 * 40 * 30, for_prod=r == "prod"))
    same_bits(pelx.evaluate(f"{r}(a)"), getattr(pelx, r)(a))


@pytest.mark.parametrize("r", ["sum", "min", "max"])
def test_any_thread_count(r):
    a = values("float64", 1_000_003)
    want = getattr(pelx, r)(a)
    for t in (1, 2, 3):
        with pelx.threads(t):
            same_bits(pelx.evaluate(f"{r}(a)"), want)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("r", ["nansum", "nanmin", "nanmax"])
def test_nan_reductions(r, dtype):
    a = values(dtype, 100_003)
    a[::7] = np.nan
    got = pelx.evaluate(f"{r}(a)")
    same_bits(got, getattr(pelx, r)(a))
    want = getattr(np, r)(a)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if dtype == "float32"
                               else 1e-12)


def test_nan_reductions_of_integers_are_the_plain_ones():
    a = values("int64", 1000)
    for r in ("nansum", "nanmin", "nanmax"):
        same_bits(pelx.evaluate(f"{r}(a)"), getattr(np, r)(a))


def test_nanmin_of_all_nan_warns_as_numpy():
    a = np.full(100, np.nan)
    with pytest.warns(RuntimeWarning, match="All-NaN"):
        got = pelx.evaluate("nanmin(a)")
    assert np.isnan(got)


@pytest.mark.parametrize("r", ["min", "max"])
def test_complex_min_max_are_numpys(r):
    a = values("complex128", 50_000)
    same_bits(pelx.evaluate(f"{r}(a)"), getattr(np, r)(a))


# ---- the runner's buffer-flush rule -----------------------------------------
# A slot's iterator stages the first buffer of the whole range when it is
# set up; without the flush, a casting output's stale buffer is written
# back over another slot's chunk.

N = 1_000_003


def test_evaluate_into_a_cast_output_on_many_threads():
    a = rng.standard_normal(N)
    want = (a * 3.0 + 1.0).astype(np.float32)
    with pelx.threads(4):
        for _ in range(3):
            out = np.full(N, -7.0, dtype=np.float32)
            pelx.evaluate("a * 3.0 + 1.0", out=out, casting="same_kind")
            np.testing.assert_array_equal(out, want)


def test_elementwise_into_a_cast_output_on_many_threads():
    a = rng.standard_normal(N)
    want = np.add(a, 1.0).astype(np.float32)
    with pelx.threads(4):
        for _ in range(3):
            out = np.full(N, -7.0, dtype=np.float32)
            pelx.add(a, 1.0, out=out)
            np.testing.assert_array_equal(out, want)


def test_map_into_a_cast_output_on_many_threads():
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)
    fabs = proto(("fabs", ctypes.CDLL(None)))
    a = rng.standard_normal(N)
    want = np.abs(a).astype(np.float32)
    with pelx.threads(4):
        for _ in range(3):
            out = np.full(N, -7.0, dtype=np.float32)
            pelx.map(fabs, a, out=out)
            np.testing.assert_array_equal(out, want)


def test_costly_expression_on_6e4_elements_runs_in_parallel():
    a = rng.standard_normal(60_000)
    with pelx.threads(2):
        pelx.reset_stats()
        got = pelx.evaluate("sin(a)**2 + cos(a)**2")
        busy = [w.chunks for w in pelx.stats() if w.chunks]
    np.testing.assert_allclose(got, np.sin(a)**2 + np.cos(a)**2)
    assert sum(busy) > 1, busy


# ---- one out= check for pelx's own functions --------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda a, out: pelx.evaluate("a * 2", out=out), "evaluate"),
    (lambda a, out: pelx.sum(a, out=out), "sum"),
    (lambda a, out: pelx.mean(a, out=out), "mean"),
])
def test_out_that_is_not_an_ndarray_is_refused_alike(call, name):
    a = np.arange(5.0)
    with pytest.raises(TypeError, match=f"pelx.{name}: out must be a "
                                        "numpy.ndarray, got list"):
        call(a, [0.0] * 5)
