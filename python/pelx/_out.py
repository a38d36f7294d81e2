"""The check of an ``out=`` argument of pelx's own functions (``evaluate``,
``map`` and the reductions): an ndarray or None, else a TypeError that
names the function. The elementwise functions follow NumPy's ufunc rules
for ``out=`` instead (a 1-tuple, NumPy's messages; ``pelx._ufuncs``)."""
import numpy as np


def check_out(out, fname):
    """`out` itself when it is None or an ndarray; TypeError otherwise."""
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"pelx.{fname}: out must be a numpy.ndarray, got "
                        f"{type(out).__name__}")
    return out
