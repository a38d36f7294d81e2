"""pelx.map: user C kernels from Numba, ctypes and scipy.LowLevelCallable,
checked against NumPy formulas on the same inputs."""
import ctypes
import ctypes.util
import subprocess
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import pelx

numba = pytest.importorskip("numba")
scipy = pytest.importorskip("scipy")
from scipy import LowLevelCallable  # noqa: E402

N = 100_003  # several chunks, not a multiple of the chunk size

libm = ctypes.CDLL(ctypes.util.find_library("m"))


def _libm(name, restype, nargs):
    f = getattr(libm, name)
    f.restype = restype
    f.argtypes = (restype,) * nargs
    return f


@numba.cfunc("float64(float64)")
def nb_sq1(x):
    return x * x + 1.0


@numba.cfunc("float64(float64, float64)")
def nb_axpy(x, y):
    return 2.5 * x + y


@numba.cfunc("float64(float64, float64, float64)")
def nb_fma3(x, y, z):
    return x * y + z


@numba.cfunc("float64(float64, float64, float64, float64)")
def nb_poly4(x, y, z, w):
    return x - y * z + w


@numba.cfunc("float32(float32, float32)")
def nb_mul32(x, y):
    return x * y + numba.float32(1.0)


@numba.cfunc("float64(float64, float64)", error_model="numpy")
def nb_div(x, y):
    return x / y


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(8)


@pytest.fixture(scope="module")
def loop_lib(tmp_path_factory):
    """A loop-form kernel compiled by gcc: out = scale * (a + b), where
    scale is read from the data pointer (1.0 when it is NULL)."""
    d = tmp_path_factory.mktemp("kernel")
    src = d / "scaled_add.c"
    src.write_text(textwrap.dedent("""\
        #include <stdint.h>
        void scaled_add(char **args, const intptr_t *dims,
                        const intptr_t *steps, void *data) {
            double scale = data ? *(const double *)data : 1.0;
            for (intptr_t i = 0; i < dims[0]; i++)
                *(double *)(args[2] + i * steps[2]) =
                    scale * (*(const double *)(args[0] + i * steps[0]) +
                             *(const double *)(args[1] + i * steps[1]));
        }
    """))
    so = d / "scaled_add.so"
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    lib = ctypes.CDLL(str(so))
    f = lib.scaled_add
    f.restype = None
    f.argtypes = (ctypes.POINTER(ctypes.POINTER(ctypes.c_char)),
                  ctypes.POINTER(ctypes.c_ssize_t), ctypes.POINTER(ctypes.c_ssize_t),
                  ctypes.c_void_p)
    return lib


# ---- results --------------------------------------------------------------

def test_numba_cfunc_one_to_four_args(rng):
    a, b, c, d = (rng.standard_normal(N) for _ in range(4))
    assert_array_equal(pelx.map(nb_sq1, a), a * a + 1.0)
    assert_array_equal(pelx.map(nb_axpy, a, b), 2.5 * a + b)
    assert_array_equal(pelx.map(nb_fma3, a, b, c), a * b + c)
    assert_array_equal(pelx.map(nb_poly4, a, b, c, d), a - b * c + d)


def test_matches_numpy_vectorize_on_small_input(rng):
    a, b = rng.standard_normal(37), rng.standard_normal(37)
    oracle = np.vectorize(lambda x, y: 2.5 * x + y)
    assert_array_equal(pelx.map(nb_axpy, a, b), oracle(a, b))


def test_broadcasting_strides_and_casting(rng):
    a = rng.standard_normal((300, 400))[:, ::2]      # non-contiguous
    b = np.arange(200, dtype=np.int32)                # cast int32 -> float64
    got = pelx.map(nb_axpy, a, b)
    assert got.shape == (300, 200) and got.dtype == np.float64
    assert_array_equal(got, 2.5 * a + b)
    assert_array_equal(pelx.map(nb_axpy, a.T, 3.0), 2.5 * a.T + 3.0)


def test_float32_kernel(rng):
    a = rng.standard_normal(N).astype(np.float32)
    b = rng.standard_normal(N).astype(np.float32)
    got = pelx.map(nb_mul32, a, b)
    assert got.dtype == np.float32
    assert_array_equal(got, a * b + np.float32(1.0))


