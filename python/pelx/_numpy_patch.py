"""Backend mode: unchanged NumPy code on every core.

``patch_numpy()`` swaps the inner loop of each of NumPy's numeric ufunc
loops (every ufunc in the ``numpy`` namespace and np.clip's, every type
signature made of
bool, integer, float and complex types) for a pelx loop that keeps NumPy's
own: a call worth it by pelx's cost policy (or of at least ``min_size``
elements) is cut into chunks, and the pool runs NumPy's loop on each chunk
with the GIL as NumPy left it. Everything else -- small calls, ``accumulate``,
``ufunc.at``, overlapping operands, calls from inside pelx's own workers --
runs NumPy's loop unchanged (csrc/module/numpy_patch.c has the full rule).
``np.add.reduce`` (hence ``np.sum``) over integer, float32/64 and
complex64/128 arrays is summed in parallel on a chunk grid fixed by the
array's length, so it gives the same bits for every thread count.

Results are NumPy's bit for bit (its own loops compute every element),
except float sums, whose summation order changes. ``np.errstate`` and
NumPy's warnings behave as unpatched: the FP flags that chunks raise on pool
threads are raised on the calling thread before NumPy reads them.

Thread safety: patching and unpatching are safe while other threads run
ufuncs. Each swap is one pointer in NumPy's loop table, which NumPy reads
once per call, and NumPy's loop data is left as it is, so a call that
started with either loop finishes correctly (NumPy does not synchronize the
store; an aligned pointer store is atomic on x86-64 and aarch64, which this
relies on). pelx keeps the replaced loops
for the life of the process; a loop that another library replaced after
pelx is left to it on unpatch.
"""
import contextlib
import os

import numpy as np

from . import _core
from ._warn import warn

__all__ = ["patch_numpy", "unpatch_numpy", "is_numpy_patched", "patched_numpy"]

# NumPy ufuncs without a pelx kernel of their own name, and the pelx kernel
# whose cost per element (pel_kernel_cost) they are close to. The others cost
# 1 (an addition), which only makes the policy keep them inline longer.
_COST_LIKE = {
    "divide": "true_divide", "float_power": "power", "fmod": "remainder",
    "divmod": "floor_divide", "gcd": "floor_divide", "lcm": "floor_divide",
    "logaddexp": "exp", "logaddexp2": "exp2",
}

_state = {"min_size": None}


def _numpy_ufuncs():
    """Every distinct ufunc object in the numpy namespace, by name, and the
    ufunc behind np.clip (not in the namespace itself)."""
    seen = {}
    for value in [*vars(np).values(), np._core.umath.clip]:
        if isinstance(value, np.ufunc):
            seen.setdefault(id(value), value)
    return sorted(seen.values(), key=lambda u: u.__name__)


def _check_min_size(min_size):
    if min_size is None:
        return -1
    if isinstance(min_size, bool) or not isinstance(min_size, (int, np.integer)):
        raise TypeError("patch_numpy: min_size must be None or an int >= 0, "
                        f"not {type(min_size).__name__}")
    if min_size < 0:
        raise ValueError(f"patch_numpy: min_size must be >= 0, not {min_size}")
    return int(min_size)


def patch_numpy(min_size=None):
    """Run NumPy's own ufunc loops on pelx's pool.

    Parameters
    ----------
    min_size : int or None, optional
        ``None`` (default): pelx's cost policy decides per call whether it is
        worth going parallel (about 64 Ki additions of work). An int: every
        call of at least ``min_size`` elements is split over all threads,
        however small (``0`` sends every call through pelx's path; for
        testing).

    Returns
    -------
    int
        The number of (ufunc, type signature) loops patched.

    Notes
    -----
    Calling it again changes ``min_size`` and patches loops added since.
    ``unpatch_numpy()`` restores NumPy's loops; ``patched_numpy()`` is the
    context manager. ``PELX_PATCH_NUMPY=1`` patches at ``import pelx``.
    """
    threshold = _check_min_size(min_size)
    ops = _core.ufunc_ops
    count = 0
    for ufunc in _numpy_ufuncs():
        name = _COST_LIKE.get(ufunc.__name__, ufunc.__name__)
        op = ops[name][0] if name in ops else -1
        count += _core.numpy_patch(ufunc, op)
    _core.numpy_patch_min_size(threshold)
    _state["min_size"] = min_size
    return count


def unpatch_numpy():
    """Give NumPy its own loops back.

    Returns
    -------
    int
        The number of loops restored. A loop that another library replaced
        after ``patch_numpy()`` is left to it, with a RuntimeWarning.
    """
    restored, left = _core.numpy_unpatch()
    _core.numpy_patch_min_size(-1)
    _state["min_size"] = None
    if left:
        warn(f"unpatch_numpy: {left} NumPy loops were replaced again after "
             "patch_numpy() and were left as they are")
    return restored


def is_numpy_patched():
    """True while NumPy's loops run on pelx's pool (``patch_numpy()``)."""
    return _core.numpy_patch_count() > 0


@contextlib.contextmanager
def patched_numpy(min_size=None):
    """Context manager: NumPy patched inside, as it was outside.

    >>> with pelx.patched_numpy():
    ...     y = np.sin(x) + np.exp(x)        # on every core

    If NumPy was already patched on entry it stays patched on exit (with the
    ``min_size`` it had).
    """
    was = is_numpy_patched()
    before = _state["min_size"]
    patch_numpy(min_size)
    try:
        yield
    finally:
        if was:
            patch_numpy(before)
        else:
            unpatch_numpy()


def apply_environment():
    """``PELX_PATCH_NUMPY``: 1 patches at import, 0 or unset does not."""
    value = os.environ.get("PELX_PATCH_NUMPY", "").strip()
    if value in ("", "0"):
        return
    if value == "1":
        patch_numpy()
    else:
        warn(f"PELX_PATCH_NUMPY={value!r} is not 0 or 1; NumPy is not patched")
