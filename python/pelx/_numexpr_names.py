"""numexpr's module-level names, so that ``import pelx as ne`` keeps code
written for numexpr running: its thread settings and environment, and the
VML switches (pelx has no VML: they are documented no-ops).

Thread environment, in order (the first one set and non-empty wins):
``PELX_NUM_THREADS``; ``NUMEXPR_NUM_THREADS``; ``OMP_NUM_THREADS``; else the
CPUs this process may use. ``NUMEXPR_MAX_THREADS`` caps that starting size
when ``PELX_NUM_THREADS`` is not set (it is ``MAX_THREADS``; otherwise
pelx's own cap, 256). ``set_num_threads`` may still choose any size up to
256. A value that is not a positive integer is ignored with a warning.
"""
import os
import platform
import sys

import numpy as np

from . import _core
from ._threads import _check_count, detect_number_of_cores
from ._warn import warn

__all__ = ["MAX_THREADS", "ncores", "use_vml", "print_versions",
           "get_vml_version", "set_vml_accuracy_mode", "set_vml_num_threads",
           "get_vml_num_threads"]


def _env_count(name):
    """Positive int value of environment variable `name`; None if unset,
    empty or invalid (invalid: with a warning)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        return _check_count(int(text), name)
    except (TypeError, ValueError):
        warn(f"{name}={os.environ[name]!r} is not a positive integer (at "
             f"most {_core.MAX_POOL_THREADS}) and is ignored",
             RuntimeWarning)
        return None


def _apply_environment():
    """Sizes the pool from numexpr's variables unless PELX_NUM_THREADS is
    set (the C layer reads that one itself). Returns MAX_THREADS."""
    if _core.env_num_threads() != 0:  # PELX_NUM_THREADS set (or invalid)
        return _core.MAX_POOL_THREADS
    max_env = _env_count("NUMEXPR_MAX_THREADS")
    n = _env_count("NUMEXPR_NUM_THREADS") or _env_count("OMP_NUM_THREADS")
    if n is None and max_env is None:
        return _core.MAX_POOL_THREADS  # the pool's own default stands
    cap = max_env or _core.MAX_POOL_THREADS
    n = min(n or _core.default_num_threads(), cap)
    if n != _core.get_num_threads():
        _core.set_num_threads(n)
    return cap


#: Most threads the pool may have: NUMEXPR_MAX_THREADS if set (and
#: PELX_NUM_THREADS is not), else 256.
MAX_THREADS = _apply_environment()
#: CPUs this process may use (numexpr's ``ncores``).
ncores = detect_number_of_cores()
#: pelx does not use Intel's VML (numexpr's ``use_vml`` is False too when
#: it was built without it).
use_vml = False


def get_vml_version():
    """None: pelx has no VML (as numexpr built without it)."""
    return None


def set_vml_accuracy_mode(mode):
    """Accepted for numexpr compatibility; pelx has no VML. Checks `mode`
    as numexpr does ('high', 'low', 'fast' or None) and returns None."""
    if mode not in ("high", "low", "fast", None):
        raise ValueError("mode argument must be one of: None, 'high', "
                         "'low', 'fast'")
    return None


def set_vml_num_threads(nthreads):
    """Accepted for numexpr compatibility; pelx has no VML. Returns None."""
    _check_count(nthreads, "nthreads")
    return None


def get_vml_num_threads():
    """None: pelx has no VML."""
    return None


def print_versions():
    """Print the versions of pelx, NumPy and Python, and the thread
    settings (numexpr's ``print_versions``)."""
    from . import __version__
    print("-=" * 38)
    print(f"pelx version:      {__version__}")
    print(f"NumPy version:     {np.__version__}")
    print(f"Python version:    {sys.version}")
    print(f"Platform:          {sys.platform}-{platform.machine()}")
    print(f"CPU vendor:        {platform.processor() or 'unknown'}")
    print(f"VML available?     {use_vml}")
    print(f"Number of threads used by default: {_core.get_num_threads()} "
          f"(out of {ncores} detected cores)")
    print(f"Maximum number of threads: {MAX_THREADS}")
    print("-=" * 38)