def test_out_and_overlap(rng):
    a = rng.standard_normal(N)
    b = rng.standard_normal(N)
    out = np.empty(N)
    assert pelx.map(nb_axpy, a, b, out=out) is out
    assert_array_equal(out, 2.5 * a + b)
    # out overlaps an input, shifted by one element: NumPy's answer
    x = rng.standard_normal(N + 1)
    expected = 2.5 * x[1:] + x[:-1]
    pelx.map(nb_axpy, x[1:], x[:-1], out=x[:-1])
    assert_array_equal(x[:-1], expected)
    # float32 out of a float64 kernel: same_kind cast, like ufuncs
    out32 = np.empty(N, np.float32)
    pelx.map(nb_axpy, a, b, out=out32)
    assert_array_equal(out32, (2.5 * a + b).astype(np.float32))


def test_scalars_and_empty():
    r = pelx.map(nb_axpy, 2.0, 3.0)
    assert isinstance(r, np.float64) and r == 8.0
    e = pelx.map(nb_axpy, np.empty((0, 3)), 1.0)
    assert e.shape == (0, 3) and e.dtype == np.float64


def test_ctypes_libm_functions(rng):
    a = rng.uniform(-10, 10, N)
    b = rng.uniform(-10, 10, N)
    assert_allclose(pelx.map(_libm("hypot", ctypes.c_double, 2), a, b), np.hypot(a, b),
                    rtol=1e-15, atol=0)
    assert_allclose(pelx.map(_libm("cos", ctypes.c_double, 1), a), np.cos(a),
                    rtol=1e-15, atol=1e-300)
    a32 = a.astype(np.float32)
    got = pelx.map(_libm("cosf", ctypes.c_float, 1), a32)
    assert got.dtype == np.float32
    assert_allclose(got, np.cos(a32), rtol=1e-6, atol=1e-7)


def test_ctypes_cfunctype_from_address(rng):
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)
    f = proto(nb_axpy.address)
    a, b = rng.standard_normal(N), rng.standard_normal(N)
    assert_array_equal(pelx.map(f, a, b), 2.5 * a + b)


def test_low_level_callable_scalar(rng):
    a, b = rng.standard_normal(N), rng.standard_normal(N)
    llc = LowLevelCallable(nb_axpy.ctypes)
    assert llc.signature == "double (double, double)"
    assert_array_equal(pelx.map(llc, a, b), 2.5 * a + b)
    llc_m = LowLevelCallable(_libm("hypot", ctypes.c_double, 2))
    assert_allclose(pelx.map(llc_m, a, b), np.hypot(a, b), rtol=1e-15, atol=0)


def test_loop_form_ctypes_and_low_level_callable(rng, loop_lib):
    a = rng.standard_normal((400, 300))
    b = rng.standard_normal(300)
    assert_array_equal(pelx.map(loop_lib.scaled_add, a, b), a + b)
    scale = ctypes.c_double(3.0)
    llc = LowLevelCallable(loop_lib.scaled_add,
                           user_data=ctypes.cast(ctypes.pointer(scale), ctypes.c_void_p))
    assert_array_equal(pelx.map(llc, a, b), 3.0 * (a + b))
    # more than two inputs are refused by this kernel's meaning, not by pelx:
    # the loop form takes any number of inputs, checked only by the kernel.


def test_loop_form_dtype_keyword(rng, loop_lib):
    a = rng.integers(0, 100, N)          # int64 -> float64 (same_kind is fine)
    got = pelx.map(loop_lib.scaled_add, a, a, dtype=np.float64)
    assert got.dtype == np.float64
    assert_array_equal(got, 2.0 * a)


def test_floating_point_errors_follow_errstate():
    a = np.ones(N)
    b = np.zeros(N)
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        r = pelx.map(nb_div, a, b)
    assert np.all(np.isinf(r))
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            pelx.map(nb_div, a, b)
    with np.errstate(divide="ignore"):
        pelx.map(nb_div, a, b)


def test_many_threads_same_answer(rng):
    a, b = rng.standard_normal(N * 5), rng.standard_normal(N * 5)
    expected = 2.5 * a + b
    with pelx.threads(4):
        assert_array_equal(pelx.map(nb_axpy, a, b), expected)
    with pelx.threads(1):
        assert_array_equal(pelx.map(nb_axpy, a, b), expected)


# ---- progress ---------------------------------------------------------------

