"""Calls as programs make them: one call after an idle gap (Python code
between calls), on a quiet machine and with a competing busy process. Each
group is one (case, size, gap, machine state): NumPy, pelx on one thread
and pelx on all threads; the gap before each timed call is not timed.
Medians are pytest-benchmark's; the 90th percentile is in extra_info
("p90_us").

    pytest benchmarks/test_bench_cadence.py --benchmark-columns=median
"""
import subprocess
import sys
import time

import numpy as np
import pytest

import pelx

SIZES = [20_000, 100_000, 1_000_000]
GAPS_US = [0, 100, 300, 1000, 10_000]
CASES = {
    "add": (lambda a, b, o: lambda: np.add(a, b, out=o),
            lambda a, b, o: lambda: pelx.add(a, b, out=o)),
    "sin": (lambda a, b, o: lambda: np.sin(a, out=o),
            lambda a, b, o: lambda: pelx.sin(a, out=o)),
    "sum": (lambda a, b, o: lambda: np.sum(a),
            lambda a, b, o: lambda: pelx.sum(a)),
}
RUNS = ["numpy", "pelx-1", "pelx-all"]


def _idle(gap_s):
    """Wait about gap_s without a syscall for short gaps (a Python loop
    between calls keeps the core), sleeping for long ones."""
    if gap_s >= 1e-3:
        time.sleep(gap_s)
        return
    end = time.perf_counter() + gap_s
    while time.perf_counter() < end:
        pass


@pytest.fixture(params=["quiet", "busy"], scope="module")
def machine(request):
    """'busy': one process spinning for the whole group, as another
    program holding a core."""
    if request.param == "quiet":
        yield "quiet"
        return
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        yield "busy"
    finally:
        hog.kill()
        hog.wait()


@pytest.mark.parametrize("run", RUNS)
@pytest.mark.parametrize("gap_us", GAPS_US, ids=lambda g: f"gap{g}us")
@pytest.mark.parametrize("size", SIZES, ids=lambda n: f"n{n:.0e}")
@pytest.mark.parametrize("case", sorted(CASES))
def test_cadence(benchmark, machine, case, size, gap_us, run):
    a = np.random.default_rng(0).random(size)
    b, o = a + 1, np.empty(size)
    make_numpy, make_pelx = CASES[case]
    fn = make_numpy(a, b, o) if run == "numpy" else make_pelx(a, b, o)
    threads = 1 if run == "pelx-1" else pelx.get_num_threads()
    benchmark.group = f"cadence {case} n={size:.0e} gap={gap_us}us {machine}"
    benchmark.extra_info.update(peer=run, threads=threads, machine=machine)
    rounds = 200 if gap_us < 10_000 else 60
    with pelx.threads(threads):
        benchmark.pedantic(fn, setup=lambda: _idle(gap_us * 1e-6),
                           rounds=rounds, warmup_rounds=5)
    stats = getattr(benchmark, "stats", None)  # None: --benchmark-disable
    if stats is not None:
        data = sorted(stats.stats.data)
        benchmark.extra_info["p90_us"] = data[int(0.9 * (len(data) - 1))] * 1e6
