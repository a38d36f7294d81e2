"""``pelx.map``: run a user's compiled elementwise kernel on every core.

The kernel is a C function (compiled by Numba, a C compiler via ctypes, or
Cython/cffi via ``scipy.LowLevelCallable``); pelx calls it from its worker
threads with the GIL released, so it must not call back into Python. This
module works out the kernel's address and checks its C signature; the loop
over the arrays is ``pelx._core._map_start`` / ``_map_step`` /
``_map_finish`` (csrc/module/map_binding.c).
"""
import ctypes
import re

import numpy as np

from ._overrides import overriding, refuse
from . import _core
from ._out import check_out
from ._progress import progress_callback

__all__ = ["map"]

#: Most inputs a scalar-form kernel takes.
MAX_SCALAR_ARGS = 4

ACCEPTED = """\
pelx.map accepts a compiled C function with one of these signatures:
  double f(double x0, ...)   scalar form, float64, 1 to 4 inputs
  float  f(float x0, ...)    scalar form, float32, 1 to 4 inputs
  void   f(char **args, const intptr_t *dims, const intptr_t *steps, void *data)
                             loop form (NumPy's inner-loop signature): args[0..n-1]
                             are the inputs, args[n] the output, dims[0] the count,
                             steps[i] byte strides; dtype= picks the dtype (float64)
given as a numba.cfunc, a ctypes function pointer (CFUNCTYPE instance or a
library function with argtypes/restype set) or a scipy.LowLevelCallable."""

HOW_TO_COMPILE = """\
pelx.map runs the kernel on worker threads without the GIL, so it must be a
compiled C function, not a Python callable. With Numba:
    @numba.cfunc("float64(float64, float64)")
    def f(x, y):
        return x * y + 1.0
    pelx.map(f, a, b)
(numba.njit functions are not C functions: use numba.cfunc with a signature)."""


class _Kernel:
    """A checked kernel: its address, form, dtype, arity and data pointer."""

    __slots__ = ("address", "form", "dtype", "nargs", "data", "keepalive")

    def __init__(self, address, form, dtype, nargs, data=0, keepalive=None):
        self.address = address
        self.form = form
        self.dtype = dtype
        self.nargs = nargs  # None: any number of inputs (loop form)
        self.data = data
        self.keepalive = keepalive


def _mismatch(got):
    return TypeError(f"{ACCEPTED}\nGot: {got}")


# ---- signatures given as ctypes types (ctypes pointers, numba cfuncs) ----

_SCALAR_CTYPES = {ctypes.c_double: np.dtype(np.float64),
                  ctypes.c_float: np.dtype(np.float32)}
_BYTE_CTYPES = (ctypes.c_char, ctypes.c_byte, ctypes.c_ubyte)


def _is_pointer_to(t, accept):
    return (isinstance(t, type) and issubclass(t, ctypes._Pointer)
            and accept(t._type_))


def _is_intp_ctype(t):
    # A signed integer type as wide as a pointer (intptr_t / npy_intp).
    return (isinstance(t, type) and issubclass(t, ctypes._SimpleCData)
            and t._type_ in "ilqn" and ctypes.sizeof(t) == ctypes.sizeof(ctypes.c_void_p))


def _is_loop_ctypes(restype, argtypes):
    if restype is not None or len(argtypes) != 4:
        return False
    args_ok = (_is_pointer_to(argtypes[0], lambda t: _is_pointer_to(t, lambda u: u in _BYTE_CTYPES))
               or argtypes[0] is ctypes.POINTER(ctypes.c_char_p))
    return (args_ok and _is_pointer_to(argtypes[1], _is_intp_ctype)
            and _is_pointer_to(argtypes[2], _is_intp_ctype)
            and argtypes[3] is ctypes.c_void_p)


def _describe_ctypes(restype, argtypes):
    def name(t):
        return "void" if t is None else getattr(t, "__name__", repr(t))
    return f"{name(restype)} f({', '.join(name(t) for t in argtypes)})"


def _from_ctypes_types(address, restype, argtypes, dtype, keepalive):
    argtypes = tuple(argtypes or ())
    if restype in _SCALAR_CTYPES and 1 <= len(argtypes) <= MAX_SCALAR_ARGS \
            and all(t is restype for t in argtypes):
        return _scalar(address, _SCALAR_CTYPES[restype], len(argtypes), dtype, keepalive)
    if _is_loop_ctypes(restype, argtypes):
        return _Kernel(address, _core._MAP_FORM_LOOP, _loop_dtype(dtype), None,
                       keepalive=keepalive)
    raise _mismatch(_describe_ctypes(restype, argtypes))


# ---- signatures given as strings (scipy.LowLevelCallable, PyCapsule) -----

