"""Random expression trees against NumPy: exercises folding, CSE, register
reuse and promotion on shapes and dtypes no hand-written case covers."""
import operator

import numpy as np
import pytest

import pelx

# Python's operators, as the same code written with NumPy arrays would run
# them: on two Python scalars they give a (weak) Python scalar.
BIN = [("+", operator.add), ("-", operator.sub), ("*", operator.mul),
       ("<", operator.lt), ("==", operator.eq)]
FUN = [("sqrt", np.sqrt), ("abs", np.absolute), ("floor", np.floor),
       ("sin", np.sin), ("exp", np.exp)]


def build(rng, names, depth):
    """(text, numpy function of the variables) for a random tree."""
    r = rng.random()
    if depth == 0 or r < 0.2:
        if rng.random() < 0.25:
            c = [2, 0.5, 3, 1.5, True][rng.integers(0, 5)]
            return repr(c), (lambda v, c=c: c)
        n = names[rng.integers(0, len(names))]
        return n, (lambda v, n=n: v[n])
    if r < 0.35:
        name, f = FUN[rng.integers(0, len(FUN))]
        t, g = build(rng, names, depth - 1)
        return f"{name}({t})", (lambda v, f=f, g=g: f(g(v)))
    if r < 0.45:
        tc, gc = build(rng, names, depth - 1)
        ta, ga = build(rng, names, depth - 1)
        tb, gb = build(rng, names, depth - 1)
        return (f"where({tc}, {ta}, {tb})",
                lambda v: np.where(gc(v), ga(v), gb(v)))
    if r < 0.5:
        t, g = build(rng, names, depth - 1)
        k = int(rng.integers(2, 6))
        return f"({t})**{k}", (lambda v, g=g, k=k: np.power(g(v), k))
    sym, f = BIN[rng.integers(0, len(BIN))]
    ta, ga = build(rng, names, depth - 1)
    tb, gb = build(rng, names, depth - 1)
    return f"({ta} {sym} {tb})", (lambda v, f=f, ga=ga, gb=gb:
                                  f(ga(v), gb(v)))


@pytest.mark.parametrize("seed", range(300))
def test_random_expression(seed):
    rng = np.random.default_rng(seed)
    dts = [np.float64, np.float32, np.int32, np.int64, np.uint8, np.bool_]
    shape = [(50_000,), (300, 1), (1, 170), (3, 5, 7)][seed % 4]
    values = {}
    for n in "abc":
        dt = dts[rng.integers(0, len(dts))]
        x = rng.uniform(0, 3, shape)
        values[n] = (x > 1.5) if dt is np.bool_ else x.astype(dt)
    text, fn = build(rng, list(values), 4)
    with np.errstate(all="ignore"):
        try:
            want = np.asarray(fn(values))
        except (TypeError, ValueError, OverflowError) as e:
            with pytest.raises(type(e)):
                pelx.evaluate(text, local_dict=values)
            return
        got = pelx.evaluate(text, local_dict=values)
    want = np.broadcast_to(want, got.shape) if want.ndim == 0 else want
    assert got.dtype == want.dtype, text
    assert got.shape == want.shape, text
    if want.dtype.kind == "f":
        # powers become multiplies, sin/exp come from the kernel table
        # (a few ulp); float32 or float16 steps may sit inside a float64
        # result, so the tolerance follows the least precise input
        low = any(v.dtype in (np.float32, np.uint8, np.bool_)
                  for v in values.values())
        rtol = 4e-3 if want.dtype == np.float16 else 1e-5 if low else 1e-12
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-30,
                                   err_msg=text)
    else:
        np.testing.assert_array_equal(got, want, err_msg=text)
