"""Timing: warm-up, calibrated loops, median over repeats; thread control.

A measurement runs the callable once untimed (warm-up: compiles and caches
expressions, starts the pool, faults pages in), then times one call to pick
how many back-to-back calls make one repeat last at least ``min_time``
(timer resolution and call overhead stop mattering), then times ``repeat``
such repeats. The result is the median seconds per call, which a busy
neighbour on a shared machine moves less than the mean. Peers doing the same
work are timed with their repeats interleaved (measure_interleaved).
"""
from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import asdict, dataclass

# Upper bound on calls per repeat: 1e5 calls of a ~1 us operation already
# take 0.1 s; more only makes a tiny case slow to measure.
MAX_LOOPS = 100_000


@dataclass
class Timing:
    median_s: float  # median over repeats of seconds per call
    min_s: float  # fastest repeat, seconds per call
    loops: int  # calls per repeat
    repeats: list  # seconds per call of each repeat

    def to_dict(self):
        return asdict(self)


def _time_calls(fn, loops: int) -> float:
    clock = time.perf_counter
    t0 = clock()
    for _ in range(loops):
        fn()
    return clock() - t0


def measure(fn, repeat: int = 5, min_time: float = 0.02) -> Timing:
    """Median seconds per call of ``fn()`` (see the module docstring)."""
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    if min_time < 0:
        raise ValueError(f"min_time must be >= 0, got {min_time}")
    loops = _calibrate(fn, min_time)
    per_call = [_time_calls(fn, loops) / loops for _ in range(repeat)]
    return Timing(statistics.median(per_call), min(per_call), loops, per_call)


def _calibrate(fn, min_time: float) -> int:
    fn()  # warm-up
    one = _time_calls(fn, 1)
    if one >= min_time:
        return 1
    return min(MAX_LOOPS, max(1, int(min_time / max(one, 1e-9)) + 1))


def measure_interleaved(fns: dict, repeat: int = 5, min_time: float = 0.02) -> dict:
    """Like :func:`measure` for several implementations of the same work,
    with their repeats interleaved (A B C A B C ...): a burst of other work
    on a shared machine then slows all of them alike instead of whichever
    happened to be running. fns: name -> callable; returns name -> Timing."""
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    if min_time < 0:
        raise ValueError(f"min_time must be >= 0, got {min_time}")
    loops = {name: _calibrate(fn, min_time) for name, fn in fns.items()}
    per_call = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            per_call[name].append(_time_calls(fn, loops[name]) / loops[name])
    return {name: Timing(statistics.median(t), min(t), loops[name], t)
            for name, t in per_call.items()}


def default_threads(peers) -> int:
    """Threads pelx uses by default (its pool size)."""
    from .. import get_num_threads

    return int(get_num_threads())


def can_set_threads(peer_name: str, module) -> bool:
    """Whether this peer's thread count can be set (numpy's elementwise
    loops are single-threaded: any thread count is "set")."""
    if module is None:
        return False
    if peer_name == "numpy":
        return True
    return hasattr(module, "set_num_threads")


@contextlib.contextmanager
def peer_threads(peers, n: int):
    """Set pelx, numexpr and numba to n threads inside the block, restoring
    their previous counts afterwards. Peers without thread control are left
    alone (see :func:`can_set_threads`)."""
    restore = []
    try:
        for name in ("pelx", "numexpr"):
            m = peers.get(name)
            if can_set_threads(name, m):
                # the pool's and numexpr's hard limits
                limit = (m._core.MAX_POOL_THREADS if name == "pelx"
                         else getattr(m, "MAX_THREADS", None))
                if limit is not None and n > limit:
                    raise ValueError(f"{name} runs at most {limit} threads; "
                                     f"--threads {n} cannot be measured")
                restore.append((m, m.set_num_threads(n)))
        nb = peers.get("numba")
        if nb is not None and hasattr(nb, "set_num_threads"):
            prev = nb.get_num_threads()
            nb.set_num_threads(min(n, nb.config.NUMBA_NUM_THREADS))
            restore.append((nb, prev))
        yield
    finally:
        for m, prev in reversed(restore):
            if prev is not None:
                m.set_num_threads(prev)
