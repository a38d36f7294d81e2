"""Elementwise ops, NumPy vs pelx (same process, same data):

* add, 2**24 float64: memory-bound;
* sin, 2**24 float64: compute-bound;
* add, 1,000 float64: per-call overhead (pelx must stay within 1.5x).

Run: PYTHONPATH=python python -m pytest benchmarks/test_bench_elementwise.py
--benchmark-only. Ratios: median(pelx) / median(numpy) per group.
"""
import contextlib

import numpy as np
import pytest

import pelx

# "pelx-1thread" separates the kernels' speed from the pool's.
LIBS = ["numpy", "pelx", "pelx-1thread"]


def _setup(lib):
    if lib == "numpy":
        return np, contextlib.nullcontext()
    if lib == "pelx-1thread":
        return pelx, pelx.threads(1)
    return pelx, contextlib.nullcontext()

LARGE = 2 ** 24
SMALL = 1000


@pytest.fixture(scope="module")
def large(rng):
    a = rng.standard_normal(LARGE)
    b = rng.standard_normal(LARGE)
    return a, b, np.empty(LARGE)


@pytest.fixture(scope="module")
def small(rng):
    return rng.standard_normal(SMALL), rng.standard_normal(SMALL)


def _check(res, ref):
    np.testing.assert_array_max_ulp(res, ref, maxulp=4)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.benchmark(group="add 2**24 float64 (memory-bound)")
def test_add_large(benchmark, large, lib):
    a, b, out = large
    mod, ctx = _setup(lib)
    with ctx:
        benchmark(mod.add, a, b, out=out)
    _check(out, a + b)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.benchmark(group="sin 2**24 float64 (compute-bound)")
def test_sin_large(benchmark, large, lib):
    a, _, out = large
    mod, ctx = _setup(lib)
    with ctx:
        benchmark(mod.sin, a, out=out)
    _check(out, np.sin(a))


@pytest.mark.parametrize("lib", ["numpy", "pelx"])
@pytest.mark.benchmark(group="add 1000 float64 (call overhead)")
def test_add_small(benchmark, small, lib):
    a, b = small
    mod = np if lib == "numpy" else pelx
    res = benchmark(mod.add, a, b)
    _check(res, a + b)


@pytest.mark.parametrize("lib", ["numpy", "pelx"])
@pytest.mark.benchmark(group="multiply by Python float, 1000 float64")
def test_scalar_small(benchmark, small, lib):
    a, _ = small
    mod = np if lib == "numpy" else pelx
    res = benchmark(mod.multiply, a, 2.5)
    _check(res, a * 2.5)
