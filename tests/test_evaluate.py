"""evaluate() against NumPy: operators, functions, dtypes, layouts, out=."""
import operator
import warnings

import numpy as np
import pytest

import pelx
from pelx.expr.api import program_cache

N = 70_001  # two chunks (grain 65536) and a ragged last block
rng = np.random.default_rng(7)

INTS = ["int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
        "uint64"]
FLOATS = ["float32", "float64"]
COMPLEX = ["complex64", "complex128"]


def sample(dtype, n=N, positive=False, nonzero=False):
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return rng.integers(0, 2, n).astype(bool)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        lo = 1 if (positive or nonzero) else max(info.min, -1000)
        x = rng.integers(lo, min(info.max, 1000), n).astype(dt)
        return x
    x = rng.uniform(0.1 if positive else -3, 3, n)
    if dt.kind == "c":
        x = x + 1j * rng.uniform(-3, 3, n)
    return x.astype(dt)


def close_ulp(got, want, maxulp):
    """Within maxulp units in the last place (real and imaginary parts
    separately for complex)."""
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if want.dtype.kind == "c":
        np.testing.assert_array_max_ulp(got.real, want.real, maxulp=maxulp)
        np.testing.assert_array_max_ulp(got.imag, want.imag, maxulp=maxulp)
    else:
        np.testing.assert_array_max_ulp(got, want, maxulp=maxulp)


def same(got, want):
    """Bit-exact equality including dtype (NaNs compare equal)."""
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul,
          "/": operator.truediv, "//": operator.floordiv, "%": operator.mod,
          "<": operator.lt, "<=": operator.le, ">": operator.gt,
          ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


@pytest.mark.parametrize("dtype", INTS + FLOATS + COMPLEX)
@pytest.mark.parametrize("op", list(BINARY))
def test_binary_operators(op, dtype):
    if np.dtype(dtype).kind == "c" and op in ("//", "%"):
        with pytest.raises(TypeError):
            pelx.evaluate(f"a {op} b", local_dict={"a": sample(dtype, 8),
                                                   "b": sample(dtype, 8)})
        return
    a, b = sample(dtype), sample(dtype, nonzero=True)
    with np.errstate(all="ignore"):
        want = BINARY[op](a, b)
        got = pelx.evaluate(f"a {op} b", local_dict={"a": a, "b": b})
    same(got, want)


@pytest.mark.parametrize("dtype", ["bool"] + INTS)
@pytest.mark.parametrize("op", ["&", "|", "^"])
def test_bitwise_and_logical(op, dtype):
    a, b = sample(dtype), sample(dtype)
    f = {"&": operator.and_, "|": operator.or_, "^": operator.xor}[op]
    same(pelx.evaluate(f"a {op} b", local_dict={"a": a, "b": b}), f(a, b))
    same(pelx.evaluate("~a", local_dict={"a": a}), ~a)


@pytest.mark.parametrize("dtype", ["int32", "int64", "uint16"])
def test_shifts(dtype):
    a, b = sample(dtype, positive=True), (sample(dtype, positive=True) % 7)
    same(pelx.evaluate("a << b", local_dict={"a": a, "b": b}), a << b)
    same(pelx.evaluate("a >> b", local_dict={"a": a, "b": b}), a >> b)


@pytest.mark.parametrize("dtype", INTS + FLOATS + COMPLEX)
def test_unary_minus_and_mixed_dtypes(dtype):
    a = sample(dtype)
    with np.errstate(all="ignore"):
        same(pelx.evaluate("-a", local_dict={"a": a}), -a)
    b = sample("float32")
    same(pelx.evaluate("a * b", local_dict={"a": a, "b": b}), a * b)
    i = sample("int16")
    same(pelx.evaluate("a + i", local_dict={"a": a, "i": i}), a + i)


UNARY_FUNCS = ["sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2",
               "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos",
               "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh",
               "arctanh", "floor", "ceil", "trunc", "rint", "absolute",
               "isnan", "isinf", "isfinite", "sign", "signbit", "square",
               "reciprocal", "conjugate"]
