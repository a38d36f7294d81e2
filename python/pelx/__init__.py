"""pelx — Parallel Execution Layer for NumPy.

Elementwise math, fused expressions and reductions on NumPy arrays, run by a
C thread pool with the GIL released. Results equal NumPy's.
"""
from . import _core  # noqa: F401  (fails loudly if the extension is missing)
from ._reductions import (all, amax, amin, any, argmax, argmin, dot, max,  # noqa: F401
                          mean, min, nanmax, nanmean, nanmin, nansum, prod, std,
                          sum, var, vdot)

__version__ = "0.1.0"
from ._threads import (  # noqa: E402,F401
    detect_number_of_cores, get_num_threads, set_num_threads, threads)
from ._ufuncs import *  # noqa: E402,F401,F403
from .expr import NumExpr, evaluate, re_evaluate, validate  # noqa: E402,F401
from ._numexpr_names import (  # noqa: E402,F401
    MAX_THREADS, get_vml_num_threads, get_vml_version, ncores, print_versions,
    set_vml_accuracy_mode, set_vml_num_threads, use_vml)


def __getattr__(name):
    # numexpr's ``nthreads``: the pool size now (it changes with
    # set_num_threads, so it cannot be a plain attribute).
    if name == "nthreads":
        return get_num_threads()
    raise AttributeError(f"module 'pelx' has no attribute {name!r}")

from ._map import map  # noqa: E402,A001
from ._observe import stats, reset_stats, trace  # noqa: E402
from ._config import check_simd_env as _check_simd_env, show_config  # noqa: E402
from . import _threadpoolctl  # noqa: E402,F401  (registers the controller)
from ._numpy_patch import (  # noqa: E402,F401
    is_numpy_patched, patch_numpy, patched_numpy, unpatch_numpy)
from ._numpy_patch import apply_environment as _apply_patch_env  # noqa: E402

_check_simd_env()
_apply_patch_env()
