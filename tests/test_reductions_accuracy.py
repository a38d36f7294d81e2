"""Accuracy (against math.fsum and NumPy) and determinism (bit-identical
results for any thread count, run to run) of pelx reductions."""
import math

import numpy as np
import pytest

import pelx
from pelx import _reductions

EPS64 = np.finfo(np.float64).eps
EPS32 = float(np.finfo(np.float32).eps)
CHUNK = 16384  # PEL_RED_CHUNK in csrc/kernels/reduce.h


def err(x, exact):
    return abs(float(x) - exact)


def pairwise_bound(n, abs_sum, eps):
    # pairwise summation: |error| <= (log2(n) + leaf terms) * eps * sum|x|
    return (math.ceil(math.log2(max(n, 2))) + 16) * eps * abs_sum


def test_sum_random_large_vs_fsum():
    rng = np.random.default_rng(10)
    x = rng.standard_normal(2**22) + 0.5
    exact = math.fsum(x)
    e_pelx, e_np = err(pelx.sum(x), exact), err(np.sum(x), exact)
    assert e_pelx <= pairwise_bound(x.size, np.abs(x).sum(), EPS64)
    assert e_pelx <= 4 * e_np + 4 * EPS64 * abs(exact)


def test_sum_ill_conditioned_vs_fsum():
    rng = np.random.default_rng(11)
    n = 300_000
    v = rng.standard_normal(n) * 10.0 ** rng.uniform(-10, 10, n)
    small = rng.standard_normal(1000)
    x = np.concatenate([v, -v, small])
    rng.shuffle(x)
    exact = math.fsum(x)  # == fsum(small): condition number ~1e16
    abs_sum = np.abs(x).sum()
    e_pelx, e_np = err(pelx.sum(x), exact), err(np.sum(x), exact)
    assert e_pelx <= pairwise_bound(x.size, abs_sum, EPS64)
    # same error order as NumPy's pairwise sum (neither is exact here)
    assert e_pelx <= 8 * e_np + 64 * EPS64 * abs_sum / math.sqrt(x.size)


def test_float32_sum_is_pairwise_not_naive():
    x = np.full(2_000_000, 0.1, dtype=np.float32)
    exact = math.fsum(x.astype(np.float64))
    r = pelx.sum(x)
    assert r.dtype == np.float32
    # naive float32 accumulation is off by ~0.3 relative here
    assert err(r, exact) / exact < 2e-6
    assert err(r, exact) <= 4 * err(np.sum(x), exact) + EPS32 * exact
    assert err(pelx.mean(x), exact / x.size) / 0.1 < 2e-6


def test_column_sums_accurate():
    # sum(axis=0) of a C array: rows accumulate in order only within
    # 64-row chunks; chunks combine pairwise
    x = np.full((400_000, 5), 0.1, dtype=np.float32)
    exact = math.fsum(x[:, 0].astype(np.float64))
    r = pelx.sum(x, axis=0)
    assert np.all(np.abs(r.astype(np.float64) - exact) / exact < 2e-6)
    y = np.random.default_rng(12).standard_normal((100_000, 3))
    for j, s in enumerate(pelx.sum(y, axis=0)):
        col = y[:, j]
        assert err(s, math.fsum(col)) <= pairwise_bound(col.size,
                                                       np.abs(col).sum(), EPS64)


def test_var_is_stable():
    rng = np.random.default_rng(13)
    x = 1e8 + rng.standard_normal(1_000_000)
    m = math.fsum(x) / x.size
    exact = math.fsum((x - m) ** 2) / x.size
    # a naive E[x^2] - E[x]^2 loses all digits here (1e16 vs 1)
    assert abs(pelx.var(x) - exact) / exact < 1e-9
    assert abs(pelx.std(x) - math.sqrt(exact)) / math.sqrt(exact) < 1e-9
    assert abs(pelx.var(x) - np.var(x)) / exact < 1e-9
    x32 = (1e4 + rng.standard_normal(500_000)).astype(np.float32)
    x64 = x32.astype(np.float64)
    exact32 = np.var(x64)
    r = pelx.var(x32)
    assert r.dtype == np.float32
    assert abs(r - exact32) / exact32 < 2e-3
    assert abs(r - exact32) <= 4 * abs(np.var(x32) - exact32) + 1e-6
    c = x + 1j * (1e8 + rng.standard_normal(x.size))
    np.testing.assert_allclose(pelx.var(c, ddof=1), np.var(c, ddof=1),
                               rtol=1e-9)