NO_COMPLEX = {"cbrt", "exp2", "floor", "ceil", "trunc", "signbit",
              "isnan", "isinf", "isfinite", "rint", "sign"}


@pytest.mark.parametrize("dtype", FLOATS + COMPLEX + ["int32"])
@pytest.mark.parametrize("fn", UNARY_FUNCS)
def test_functions(fn, dtype):
    if np.dtype(dtype).kind == "c" and fn in NO_COMPLEX:
        pytest.skip("not a complex function in NumPy")
    x = sample(dtype)
    if fn == "arccosh":
        x = x + 2
    if fn in ("arcsin", "arccos", "arctanh"):
        x = x / 4
    with np.errstate(all="ignore"):
        want = getattr(np, fn)(x)
        got = pelx.evaluate(f"{fn}(x)", local_dict={"x": x})
    assert got.dtype == want.dtype
    if want.dtype.kind == "c":
        # complex results: 4 ulp of the magnitude (components can cancel)
        np.testing.assert_allclose(got, want, rtol=4 * np.finfo(
            want.dtype).eps, atol=4 * np.finfo(want.dtype).eps)
    elif want.dtype.kind == "f":
        # transcendental: within 4 ulp
        close_ulp(got, want, 4)
    else:
        same(got, want)


@pytest.mark.parametrize("name, fn", [("abs", np.absolute),
                                      ("conj", np.conjugate),
                                      ("round", np.rint)])
def test_numexpr_aliases(name, fn):
    x = sample("float64")
    same(pelx.evaluate(f"{name}(x)", local_dict={"x": x}), fn(x))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("fn", ["arctan2", "hypot", "fmod", "copysign",
                                "nextafter", "maximum", "minimum", "fmax",
                                "fmin"])
def test_binary_functions(fn, dtype):
    a, b = sample(dtype), sample(dtype, nonzero=True)
    b[::97] = np.nan
    with np.errstate(all="ignore"):
        want = getattr(np, fn)(a, b)
        got = pelx.evaluate(f"{fn}(a, b)", local_dict={"a": a, "b": b})
    if fn in ("arctan2", "hypot"):
        close_ulp(got, want, 4)  # transcendental
    else:
        same(got, want)


@pytest.mark.parametrize("dtype", COMPLEX + FLOATS)
def test_complex_parts(dtype):
    z = sample(dtype)
    same(pelx.evaluate("real(z)", local_dict={"z": z}), np.real(z).copy())
    same(pelx.evaluate("imag(z)", local_dict={"z": z}),
         np.imag(z).copy() if z.dtype.kind == "c" else np.zeros_like(z))
    same(pelx.evaluate("conj(z)", local_dict={"z": z}), np.conj(z))


@pytest.mark.parametrize("dtype, cdtype", [("float64", "complex128"),
                                           ("float32", "complex64"),
                                           ("int32", "complex128")])
def test_complex_constructor(dtype, cdtype):
    a, b = sample(dtype), sample(dtype)
    got = pelx.evaluate("complex(a, b)", local_dict={"a": a, "b": b})
    assert got.dtype == np.dtype(cdtype)
    np.testing.assert_array_equal(got.real, a)
    np.testing.assert_array_equal(got.imag, b)


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "float32",
                                   "complex128"])
def test_where(dtype):
    a, b = sample("float64"), sample(dtype)
    c = sample(dtype)
    same(pelx.evaluate("where(a > 0.5, b, c)",
                       local_dict={"a": a, "b": b, "c": c}),
         np.where(a > 0.5, b, c))
    same(pelx.evaluate("where(a, b, 1)", local_dict={"a": a, "b": b}),
         np.where(a, b, 1))


def test_where_nonbool_condition_nan_is_true():
    a = np.array([0.0, np.nan, 2.0, -0.0])
    same(pelx.evaluate("where(a, 1, 2)", local_dict={"a": a}),
         np.where(a, 1, 2))


def test_ones_like_and_copy():
    x = sample("float32", 10)
    same(pelx.evaluate("ones_like(x)", local_dict={"x": x}), np.ones_like(x))
    same(pelx.evaluate("copy(x)", local_dict={"x": x}), x.copy())


