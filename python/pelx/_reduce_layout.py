"""The layout of a reduction for the C kernels (``pelx._core._reduce``):
an array's axes merged and ordered into a 2 x 2 strided view, kept x
reduced (see csrc/kernels/reduce.h).

A reduction whose order is free (everything but argmin/argmax) walks its
reduced elements forward in memory, largest stride first: the order in
which ``pelx.evaluate``'s iterator visits a lone operand, so both reduce
the same sequence of values.
"""
import math

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from . import _core


def axes_of(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = normalize_axis_tuple(axis, ndim, allow_duplicate=True)
    if len(set(axes)) != len(axes):
        raise ValueError("duplicate value in 'axis'")
    return tuple(sorted(axes))


def _merge(dims):
    """Merge (size, stride) pairs, outer to inner, into as few as possible."""
    out = []
    for n, s in dims:
        if n == 1:
            continue
        if out and out[-1][1] == n * s:
            out[-1] = (out[-1][0] * n, s)
        else:
            out.append((n, s))
    return out


def _pad2(dims):
    return [(1, 0)] * (2 - len(dims)) + dims


def kernel_view(arr, kept, axes, ordered):
    """(offset, keep dims, reduced dims) for the C kernel, or None when the
    layout needs more than 2 + 2 dimensions."""
    offset = 0
    keep = _merge([(arr.shape[d], arr.strides[d]) for d in kept])
    red = [(arr.shape[d], arr.strides[d]) for d in axes]
    if not ordered:
        # The order of the reduced elements is free: walk them forward in
        # memory, innermost stride last, so that they merge and stream.
        flipped = []
        for n, s in red:
            if s < 0:
                offset += (n - 1) * s
                s = -s
            flipped.append((n, s))
        red = sorted(flipped, key=lambda ns: -ns[1])
    red = _merge(red)
    if len(keep) > 2 or len(red) > 2:
        return None
    return offset, _pad2(keep), _pad2(red)


def run(op, arr, axes, acc, out_dtype, ordered=False, aux=None):
    """Reduce `arr` over `axes` (sorted) with kernel `op` accumulating in
    `acc`; returns an array of the kept dims' shape. Needs a non-empty input
    and reduced range."""
    kept = [d for d in range(arr.ndim) if d not in axes]
    res = np.empty(kept_shape(arr.shape, axes), dtype=out_dtype)
    if res.size == 0:
        return res
    view = kernel_view(arr, kept, axes, ordered)
    if view is None:
        red = list(axes)
        if not ordered:
            # the copy keeps the order kernel_view walks in: reduced axes forward
            # in memory, largest stride first (also the order in which
            # evaluate's iterator visits a lone operand)
            arr = arr[tuple(slice(None, None, -1)
                            if d in axes and arr.strides[d] < 0
                            else slice(None) for d in range(arr.ndim))]
            red = sorted(red, key=lambda d: -arr.strides[d])
        arr = np.ascontiguousarray(arr.transpose(kept + red))
        view = kernel_view(arr, list(range(len(kept))),
                     tuple(range(len(kept), arr.ndim)), ordered)
    offset, keep, red = view
    if aux is not None:
        aux = np.ascontiguousarray(aux)
    _core._reduce(op, arr, acc, res, offset,
                  (keep[0][0], keep[1][0]), (keep[0][1], keep[1][1]),
                  (red[0][0], red[1][0]), (red[0][1], red[1][1]), aux)
    return res


def reduced_count(shape, axes):
    return math.prod(shape[d] for d in axes)


def kept_shape(shape, axes):
    """The result's shape: `shape` without the reduced `axes`."""
    return tuple(n for d, n in enumerate(shape) if d not in axes)


def keepdims_shape(shape, axes):
    """`shape` with the reduced `axes` as size one (keepdims=True)."""
    return tuple(1 if d in axes else n for d, n in enumerate(shape))