_BYTE_PTR_PTR = {"char**", "byte**", "ubyte**", "unsignedchar**", "signedchar**",
                 "int8_t**", "uint8_t**"}
_INTP_PTR = {"intptr_t*", "npy_intp*", "Py_ssize_t*", "ssize_t*", "int64_t*",
             "longlong*"}
if ctypes.sizeof(ctypes.c_long) == ctypes.sizeof(ctypes.c_void_p):
    _INTP_PTR.add("long*")


def _compact(ctype):
    # "const intptr_t *" -> "intptr_t*"; "unsigned char **" -> "unsignedchar**"
    words = [w for w in re.split(r"\s+", ctype.replace("*", " * ").strip())
             if w and w != "const"]
    return "".join(words)


def _from_signature_string(address, signature, data, dtype, keepalive):
    m = re.fullmatch(r"\s*([\w\s\*]+?)\s*\((.*)\)\s*", signature or "")
    if not m:
        raise _mismatch(f"signature string {signature!r}")
    ret = _compact(m.group(1))
    args = [_compact(a) for a in m.group(2).split(",")] if m.group(2).strip() else []
    scalar = {"double": np.dtype(np.float64), "float": np.dtype(np.float32)}
    if ret in scalar and 1 <= len(args) <= MAX_SCALAR_ARGS and all(a == ret for a in args):
        return _scalar(address, scalar[ret], len(args), dtype, keepalive)
    if (ret == "void" and len(args) == 4 and args[0] in _BYTE_PTR_PTR
            and args[1] in _INTP_PTR and args[2] in _INTP_PTR and args[3] == "void*"):
        return _Kernel(address, _core._MAP_FORM_LOOP, _loop_dtype(dtype), None,
                       data=data, keepalive=keepalive)
    raise _mismatch(f"signature string {signature!r}")


# ---- common ---------------------------------------------------------------

def _scalar(address, kernel_dtype, nargs, dtype, keepalive):
    if dtype is not None and np.dtype(dtype) != kernel_dtype:
        raise TypeError(f"pelx.map: dtype={np.dtype(dtype)} does not match the "
                        f"kernel's signature, which works on {kernel_dtype}")
    return _Kernel(address, _core._MAP_FORM_SCALAR, kernel_dtype, nargs,
                   keepalive=keepalive)


def _loop_dtype(dtype):
    dt = np.dtype(np.float64 if dtype is None else dtype)
    if dt.hasobject or dt.kind not in "biufc":
        raise TypeError(f"pelx.map: a loop-form kernel works on a numeric "
                        f"(bool, integer, float, complex) dtype, got {dt}")
    return dt.newbyteorder("=")


def _is_python_thunk(cfuncptr):
    # A CFUNCTYPE made from a Python callable keeps a CThunkObject in its
    # _objects: calling it re-enters the interpreter for every element.
    objs = getattr(cfuncptr, "_objects", None) or {}
    return any(type(v).__name__ == "CThunkObject" for v in objs.values())


def _refuse_python_callable(what):
    return TypeError(f"pelx.map: {what} is a Python callable.\n{HOW_TO_COMPILE}\n\n{ACCEPTED}")


def _check_kernel(kernel, dtype):
    """Return the _Kernel for `kernel` or raise TypeError saying why not."""
    mod = type(kernel).__module__ or ""
    if mod.startswith("numba"):
        if hasattr(kernel, "address") and hasattr(kernel, "ctypes"):  # numba.cfunc
            proto = kernel.ctypes
            return _from_ctypes_types(kernel.address, proto.restype, proto.argtypes,
                                      dtype, kernel)
        raise _refuse_python_callable(f"{type(kernel).__name__} {kernel!r} (a numba "
                                      "function compiled for Python calls)")
    if isinstance(kernel, ctypes._CFuncPtr):
        if _is_python_thunk(kernel):
            raise _refuse_python_callable("this ctypes callback wraps a Python function and")
        address = ctypes.cast(kernel, ctypes.c_void_p).value
        return _from_ctypes_types(address, kernel.restype, kernel.argtypes or (),
                                  dtype, kernel)
    try:
        from scipy import LowLevelCallable
    except ImportError:  # scipy is optional
        LowLevelCallable = None
    if LowLevelCallable is not None and isinstance(kernel, LowLevelCallable):
        if isinstance(kernel.function, ctypes._CFuncPtr) and _is_python_thunk(kernel.function):
            raise _refuse_python_callable("this LowLevelCallable wraps a Python function and")
        address, signature, context = _core._capsule_info(tuple.__getitem__(kernel, 0))
        return _from_signature_string(address, signature, context, dtype, kernel)
    if type(kernel).__name__ == "PyCapsule":
        address, signature, context = _core._capsule_info(kernel)
        return _from_signature_string(address, signature, context, dtype, kernel)
    if callable(kernel):
        raise _refuse_python_callable(repr(kernel))
    raise TypeError(f"pelx.map: cannot use {type(kernel).__name__} as a kernel.\n{ACCEPTED}")


