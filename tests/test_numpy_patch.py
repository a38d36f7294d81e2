"""Backend mode (pelx.patch_numpy): unchanged NumPy calls run NumPy's own
loops on pelx's pool, and give NumPy's results, dtypes and warnings.

Most tests patch with min_size=0 and 3 threads, so that every call of two
or more elements is cut into chunks that run on several threads; NumPy
unpatched, in the same process, is the oracle."""
import os
import subprocess
import sys
import threading
import warnings
import zlib

import numpy as np
import pytest

import pelx

NUMERIC = "?bBhHiIlLqQefdgFDG"


@pytest.fixture(autouse=True)
def _unpatched_after():
    before = pelx.get_num_threads()
    yield
    pelx.unpatch_numpy()
    pelx.set_num_threads(before)


def _ufuncs():
    seen = {}
    for value in [*vars(np).values(), np._core.umath.clip]:
        if (isinstance(value, np.ufunc) and value.signature is None and
                any(all(c in NUMERIC for c in t.replace("->", ""))
                    for t in value.types)):
            seen.setdefault(value.__name__, value)
    return [seen[k] for k in sorted(seen)]


def _values(char, n, rng):
    """n inputs of type char, with the special values of its kind."""
    dt = np.dtype(char)
    if dt.kind == "b":
        return rng.random(n) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        v = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=dt)
        v[::7] = rng.integers(-3 if dt.kind == "i" else 0, 4, size=v[::7].size)
        v[::11] = 0
        return v
    if dt.kind == "f":
        v = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, size=n))
        specials = [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 0.5]
        v[::13] = rng.choice(specials, size=v[::13].size)
        return v.astype(dt)
    real = _values(char.lower() if char != "F" else "f", n, rng)
    imag = _values(char.lower() if char != "F" else "f", n, rng)[::-1]
    with np.errstate(all="ignore"):
        return (real + 1j * imag).astype(dt)


def _same(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind in "fc" and x.dtype.itemsize * 8 > 128 or x.dtype.char in "gG":
        # long double: 10 value bytes in 16, the rest is padding
        return bool(np.array_equal(x, y, equal_nan=True) and
                    np.array_equal(np.signbit(x.real), np.signbit(y.real)))
    return x.tobytes() == y.tobytes()


def _call(ufunc, inputs, sig):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="warn"):
            out = ufunc(*inputs, signature=sig)
    return out, sorted({str(w.message) for w in caught})


def _layouts(inputs, sig):
    """(name, inputs) for contiguous, strided, reversed and scalar-operand
    calls, and an in-place call where the output type is an input's."""
    yield "contiguous", inputs
    yield "strided", [a[::3] for a in inputs]
    yield "reversed", [a[::-1] for a in inputs]
    if len(inputs) == 2:
        yield "scalar", [inputs[0], inputs[1][:1].reshape(())]


@pytest.mark.parametrize("ufunc", _ufuncs(), ids=lambda u: u.__name__)
def test_every_loop_gives_numpys_bits(ufunc):
    rng = np.random.default_rng(zlib.crc32(ufunc.__name__.encode()))
    pelx.set_num_threads(3)
    cases = []
    for types in ufunc.types:
        chars = types.replace("->", "")
        if any(c not in NUMERIC for c in chars):
            continue
        ins = [_values(c, 3001, rng) for c in chars[:ufunc.nin]]
        sig = tuple(np.dtype(c) for c in chars)
        for name, layout in _layouts(ins, sig):
            try:
                ref = _call(ufunc, layout, sig)
            except Exception as exc:  # noqa: BLE001 (compared below)
                ref = type(exc)
            cases.append((types, name, layout, sig, ref))
    assert cases, f"{ufunc.__name__} has no numeric loop"
    pelx.reset_stats()
    with pelx.patched_numpy(min_size=0):
        assert pelx.is_numpy_patched()
        for types, name, layout, sig, ref in cases:
            try:
                got = _call(ufunc, layout, sig)
            except Exception as exc:  # noqa: BLE001
                got = type(exc)
            if isinstance(ref, type) or isinstance(got, type):
                assert got == ref, (types, name)
                continue
            outs_ref = ref[0] if isinstance(ref[0], tuple) else (ref[0],)
            outs_got = got[0] if isinstance(got[0], tuple) else (got[0],)
            for r, g in zip(outs_ref, outs_got):
                assert _same(g, r), (types, name)
            assert got[1] == ref[1], (types, name)  # the same warnings
    assert not pelx.is_numpy_patched()
    # every call went through pelx's path, cut into 2 or more chunks (which
    # thread ran them depends on timing: late workers leave theirs to the
    # caller)
    assert pelx.stats().totals()["chunks"] >= 2 * len(cases)


