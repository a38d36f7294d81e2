"""Benchmark settings shared by the pelx benchmarks (pytest-benchmark).

Each benchmark group holds a NumPy (or other peer) run next to the pelx run
of the same work, so ratios come from one session on one machine. The
environment is printed in the header: thread count, CPUs, kernel features.
"""
import numpy as np
import pytest

import pelx


def pytest_report_header(config):
    feats = getattr(pelx._core, "kernels_features", lambda: "?")()
    return (f"pelx threads={pelx.get_num_threads()} "
            f"cpus={pelx.detect_number_of_cores()} numpy={np.__version__} "
            f"kernels={feats}")


@pytest.fixture(scope="session")
def rng():
    return np.random.default_rng(12345)
