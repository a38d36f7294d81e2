"""Thread sweep 1..N on large arrays: how pelx scales next to numexpr set to
the same thread count. NumPy (single-threaded) is in every group as the
baseline. Each group is one (case, thread count)."""
import pytest

from pelx.bench.cases import CASES_BY_NAME
from pelx.bench.suite import cpus, peer, record_bandwidth, same_threads

# 1e7 float64 = 80 MB per array: well past a 32 MiB L3, so the memory-bound
# cases measure memory, not cache.
SIZE = 10_000_000
THREADS = list(range(1, cpus() + 1))
CASES = ["add", "exp", "2*a+3*b*c", "sum"]
PEERS = ["numpy", "numexpr", "pelx"]

pytestmark = pytest.mark.benchmark(max_time=1.0, min_rounds=5, warmup=True)


@pytest.fixture(scope="module", params=CASES)
def case_arrays(request):
    case = CASES_BY_NAME[request.param]
    return case, case.setup(SIZE)


@pytest.mark.parametrize("peer_name", PEERS)
@pytest.mark.parametrize("threads", THREADS, ids=lambda t: f"t{t}")
def test_threads(benchmark, case_arrays, threads, peer_name):
    case, arrays = case_arrays
    module = peer(peer_name)
    fn = case.impls[peer_name].make(module, arrays)
    benchmark.group = f"threads {case.name} n={SIZE:.0e} t={threads}"
    benchmark.extra_info.update(peer=peer_name, threads=threads)
    with same_threads(threads):
        benchmark(fn)
    record_bandwidth(benchmark, case.bytes_per_element * SIZE, case.memory_bound)
