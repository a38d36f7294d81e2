"""pelx — Parallel Execution Layer for NumPy.

Elementwise math, fused expressions and reductions on NumPy arrays, run by a
C thread pool with the GIL released. Results equal NumPy's.
"""
from . import _core  # noqa: F401  (fails loudly if the extension is missing)

__version__ = "0.1.0"
from .expr import NumExpr, evaluate, re_evaluate  # noqa: E402,F401
