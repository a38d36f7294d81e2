"""The STREAM-like bandwidth kernels (pelx._core.stream_copy/stream_triad):
results against NumPy, argument checking."""
import numpy as np
import pytest

from pelx import _core

# Sizes around the kernels' chunk (32 Ki elements): inline, one and several
# chunks, and a ragged tail.
SIZES = [0, 1, 7, 32768, 32769, 100_003]


@pytest.mark.parametrize("n", SIZES)
def test_copy_matches_numpy(n):
    rng = np.random.default_rng(n)
    b = rng.standard_normal(n)
    a = np.full(n, np.nan)
    times = _core.stream_copy(a, b, repeat=2)
    assert len(times) == 2 and all(t >= 0.0 for t in times)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("threads", [0, 1, 2])
def test_triad_matches_numpy(n, threads):
    rng = np.random.default_rng(n + 1)
    b, c = rng.standard_normal(n), rng.standard_normal(n)
    a = np.full(n, np.nan)
    _core.stream_triad(a, b, c, 2.5, threads=threads)
    # No FMA contraction in the kernel: bit-identical to NumPy's two passes.
    np.testing.assert_array_equal(a, b + 2.5 * c)


def test_byte_counts():
    assert _core.STREAM_COPY_BYTES == 16
    assert _core.STREAM_TRIAD_BYTES == 24


@pytest.mark.parametrize(
    "a, b, exc, match",
    [
        ([1.0, 2.0], np.zeros(2), TypeError, "numpy.ndarray"),
        (np.zeros(2, np.float32), np.zeros(2), ValueError, "float64"),
        (np.zeros((2, 2)), np.zeros((2, 2)), ValueError, "1-d"),
        (np.zeros(4)[::2], np.zeros(2), ValueError, "contiguous"),
        (np.zeros(3), np.zeros(2), ValueError, "same length"),
    ],
)
def test_copy_rejects_bad_arrays(a, b, exc, match):
    with pytest.raises(exc, match=match):
        _core.stream_copy(a, b)


def test_rejects_overlap_readonly_and_bad_counts():
    x = np.zeros(10)
    with pytest.raises(ValueError, match="overlap"):
        _core.stream_copy(x[:6], x[4:])
    with pytest.raises(ValueError, match="overlap"):
        _core.stream_triad(x[:5], np.zeros(5), x[3:8])
    ro = np.zeros(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        _core.stream_copy(ro, np.zeros(3))
    with pytest.raises(ValueError, match="repeat"):
        _core.stream_copy(np.zeros(3), np.zeros(3), repeat=0)
    with pytest.raises(ValueError, match="threads"):
        _core.stream_copy(np.zeros(3), np.zeros(3), threads=-1)
