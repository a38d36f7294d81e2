"""Thread control: the size of pelx's thread pool.

The pool starts with ``min(available CPUs, PELX_NUM_THREADS)`` threads (the
calling thread counts as one) and can be resized at any time; jobs already
running finish with the threads they have. The pool is one per process:
its size, and every ``with threads(n)`` block, apply to all Python threads.
"""
import contextlib
import operator
import os
import threading

from . import _core
from ._warn import warn

__all__ = [
    "set_num_threads",
    "get_num_threads",
    "threads",
    "detect_number_of_cores",
]

_MAX_THREADS = _core.MAX_POOL_THREADS


def _check_count(n, what):
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(
            f"{what} must be an int, got {type(n).__name__}") from None
    if not 1 <= n <= _MAX_THREADS:
        raise ValueError(
            f"{what} must be between 1 and {_MAX_THREADS}, got {n}")
    return n


def get_num_threads():
    """Return the number of threads pelx uses, the calling thread included.

    Returns
    -------
    int
        Current pool size.

    See Also
    --------
    set_num_threads, threads
    """
    return _core.get_num_threads()


def set_num_threads(n):
    """Set the number of threads pelx uses and return the previous number.

    Parameters
    ----------
    n : int
        New pool size, counting the calling thread, ``1 <= n <= 256``.
        ``1`` runs everything on the calling thread.

    Returns
    -------
    int
        The previous pool size.

    Raises
    ------
    TypeError
        If `n` is not an integer.
    ValueError
        If `n` is out of range.

    Examples
    --------
    >>> import pelx
    >>> old = pelx.set_num_threads(2)
    >>> pelx.get_num_threads()
    2
    >>> _ = pelx.set_num_threads(old)
    """
    return _core.set_num_threads(_check_count(n, "number of threads"))


# The `with threads(n)` blocks open now, in the order they were entered,
# and the pool size from before the first of them. The pool has the size
# of the newest open block; when a block exits, it is removed wherever it
# is in the list, so blocks of different Python threads may exit in any
# order and the size from before the first is restored once all have.
_blocks_lock = threading.Lock()
_blocks = []          # [token, n] of each open block
_size_before = None   # pool size before the first open block


@contextlib.contextmanager
def threads(n):
    """Context manager: use `n` threads inside the ``with`` block.

    The pool is shared by the whole process: while blocks of several
    Python threads are open at once, the newest one sets the size; when a
    block exits, the size becomes that of the newest block still open, and
    once the last one has exited, the size from before the first (also
    after an exception). ``set_num_threads`` inside a block changes the
    size until the next block enters or exits.

    Parameters
    ----------
    n : int
        Pool size inside the block (see `set_num_threads`).

    Examples
    --------
    >>> import pelx
    >>> with pelx.threads(1):
    ...     pelx.get_num_threads()
    1
    """
    global _size_before
    n = _check_count(n, "number of threads")
    token = object()
    with _blocks_lock:
        previous = _core.set_num_threads(n)
        if not _blocks:
            _size_before = previous
        _blocks.append((token, n))
    try:
        yield n
    finally:
        with _blocks_lock:
            _blocks[:] = [b for b in _blocks if b[0] is not token]
            _core.set_num_threads(_blocks[-1][1] if _blocks
                                  else _size_before)


def detect_number_of_cores():
    """Return the number of CPUs this process may use.

    Counts the CPUs in the affinity mask, bounded by the cgroup CPU quota
    (containers); ``PELX_NUM_THREADS`` is ignored here.

    Returns
    -------
    int
    """
    return _core.available_cpus()


def _check_environment():
    """Warn about a PELX_NUM_THREADS the pool cannot use (it is ignored)."""
    if _core.env_num_threads() < 0:
        warn(f"PELX_NUM_THREADS={os.environ.get('PELX_NUM_THREADS')!r} is not "
             "a positive integer and is ignored; the pool uses "
             f"{_core.default_num_threads()} threads", RuntimeWarning)


_check_environment()
