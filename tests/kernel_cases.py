"""Inputs and comparison helpers for the kernel-vs-NumPy tests."""
import numpy as np
from numpy._core import umath

# Ops compared with NumPy, split by the accuracy NumPy promises.
TRANSCENDENTAL = {
    "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin",
    "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh",
    "tanh", "arcsinh", "arccosh", "arctanh", "hypot", "power",
}
EXACT = {
    "add", "subtract", "multiply", "true_divide", "floor_divide", "remainder",
    "negative", "positive", "absolute", "sign", "maximum", "minimum", "fmax",
    "fmin", "clip", "equal", "not_equal", "less", "less_equal", "greater",
    "greater_equal", "logical_and", "logical_or", "logical_xor",
    "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
    "left_shift", "right_shift", "sqrt", "square", "reciprocal", "floor",
    "ceil", "trunc", "rint", "isnan", "isinf", "isfinite", "copysign",
    "conjugate",
}
# Integer power is exact; float/complex power goes through pow()/cpow().
CODES = "?bBhHiIlLqQfdFD"


def ufunc(op):
    return getattr(umath, op)


def numpy_loop_dtypes(op):
    """Loop dtypes NumPy has for op with all inputs of one dtype."""
    out = {}
    for t in ufunc(op).types:
        ins, res = t.split("->")
        if len(set(ins)) == 1 and ins[0] in CODES and res in CODES:
            dt = np.dtype(ins[0])
            out.setdefault(dt, np.dtype(res))
    return out


def _float_edges(dt):
    fi = np.finfo(dt)
    v = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.0, -3.0,
         2.0, -2.0, 0.1, -7.0, 7.0, 100.0, -100.0, 1e10, -1e10,
         np.pi, -np.pi, np.pi / 2, np.e, 0.999999, 1.000001, -0.999999,
         np.inf, -np.inf, np.nan, -np.nan,
         float(fi.max), -float(fi.max), float(fi.tiny), -float(fi.tiny),
         float(fi.smallest_subnormal), -float(fi.smallest_subnormal),
         float(fi.tiny) / 3, 88.0, 89.0, 709.0, 710.0, -745.0, -104.0,
         1e-8, -1e-8, 4.0 ** 0.5, 1e300, -1e300, 1e30, -1e30, 2.0 ** 60,
         2.0 ** 31, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64]
    with np.errstate(all="ignore"):
        return np.array(v, dtype=np.float64).astype(dt)


def _int_edges(dt):
    ii = np.iinfo(dt)
    bits = ii.bits
    v = {0, 1, 2, 3, 5, 7, bits - 1, bits, bits + 1, 63, 64, 100, ii.max,
         ii.max - 1, ii.min, ii.min + 1, ii.max // 2}
    if ii.min < 0:
        v |= {-1, -2, -3, -5, -7, -bits, -100}
    return np.array(sorted(x for x in v if ii.min <= x <= ii.max), dtype=dt)


def edges(dt):
    dt = np.dtype(dt)
    if dt == np.bool_:
        return np.array([False, True])
    if dt.kind in "iu":
        return _int_edges(dt)
    if dt.kind == "f":
        return _float_edges(dt)
    r = _float_edges(np.float32 if dt == np.complex64 else np.float64)
    sel = r[[0, 1, 2, 3, 4, 6, 12, 16, 17, 18, 26, 28, 29, 30, 32, 34, 36]]
    re, im = np.meshgrid(sel, sel)
    z = np.empty(re.size, dt)
    z.real = re.ravel()
    z.imag = im.ravel()
    return z


def random_values(dt, n, rng, op=None):
    dt = np.dtype(dt)
    if dt == np.bool_:
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        ii = np.iinfo(dt)
        a = rng.integers(ii.min, ii.max, n, dtype=dt, endpoint=True)
        small = rng.integers(max(ii.min, -20), 21, n).astype(dt)
        return np.where(rng.random(n) < 0.5, a, small)
    if dt.kind == "f":
        with np.errstate(all="ignore"):
            wide = (rng.choice([-1.0, 1.0], n) *
                    10.0 ** rng.uniform(-30, 30, n)).astype(dt)
            near = rng.uniform(-10, 10, n).astype(dt)
            unit = rng.uniform(-1, 1, n).astype(dt)
        pick = rng.integers(0, 3, n)
        return np.choose(pick, [wide, near, unit]).astype(dt)
    rdt = np.float32 if dt == np.complex64 else np.float64
    z = np.empty(n, dt)
    z.real = random_values(rdt, n, rng)
    z.imag = random_values(rdt, n, rng)
    return z


def inputs(op, dt, nin, rng, n_random=2000):
    """Edge values (all pairs for binary ops) followed by random values."""
    e = edges(dt)
    if nin == 1:
        cols = [e]
    elif nin == 2:
        a, b = np.meshgrid(e, e)
        cols = [a.ravel(), b.ravel()]
    else:
        a = rng.choice(e, 3000)
        b = rng.choice(e, 3000)
        c = rng.choice(e, 3000)
        cols = [a, b, c]
    rand = [random_values(dt, n_random, rng, op) for _ in range(nin)]
    if op == "power" and np.dtype(dt).kind in "iu":
        rand[1] = rng.integers(0, 70, n_random).astype(dt)
    if op in ("left_shift", "right_shift"):
        rand[1] = rng.integers(0, np.dtype(dt).itemsize * 8 + 2,
                               n_random).astype(dt)
    return [np.concatenate([c, r]).astype(dt) for c, r in zip(cols, rand)]


# Signed integer type of each float size, to read the bits.
_INT_OF_SIZE = {2: np.int16, 4: np.int32, 8: np.int64}


def ordered(x):
    """Float bits (float16, float32 or float64) mapped to int64 integers
    whose order and differences count ULPs (-0.0 and +0.0 both map to 0)."""
    x = np.asarray(x)
    width = x.dtype.itemsize
    i = x.view(_INT_OF_SIZE[width]).astype(np.int64)
    mag = i & ((1 << (8 * width - 1)) - 1)
    return np.where(i < 0, -mag, mag)


def ulp_diff(got, want):
    """Per element ULP distance for finite pairs; 0 where both are NaN;
    huge where exactly one is NaN, or an infinity / zero sign differs."""
    got = np.asarray(got)
    want = np.asarray(want)
    d = np.abs(ordered(got) - ordered(want)).astype(np.float64)
    bothnan = np.isnan(got) & np.isnan(want)
    onenan = np.isnan(got) != np.isnan(want)
    special = np.isinf(want) | np.isinf(got)
    d = np.where(special & (got != want), np.inf, d)
    d = np.where(onenan, np.inf, d)
    return np.where(bothnan, 0.0, d)


def bits_equal(got, want):
    """Bit-identical, except that any NaN matches any NaN."""
    got = np.asarray(got)
    want = np.asarray(want)
    if got.dtype != want.dtype:
        return np.zeros(got.shape, bool)
    if got.dtype.kind == "c":
        return bits_equal(got.real, want.real) & bits_equal(got.imag, want.imag)
    if got.dtype.kind == "f":
        nan = np.isnan(got) & np.isnan(want)
        u = np.uint32 if got.dtype == np.float32 else np.uint64
        return nan | (got.view(u) == want.view(u))
    return got == want
