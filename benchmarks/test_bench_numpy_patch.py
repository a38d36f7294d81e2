"""Unchanged NumPy code: NumPy as shipped, NumPy patched by pelx
(pelx.patch_numpy()), and NumPy patched by Intel's mkl_umath
(mkl_umath.patch_numpy_umath()) where it is installed, in the same run.

Groups ``numpy-patch <case> n=<size>``: elementwise functions and operators,
np.sum, and a NumPy "column" snippet (arithmetic, a np.where, a
transcendental), at 1e3 (the cost of the patched loop when it stays on
NumPy's loop), 1e5, 1e6 and 1e7 float64 elements, with pelx's default
thread count. Every patched result is checked against NumPy's.

Run: PYTHONPATH=python python -m pytest benchmarks/test_bench_numpy_patch.py
--benchmark-only --benchmark-group-by=group
"""
import contextlib

import numpy as np
import pytest

import pelx

try:
    import mkl_umath
except ImportError:  # an optional peer
    mkl_umath = None

pytestmark = pytest.mark.benchmark(max_time=0.5, min_rounds=5, warmup=True)

SIZES = [10**3, 10**5, 10**6, 10**7]
BACKENDS = ["numpy", "pelx-patched", "mkl_umath"]


@contextlib.contextmanager
def _backend(name):
    if name == "numpy":
        yield
    elif name == "pelx-patched":
        with pelx.patched_numpy():
            yield
    else:
        if mkl_umath is None:
            pytest.skip("mkl_umath is not installed")
        mkl_umath.patch_numpy_umath()
        try:
            yield
        finally:
            mkl_umath.restore_numpy_umath()


def _snippet(price, qty):
    """Column arithmetic, a np.where and a transcendental, as a pandas
    pipeline does them on its columns' arrays."""
    revenue = price * qty * 0.97
    score = np.where(revenue > 1.0, np.log(revenue), 0.0)
    return (score - score.mean()) * 2.5


CASES = {
    "sin": lambda a, b: np.sin(a),
    "exp": lambda a, b: np.exp(a),
    "a + b": lambda a, b: a + b,
    "a * 2.5": lambda a, b: a * 2.5,
    "sqrt": lambda a, b: np.sqrt(np.abs(a)),
    "np.sum": lambda a, b: np.sum(a),
    "snippet": _snippet,
}


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n:.0e}")
def arrays(request, rng):
    n = request.param
    return n, rng.random(n) * 4.0, rng.random(n) * 3.0


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", list(CASES))
def test_numpy_patch(benchmark, arrays, case, backend):
    n, a, b = arrays
    fn = CASES[case]
    benchmark.group = f"numpy-patch {case} n={n:.0e}"
    benchmark.extra_info.update(threads=pelx.get_num_threads(), n=n)
    with np.errstate(all="ignore"):
        ref = fn(a, b)
        with _backend(backend):
            got = benchmark(fn, a, b)
    if backend == "mkl_umath" or case in ("np.sum", "snippet"):
        # MKL's own math; the sums' order (the snippet subtracts its mean)
        scale = float(np.max(np.abs(ref)))
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12 * scale)
    else:
        assert np.asarray(got).tobytes() == np.asarray(ref).tobytes()


def interleaved_small(n=1000, alternations=41, number=3000):
    """The cost of the patched loop where it stays on NumPy's loop: the
    same call patched and unpatched, alternating (so that machine noise
    hits both alike); medians of the per-call times. Machine noise on a
    shared VM swamps pytest-benchmark's separate groups at 1e3."""
    import timeit

    rng = np.random.default_rng(1)
    a, b = rng.random(n) * 4.0, rng.random(n) * 3.0
    rows = []
    for case, fn in CASES.items():
        times = {False: [], True: []}
        for k in range(alternations):
            for patched in ((False, True) if k % 2 else (True, False)):
                if patched:
                    pelx.patch_numpy()
                t = timeit.timeit(lambda: fn(a, b), number=number) / number
                if patched:
                    pelx.unpatch_numpy()
                times[patched].append(t)
        med = {p: sorted(v)[len(v) // 2] for p, v in times.items()}
        rows.append((case, med[False], med[True]))
    return rows


if __name__ == "__main__":
    with np.errstate(all="ignore"):
        for case, plain, patched in interleaved_small():
            print(f"{case:10s} n=1e3  numpy {plain * 1e6:8.3f} us  patched "
                  f"{patched * 1e6:8.3f} us  numpy/patched {plain / patched:.3f}")
