"""Thread control: the size of pelx's thread pool.

The pool starts with ``min(available CPUs, PELX_NUM_THREADS)`` threads (the
calling thread counts as one) and can be resized at any time; jobs already
running finish with the threads they have.
"""
import contextlib
import operator

from . import _core

__all__ = [
    "set_num_threads",
    "get_num_threads",
    "threads",
    "detect_number_of_cores",
]

_MAX_THREADS = 1 << 16


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
        New pool size, counting the calling thread, ``1 <= n <= 65536``.
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


@contextlib.contextmanager
def threads(n):
    """Context manager: use `n` threads inside the ``with`` block.

    The previous pool size is restored on exit, also after an exception.

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
    previous = set_num_threads(n)
    try:
        yield n
    finally:
        _core.set_num_threads(previous)


def detect_number_of_cores():
    """Return the number of CPUs this process may use.

    Counts the CPUs in the affinity mask, bounded by the cgroup CPU quota
    (containers); ``PELX_NUM_THREADS`` is ignored here.

    Returns
    -------
    int
    """
    return _core.available_cpus()
