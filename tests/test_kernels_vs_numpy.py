"""Every kernel loop against NumPy (the oracle), through tests/kernel_harness.

For each (op, dtype) NumPy has a same-dtype loop for: the loop exists here
with NumPy's output dtype; on edge values (all pairs for binary ops) and
random values the results are bit-identical for exact ops (any NaN matches
any NaN) and within 4 ULP for transcendental ones; contiguous, strided,
reversed and broadcast-scalar layouts agree; the divide/overflow/invalid
flags raised match the warnings NumPy gives under np.errstate.

Run as a script to print the measured ULP maxima per transcendental loop.
"""
import numpy as np
import pytest

import kernel_cases as kc
import kernel_harness

K = kernel_harness.load()
PEL_ONLY = {"where", "real", "imag", "complex", "copy"}
MAX_ULP = 4

CASES = [(op, dt) for op in sorted(K.ops) if op not in PEL_ONLY
         for dt in kc.numpy_loop_dtypes(op) if dt in kernel_harness.DTYPES]
IDS = ["%s-%s" % (op, dt) for op, dt in CASES]

FLAG_NAMES = {"divide by zero": kernel_harness.FLAG_DIVIDE,
              "overflow": kernel_harness.FLAG_OVERFLOW,
              "invalid value": kernel_harness.FLAG_INVALID}

# Flag mismatches that are measured and accepted (NumPy's own SIMD code
# differs from libm/libmvec on these); anything else fails.
KNOWN_FLAG_DEVIATIONS = {}


def numpy_ref(op, ins):
    """NumPy's result and the warnings it reports, as harness flag bits."""
    seen = []

    def record(kind, flag):
        seen.append(kind)

    old = np.seterrcall(record)
    try:
        with np.errstate(all="call", under="ignore"):
            res = kc.ufunc(op)(*ins)
    finally:
        np.seterrcall(old)
    flags = 0
    for kind in seen:
        flags |= FLAG_NAMES.get(kind, 0)
    return res, flags


def check_values(op, dt, got, want, ins):
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    if op in kc.TRANSCENDENTAL and not (op == "power" and dt.kind in "iub"):
        if got.dtype.kind == "c":
            d = np.maximum(kc.ulp_diff(got.real, want.real),
                           kc.ulp_diff(got.imag, want.imag))
        else:
            d = kc.ulp_diff(got, want)
        bad = d > MAX_ULP
    else:
        bad = ~kc.bits_equal(got, want)
    if bad.any():
        idx = np.flatnonzero(bad)[:8]
        rows = ["  in=%s got=%r want=%r" % (
            tuple(a[i] for a in ins), got[i], want[i]) for i in idx]
        pytest.fail("%s %s: %d of %d differ\n%s" % (
            op, dt, bad.sum(), bad.size, "\n".join(rows)))


def case_inputs(op, dt, seed=0):
    rng = np.random.default_rng(abs(hash((op, str(dt)))) % 2 ** 32 + seed)
    ins = kc.inputs(op, dt, K.nin(op), rng)
    if op == "power" and dt.kind == "i":
        ins[1] = np.abs(ins[1]).astype(dt)   # negative: tested separately
        ins[1][ins[1] < 0] = 3               # abs(MIN) wraps
    return ins


@pytest.mark.parametrize("op,dt", CASES, ids=IDS)
def test_loop_exists_with_numpy_output_dtype(op, dt):
    assert K.has(op, dt)
    assert K.out_dtype(op, dt) == kc.numpy_loop_dtypes(op)[dt]


def test_no_loops_numpy_lacks():
    extra = [(op, dt) for op in K.ops if op not in PEL_ONLY
             for dt in kernel_harness.DTYPES
             if K.has(op, dt) and dt not in kc.numpy_loop_dtypes(op)]
    assert extra == []


@pytest.mark.parametrize("op,dt", CASES, ids=IDS)
def test_values_and_flags_contiguous(op, dt):
    ins = case_inputs(op, dt)
    want, wflags = numpy_ref(op, ins)
    got, gflags, err = K.call(op, dt, *ins)
    assert err == 0
    check_values(op, dt, got, want, ins)
    if (op, str(dt)) in KNOWN_FLAG_DEVIATIONS:
        pytest.xfail(KNOWN_FLAG_DEVIATIONS[(op, str(dt))])
    assert gflags == wflags, "flags %d, NumPy warned %d" % (gflags, wflags)


