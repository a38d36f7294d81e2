"""Cast loops (pel_cast_kernel) against arr.astype(to, casting='unsafe')
for every pair of dtypes: bit-identical values (any NaN matches any NaN),
strided input, and the "invalid value encountered in cast" warning for
NaN / out-of-range float -> int casts."""
import warnings

import numpy as np
import pytest

import kernel_cases as kc
import kernel_harness

K = kernel_harness.load()
DTYPES = list(kernel_harness.DTYPES)
PAIRS = [(a, b) for a in DTYPES for b in DTYPES]


def source_values(dt):
    rng = np.random.default_rng(7)
    return np.concatenate([kc.edges(dt), kc.random_values(dt, 500, rng)])


@pytest.mark.parametrize("frm,to", PAIRS, ids=["%s-%s" % p for p in PAIRS])
def test_cast_matches_numpy(frm, to):
    a = source_values(frm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            want = a.astype(to)
    got, flags = K.cast(a, to)
    ok = kc.bits_equal(got, want)
    assert ok.all(), (a[~ok][:5], got[~ok][:5], want[~ok][:5])
    # strided and reversed
    buf = np.zeros(2 * a.size, frm)
    buf[::2] = a
    out = np.zeros(a.size, to)
    K.cast(buf[::2][::-1], to, out=out[::-1])
    assert kc.bits_equal(out, want).all()


@pytest.mark.parametrize("frm", ["float32", "float64", "complex128"])
@pytest.mark.parametrize("to", ["int8", "uint16", "int32", "uint32",
                                "int64", "uint64"])
def test_float_to_int_invalid_flag(frm, to):
    bad = np.array([np.nan, 1e30], frm)
    _, flags = K.cast(bad, to)
    assert flags & kernel_harness.FLAG_INVALID
    _, flags = K.cast(np.array([1.5, -2.0, 100.0], frm), to)
    assert flags == 0