def test_full_reduction_is_the_documented_chunk_tree():
    """pelx.sum(x) == fixed pairwise tree over per-chunk sums, bit for bit:
    the order is defined by the size alone."""
    rng = np.random.default_rng(14)
    x = rng.standard_normal(5 * CHUNK + 77)
    parts = [pelx.sum(x[i:i + CHUNK]) for i in range(0, x.size, CHUNK)]
    w = 1
    while w < len(parts):
        for i in range(0, len(parts) - w, 2 * w):
            parts[i] = parts[i] + parts[i + w]
        w *= 2
    assert parts[0].tobytes() == pelx.sum(x).tobytes()


def _cases():
    rng = np.random.default_rng(15)
    big = rng.standard_normal(3 * CHUNK * 7 + 5)
    ties = rng.integers(0, 50, 200_001).astype(np.float64)
    ties[[1000, 150_000]] = np.nan
    mat = rng.standard_normal((1500, 700))
    f32 = rng.standard_normal(400_003).astype(np.float32)
    cplx = big + 1j * big[::-1]
    return [
        ("sum", big, {}), ("sum", f32, {}), ("mean", f32, {}),
        ("std", big, {}), ("var", cplx, {}), ("sum", cplx, {}),
        ("prod", 1 + big / 1e3, {}), ("nansum", ties, {}),
        ("argmax", ties, {}), ("argmin", ties, {}), ("max", big, {}),
        ("nanmax", ties, {}), ("sum", mat, {"axis": 0}),
        ("sum", mat, {"axis": 1}), ("std", mat, {"axis": 0}),
        ("sum", mat.T, {"axis": 1}), ("mean", mat[::-3, ::2], {}),
        ("argmax", mat, {"axis": 0}), ("sum", mat, {"axis": (0, 1)}),
        ("sum", np.asfortranarray(mat), {"axis": 0}),
    ]


def test_bit_identical_across_thread_counts():
    cases = _cases()
    ref = [getattr(pelx, f)(a, **kw) for f, a, kw in cases]
    prev = _reductions._set_threads(1)
    try:
        for n in (1, 2, 3, 4, 7, 16):
            _reductions._set_threads(n)
            for (f, a, kw), r in zip(cases, ref):
                got = getattr(pelx, f)(a, **kw)
                assert np.asarray(got).tobytes() == np.asarray(r).tobytes(), \
                    (f, kw, n)
    finally:
        _reductions._set_threads(prev)


def test_bit_identical_run_to_run():
    for f, a, kw in _cases()[:8]:
        first = np.asarray(getattr(pelx, f)(a, **kw)).tobytes()
        for _ in range(3):
            assert np.asarray(getattr(pelx, f)(a, **kw)).tobytes() == first


@pytest.mark.parametrize("n", [1, 7, 8, 127, 128, 129, CHUNK - 1, CHUNK,
                               CHUNK + 1, 3 * CHUNK + 9])
def test_lengths_around_leaf_and_chunk_edges(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n)
    assert err(pelx.sum(x), math.fsum(x)) <= pairwise_bound(
        n, np.abs(x).sum(), EPS64)
    i16 = rng.integers(-30000, 30000, n).astype(np.int16)
    assert pelx.sum(i16) == int(i16.astype(np.int64).sum())
    assert pelx.argmax(x) == np.argmax(x) and pelx.min(x) == np.min(x)