def test_in_place_and_overlap_as_numpy():
    rng = np.random.default_rng(5)
    base = rng.standard_normal(100_003)
    idx = rng.integers(0, 1000, size=5000)
    cases = {
        "in place": lambda a: np.add(a, 1.5, out=a),
        "output behind input": lambda a: np.add(a[1:], 1.0, out=a[:-1]),
        "output ahead of input": lambda a: np.multiply(a[:-1], 0.5, out=a[1:]),
        "augmented ahead": lambda a: a[:-1].__iadd__(a[1:]),
        "augmented behind": lambda a: a[1:].__iadd__(a[:-1]),
        "accumulate": lambda a: np.add.accumulate(a, out=a),
        "cumprod": lambda a: np.cumprod(a[:500] / 2, out=a[:500]),
        "at": lambda a: np.add.at(a, idx, 1.0),
        "where": lambda a: np.sin(a, out=a, where=a > 0),
        "cast": lambda a: np.exp(a.astype(np.float32), dtype=np.float64, out=a),
        "broadcast output": lambda a: np.add(a.reshape(7, -1)[:, :1],
                                             a.reshape(7, -1)[:1, :1],
                                             out=a.reshape(7, -1)[:, 1:2]),
    }
    pelx.set_num_threads(3)
    for name, fn in cases.items():
        ref = base[:100_002].copy() if name == "broadcast output" else base.copy()
        with np.errstate(all="ignore"):
            fn(ref)
        got = ref.copy()
        got[...] = base[:got.size]
        with pelx.patched_numpy(min_size=0), np.errstate(all="ignore"):
            fn(got)
        assert got.tobytes() == ref.tobytes(), name


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int32", "uint64", "int64"])
def test_integer_sum_is_numpys(dtype):
    a = np.random.default_rng(1).integers(0, 200, size=1009 * 991).astype(dtype)
    ref = (np.add.reduce(a), np.sum(a, dtype=dtype), a.reshape(1009, -1).sum(1))
    for threads in (1, 2, 3):
        pelx.set_num_threads(threads)
        with pelx.patched_numpy(min_size=0):
            got = (np.add.reduce(a), np.sum(a, dtype=dtype), a.reshape(1009, -1).sum(1))
        for g, r in zip(got, ref):
            assert _same(g, r)