# ---- promotion (NEP 50) -----------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("2.0 * f", "float32"), ("f + 1", "float32"), ("f * 2.5j", "complex64"),
    ("i8 + 1", "int8"), ("i8 * 2.0", "float64"), ("u8 + 1", "uint8"),
    ("f + d", "float64"), ("i32 / 2", "float64"), ("m & m", "bool"),
    ("m + 1", "int64"), ("f ** 2", "float32"), ("i32 ** 2", "int32"),
    ("sin(i8)", "float16"), ("f > 1", "bool"), ("sin(1.0) * f", "float64"),
    ("where(m, f, 1)", "float32"), ("x * f", "float32"),
])
def test_result_dtype_matches_numpy(text, want):
    d = {"f": np.ones(5, np.float32), "d": np.ones(5), "x": 2.0,
         "i8": np.ones(5, np.int8), "u8": np.ones(5, np.uint8),
         "i32": np.ones(5, np.int32), "m": np.ones(5, bool)}
    assert pelx.evaluate(text, local_dict=d).dtype == np.dtype(want)


def test_weak_int_out_of_range_raises_like_numpy():
    i8 = np.ones(4, np.int8)
    with pytest.raises(OverflowError):
        np.add(i8, 300)
    with pytest.raises(OverflowError):
        pelx.evaluate("i8 + 300", local_dict={"i8": i8})


def test_constant_folding_and_cse_shrink_program():
    from pelx.expr.compiler import compile_expression
    from pelx.expr.parser import parse
    t = {"a": np.dtype(float), "b": np.dtype(float)}
    p = compile_expression(parse("(2*3+1)*a"), t)
    assert p.ninstr == 1           # one multiply by the folded 7
    p = compile_expression(parse("sin(a)*b + sin(a)*b"), t)
    assert p.ninstr == 3           # sin, multiply, add (CSE)
    p = compile_expression(parse("a + a + a + a + a + a"), t)
    assert p.ntemps <= 1           # temporaries are reused in place
    a = sample("float64")
    same(pelx.evaluate("(2*3+1)*a"), 7 * a)


# ---- powers --------------------------------------------------------------

@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, 5, 7, 8, 16, 63, -1, -2, -3,
                               2.0, 0.5, 2.5, 100])
@pytest.mark.parametrize("dtype", FLOATS + ["complex128"])
def test_pow_constant(k, dtype):
    a = sample(dtype, positive=True)
    with np.errstate(all="ignore"):
        # np.power: the ** operator of NumPy swaps in sqrt() for 0.5
        want = np.power(a, k)
        got = pelx.evaluate(f"a ** {k}", local_dict={"a": a})
    assert got.dtype == want.dtype
    if want.dtype.kind == "c":
        # componentwise ulps mean little under cancellation: compare |z|
        np.testing.assert_allclose(got, want, rtol=8 * max(1, abs(k)) *
                                   np.finfo(want.dtype).eps)
    elif k in (0, 1, 2, 0.5, 2.5, 100, 2.0):
        close_ulp(got, want, 1)
    else:
        # each multiply rounds once: error grows with the number of them
        part = np.finfo(want.dtype)
        np.testing.assert_allclose(got, want, rtol=4 * abs(k) * part.eps,
                                   atol=part.smallest_normal)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint64",
                                   "bool"])
def test_integer_pow_is_exact(dtype):
    a = sample(dtype)
    for k in (0, 1, 2, 3, 5, 13):
        # np.power, not the ** operator: for bool arrays NumPy's operator
        # takes a square() shortcut for k == 2 that gives int8
        same(pelx.evaluate(f"a ** {k}", local_dict={"a": a}),
             np.power(a, k))
    b = sample(dtype, 50, positive=True) % 5
    same(pelx.evaluate("b ** b", local_dict={"b": b}), b ** b)


def test_negative_integer_power_of_ints_raises_like_numpy():
    i = np.arange(1, 5)
    with pytest.raises(ValueError, match="negative integer powers"):
        pelx.evaluate("i ** -2", local_dict={"i": i})