def test_progress_callable_sees_every_wave(rng):
    a = rng.standard_normal(2_000_000)
    seen = []
    got = pelx.map(nb_sq1, a, progress=lambda done, total: seen.append((done, total)))
    assert_array_equal(got, a * a + 1.0)
    assert len(seen) > 10
    dones = [d for d, _ in seen]
    assert dones == sorted(dones) and dones[-1] == a.size
    assert all(t == a.size for _, t in seen)


def test_progress_bar_tqdm(rng, capsys):
    pytest.importorskip("tqdm")
    a = rng.standard_normal(1_000_000)
    assert_array_equal(pelx.map(nb_sq1, a, progress=True), a * a + 1.0)
    err = capsys.readouterr().err
    assert "pelx.map" in err and "100%" in err


def test_progress_callback_error_stops_the_call():
    def boom(done, total):
        raise RuntimeError("stop here")
    with pytest.raises(RuntimeError, match="stop here"):
        pelx.map(nb_sq1, np.ones(1_000_000), progress=boom)


# ---- refusals ---------------------------------------------------------------

def test_python_callable_is_refused_with_howto():
    with pytest.raises(TypeError, match=r"numba\.cfunc"):
        pelx.map(lambda x: x + 1, np.ones(3))
    with pytest.raises(TypeError, match=r"numba\.cfunc"):
        pelx.map(np.sin, np.ones(3))


def test_njit_dispatcher_is_refused():
    @numba.njit
    def f(x):
        return x + 1
    with pytest.raises(TypeError, match=r"use numba\.cfunc"):
        pelx.map(f, np.ones(3))


def test_ctypes_python_callback_is_refused():
    cb = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(lambda x: x)
    with pytest.raises(TypeError, match="wraps a Python function"):
        pelx.map(cb, np.ones(3))
    with pytest.raises(TypeError, match="wraps a Python function"):
        pelx.map(LowLevelCallable(cb), np.ones(3))


@pytest.mark.parametrize("sig", ["int64(int64)", "float64(float32)", "float64(float64, float32)",
                                 "float32(float64)",
                                 "float64(float64, float64, float64, float64, float64)"])
def test_wrong_numba_signature_is_refused(sig):
    nargs = sig.count(",") + 1
    first = {1: lambda x: x, 2: lambda x, y: x,
             5: lambda x, y, z, u, v: x}[nargs]
    f = numba.cfunc(sig)(first)
    with pytest.raises(TypeError, match=r"double f\(double x0, \.\.\.\)") as ei:
        pelx.map(f, *([np.ones(3)] * nargs))
    assert "Got:" in str(ei.value)


def test_wrong_ctypes_signature_is_refused():
    cos = ctypes.CDLL(ctypes.util.find_library("m")).cos  # restype int, no argtypes
    with pytest.raises(TypeError, match=r"Got: c_int f\(\)"):
        pelx.map(cos, np.ones(3))


def test_wrong_low_level_callable_signature_is_refused():
    llc = LowLevelCallable(nb_axpy.ctypes, signature="int (int, int)")
    with pytest.raises(TypeError, match=r"signature string 'int \(int, int\)'"):
        pelx.map(llc, np.ones(3), np.ones(3))


def test_arity_dtype_and_out_mismatches():
    with pytest.raises(TypeError, match="takes 2 argument"):
        pelx.map(nb_axpy, np.ones(3))
    with pytest.raises(TypeError, match="at least one input"):
        pelx.map(nb_axpy)
    with pytest.raises(TypeError, match="dtype=float32 does not match"):
        pelx.map(nb_axpy, np.ones(3), np.ones(3), dtype=np.float32)
    with pytest.raises(TypeError, match="out must be a numpy.ndarray"):
        pelx.map(nb_axpy, np.ones(3), np.ones(3), out=[0, 0, 0])
    with pytest.raises(ValueError):
        pelx.map(nb_axpy, np.ones(3), np.ones(3), out=np.empty(4))
    with pytest.raises(TypeError):  # complex -> float64 is not same_kind
        pelx.map(nb_axpy, np.ones(3, complex), np.ones(3))
    with pytest.raises(TypeError, match="cannot use int"):
        pelx.map(42, np.ones(3))
    with pytest.raises(TypeError, match="progress must be"):
        pelx.map(nb_sq1, np.ones(3), progress="yes")
