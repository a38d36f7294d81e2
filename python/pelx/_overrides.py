"""Array types with semantics of their own, which pelx must not unwrap.

pelx computes on base ``numpy.ndarray`` data. An operand that carries more
than its data would lose it if pelx converted it with ``numpy.asarray``: a
``numpy.ma.MaskedArray`` its mask, a ``numpy.matrix`` its 2-d algebra, a
Dask, CuPy or pandas object its own dispatch (``__array_ufunc__`` /
``__array_function__``). Such operands are *overriding*: pelx's NumPy
functions hand the whole call to NumPy (which then honours the override, as
NumPy itself would), and calls with no NumPy counterpart (``evaluate``,
``map``) refuse them with a TypeError.

``numpy.memmap`` is the one ndarray subclass that only says where the data
lives; pelx computes on it like on a base array.
"""
import numpy as np

__all__ = ["overriding", "first_overriding", "refuse"]

_PLAIN = (np.ndarray, np.memmap, int, float, complex, bool)
_ND_UFUNC = np.ndarray.__array_ufunc__
_ND_FUNCTION = np.ndarray.__array_function__


def overriding(x):
    """True if x is an ndarray subclass other than memmap, or any other
    object with its own ``__array_ufunc__`` or ``__array_function__``."""
    t = type(x)
    if t in _PLAIN or x is None:
        return False
    if isinstance(x, np.ndarray):
        return not isinstance(x, np.memmap)
    if isinstance(x, np.generic):
        return False
    return (getattr(t, "__array_ufunc__", _ND_UFUNC) is not _ND_UFUNC
            or getattr(t, "__array_function__", _ND_FUNCTION)
            is not _ND_FUNCTION)


def first_overriding(objs):
    """The first overriding object among objs (a tuple may hold several
    operands, e.g. out=(a,)), or None."""
    for x in objs:
        if type(x) is tuple:
            x = first_overriding(x)
            if x is not None:
                return x
        elif overriding(x):
            return x
    return None


def refuse(fname, name, x):
    """The TypeError for an overriding operand of a call NumPy has no
    counterpart for."""
    t = type(x)
    return TypeError(
        f"pelx.{fname}: operand {name!r} is a {t.__module__}.{t.__qualname__}"
        ", whose semantics (a mask, a subclass, its own __array_ufunc__ or "
        "__array_function__) pelx would drop; pass a numpy.ndarray (for a "
        "masked array, x.filled(...) or numpy.ma.getdata(x)), or use NumPy "
        "for this type")