def test_pow_rewrite_uses_multiplies():
    from pelx.expr.compiler import compile_expression
    from pelx.expr.parser import parse
    p = compile_expression(parse("a**5 + 3*a**2"), {"a": np.dtype(float)})
    # a2 = a*a, a4 = a2*a2, a5 = a4*a, 3*a2, add: five loops, no power()
    assert p.ninstr == 5


# ---- layouts -------------------------------------------------------------

def test_broadcasting():
    a = sample("float64", 3 * 5).reshape(3, 1, 5)
    b = sample("float64", 4 * 5).reshape(4, 5)
    c = 2.5
    same(pelx.evaluate("a * b + c"), a * b + c)
    s = np.float32(3)
    same(pelx.evaluate("b * s"), b * s)
    z = np.array(2.0)
    same(pelx.evaluate("z + 1"), z + 1)


def test_strided_transposed_and_reversed():
    base = sample("float64", 600 * 800).reshape(600, 800)
    a = base[::3, ::-2]
    b = base.T[100:500:2, 200:600]
    c = np.asfortranarray(base[:200, :400])
    same(pelx.evaluate("a*c + 1"), a * c + 1)
    same(pelx.evaluate("b - c"), b - c)
    got = pelx.evaluate("c * 2", order="F")
    assert got.flags.f_contiguous
    same(got, c * 2)


def test_non_native_byte_order_and_unaligned():
    a = sample("float64", 1000).astype(">f8")
    same(pelx.evaluate("a + 1"), a.astype("f8") + 1)
    raw = np.zeros(8 * 1000 + 1, np.uint8)[1:].view(np.float64)
    raw[:] = 3.0
    same(pelx.evaluate("raw * 2"), raw * 2)


def test_zero_size_and_0d():
    e = np.zeros((0, 3))
    same(pelx.evaluate("e + 1"), e + 1)
    assert pelx.evaluate("2 * 3").shape == ()
    assert pelx.evaluate("2 * 3") == 6


def test_python_scalar_variables_stay_weak():
    f = np.ones(4, np.float32)
    x, n = 2.0, 3
    same(pelx.evaluate("f * x + n"), f * x + n)


# ---- out=, casting ----------------------------------------------------------

def test_out():
    a, b = sample("float64"), sample("float64")
    out = np.empty_like(a)
    r = pelx.evaluate("a * b", out=out)
    assert r is out
    same(out, a * b)
    out32 = np.empty(a.shape, np.float32)
    with pytest.raises(TypeError, match="casting"):
        pelx.evaluate("a * b", out=out32, casting="safe")
    # numexpr's default (>= 2.12) is same_kind: float64 into float32
    pelx.evaluate("a * b", out=out32)
    same(out32, (a * b).astype(np.float32))
    with pytest.raises(TypeError, match="casting"):
        pelx.evaluate("a * b", out=np.empty(a.shape, np.int64))
    with pytest.raises(ValueError):
        pelx.evaluate("a * b", out=np.empty(5))
    with pytest.raises(TypeError):
        pelx.evaluate("a * b", out=[0.0])
    with pytest.raises(ValueError, match="casting"):
        pelx.evaluate("a", casting="maybe")
    with pytest.raises(ValueError, match="order"):
        pelx.evaluate("a", order="X")


def test_out_overlapping_input_gives_numpy_answer():
    a = sample("float64", 100_000)
    want = a[::-1] + 1
    pelx.evaluate("a + 1", out=a[::-1])
    same(a, want)


# ---- lookup ---------------------------------------------------------------

GLOBAL_ARRAY = np.arange(5.0)


def test_variable_lookup():
    local = np.ones(5)
    same(pelx.evaluate("local + GLOBAL_ARRAY"), 1 + GLOBAL_ARRAY)
    same(pelx.evaluate("q + 1", local_dict={"q": local}), local + 1)
    same(pelx.evaluate("q + GLOBAL_ARRAY", local_dict={"q": local}),
         local + GLOBAL_ARRAY)
    same(pelx.evaluate("q", local_dict={}, global_dict={"q": local}), local)

    def inner():
        y = np.full(5, 2.0)
        return pelx.evaluate("y * GLOBAL_ARRAY")
    same(inner(), 2 * GLOBAL_ARRAY)
    with pytest.raises(NameError):
        pelx.evaluate("nope + 1")


