"""One compiled program shared by many threads; memory stays block-sized."""
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import pelx
from pelx import _core


def test_16_threads_share_one_numexpr_object():
    # numexpr issue #569: sharing one NumExpr object between threads
    # corrupts its heap; pelx programs are immutable and each call brings
    # its own scratch memory.
    ne = pelx.NumExpr("sin(a)**2 + b*c - where(a > 0.5, a, c)")
    rng = np.random.default_rng(3)
    errors = []
    barrier = threading.Barrier(16)

    def work(seed):
        r = np.random.default_rng(seed)
        a, b, c = (r.uniform(0, 1, 50_000 + seed) for _ in range(3))
        want = np.sin(a) ** 2 + b * c - np.where(a > 0.5, a, c)
        barrier.wait()
        for _ in range(20):
            got = ne(a, b, c)
            if not np.allclose(got, want, rtol=1e-14, atol=1e-15):
                errors.append(seed)
                return

    threads = [threading.Thread(target=work, args=(s,)) for s in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    del rng


def test_threads_with_different_dtypes_and_reductions():
    errors = []

    def work(i):
        dt = [np.float32, np.float64, np.int32, np.int64][i % 4]
        a = np.arange(30_000 + i).astype(dt)
        for _ in range(10):
            got, want = pelx.evaluate("sum(a * 2)"), np.sum(a * 2)
            # float32 sums group differently from NumPy's: rtol, not ==
            if got.dtype != want.dtype or not np.allclose(got, want,
                                                          rtol=1e-6):
                errors.append(i)
            if not np.array_equal(pelx.evaluate("a * 2 + 1"), a * 2 + 1):
                errors.append(i)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _scratch_peak(n):
    a = np.ones(n)
    _core.vm_scratch_reset_peak()
    pelx.evaluate("a * a + a * 2 + sin(a)")
    now, peak = _core.vm_scratch_stats()
    assert now == 0
    return peak


def test_scratch_is_block_sized():
    small, large = _scratch_peak(1 << 18), _scratch_peak(1 << 22)
    # the same few block-sized temporaries per worker slot, whatever the
    # input size: nothing input-sized
    assert 0 < large == small
    assert large <= 4 * _core.VM_BLOCK * 8 * max(1, _threads())


def _threads():
    get = getattr(pelx, "get_num_threads", None)
    return get() if get else pelx._core.vm_job_slots()


MEMORY_SCRIPT = textwrap.dedent("""
    import resource, sys
    import numpy as np
    import pelx
    n = 1 << 24
    a, b, c = np.ones(n), np.full(n, 2.0), np.full(n, 3.0)
    out = np.zeros(n)                       # pages touched now
    pelx.evaluate("a*b+c", out=out)         # warm-up: code, caches
    def peak():
        # VmHWM: this process's own peak RSS (ru_maxrss would also count
        # the parent's at fork, inherited across exec)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    before = peak()
    {call}
    after = peak()
    assert out[0] == 5.0 and out[-1] == 5.0
    print(after - before, 3 * a.nbytes)
""")


def _peak_extra(call):
    src = MEMORY_SCRIPT.replace("{call}", call)
    res = subprocess.run([sys.executable, "-c", src], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    extra, inputs = map(int, res.stdout.split())
    return extra, inputs


@pytest.mark.skipif("asan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer's allocator changes RSS")
def test_peak_memory_of_a_times_b_plus_c_under_1_percent():
    # Peak RSS (VmHWM) of a fresh process whose inputs and output are
    # already resident: any temporary the call allocates shows up.
    extra, inputs = _peak_extra('pelx.evaluate("a*b+c", out=out)')
    assert extra < inputs / 100, (extra, inputs)
    # the measurement does see an input-sized temporary (NumPy's a*b):
    numpy_extra, _ = _peak_extra("np.add(a * b, c, out=out)")
    assert numpy_extra > inputs / 4


CTRL_C_SCRIPT = textwrap.dedent("""
    import os, signal, threading, time
    # A suite started in the background (`pytest &`, nohup, some CI
    # runners) has SIGINT ignored, and this child would inherit that:
    # Ctrl-C is the program's default handler here, whatever the parent's.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import numpy as np
    import pelx
    a = np.linspace(0, 1, 1 << 23)
    ex = "+".join(["sin(a + %d) * cos(a - %d)" % (k, k) for k in range(40)])
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
    t = time.monotonic()
    try:
        pelx.evaluate(ex)
        print("finished")
    except KeyboardInterrupt:
        print("interrupted", time.monotonic() - t)
""")


def test_ctrl_c_interrupts_a_long_evaluation():
    res = subprocess.run([sys.executable, "-c", CTRL_C_SCRIPT],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("interrupted"), res.stdout
