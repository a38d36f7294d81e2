"""Reductions: pelx against NumPy and numexpr, measured in the same run.

    PYTHONPATH=python python -m pytest benchmarks/test_bench_reductions.py \
        --benchmark-group-by=param:case --benchmark-columns=median,iqr,rounds

Cases: sum, max, argmax, mean, std over 2**25 float64 and sum(axis=1) over a
(4096, 8192) float64 array. numexpr runs where it has the reduction (sum,
max; mean as sum/n and std as two passes of sum, which is how a numexpr
user writes them); it has no argmax. Each group's ratios (peer median /
pelx median) are the speedups to report.
"""
import numpy as np
import pytest

import pelx

numexpr = pytest.importorskip("numexpr")

N = 2**25
SHAPE = (4096, 8192)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return {"v": rng.standard_normal(N), "m": rng.standard_normal(SHAPE)}


def _ne_std(v):
    m = numexpr.evaluate("sum(v)") / v.size
    return np.sqrt(numexpr.evaluate("sum((v - m)**2)") / v.size)


CASES = {
    # case: (input key, pelx, numpy, numexpr or None)
    "sum": ("v", lambda v: pelx.sum(v), lambda v: np.sum(v),
            lambda v: numexpr.evaluate("sum(v)")),
    "max": ("v", lambda v: pelx.max(v), lambda v: np.max(v),
            lambda v: numexpr.evaluate("max(v)")),
    "argmax": ("v", lambda v: pelx.argmax(v), lambda v: np.argmax(v), None),
    "mean": ("v", lambda v: pelx.mean(v), lambda v: np.mean(v),
             lambda v: numexpr.evaluate("sum(v)") / v.size),
    "std": ("v", lambda v: pelx.std(v), lambda v: np.std(v), _ne_std),
    "sum_axis1": ("m", lambda m: pelx.sum(m, axis=1),
                  lambda m: np.sum(m, axis=1),
                  lambda m: numexpr.evaluate("sum(m, axis=1)")),
}


@pytest.mark.parametrize("impl", ["pelx", "numpy", "numexpr"])
@pytest.mark.parametrize("case", list(CASES))
def test_reduction(benchmark, data, case, impl):
    key, f_pelx, f_np, f_ne = CASES[case]
    fn = {"pelx": f_pelx, "numpy": f_np, "numexpr": f_ne}[impl]
    if fn is None:
        pytest.skip(f"numexpr has no {case}")
    x = data[key]
    benchmark.group = case
    result = benchmark(fn, x)
    # every implementation computes the same thing
    expect = f_np(x)
    np.testing.assert_allclose(result, expect, rtol=1e-9)