@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_float_sum_is_parallel_and_thread_invariant(dtype):
    rng = np.random.default_rng(2)
    a = (rng.standard_normal(1_000_003) + 1j * rng.standard_normal(1_000_003)
         if dtype.startswith("complex") else rng.standard_normal(1_000_003))
    a = a.astype(dtype) + 3
    ref = np.sum(a)
    results = []
    for threads in (1, 2, 3):
        pelx.set_num_threads(threads)
        pelx.reset_stats()
        with pelx.patched_numpy():
            results.append(np.sum(a))
        # on the fixed grid of 64 Ki elements (which thread ran each chunk
        # depends on timing)
        assert pelx.stats().totals()["chunks"] == -(-a.size // 65536)
    assert all(_same(r, results[0]) for r in results)  # any thread count
    assert results[0].dtype == ref.dtype
    tol = 1e-5 if dtype in ("float32", "complex64") else 1e-12
    np.testing.assert_allclose(results[0], ref, rtol=tol)
    # a NaN or an infinity gives NumPy's NaN or infinity
    for special in (np.nan, np.inf, -np.inf):
        b = a.copy()
        b[700_000] = special
        with pelx.patched_numpy():
            got = np.sum(b)
        ref_b = np.sum(b)
        for part in (np.real, np.imag):
            np.testing.assert_allclose(part(got), part(ref_b), rtol=tol)


def test_cost_policy_keeps_small_calls_on_numpys_loop():
    pelx.set_num_threads(2)
    small = np.ones(1000)
    with pelx.patched_numpy():
        pelx.reset_stats()
        np.add(small, small)
        np.sin(small)
        np.sum(small)
        assert sum(w.jobs for w in pelx.stats().workers) == 0
        np.sin(np.ones(1_000_000))
        assert pelx.stats().totals()["chunks"] > 100
    pelx.set_num_threads(1)
    with pelx.patched_numpy():
        pelx.reset_stats()
        np.sin(np.ones(1_000_000))  # one thread: NumPy's loop, unchunked
        assert pelx.stats().totals()["jobs"] == 0
        np.sum(np.ones(1_000_000))  # a sum keeps its grid (16 chunks)
        assert pelx.stats().totals()["chunks"] == 16


@pytest.mark.parametrize("mode", ["raise", "call", "warn", "ignore"])
def test_errstate_modes_as_numpy(mode):
    pelx.set_num_threads(2)
    a = np.ones(200_000)
    a[-3] = 0.0  # in the worker's half
    calls = []
    with pelx.patched_numpy(min_size=0):
        with np.errstate(divide=mode, call=lambda kind, flag: calls.append(kind)), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if mode == "raise":
                with pytest.raises(FloatingPointError, match="divide by zero"):
                    np.divide(1.0, a)
            else:
                out = np.divide(1.0, a)
                assert np.isinf(out[-3])
    kinds = [str(w.message) for w in caught]
    if mode == "warn":
        assert kinds == ["divide by zero encountered in divide"]
    else:
        assert kinds == []
    assert calls == (["divide by zero"] if mode == "call" else [])


def test_many_python_threads_while_the_pool_resizes():
    rng = np.random.default_rng(3)
    a = rng.standard_normal(300_000)
    b = rng.standard_normal(300_000)
    ref = (np.sin(a), a + b, np.exp(b))
    ref_sum = {}
    for t in (1, 2, 3, 4):
        pelx.set_num_threads(t)
        with pelx.patched_numpy():
            ref_sum[t] = np.sum(a)
    assert len({float(v) for v in ref_sum.values()}) == 1
    errors = []
    stop = threading.Event()

    def work():
        try:
            for _ in range(30):
                got = (np.sin(a), a + b, np.exp(b))
                for g, r in zip(got, ref):
                    assert g.tobytes() == r.tobytes()
                assert np.sum(a) == ref_sum[1]
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    def resize():
        k = 0
        while not stop.is_set():
            pelx.set_num_threads(1 + k % 4)
            k += 1

    pelx.patch_numpy()
    resizer = threading.Thread(target=resize)
    resizer.start()
    workers = [threading.Thread(target=work) for _ in range(16)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=300)
    stop.set()
    resizer.join(timeout=60)
    assert not any(w.is_alive() for w in workers), "a thread hung"
    assert not errors, errors[0]


def test_patching_while_other_threads_compute():
    a = np.random.default_rng(4).standard_normal(200_000)
    ref = np.cos(a)
    errors = []
    stop = threading.Event()

    def work():
        try:
            while not stop.is_set():
                assert np.cos(a).tobytes() == ref.tobytes()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for k in range(40):
        pelx.patch_numpy(min_size=None if k % 2 else 0)
        pelx.unpatch_numpy()
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[0]


def test_patched_loop_called_from_inside_a_pool_job():
    """A patched loop that a pool worker calls (here through pelx.map's
    loop form) runs NumPy's loop right there, without a nested job."""
    import ctypes

    a = np.random.default_rng(8).standard_normal(400_000)
    ref = np.sin(a)
    pelx.set_num_threads(2)
    pelx.patch_numpy(min_size=0)
    index = np.sin.types.index("d->d")
    address = pelx._core._numpy_loop_address(np.sin, index)
    loop_type = ctypes.CFUNCTYPE(None, ctypes.POINTER(ctypes.c_char_p),
                                 ctypes.POINTER(ctypes.c_ssize_t),
                                 ctypes.POINTER(ctypes.c_ssize_t), ctypes.c_void_p)
    kernel = loop_type(address)
    pelx.reset_stats()
    got = pelx.map(kernel, a)
    assert got.tobytes() == ref.tobytes()
    # pelx.map's own job ran; the loop inside it started no job of its own
    assert pelx.stats().totals()["jobs"] <= 2  # caller + worker of one job
    pelx.unpatch_numpy()
    assert pelx._core._numpy_loop_address(np.sin, index) != address


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_with_the_patch_on():
    a = np.random.default_rng(6).standard_normal(1_000_000)
    ref = np.sin(a)
    pelx.set_num_threads(2)
    pelx.patch_numpy()
    np.sin(a)  # the pool is running when we fork
    pid = os.fork()
    if pid == 0:  # pragma: no cover (child)
        ok = np.sin(a).tobytes() == ref.tobytes() and pelx.is_numpy_patched()
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_api_and_arguments():
    assert not pelx.is_numpy_patched()
    n = pelx.patch_numpy()
    assert n > 500 and pelx.is_numpy_patched()
    assert pelx.patch_numpy() == n  # idempotent
    assert pelx.show_config(return_dict=True)["numpy"]["patched_loops"] == n
    with pelx.patched_numpy(min_size=10):
        assert pelx.is_numpy_patched()
    assert pelx.is_numpy_patched()  # was patched before the block
    assert pelx.unpatch_numpy() == n
    assert not pelx.is_numpy_patched()
    assert pelx.unpatch_numpy() == 0
    with pytest.raises(ValueError, match="min_size must be >= 0"):
        pelx.patch_numpy(min_size=-1)
    with pytest.raises(TypeError, match="min_size must be None or an int"):
        pelx.patch_numpy(min_size=1.5)
    with pytest.raises(TypeError, match="min_size must be None or an int"):
        pelx.patch_numpy(min_size=True)
    assert not pelx.is_numpy_patched()  # a refused call patches nothing


@pytest.mark.parametrize("value,patched,warns", [("1", True, False),
                                                  ("0", False, False),
                                                  ("yes", False, True)])
def test_environment_variable(value, patched, warns):
    code = ("import warnings; warnings.simplefilter('always')\n"
            "import pelx, numpy as np\n"
            "print(pelx.is_numpy_patched())\n"
            "print((np.sin(np.arange(10.0**6)) == np.sin(np.arange(10.0**6))).all())")
    env = dict(os.environ, PELX_PATCH_NUMPY=value)
    r = subprocess.run([sys.executable, "-c", code], env=env, text=True,
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(patched), "True"]
    assert ("PELX_PATCH_NUMPY='yes' is not 0 or 1" in r.stderr) == warns
