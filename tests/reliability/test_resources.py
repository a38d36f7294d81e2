"""Resources: a clear MemoryError when an output cannot be allocated, no hang
at interpreter exit with work running, and no leaked threads or memory over
10,000 calls (RSS and thread count measured)."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import pelx

psutil = pytest.importorskip("psutil")


def test_memoryerror_when_output_cannot_be_allocated():
    # 2**61 bytes of broadcast output: NumPy's allocator refuses it.
    a = np.broadcast_to(np.float64(1.0), (2**29, 2**29))
    with pytest.raises(MemoryError):
        pelx.add(a, 1.0)
    # The pool is still usable afterwards.
    np.testing.assert_array_equal(pelx.add(np.ones(5), 1.0), np.full(5, 2.0))


def test_memoryerror_in_evaluate_and_reductions():
    a = np.broadcast_to(np.float64(1.0), (2**29, 2**29))
    with pytest.raises(MemoryError):
        pelx.evaluate("a + 1", local_dict={"a": a})
    with pytest.raises(MemoryError):
        pelx.sum(a, axis=1)


def test_interpreter_exit_with_work_running_does_not_hang():
    script = textwrap.dedent("""
        import threading, numpy as np, pelx
        a = np.random.default_rng(0).standard_normal(1 << 23)
        def spin():
            while True:
                pelx.sin(a)
        threading.Thread(target=spin, daemon=True).start()
        import time; time.sleep(0.5)
        print("exiting", flush=True)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True,
                          text=True, timeout=60)
    assert "exiting" in proc.stdout, proc.stderr
    assert proc.returncode == 0, proc.stderr


def test_no_thread_or_memory_leak_over_ten_thousand_calls():
    proc = psutil.Process()
    a = np.random.default_rng(0).standard_normal(100_000)
    out = np.empty_like(a)

    def batch(n):
        for i in range(n):
            pelx.add(a, 1.0, out=out)
            pelx.exp(a[:1000])
            pelx.sum(a)
            pelx.evaluate("2*a + 1", local_dict={"a": a}, out=out)

    batch(500)  # warm-up: pool started, caches filled
    threads0 = proc.num_threads()
    rss0 = proc.memory_info().rss
    batch(10_000)
    threads1 = proc.num_threads()
    rss1 = proc.memory_info().rss
    assert threads1 == threads0, (threads0, threads1)
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        return  # ASan's quarantine keeps freed memory: RSS says nothing here
    # 40,000 calls: a leak of even 200 bytes a call would show as 8 MB.
    assert rss1 - rss0 < 4 * 2**20, (rss0, rss1)
