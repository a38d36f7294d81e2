"""The memory-bandwidth ceiling: STREAM-like copy and triad run by the pool.

The kernels are C (csrc/kernels/stream.c) and time themselves, so the
numbers hold no Python overhead. The ceiling is the best rate of the two
kernels over the repeats (STREAM reports best rates too: a ceiling is what
the machine can do, and a busy neighbour only ever lowers it).

Arrays must be much larger than the last-level cache or the "ceiling" is the
cache's bandwidth: STREAM asks for 4x the caches. The default, 2**24
float64 per array (128 MiB), is 4x a 32 MiB L3.
"""
from __future__ import annotations

import numpy as np

DEFAULT_N = 1 << 24


def measure_stream(n: int = DEFAULT_N, threads: int = 0, repeat: int = 10) -> dict:
    """Copy and triad bandwidth in GB/s (1e9 bytes/s) with ``threads``
    threads (0: all of the pool's).

    Returns a dict: n, threads, repeat, copy_GBps, triad_GBps (best rates),
    copy_s, triad_s (every run's seconds) and ceiling_GBps (the larger best
    rate).
    """
    from pelx import _core

    if n < 1:
        raise ValueError(f"stream size must be >= 1, got {n}")
    a = np.zeros(n)
    b = np.full(n, 1.0)
    c = np.full(n, 2.0)
    # Warm-up: faults a's pages in and starts the pool's threads.
    _core.stream_triad(a, b, c, 3.0, threads=threads)
    copy_s = list(_core.stream_copy(a, b, threads=threads, repeat=repeat))
    triad_s = list(_core.stream_triad(a, b, c, 3.0, threads=threads, repeat=repeat))
    copy_bw = _core.STREAM_COPY_BYTES * n / min(copy_s) / 1e9
    triad_bw = _core.STREAM_TRIAD_BYTES * n / min(triad_s) / 1e9
    return {
        "n": n,
        "bytes_per_array": 8 * n,
        "threads": threads,
        "repeat": repeat,
        "copy_GBps": copy_bw,
        "triad_GBps": triad_bw,
        "ceiling_GBps": max(copy_bw, triad_bw),
        "copy_s": copy_s,
        "triad_s": triad_s,
    }
