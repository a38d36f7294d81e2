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
from .expr import NumExpr, evaluate, re_evaluate  # noqa: E402,F401
