"""Thread control: pelx.set_num_threads / get_num_threads / threads(n),
PELX_NUM_THREADS, detect_number_of_cores, stats."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pelx


@pytest.fixture(autouse=True)
def restore_threads():
    n = pelx.get_num_threads()
    yield
    pelx._core.set_num_threads(n)


def test_set_returns_previous_and_get_reads_back():
    start = pelx.get_num_threads()
    assert start >= 1
    assert pelx.set_num_threads(2) == start
    assert pelx.get_num_threads() == 2
    assert pelx.set_num_threads(1) == 2
    assert pelx.get_num_threads() == 1


def test_threads_context_manager_restores_also_on_error():
    pelx.set_num_threads(2)
    with pelx.threads(1) as n:
        assert n == 1
        assert pelx.get_num_threads() == 1
    assert pelx.get_num_threads() == 2
    with pytest.raises(ZeroDivisionError):
        with pelx.threads(3):
            1 / 0
    assert pelx.get_num_threads() == 2


@pytest.mark.parametrize("bad,exc", [(0, ValueError), (-1, ValueError),
                                     (1 << 20, ValueError),
                                     (2.0, TypeError), ("4", TypeError),
                                     (None, TypeError)])
def test_bad_thread_counts_refused(bad, exc):
    before = pelx.get_num_threads()
    with pytest.raises(exc, match="threads"):
        pelx.set_num_threads(bad)
    with pytest.raises(exc):
        with pelx.threads(bad):
            pass
    assert pelx.get_num_threads() == before


def test_numpy_integer_accepted():
    pelx.set_num_threads(np.int64(1))
    assert pelx.get_num_threads() == 1


def test_detect_number_of_cores():
    n = pelx.detect_number_of_cores()
    assert isinstance(n, int)
    assert 1 <= n <= os.cpu_count()
    if hasattr(os, "sched_getaffinity"):
        assert n <= len(os.sched_getaffinity(0))


def _child(code, **env):
    full = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), **env)
    return subprocess.run([sys.executable, "-c", code], env=full,
                          capture_output=True, text=True, timeout=60)


def test_env_var_sets_default():
    r = _child("import pelx; print(pelx.get_num_threads())",
               PELX_NUM_THREADS="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "1"
    r = _child("import pelx; print(pelx.get_num_threads(), "
               "pelx.detect_number_of_cores())", PELX_NUM_THREADS="9999")
    got, cores = map(int, r.stdout.split())
    assert got <= cores  # capped by the CPUs available


def test_stats_shape():
    stats = pelx._core.get_stats()
    assert isinstance(stats, list) and len(stats) >= 1
    for i, entry in enumerate(stats):
        assert entry["thread"] == i
        for key in ("chunks", "steals", "parks", "jobs", "busy_ns"):
            assert isinstance(entry[key], int) and entry[key] >= 0
    pelx._core.reset_stats()


def test_threads_give_same_results():
    a = np.random.default_rng(0).standard_normal(400_000)
    with pelx.threads(1):
        one = pelx.multiply(a, 3.0)
    with pelx.threads(2):
        two = pelx.multiply(a, 3.0)
    np.testing.assert_array_equal(one, two)
