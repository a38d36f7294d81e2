"""Small arrays (1e2..1e5 elements): the overhead region, where a pool
round-trip costs more than the work and pelx must run inline to stay close
to NumPy. Each group is one (case, size): NumPy, numexpr and pelx doing the
same work into the same preallocated output."""
import pytest

from pelx.bench.cases import CASES_BY_NAME
from pelx.bench.suite import peer, record_bandwidth

SIZES = [100, 1_000, 10_000, 100_000]
CASES = ["add", "exp", "2*a+3*b*c", "sum"]
PEERS = ["numpy", "numexpr", "pelx"]

# Short runs: each call takes microseconds, so 0.2 s gives thousands of rounds.
pytestmark = pytest.mark.benchmark(max_time=0.2, min_rounds=20, warmup=True)


@pytest.mark.parametrize("peer_name", PEERS)
@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"n{n:.0e}")
@pytest.mark.parametrize("case_name", CASES)
def test_small(benchmark, case_name, size, peer_name):
    case = CASES_BY_NAME[case_name]
    module = peer(peer_name)
    arrays = case.setup(size)
    fn = case.impls[peer_name].make(module, arrays)
    benchmark.group = f"small {case_name} n={size:.0e}"
    benchmark.extra_info["peer"] = peer_name
    benchmark(fn)
    record_bandwidth(benchmark, case.bytes_per_element * size, case.memory_bound)
