"""Regression tests for defects found by adversarial probing, one test per
defect (numbered as found), each with the exact input that showed it. The
classes of input behind them are fuzzed in test_fuzz_elementwise.py
(where= with overlapping out=, float16 loops), test_fuzz_reductions.py
(keywords, empty inputs, errstate) and test_fuzz_overrides.py (subclasses);
the signal-handler cases (3, 4) are in tests/test_interrupt.py."""
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import pelx
from pelx_oracle import assert_exact


# 1. where= with an out= that overlaps an input (the in-place idiom).
@pytest.mark.parametrize("n", [8, 1_000_000])
@pytest.mark.parametrize("view", ["same", "shifted", "reversed"])
def test_1_where_with_overlapping_out_keeps_masked_elements(n, view):
    def run(mod):
        x = np.arange(1.0, n + 2.0)
        src = x[:n]
        out = {"same": x[:n], "shifted": x[1:], "reversed": x[:n][::-1]}[view]
        mod.add(src, 10.0, out=out, where=np.arange(n) % 2 == 0)
        return x
    assert_exact(run(pelx), run(np), context=view)


def test_1_where_false_leaves_out_untouched():
    x = np.arange(1.0, 9.0)
    pelx.add(x, 10.0, out=x, where=False)
    assert_exact(x, np.arange(1.0, 9.0))


def test_1_masked_casting_output_on_many_threads():
    # NpyIter_Copy of a masked iterator with a casting output crashed in
    # NumPy's deallocation: equal() writes bool into a float out.
    n = 70_001
    x = np.arange(n, dtype=np.float64) % 7
    for mask in (False, np.arange(n) % 3 == 0):
        for threads in (1, 2, 3):
            got, want = np.full(n, 5.0), np.full(n, 5.0)
            with pelx.threads(threads):
                pelx.equal(x, np.ones(n), out=got, where=mask)
            np.equal(x, np.ones(n), out=want, where=mask)
            assert_exact(got, want)


# 2. trace capacity whose byte count wraps.
@pytest.mark.parametrize("capacity", [(2**64 + 32) // 48 + 1, 2**63, 2**25,
                                      0, -1])
def test_2_trace_capacity_is_checked(tmp_path, capacity):
    with pytest.raises(ValueError, match="capacity"):
        with pelx.trace(tmp_path / "t.json", capacity=capacity):
            pelx.sin(np.ones(1_000_000))
    # the refused session left nothing behind: a new one works
    with pelx.trace(tmp_path / "ok.json", capacity=16) as t:
        pelx.sin(np.ones(1_000_000))
    assert t.events


# 5. masked arrays (and other subclasses) are not unwrapped.
@pytest.mark.parametrize("name", ["sum", "max", "min", "mean", "std",
                                  "argmax"])
def test_5_masked_array_reductions(name):
    m = np.ma.array([1, 50, 3, -40, 5.0], mask=[0, 1, 0, 1, 0])
    assert getattr(pelx, name)(m) == getattr(np, name)(m)


def test_5_masked_array_in_evaluate_is_refused():
    m = np.ma.array([1, 50, 3, -40, 5.0], mask=[0, 1, 0, 1, 0])
    with pytest.raises(TypeError, match="MaskedArray"):
        pelx.evaluate("sum(x)", local_dict={"x": m})


# 6. nansum / nanmean with an integer dtype.
def test_6_nansum_integer_dtype():
    got = pelx.nansum([1, np.nan, 2], dtype=np.int64)
    assert got == 3 and got.dtype == np.int64


def test_6_nanmean_integer_dtype_raises():
    with pytest.raises(TypeError, match="inexact"):
        pelx.nanmean([1, np.nan, 2], dtype=np.int64)


# 7. initial= out of the dtype's range.
def test_7_initial_out_of_range():
    u = np.arange(10, dtype=np.uint8)
    with pytest.raises(OverflowError, match="uint8"):
        pelx.max(u, initial=300)
    with pytest.raises(OverflowError, match="uint64"):
        pelx.sum(u, initial=-5)
    assert pelx.max(u, initial=200) == np.max(u, initial=200)


