"""Many Python threads calling pelx at once: mixed functions, shared and
separate arrays, one shared compiled expression, and pool resizes while calls
are in flight. Every result is checked against NumPy."""
import threading

import numpy as np

import pelx

N_THREADS = 16
ROUNDS = 40


def _worker(tid, shared, compiled, errors, barrier):
    rng = np.random.default_rng(tid)
    own = rng.standard_normal(50_000 + tid)
    a, b = shared
    barrier.wait()
    try:
        for r in range(ROUNDS):
            kind = (tid + r) % 5
            if kind == 0:
                np.testing.assert_array_equal(pelx.add(a, b), a + b)
            elif kind == 1:
                np.testing.assert_array_max_ulp(pelx.exp(own), np.exp(own), 4)
            elif kind == 2:
                got = compiled(a, b)
                np.testing.assert_array_equal(got, 2 * a + a * b)
            elif kind == 3:
                np.testing.assert_allclose(pelx.sum(own), np.sum(own),
                                           rtol=1e-12)
            else:
                out = np.empty_like(own)
                pelx.multiply(own, 3.0, out=out)
                np.testing.assert_array_equal(out, own * 3.0)
    except BaseException as exc:  # reported by the main thread
        errors.append((tid, exc))


def _make_compiled():
    """A compiled expression object shared by every thread."""
    return pelx.NumExpr("2*a + a*b")


def test_sixteen_threads_mixed_calls_with_resizes():
    rng = np.random.default_rng(0)
    shared = (rng.standard_normal(300_000), rng.standard_normal(300_000))
    compiled = _make_compiled()
    errors = []
    barrier = threading.Barrier(N_THREADS + 1)
    threads = [threading.Thread(target=_worker,
                                args=(t, shared, compiled, errors, barrier))
               for t in range(N_THREADS)]
    for t in threads:
        t.start()
    barrier.wait()
    previous = pelx.get_num_threads()
    try:
        # Resize the pool repeatedly while the calls above are running.
        for n in (1, 3, 2, 4, 1, 2) * 3:
            pelx.set_num_threads(n)
    finally:
        pelx.set_num_threads(previous)
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive(), "a pelx call hung"
    assert not errors, errors[:3]


def test_separate_outputs_from_threads_do_not_interfere():
    a = np.arange(200_000, dtype=np.float64)
    outs = [np.empty_like(a) for _ in range(N_THREADS)]

    def run(i):
        for _ in range(10):
            pelx.multiply(a, float(i), out=outs[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for i, out in enumerate(outs):
        np.testing.assert_array_equal(out, a * float(i))
