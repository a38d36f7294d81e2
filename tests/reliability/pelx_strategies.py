"""Hypothesis strategies for arrays as users meet them: every dtype, 0-d to
3-d shapes, broadcasting, negative / zero / non-unit strides, and the edge
values that break kernels (NaN, +-inf, -0.0, INT_MIN, huge, denormal).

Arrays are filled from a seeded generator (drawn by Hypothesis) and then
salted with edge values at drawn positions: fast to generate even for the
sizes that cross pelx's parallel threshold, and still shrinkable.
"""
import numpy as np
from hypothesis import strategies as st

INT_DTYPES = [np.int8, np.int16, np.int32, np.int64,
              np.uint8, np.uint16, np.uint32, np.uint64]
FLOAT_DTYPES = [np.float32, np.float64]
COMPLEX_DTYPES = [np.complex64, np.complex128]
ALL_DTYPES = [np.bool_] + INT_DTYPES + FLOAT_DTYPES + COMPLEX_DTYPES


def edge_values(dtype):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return [False, True]
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, info.max, info.min, info.max - 1, 2, 7]
        if dt.kind == "i":
            vals += [-1, -2, info.min + 1, -7]
        return vals
    info = np.finfo(dt.type(0).real.dtype)
    reals = [0.0, -0.0, 1.0, -1.0, 0.5, np.nan, np.inf, -np.inf,
             float(info.max), -float(info.max), float(info.tiny),
             float(info.smallest_subnormal), -float(info.smallest_subnormal),
             float(info.eps), 1e300 if dt.itemsize >= 8 else 1e30, 700.0,
             -745.0, 88.5, 3.0]
    if dt.kind == "c":
        return [complex(r, i) for r in reals[:10] for i in (0.0, -1.5, np.nan)]
    return reals


def _fill(rng, dtype, size):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, size).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        # Mostly small values (so arithmetic is meaningful), some full range.
        small = rng.integers(max(info.min, -100), min(info.max, 100), size,
                             endpoint=True)
        full = rng.integers(info.min, info.max, size, endpoint=True, dtype=dt)
        pick = rng.random(size) < 0.2
        return np.where(pick, full, small.astype(dt)).astype(dt)
    real = rng.standard_normal(size) * 10.0 ** rng.integers(-3, 4, size)
    if dt.kind == "c":
        imag = rng.standard_normal(size)
        return (real + 1j * imag).astype(dt)
    return real.astype(dt)


@st.composite
def arrays(draw, dtype, shape, edge_prob=0.3):
    """A C-contiguous array of this dtype and shape with edge values mixed in."""
    size = int(np.prod(shape)) if len(shape) else 1
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    flat = _fill(rng, dtype, size)
    if size and draw(st.floats(0, 1)) < edge_prob:
        edges = edge_values(dtype)
        n_edges = draw(st.integers(1, min(size, 8)))
        with np.errstate(all="ignore"):
            for _ in range(n_edges):
                flat[draw(st.integers(0, size - 1))] = edges[
                    draw(st.integers(0, len(edges) - 1))]
    return flat.reshape(shape)


@st.composite
def shapes(draw, max_dims=3, max_side=6, allow_big=True):
    """Mostly small shapes; sometimes a long 1-D or 2-D one that takes
    pelx's parallel path."""
    if allow_big and draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([(70_001,), (300, 257), (2, 40_000)]))
    nd = draw(st.integers(0, max_dims))
    return tuple(draw(st.integers(0, max_side)) for _ in range(nd))


@st.composite
def views(draw, dtype, shape):
    """An array of `shape` that is a view with awkward strides: reversed
    axes, steps of 2, transposes, or a broadcast (zero-stride) axis."""
    kind = draw(st.sampled_from(["contig", "step", "reverse", "transpose",
                                 "broadcast"]))
    if kind == "contig" or len(shape) == 0:
        return draw(arrays(dtype, shape))
    if kind in ("step", "reverse"):
        step = 2 if kind == "step" else -1
        base_shape = tuple(max(1, abs(step) * s) for s in shape)
        base = draw(arrays(dtype, base_shape))
        sl = tuple(slice(None, None, step) if s else slice(0, 0)
                   for s in shape)
        v = base[sl]
        return v[tuple(slice(0, s) for s in shape)]
    if kind == "transpose":
        base = draw(arrays(dtype, shape[::-1]))
        return base.T
    # broadcast: one axis of length 1 stretched with stride 0
    axis = draw(st.integers(0, len(shape) - 1))
    small_shape = tuple(1 if i == axis else s for i, s in enumerate(shape))
    base = draw(arrays(dtype, small_shape))
    return np.broadcast_to(base, shape)


def broadcastable_shape(draw, shape):
    """A shape that broadcasts against `shape` (suffix, with 1s)."""
    k = draw(st.integers(0, len(shape)))
    tail = shape[len(shape) - k:]
    return tuple(1 if draw(st.booleans()) else s for s in tail)


def budget(n):
    """Examples for one property test under the active profile: `n` in CI
    (the suite's totals add up to more than 20,000), ten times more
    nightly, a tenth for a quick local run."""
    import os
    factor = {"nightly": 10.0, "dev": 0.1}.get(
        os.environ.get("HYPOTHESIS_PROFILE", "ci"), 1.0)
    return max(10, int(n * factor))
