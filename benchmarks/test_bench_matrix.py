"""The kernel matrix as pytest-benchmark groups: every elementwise function
of pelx's table x every dtype it has a loop for, and every reduction (axis
None, 0, 1), NumPy next to pelx at 1 thread and at all threads, one group
per cell. The cells, inputs and domains are pelx.bench.matrix's (also
``python -m pelx.bench --matrix``, which prints ratios and the geometric
mean).

Run: PYTHONPATH=python python -m pytest benchmarks/test_bench_matrix.py
--benchmark-only [-k "add or sum"]. MATRIX_N sets the size (default 1e5).
"""
import contextlib
import os

import numpy as np
import pytest

import pelx
from pelx.bench import matrix

N = int(float(os.environ.get("MATRIX_N", "1e5")))
LIBS = ["numpy", "pelx-1thread", "pelx"]
_NP_NAMES = {row[0]: row[1] for row in pelx._ufuncs._TABLE}

ELEMENTWISE = matrix.elementwise_cells(pelx)
REDUCTIONS = matrix.reduction_cells()


def _threads(lib):
    return pelx.threads(1) if lib == "pelx-1thread" else contextlib.nullcontext()


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("name,code,nin", ELEMENTWISE,
                         ids=["%s-%s" % (c[0], np.dtype(c[1]).name) for c in ELEMENTWISE])
def test_elementwise(benchmark, name, code, nin, lib):
    benchmark.group = "matrix %s %s n=%d" % (name, np.dtype(code).name, N)
    ins = matrix.inputs(name, code, N, nin, np.random.default_rng(0))
    npf = getattr(np, _NP_NAMES[name])
    with np.errstate(all="ignore"):
        want = npf(*ins)
    out = np.empty_like(want)
    fn = npf if lib == "numpy" else getattr(pelx, name)
    with _threads(lib), np.errstate(all="ignore"):
        benchmark(fn, *ins, out=out)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=0)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("name,code,axis", REDUCTIONS,
                         ids=["%s-%s-%s" % (c[0], np.dtype(c[1]).name, c[2]) for c in REDUCTIONS])
def test_reduction(benchmark, name, code, axis, lib):
    benchmark.group = "matrix %s %s axis=%s n=%d" % (name, np.dtype(code).name, axis, N)
    (a,) = matrix.inputs(name, code, N, 1, np.random.default_rng(0))
    if axis is not None:
        a = a[:np.prod(matrix.matrix_shape(N))].reshape(matrix.matrix_shape(N))
    fn = getattr(np, name) if lib == "numpy" else getattr(pelx, name)
    with _threads(lib):
        res = benchmark(fn, a, axis=axis)
    np.testing.assert_allclose(res, getattr(np, name)(a, axis=axis), rtol=1e-4)
