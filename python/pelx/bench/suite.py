"""Helpers shared by the pytest-benchmark suites in benchmarks/: loading
peers (only the optional ones may skip), giving every peer the same thread
count, and annotating memory-bound results with their fraction of the
bandwidth ceiling measured in the same pytest run."""
from __future__ import annotations

import contextlib
import functools
import importlib

# Peers a benchmark may skip for: installed with the test extras, but not
# needed to use pelx.
OPTIONAL_PEERS = ("numexpr", "numba")


def peer(name: str):
    """The peer's module; pytest.skip if an optional peer is missing. numpy
    and pelx must import: a failure there is a real failure."""
    if name in OPTIONAL_PEERS:
        import pytest

        return pytest.importorskip(name)
    return importlib.import_module(name)


@contextlib.contextmanager
def same_threads(n: int):
    """pelx, numexpr and numba (those installed) run with n threads inside
    the block; previous counts are restored afterwards. pelx must have its
    thread control (pelx.threads)."""
    import pelx

    restore = []
    try:
        for name in OPTIONAL_PEERS:
            try:
                m = importlib.import_module(name)
            except ImportError:
                continue
            if name == "numba":
                prev = m.get_num_threads()
                m.set_num_threads(min(n, m.config.NUMBA_NUM_THREADS))
            else:
                prev = m.set_num_threads(n)
            restore.append((m, prev))
        with pelx.threads(n):
            yield
    finally:
        for m, prev in reversed(restore):
            m.set_num_threads(prev)


@functools.lru_cache(maxsize=None)
def ceiling_GBps() -> float:
    """The bandwidth ceiling with all threads, measured once per process."""
    from .stream import measure_stream

    return measure_stream()["ceiling_GBps"]


def record_bandwidth(benchmark, nbytes: int, memory_bound: bool = True) -> None:
    """After benchmark(...) ran: store bytes moved, GB/s at the median time
    and, if memory-bound, the fraction of the bandwidth ceiling in the
    benchmark's extra_info (shown by --benchmark-json and friends). Does
    nothing more than record bytes when benchmarks are disabled."""
    benchmark.extra_info["bytes"] = nbytes
    stats = getattr(benchmark, "stats", None)
    if stats is None or not getattr(stats.stats, "data", None):
        return
    gbps = nbytes / stats.stats.median / 1e9
    benchmark.extra_info["GBps"] = round(gbps, 3)
    if memory_bound:
        ceiling = ceiling_GBps()
        benchmark.extra_info["ceiling_GBps"] = round(ceiling, 3)
        benchmark.extra_info["fraction_of_bandwidth"] = round(gbps / ceiling, 4)
