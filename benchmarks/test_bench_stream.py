"""The bandwidth ceiling and what reaches it: STREAM-like copy (a = b) and
triad (a = b + s*c) on arrays 4x a 32 MiB last-level cache. In each group
pelx's C kernel (csrc/kernels/stream.c, run by the pool) sits next to
NumPy, numexpr, Numba prange and pelx's own public functions doing the same
work with the same thread count. GB/s and the fraction of the ceiling are in
each benchmark's extra_info."""
import numpy as np
import pytest

from pelx.bench.stream import DEFAULT_N
from pelx.bench.suite import cpus, peer, record_bandwidth, same_threads

N = DEFAULT_N
S = 3.0
THREADS = cpus()
pytestmark = pytest.mark.benchmark(max_time=1.0, min_rounds=5, warmup=True)


@pytest.fixture(scope="module")
def arrays():
    return np.zeros(N), np.full(N, 1.0), np.full(N, 2.0)


def _numba_kernels():
    numba = pytest.importorskip("numba")

    @numba.njit(parallel=True)
    def copy(a, b):
        for i in numba.prange(a.shape[0]):
            a[i] = b[i]

    @numba.njit(parallel=True)
    def triad(a, b, c, s):
        for i in numba.prange(a.shape[0]):
            a[i] = b[i] + s * c[i]

    return copy, triad


def _copy_impl(name, a, b, c):
    if name == "pelx-stream-kernel":
        from pelx import _core
        return lambda: _core.stream_copy(a, b)
    if name == "pelx":
        pelx = peer("pelx")
        return lambda: pelx.evaluate("b", local_dict={"b": b}, out=a)
    if name == "numpy":
        return lambda: np.copyto(a, b)
    if name == "numexpr":
        ne = peer("numexpr")
        return lambda: ne.evaluate("b", local_dict={"b": b}, out=a)
    copy, _ = _numba_kernels()
    return lambda: copy(a, b)


def _triad_impl(name, a, b, c):
    if name == "pelx-stream-kernel":
        from pelx import _core
        return lambda: _core.stream_triad(a, b, c, S)
    local = {"b": b, "c": c, "s": S}
    if name == "pelx":
        pelx = peer("pelx")
        return lambda: pelx.evaluate("b + s*c", local_dict=local, out=a)
    if name == "numpy":  # two passes: NumPy has no fused multiply-add ufunc
        return lambda: (np.multiply(c, S, out=a), np.add(a, b, out=a))
    if name == "numexpr":
        ne = peer("numexpr")
        return lambda: ne.evaluate("b + s*c", local_dict=local, out=a)
    _, triad = _numba_kernels()
    return lambda: triad(a, b, c, S)


PEERS = ["pelx-stream-kernel", "numpy", "numexpr", "numba-prange", "pelx"]
KERNELS = {"copy": (_copy_impl, 16), "triad": (_triad_impl, 24)}


@pytest.mark.parametrize("peer_name", PEERS)
@pytest.mark.parametrize("kernel", list(KERNELS))
def test_stream(benchmark, arrays, kernel, peer_name):
    a, b, c = arrays
    make, bytes_per_element = KERNELS[kernel]
    fn = make(peer_name, a, b, c)
    benchmark.group = f"stream {kernel} n={N} t={THREADS}"
    benchmark.extra_info.update(peer=peer_name, threads=THREADS)
    with same_threads(THREADS):
        a.fill(np.nan)
        fn()  # warm-up (and JIT compile for numba)
        np.testing.assert_array_equal(a, b if kernel == "copy" else b + S * c)
        benchmark(fn)
    record_bandwidth(benchmark, bytes_per_element * N)