@pytest.mark.parametrize("op,dt", CASES, ids=IDS)
def test_values_strided_reversed_broadcast(op, dt):
    ins = case_inputs(op, dt, seed=1)
    n = ins[0].shape[0]
    # every input strided (every other element) and the output reversed
    strided = []
    for a in ins:
        buf = np.zeros(2 * n, dt)
        buf[::2] = a
        strided.append(buf[::2])
    want, _ = numpy_ref(op, ins)
    out = np.zeros(n, want.dtype)
    K.call(op, dt, *[a[::-1] for a in strided], out=out[::-1])
    check_values(op, dt, out, want, ins)
    # first input a broadcast scalar (stride 0), then the last one
    for pos in (0, len(ins) - 1) if len(ins) > 1 else ():
        for k in (0, n // 2):
            b = list(ins)
            b[pos] = np.broadcast_to(ins[pos][k:k + 1], (n,))
            want, _ = numpy_ref(op, [np.ascontiguousarray(x) for x in b])
            got, _, _ = K.call(op, dt, *b)
            check_values(op, dt, got, want, b)


@pytest.mark.parametrize("n", [0, 1, 3, 7, 8, 9, 15, 16, 17, 33, 255, 257])
@pytest.mark.parametrize("op", ["exp", "log", "arctan2", "add", "sqrt"])
def test_lengths_and_in_place(op, n):
    rng = np.random.default_rng(n)
    for dt in (np.dtype(np.float32), np.dtype(np.float64)):
        ins = [np.abs(kc.random_values(dt, n, rng)) for _ in range(K.nin(op))]
        want, _ = numpy_ref(op, ins)
        got, _, _ = K.call(op, dt, *ins)
        check_values(op, dt, got, want, ins)
        K.call(op, dt, *ins, out=ins[0])          # in place
        check_values(op, dt, ins[0], want, ins)


def test_where_all_dtypes():
    rng = np.random.default_rng(5)
    for dt in kernel_harness.DTYPES:
        x = kc.random_values(dt, 1001, rng)
        y = kc.random_values(dt, 1001, rng)
        c = rng.integers(0, 2, 1001).astype(bool)
        got, flags, _ = K.call("where", dt, c, x, y)
        assert kc.bits_equal(got, np.where(c, x, y)).all(), dt
        assert flags == 0


@pytest.mark.parametrize("dt", ["int8", "int16", "int32", "int64"])
def test_integer_negative_power_reports_error(dt):
    a = np.array([2, 3, 4], dt)
    b = np.array([1, -1, 2], dt)
    with pytest.raises(ValueError, match="negative integer powers"):
        np.power(a, b)
    out, flags, err = K.call("power", dt, a, b)
    assert err == kernel_harness.KERR_NEGATIVE_INT_POWER
    assert out[0] == 2 and out[2] == 16
    # the error is taken once, then cleared
    _, _, err = K.call("power", dt, a, np.abs(b))
    assert err == 0


def test_integer_division_edge_values_and_flags():
    for dt in ("int8", "int16", "int32", "int64"):
        mn = np.iinfo(dt).min
        a = np.array([mn, 7, -7, 7], dt)
        b = np.array([-1, 0, 2, -2], dt)
        for op in ("floor_divide", "remainder"):
            want, wflags = numpy_ref(op, [a, b])
            got, gflags, _ = K.call(op, dt, a, b)
            assert (got == want).all(), (op, dt, got, want)
            assert gflags == wflags, (op, dt)


SIMD_CASES = [(simd, op, dt) for simd in ("avx2", "scalar")
              for op, dt in CASES
              if op in kc.TRANSCENDENTAL and dt.kind in "f"]


@pytest.mark.parametrize("simd,op,dt", SIMD_CASES,
                         ids=["%s-%s-%s" % c for c in SIMD_CASES])
def test_transcendental_other_simd_variants(simd, op, dt):
    """The AVX2 and baseline variants (forced with PELX_KERNELS_SIMD)
    meet the same bounds and flags as the variant the CPU picks."""
    k = kernel_harness.load(simd)
    ins = case_inputs(op, dt)
    want, wflags = numpy_ref(op, ins)
    got, gflags, _ = k.call(op, dt, *ins)
    check_values(op, dt, got, want, ins)
    assert gflags == wflags


def test_features_string():
    assert K.features() in ("vmath+libmvec-avx512", "vmath+libmvec-avx2",
                            "vmath+scalar-libm")
    assert kernel_harness.load("scalar").features() == "vmath+scalar-libm"


@pytest.mark.parametrize("op", ["equal", "not_equal", "less", "less_equal",
                                "greater", "greater_equal"])
def test_int64_uint64_comparisons_exact(op):
    """NumPy's qQ->? / Qq->? loops: no rounding through float64."""
    q = np.array([-1, 0, 1, 2 ** 53 + 1, 2 ** 63 - 1, -2 ** 63, 5, 7], np.int64)
    u = np.array([2 ** 64 - 1, 0, 1, 2 ** 53, 2 ** 63 - 1, 0, 2 ** 63, 7],
                 np.uint64)
    qq, uu = [a.ravel() for a in np.meshgrid(q, u)]
    for a, b in ((qq, uu), (uu, qq)):
        got, flags = K.call_int64_uint64(op, a, b)
        assert (got == kc.ufunc(op)(a, b)).all()
        assert flags == 0
    assert not K.lib.pel_kernel_int64_uint64(K.ops["add"], 0)


def ulp_report():
    """Max ULP distance to NumPy per transcendental loop and SIMD variant."""
    rows = []
    for simd in ("avx512", "avx2", "scalar"):
        k = kernel_harness.load(simd)
        for op, dt in CASES:
            if op not in kc.TRANSCENDENTAL or dt.kind not in "fc":
                continue
            ins = case_inputs(op, dt)
            want, wflags = numpy_ref(op, ins)
            got, gflags, _ = k.call(op, dt, *ins)
            if dt.kind == "c":
                d = np.maximum(kc.ulp_diff(got.real, want.real),
                               kc.ulp_diff(got.imag, want.imag))
            else:
                d = kc.ulp_diff(got, want)
            i = int(np.argmax(d))
            rows.append((k.features(), op, str(dt), float(d.max()),
                         gflags, wflags, tuple(a[i] for a in ins)))
    return rows


if __name__ == "__main__":
    for feat, op, dt, d, gf, wf, at in ulp_report():
        print("%-15s %-8s %-10s maxulp=%-6g flags=%d numpy=%d at %s" % (
            feat, op, dt, d, gf, wf, at))