def map(kernel, *arrays, out=None, dtype=None, casting="same_kind", progress=False):
    """Apply a compiled C kernel elementwise, in parallel, without the GIL.

    The inputs are broadcast together (NumPy's rules) and cast to the
    kernel's dtype; the kernel is called on chunks of the iteration by
    pelx's worker threads.

    Parameters
    ----------
    kernel : numba.cfunc, ctypes function pointer or scipy.LowLevelCallable
        A C function with one of these signatures:

        * ``double f(double, ...)`` or ``float f(float, ...)`` with 1 to 4
          arguments (scalar form): called once per element;
        * ``void f(char **args, const intptr_t *dims, const intptr_t *steps,
          void *data)`` (loop form, NumPy's inner-loop signature): called
          once per inner loop, ``args[0..n-1]`` are the inputs, ``args[n]``
          the output, ``dims[0]`` the element count, ``steps[i]`` the byte
          strides. ``data`` is the ``user_data`` of a LowLevelCallable, NULL
          otherwise.

        The signature is read from the cfunc's signature, the ctypes
        ``restype``/``argtypes`` or the LowLevelCallable's signature string.
        The kernel runs on several threads at once and must be thread-safe.
    *arrays : array_like
        The inputs, as many as a scalar-form kernel takes (any number from
        1 for the loop form).
    out : ndarray, optional
        Where to write the result; it must have the broadcast shape. May
        overlap the inputs (the answer is as if computed out of place).
    dtype : data-type, optional
        The dtype the loop form works on (default float64; every operand is
        cast to it). For the scalar form it must match the signature.
    casting : {'no', 'equiv', 'safe', 'same_kind', 'unsafe'}, optional
        Casting allowed between the arrays and the kernel's dtype, as for
        NumPy ufuncs (default 'same_kind').
    progress : bool or callable, optional
        ``True`` shows a tqdm progress bar (``tqdm.auto``; needs tqdm) that
        advances as the work completes; a callable is called as
        ``progress(done, total)`` with element counts. The work is then run
        in about 100 consecutive parallel waves, with the bar updated from
        the calling thread between them.

    Returns
    -------
    ndarray or scalar
        The result, of the kernel's dtype (``out`` if given); a NumPy scalar
        when every input is a scalar and ``out`` is None.

    Raises
    ------
    TypeError
        If the kernel is not a compiled C function (a Python function or a
        ``numba.njit`` dispatcher is refused with a hint on ``numba.cfunc``)
        or its signature is not one of the above, or the number of arrays
        does not match a scalar-form kernel.

    Notes
    -----
    The scalar form costs one indirect call per element (a few ns), which
    dominates for cheap kernels; the loop form costs one call per inner
    loop.

    See Also
    --------
    numpy.vectorize : the same computation, one Python call per element.

    Examples
    --------
    >>> import numba, numpy as np, pelx
    >>> @numba.cfunc("float64(float64, float64)")
    ... def hyp(x, y):
    ...     return (x * x + y * y) ** 0.5
    >>> pelx.map(hyp, np.array([3.0, 5.0]), 4.0)
    array([5.        , 6.40312424])
    """
    k = _check_kernel(kernel, dtype)
    if not arrays:
        raise TypeError("pelx.map: give at least one input array")
    if k.nargs is not None and len(arrays) != k.nargs:
        raise TypeError(f"pelx.map: the kernel takes {k.nargs} argument(s) but "
                        f"{len(arrays)} array(s) were given")
    check_out(out, "map")
    for i, x in enumerate(arrays + (out,)):
        if overriding(x):
            raise refuse("map", "out" if i == len(arrays) else f"arrays[{i}]",
                         x)
    callback, close, waves = progress_callback(progress, "pelx.map")
    try:
        run, total = _core._map_start(k.address, k.form, k.dtype,
                                      tuple(arrays), out, casting, k.data)
        # With a progress callback: `waves` parallel steps, each at least
        # one chunk, the callback between them.
        wave = (total if callback is None
                else max(-(-total // waves), _core._MAP_GRAIN))
        for begin in range(0, total, max(wave, 1)):
            count = min(wave, total - begin)
            _core._map_step(run, begin, count)
            if callback is not None:
                callback(begin + count, total)
        result = _core._map_finish(run)
    finally:
        close()
    if out is None and result.ndim == 0 and all(np.ndim(a) == 0 for a in arrays):
        return result[()]
    return result
