"""``pelx.show_config()``: what pelx runs with on this machine."""
import os
import platform
import sys

import numpy as np

from . import _core

__all__ = ["show_config"]

#: CPU features worth reporting for SIMD kernels (x86 and Arm names, as
#: NumPy's runtime dispatch detects them).
_FEATURES = ("SSE2", "SSE41", "SSE42", "AVX", "F16C", "FMA3", "AVX2", "AVX512F",
             "AVX512_SKX", "ASIMD", "ASIMDHP", "SVE")


def _cpu_features():
    """Names of the SIMD features this CPU has, as NumPy detected them."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
    except ImportError:  # pragma: no cover  (older NumPy layouts)
        return []
    return [f for f in _FEATURES if feats.get(f)]


def _call(name, default=None):
    fn = getattr(_core, name, None)
    return fn() if callable(fn) else default


def _kernels():
    """The vector math the C kernels chose at load (e.g. "libmvec-avx2")."""
    return _core._kernels_features()


#: Values of PELX_KERNELS_SIMD the kernels understand (read once, at load).
_SIMD_VALUES = ("scalar", "baseline", "avx2", "avx512")


def check_simd_env():
    """Warn (once, at import) about a PELX_KERNELS_SIMD value the kernels
    ignore, naming the accepted ones."""
    value = os.environ.get("PELX_KERNELS_SIMD")
    if value is not None and value not in _SIMD_VALUES:
        import warnings
        warnings.warn(
            f"PELX_KERNELS_SIMD={value!r} is not one of {', '.join(_SIMD_VALUES)}; "
            f"the kernels use the CPU's best level "
            f"({_core._kernels_levels()['elementwise']})",
            RuntimeWarning, stacklevel=3)


def _kernel_levels():
    """The SIMD level of each kernel family, and the CPU's."""
    return _core._kernels_levels()


def _config():
    from . import __version__

    return {
        "pelx": {"version": __version__, "extension": _core.__file__},
        "threads": {
            "num_threads": _call("get_num_threads"),
            "default_num_threads": _call("default_num_threads"),
            "available_cpus": _call("available_cpus"),
            "os_cpu_count": os.cpu_count(),
            "PELX_NUM_THREADS": os.environ.get("PELX_NUM_THREADS"),
        },
        "cpu": {
            "machine": platform.machine(),
            "features": _cpu_features(),
            "kernels": _kernels(),
        },
        "kernels": _kernel_levels(),
        "env": {k: v for k, v in os.environ.items() if k.startswith("PELX_")},
        "python": {"version": platform.python_version(), "executable": sys.executable},
        "numpy": {"version": np.__version__,
                  "patched_loops": _core.numpy_patch_count()},
    }


def _format(cfg):
    lines = []
    for section, items in cfg.items():
        lines.append(f"{section}:")
        if not items:
            lines.append("  (none)")
        for key, value in items.items():
            if isinstance(value, (list, tuple)):
                value = " ".join(map(str, value)) or "(none)"
            elif isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items())
            elif value is None:
                value = "(not set)" if key == "PELX_NUM_THREADS" else "(unknown)"
            lines.append(f"  {key:<20} {value}")
    return "\n".join(lines)


def show_config(return_dict=False):
    """Print how pelx is set up on this machine.

    Reports pelx's version and extension path, the thread pool (current
    size, default size, CPUs available to the process after affinity and
    cgroup limits, ``PELX_NUM_THREADS``), the CPU's SIMD features, the
    instruction-set level each kernel family runs (``kernels``: the CPU's
    level and, for ``elementwise``, ``casts`` and ``reductions``, one of
    ``baseline``, ``avx2``, ``avx512``, chosen at import and lowered by
    ``PELX_KERNELS_SIMD``; ``math``: the transcendental functions' vector
    library), the Python and NumPy versions, and how many of NumPy's loops
    run on pelx's pool (``patched_loops``: 0 unless ``patch_numpy()``).

    Parameters
    ----------
    return_dict : bool, optional
        If True, return the report as a nested dict instead of printing it.

    Returns
    -------
    dict or None
        The report (``{"pelx": ..., "threads": ..., "cpu": ..., "kernels":
        ..., "env": ..., "python": ..., "numpy": ...}``) when `return_dict`
        is True, else None.

    See Also
    --------
    numpy.show_config, numpy.show_runtime

    Examples
    --------
    >>> import pelx
    >>> cfg = pelx.show_config(return_dict=True)
    >>> cfg["threads"]["num_threads"] >= 1
    True
    """
    cfg = _config()
    if return_dict:
        return cfg
    print(_format(cfg))
    return None
