"""evaluate() against the real numexpr on numexpr's kind of expressions.

Where numexpr agrees with NumPy, pelx must give numexpr's values and
dtypes. Where numexpr departs from NumPy (its own promotion rules), pelx
follows NumPy; those cases are listed in NUMEXPR_DIFFERS and checked both
ways so the list stays true.
"""
import numpy as np
import pytest

import pelx

numexpr = pytest.importorskip("numexpr")

rng = np.random.default_rng(5)
n = 100_003
ARRAYS = {
    "a": rng.uniform(0, 1, n), "b": rng.uniform(0, 1, n),
    "c": rng.uniform(-1, 1, n),
    "f": rng.uniform(0, 1, n).astype(np.float32),
    "i": rng.integers(1, 100, n).astype(np.int32),
    "j": rng.integers(1, 100, n).astype(np.int64),
    "m": rng.integers(0, 2, n).astype(bool),
    "z": rng.uniform(0, 1, n) + 1j * rng.uniform(0, 1, n),
}

SAME_AS_NUMEXPR = [
    "a*b+c", "2*a+3*b", "sin(a)**2+cos(b)**2", "where(a>0.5, a*b, c)",
    "a**5 + 3*a**2", "(a+1)*(b-2)/(c+3)", "arctan2(a, c)", "exp(-a*a)",
    "log1p(abs(c))", "sqrt(a*a+b*b)", "a<b", "(a<b)&(b<c)",
    "~(a<b)|(c>0.5)", "a % 0.3", "a // 0.2", "where(a>b, a, b)",
    "tanh(c)", "arcsinh(c) + arccos(c)", "log10(a) - log(b)", "expm1(c)",
    "floor(a*10) + ceil(b*10)", "a**-2", "a**0.5", "c**3",
    "f*f + 1", "f*2", "sqrt(f)", "i*2 + j", "i/j", "i//3 + j%7",
    "i**2", "i<<2", "j>>1", "i & 12", "i | j", "m & (a > 0.2)", "~m",
    "where(m, i, j)", "sin(i)", "i > 50.5", "a + i",
    "z*z + 1", "real(z) + imag(z)", "conj(z)", "sqrt(z)",
    "exp(z)", "complex(a, b)", "fmod(a, 0.3)", "copysign(a, c)",
    "hypot(a, c)", "isnan(a)", "min(a)", "max(a*b)", "sum(j)",
    "where(a>0.5, 1.0, 0.0)", "a*2.5e3", "-a", "-(a*b)",
]
# floating-point sums: the order of additions differs (numexpr adds block
# results sequentially, pelx pairwise), so a looser tolerance
SUMS = ["sum(a*b)", "sum(a, axis=0)", "sum(f)", "prod(c*0.001 + 1)",
        "sum(c, axis=0)"]


def compare(got, want, exact=False):
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    if exact or want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        # numexpr has its own transcendental code paths: a few ulps
        eps = np.finfo(want.dtype).eps
        np.testing.assert_allclose(got, want, rtol=16 * eps, atol=16 * eps)


@pytest.mark.parametrize("ex", SAME_AS_NUMEXPR)
def test_same_as_numexpr(ex):
    with np.errstate(all="ignore"):
        want = numexpr.evaluate(ex, local_dict=ARRAYS)
        got = pelx.evaluate(ex, local_dict=ARRAYS)
    compare(got, np.asarray(want))


@pytest.mark.parametrize("ex", SUMS)
def test_sums_close_to_numexpr(ex):
    want = np.asarray(numexpr.evaluate(ex, local_dict=ARRAYS))
    got = pelx.evaluate(ex, local_dict=ARRAYS)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-5 if
                               want.dtype == np.float32 else 1e-11)


# ex -> (NumPy's result computed directly, numexpr's dtype)
NUMEXPR_DIFFERS = {
    # NEP 50: a Python float does not widen float32
    "f*2.0": (lambda d: d["f"] * 2.0, np.float64),
    # NumPy promotes int32 with float32 to float64
    "i*f": (lambda d: d["i"] * d["f"], np.float32),
    "where(m, i, f)": (lambda d: np.where(d["m"], d["i"], d["f"]),
                       np.float32),
    "f + j": (lambda d: d["f"] + d["j"], np.float32),
    # np.abs keeps integer types; abs of complex is real
    "abs(i)": (lambda d: np.abs(d["i"]), np.float64),
    "abs(z)": (lambda d: np.abs(d["z"]), np.complex128),
    # integer literals are int32 in numexpr, Python ints are weak in NumPy
    "where(a>0.5, 1, 0)": (lambda d: np.where(d["a"] > 0.5, 1, 0),
                           np.int32),
    # NumPy sums and multiplies int32 in int64
    "sum(i)": (lambda d: np.sum(d["i"]), np.int32),
    "prod(i % 2 + 1)": (lambda d: np.prod(d["i"] % 2 + 1), np.int32),
}


@pytest.mark.parametrize("ex", list(NUMEXPR_DIFFERS))
def test_known_differences_follow_numpy(ex):
    numpy_fn, numexpr_dtype = NUMEXPR_DIFFERS[ex]
    got = pelx.evaluate(ex, local_dict=ARRAYS)
    want = np.asarray(numpy_fn(ARRAYS))
    if ex.startswith("sum") or ex.startswith("prod"):
        assert got.dtype == want.dtype and got == want
    else:
        compare(got, want)
    assert numexpr.evaluate(ex, local_dict=ARRAYS).dtype == numexpr_dtype


def test_numexpr_refuses_what_pelx_supports():
    # sum of bools and max of int32 fail in numexpr 2.14; pelx answers
    assert pelx.evaluate("sum(m)", local_dict=ARRAYS) == np.sum(ARRAYS["m"])
    assert pelx.evaluate("max(i)", local_dict=ARRAYS) == np.max(ARRAYS["i"])


def test_drop_in_api():
    a, b = ARRAYS["a"], ARRAYS["b"]
    out1, out2 = np.empty_like(a), np.empty_like(a)
    numexpr.evaluate("a*b", out=out1, order="K", casting="safe")
    pelx.evaluate("a*b", out=out2, order="K", casting="safe")
    np.testing.assert_array_equal(out1, out2)
    np.testing.assert_array_equal(numexpr.re_evaluate(), pelx.re_evaluate())
    ex1 = numexpr.NumExpr("a*b+1", signature=[("a", np.float64),
                                               ("b", np.float64)])
    ex2 = pelx.NumExpr("a*b+1", signature=[("a", np.float64),
                                           ("b", np.float64)])
    np.testing.assert_array_equal(ex1(a, b), ex2(a, b))