# 8. np.errstate in reductions.
@pytest.mark.parametrize("call", [
    lambda m: m.mean(np.zeros(0)),
    lambda m: m.mean(np.zeros((0, 3)), axis=0),
    lambda m: m.var(np.ones(3), ddof=3),
    lambda m: m.std(np.ones((2, 3)), axis=1, ddof=5),
    lambda m: m.var(np.zeros(0)),
])
def test_8_errstate_raise_in_reductions(call):
    with np.errstate(all="raise"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(FloatingPointError):
            call(np)
        with pytest.raises(FloatingPointError):
            call(pelx)


# 9. internal errors that leaked.
def test_9_mean_of_empty_with_where():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(pelx.mean(np.zeros(0), where=np.zeros(0, bool)))


def test_9_var_of_integers_with_complex_dtype():
    got = pelx.var(np.arange(3), dtype=np.complex128)
    want = np.var(np.arange(3), dtype=np.complex128)
    assert got == want and type(got) is type(want)


# 10. pelx.threads() blocks of two Python threads, interleaved.
def test_10_threads_blocks_from_two_threads_restore_the_size():
    before = pelx.get_num_threads()
    step = [threading.Barrier(2) for _ in range(3)]

    def a():
        with pelx.threads(3):
            step[0].wait()
            step[1].wait()  # b enters its block meanwhile
        step[2].wait()      # a exited first

    def b():
        step[0].wait()
        with pelx.threads(5):
            step[1].wait()
            step[2].wait()
            assert pelx.get_num_threads() == 5
    ts = [threading.Thread(target=f) for f in (a, b)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert pelx.get_num_threads() == before


# 11. mixed-sign comparisons into out=.
@pytest.mark.parametrize("name", ["equal", "not_equal", "less", "less_equal",
                                  "greater", "greater_equal"])
def test_11_mixed_sign_comparison_with_out(name):
    a = np.array([-3, -1, 0, 1, 2**62, 2**63 - 1], dtype=np.int64)
    b = np.array([0, 2**64 - 1, 0, 1, 2**63, 2**63 - 1], dtype=np.uint64)
    for x, y in ((a, b), (b, a)):
        got, want = np.zeros(6, bool), np.zeros(6, bool)
        assert getattr(pelx, name)(x, y, out=got) is got
        getattr(np, name)(x, y, out=want)
        assert_exact(got, want, context=name)
        assert_exact(getattr(pelx, name)(x, y), getattr(np, name)(x, y))


# 12. inputs whose NumPy loop is float16.
def test_12_exp_of_int8_into_float64():
    x = np.array([20, 3, -5], np.int8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = pelx.exp(x, out=np.zeros(3))
        want = np.exp(x, out=np.zeros(3))
    assert_exact(got, want)


def test_12_overflow_in_float16_warns_as_numpy():
    with pytest.warns(RuntimeWarning, match="overflow encountered in exp"):
        pelx.exp(np.array([20], np.int8))


def test_12_half_result_honours_order():
    x = np.ones((3, 4), np.float16)
    assert pelx.exp(x, order="F").flags.f_contiguous
    assert pelx.exp(x.T).flags.f_contiguous == np.exp(x.T).flags.f_contiguous


# Also found: thread counts, PELX_NUM_THREADS, float16 reductions.
def test_set_num_threads_above_the_pool_limit_is_refused():
    with pytest.raises(ValueError, match="between 1 and 256"):
        pelx.set_num_threads(300)
    with pytest.raises(ValueError):
        pelx.threads(257).__enter__()


@pytest.mark.parametrize("value,valid", [("1 ", True), (" 1", True),
                                         ("2", True), ("abc", False),
                                         ("0", False), ("-2", False),
                                         ("1.5", False)])
def test_invalid_pelx_num_threads_warns(value, valid):
    code = ("import warnings; warnings.simplefilter('always');"
            "import pelx; print(pelx.get_num_threads())")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, env={**__import__("os").environ,
                                         "PELX_NUM_THREADS": value})
    assert res.returncode == 0, res.stderr
    assert ("is not a positive integer" in res.stderr) == (not valid), \
        res.stderr
    if valid:
        assert int(res.stdout) == min(int(value), pelx.detect_number_of_cores())


@pytest.mark.parametrize("name", ["sum", "prod", "min", "max", "mean", "var",
                                  "std", "argmax", "nansum", "nanmax"])
def test_float16_reductions_are_numpy_s(name):
    a = (np.arange(70_001) % 13 - 6).astype(np.float16)
    got, want = getattr(pelx, name)(a), getattr(np, name)(a)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    assert np.asarray(got).tobytes() == np.asarray(want).tobytes()


def test_refused_integer_power_leaves_out_untouched():
    x = np.arange(1, 9, dtype=np.int64)
    e = np.array([1, 2, 3, 4, -1, 2, 3, 4])
    with pytest.raises(ValueError, match="negative integer powers"):
        pelx.power(x, e, out=x)
    assert_exact(x, np.arange(1, 9, dtype=np.int64))
    # masked-off negative exponents are not looked at, as in NumPy
    mask = e >= 0
    got, want = x.copy(), x.copy()
    pelx.power(x, e, out=got, where=mask)
    np.power(x, e, out=want, where=mask)
    assert_exact(got, want)


# 3. pelx calls nested inside a running pelx call (a map kernel calling back
# into Python and pelx) give the right answers, from several threads too.
def test_3_nested_calls_inside_a_map_kernel():
    import ctypes
    inner = np.arange(300_000, dtype=np.float64)
    total = float(np.sum(inner))
    seen = []

    def kernel(x):
        seen.append(float(pelx.sum(inner)))
        return x + 1.0
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)
    keep = proto(kernel)
    k = proto(ctypes.cast(keep, ctypes.c_void_p).value)
    results = []

    def call():
        results.append(pelx.map(k, np.arange(2_000, dtype=np.float64)))
    ts = [threading.Thread(target=call) for _ in range(3)]
    for t in ts:
        t.start()
    call()
    for t in ts:
        t.join()
    for r in results:
        assert_exact(r, np.arange(2_000, dtype=np.float64) + 1.0)
    assert len(seen) == 4 * 2_000 and set(seen) == {total}