def test_re_evaluate():
    a = np.arange(5.0)
    pelx.evaluate("a * 2")
    a = np.arange(5.0) + 10
    same(pelx.re_evaluate(), a * 2)
    same(pelx.re_evaluate(local_dict={"a": np.ones(3)}), np.full(3, 2.0))


def test_numexpr_object():
    ne = pelx.NumExpr("a * b + 1")
    assert ne.input_names == ("a", "b")
    a, b = sample("float64", 100), sample("float64", 100)
    same(ne(a, b), a * b + 1)
    same(ne(b=b, a=a), a * b + 1)
    f32 = a.astype(np.float32)
    same(ne(f32, f32), f32 * f32 + 1)
    sig = pelx.NumExpr("a * b", signature=[("b", np.float64),
                                           ("a", np.float64)])
    assert sig.input_names == ("b", "a")
    same(sig(b, f32), f32.astype(np.float64) * b)
    with pytest.raises(TypeError, match="safely"):
        sig(b, np.ones(100, np.complex128))
    with pytest.raises(AttributeError):
        ne.ex = "x"
    with pytest.raises(TypeError, match="missing"):
        ne(a)


def test_cache_is_bounded():
    old = program_cache.maxsize
    program_cache.maxsize = 4
    try:
        a = np.ones(3)
        for k in range(20):
            pelx.evaluate(f"a + {k}")
        assert len(program_cache) <= 4
        hits = program_cache.hits
        pelx.evaluate("a + 19")
        assert program_cache.hits == hits + 1
    finally:
        program_cache.maxsize = old


# ---- floating-point errors -----------------------------------------------

def test_fp_flags_become_numpy_warnings_and_errors():
    a, z = np.ones(100_000), np.zeros(100_000)
    with np.errstate(divide="warn"):
        with pytest.warns(RuntimeWarning, match="divide by zero"):
            pelx.evaluate("a / z")
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            pelx.evaluate("a / z")
    with np.errstate(all="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pelx.evaluate("a / z")


def test_integer_power_with_negative_array_exponent_raises():
    i = np.arange(1, 100_001)
    j = np.ones_like(i)
    j[70_000] = -1
    with pytest.raises(ValueError, match="negative integer powers"):
        np.power(i, j)
    with pytest.raises(ValueError, match="negative integer powers"):
        pelx.evaluate("i ** j")


def test_intermediate_casts():
    i = np.arange(-50, 50, dtype=np.int32)
    same(pelx.evaluate("(i * 2) * 1.5"), (i * 2) * 1.5)
    same(pelx.evaluate("where(i * 2, 1, 2)"), np.where(i * 2, 1, 2))
    f = np.linspace(0, 1, 100, dtype=np.float32)
    same(pelx.evaluate("(f * f) + (i * 2)"), (f * f) + (i * 2))
    same(pelx.evaluate("any(i * 0.5)"), np.asarray(np.any(i * 0.5)))


def test_casting_buffers_across_chunks_and_threads():
    # output cast (float64 -> float32) and input byte swap through the
    # iterator's buffers, over several chunks on several threads
    a = sample("float64", 1 << 20)
    out = np.zeros(a.shape, np.float32)
    pelx.evaluate("a * 2", out=out, casting="same_kind")
    same(out, (a * 2).astype(np.float32))
    big = a.astype(">f8")
    same(pelx.evaluate("big + 1"), a + 1)


def test_float16_intermediates():
    u = np.arange(0, 200, dtype=np.uint8)
    f = np.linspace(0, 1, 200, dtype=np.float32)
    m = u > 100
    same(pelx.evaluate("sin(u)"), np.sin(u))
    same(pelx.evaluate("sin(u) + f"), np.sin(u) + f)
    same(pelx.evaluate("where(sin(u), 1.0, 2.0)"), np.where(np.sin(u), 1.0,
                                                            2.0))
    same(pelx.evaluate("sqrt(m) * 2.5j"), np.sqrt(m) * 2.5j)
