"""fork after parallel work: children use the pool (restarted lazily) and
compute correctly; os.fork() from a thread while another thread's job runs."""
import multiprocessing as mp
import os
import sys
import threading

import numpy as np
import pytest

import pelx

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="fork: Linux")


def _child_job(seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(400_000)
    ok_add = np.array_equal(pelx.add(a, a), a + a)
    ok_sum = abs(float(pelx.sum(a)) - float(np.sum(a))) < 1e-9 * np.abs(a).sum()
    ok_expr = np.array_equal(pelx.evaluate("a*a + 1", local_dict={"a": a}),
                             a * a + 1)
    return ok_add and ok_sum and ok_expr


def test_twenty_fork_children_in_a_row_after_parallel_work():
    a = np.random.default_rng(1).standard_normal(1_000_000)
    pelx.exp(a)  # the parent's pool is running before any fork
    ctx = mp.get_context("fork")
    results = []
    for i in range(20):
        with ctx.Pool(1) as pool:
            results.append(pool.apply_async(_child_job, (i,)).get(timeout=60))
    assert results == [True] * 20
    # The parent's pool still works after all the forks.
    np.testing.assert_array_equal(pelx.add(a, 1.0), a + 1.0)


def _wait_child(pid, timeout):
    """Exit code of the child, or fail (after killing it) if it hangs."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("forked child hung")


def test_os_fork_while_another_thread_runs_a_job():
    big = np.random.default_rng(2).standard_normal(4_000_000)
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            pelx.sin(big)

    t = threading.Thread(target=busy)
    t.start()
    try:
        statuses = []
        for _ in range(5):
            pid = os.fork()
            if pid == 0:  # child: must not hang, must compute correctly
                try:
                    ok = _child_job(7)
                finally:
                    os._exit(0 if ok else 1)
            statuses.append(_wait_child(pid, timeout=60))
    finally:
        stop.set()
        t.join(timeout=60)
    assert statuses == [0] * 5
