"""Numba peers: @vectorize(target='parallel') for elementwise work and
@njit(parallel=True) prange loops for fused expressions and reductions,
next to NumPy, numexpr and pelx on the same arrays, all with the same
thread count. JIT compilation happens before timing (warm-up call)."""
import numpy as np
import pytest

from pelx.bench.cases import CASES_BY_NAME
from pelx.bench.suite import cpus, peer, record_bandwidth, same_threads

numba = pytest.importorskip("numba")

SIZE = 10_000_000  # 80 MB per array: past the last-level cache
THREADS = cpus()
pytestmark = pytest.mark.benchmark(max_time=1.0, min_rounds=5, warmup=True)

F8 = "float64(float64)"
F8_2 = "float64(float64, float64)"


def _compile():
    """Numba implementations by case name: peer name -> make(arrays) -> fn."""
    vec_add = numba.vectorize([F8_2], target="parallel")(lambda a, b: a + b)
    vec_exp = numba.vectorize([F8], target="parallel")(lambda a: np.exp(a))
    vec_axpy3 = numba.vectorize(["float64(float64, float64, float64)"], target="parallel")(
        lambda a, b, c: 2 * a + 3 * b * c)

    @numba.njit(parallel=True, fastmath=False)
    def prange_add(a, b, out):
        for i in numba.prange(a.shape[0]):
            out[i] = a[i] + b[i]

    @numba.njit(parallel=True, fastmath=False)
    def prange_exp(a, out):
        for i in numba.prange(a.shape[0]):
            out[i] = np.exp(a[i])

    @numba.njit(parallel=True, fastmath=False)
    def prange_axpy3(a, b, c, out):
        for i in numba.prange(a.shape[0]):
            out[i] = 2 * a[i] + 3 * b[i] * c[i]

    @numba.njit(parallel=True, fastmath=False)
    def prange_sum(a):
        s = 0.0
        for i in numba.prange(a.shape[0]):
            s += a[i]
        return s

    return {
        "add": {
            "numba-vectorize": lambda d: lambda: vec_add(d["a"], d["b"], out=d["out"]),
            "numba-prange": lambda d: lambda: prange_add(d["a"], d["b"], d["out"]),
        },
        "exp": {
            "numba-vectorize": lambda d: lambda: vec_exp(d["a"], out=d["out"]),
            "numba-prange": lambda d: lambda: prange_exp(d["a"], d["out"]),
        },
        "2*a+3*b*c": {
            "numba-vectorize": lambda d: lambda: vec_axpy3(d["a"], d["b"], d["c"], out=d["out"]),
            "numba-prange": lambda d: lambda: prange_axpy3(d["a"], d["b"], d["c"], d["out"]),
        },
        # a reduction has no vectorize form
        "sum": {"numba-prange": lambda d: lambda: prange_sum(d["a"])},
    }


@pytest.fixture(scope="module")
def numba_impls():
    return _compile()


_last_arrays = {}


def _arrays(case):
    """Inputs for the case, kept for the next test of the same case only
    (tests run case by case; 80 MB arrays are not worth keeping longer)."""
    if case.name not in _last_arrays:
        _last_arrays.clear()
        _last_arrays[case.name] = case.setup(SIZE)
    return _last_arrays[case.name]


PEERS = ["numpy", "numexpr", "numba-vectorize", "numba-prange", "pelx"]
# A reduction has no @vectorize form: that pair is not generated.
PAIRS = [(c, p) for c in ["add", "exp", "2*a+3*b*c", "sum"] for p in PEERS
         if not (c == "sum" and p == "numba-vectorize")]


@pytest.mark.parametrize("case_name, peer_name", PAIRS, ids=[f"{c}-{p}" for c, p in PAIRS])
def test_numba_peers(benchmark, numba_impls, case_name, peer_name):
    case = CASES_BY_NAME[case_name]
    arrays = _arrays(case)
    if peer_name.startswith("numba"):
        fn = numba_impls[case.name][peer_name](arrays)
    else:
        fn = case.impls[peer_name].make(peer(peer_name), arrays)
    benchmark.group = f"numba-peers {case.name} n={SIZE:.0e} t={THREADS}"
    benchmark.extra_info.update(peer=peer_name, threads=THREADS)
    if not case.reduction:
        arrays["out"].fill(np.nan)  # so the check below sees this peer's result
    with same_threads(THREADS):
        result = fn()  # warm-up: JIT compilation happens here, untimed
        if case.reduction:
            np.testing.assert_allclose(result, np.sum(arrays["a"]), rtol=1e-10)
        else:
            np.testing.assert_allclose(arrays["out"], _expected(case.name, arrays), rtol=1e-14)
        benchmark(fn)
    record_bandwidth(benchmark, case.bytes_per_element * SIZE, case.memory_bound)


def _expected(name, d):
    return {"add": lambda: d["a"] + d["b"], "exp": lambda: np.exp(d["a"]),
            "2*a+3*b*c": lambda: 2 * d["a"] + 3 * d["b"] * d["c"]}[name]()
