"""The SIMD levels of the exact kernel families (csrc/kernels/simd_level.h).

Every exact loop, cast and reduction kernel is built for baseline x86-64,
x86-64-v3 (avx2) and x86-64-v4 (avx512) and one build is chosen at load.
Here each level the CPU runs is forced with PELX_KERNELS_SIMD in a fresh
process, and the same calls must give the same bytes at every level: the
kernels differ only in the instructions, never in the results. The kernel
tests (test_kernels_vs_numpy.py, test_reductions*.py, ...) compare the
level in use with NumPy; CI runs them once more at each forced level.
"""
import json
import os
import subprocess
import sys

import pytest

import kernel_harness
import pelx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEVELS = ("baseline", "avx2", "avx512")
CPU_LEVEL = pelx._core._kernels_levels()["cpu"]
RUNNABLE = LEVELS[:LEVELS.index(CPU_LEVEL) + 1]

# Runs in a child process: every exact elementwise function x dtype, casts
# and reductions on fixed inputs with edge values; prints one digest per
# call, and the levels the child runs.
CHILD = r"""
import hashlib, json, sys
import numpy as np
import pelx
from pelx import _ufuncs

rng = np.random.default_rng(7)
def data(code, n):
    dt = np.dtype(code)
    if dt.kind == "b":
        return rng.random(n) < 0.5
    if dt.kind in "iu":
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        a[:4] = [0, 1, info.min, info.max]
        return a
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-310, -1e-310, 0.5, 1.5,
             2.5, -2.5, 1e300, -1e300, 3.0]
    a = (rng.standard_normal(n) * 100).astype(dt)
    if dt.kind == "c":
        a = (a + 1j * (rng.standard_normal(n) * 100)).astype(dt)
    with np.errstate(all="ignore"):
        a[:len(edges)] = np.array(edges).astype(dt)
    return a

out = {}
def record(key, value):
    # NaN bits are not results: the sign and payload of a NaN depend on
    # which operand x86 hardware propagates, and vector code may swap the
    # operands of a commutative operation (NumPy promises nothing there
    # either). NaNs are made one canonical NaN; every other bit counts.
    value = np.array(value)
    if value.dtype.kind == "f":
        value[np.isnan(value)] = np.nan
    elif value.dtype.kind == "c":
        re, im = value.real.copy(), value.imag.copy()
        re[np.isnan(re)] = np.nan
        im[np.isnan(im)] = np.nan
        value = np.stack([re, im])
    out[key] = hashlib.sha1(value.tobytes() + str(value.dtype).encode()).hexdigest()

n = 1031  # odd: every vector tail is exercised
with np.errstate(all="ignore"):
    for name, npname, accuracy, _ in _ufuncs._TABLE:
        if accuracy != "exact":
            continue
        op, nin = pelx._core.ufunc_ops[name]
        for code in "?bBhHiIlLqQfdFD":
            try:
                res = getattr(np, npname).resolve_dtypes(
                    (np.dtype(code),) * nin + (None,))[-1]
            except TypeError:  # NumPy has no loop (e.g. bool subtract)
                continue
            if not _ufuncs._has_loop(op, np.dtype(code), res):
                continue
            args = [data(code, n) for _ in range(nin)]
            if name in ("left_shift", "right_shift", "power"):
                args[-1] = np.abs(args[-1]) % 8
            record(f"{name}-{code}", getattr(pelx, name)(*args))
            # strided and reversed operands
            record(f"{name}-{code}-strided",
                   getattr(pelx, name)(*[a[::-2] for a in args]))
    # the expression VM casts each operand to the promoted type with the
    # cast kernels
    for code in "?bhiqBHIQfdFD":
        a = data(code, n)
        for to in "bhiqBHIQfdFD":
            b = data(to, n)
            record(f"cast-{code}-{to}",
                   pelx.evaluate("a * b", local_dict={"a": a, "b": b}))
    for code in "?bhiqBHIQfdFD":
        a = data(code, 40000)
        m = a.reshape(200, 200)
        for r in ("sum", "prod", "min", "max", "argmin", "argmax", "any", "all"):
            for axis in (None, 0, 1):
                record(f"{r}-{code}-{axis}", getattr(pelx, r)(m, axis=axis))
        if np.dtype(code).kind in "iufc":
            record(f"dot-{code}", pelx.dot(a, a[::-1]))
            record(f"vdot-{code}", pelx.vdot(a, a[::-1]))
        if np.dtype(code).kind in "fc":
            for r in ("mean", "var", "std", "nansum", "nanmax", "nanmin"):
                if r.startswith("nan") and np.dtype(code).kind == "c" and r != "nansum":
                    continue
                record(f"{r}-{code}", getattr(pelx, r)(a))
print(json.dumps({"levels": pelx._core._kernels_levels(), "digests": out}))
"""


def run_child(level):
    env = dict(os.environ, PELX_KERNELS_SIMD=level)
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def by_level():
    return {level: run_child(level) for level in RUNNABLE}


def test_cpu_level_is_known():
    assert CPU_LEVEL in LEVELS
    levels = pelx._core._kernels_levels()
    assert set(levels) == {"cpu", "elementwise", "casts", "reductions", "math"}


@pytest.mark.parametrize("level", RUNNABLE)
def test_forced_level_is_used(by_level, level):
    got = by_level[level]["levels"]
    for family in ("elementwise", "casts", "reductions"):
        assert got[family] == level, (family, got)
    want_math = {"baseline": "vmath+scalar-libm",
                 "avx2": "vmath+libmvec-avx2",
                 "avx512": "vmath+libmvec-avx512"}[level]
    assert got["math"] == want_math


@pytest.mark.parametrize("level", [lv for lv in RUNNABLE if lv != "baseline"])
def test_same_bytes_as_baseline(by_level, level):
    base = by_level["baseline"]["digests"]
    got = by_level[level]["digests"]
    assert got.keys() == base.keys()
    differ = sorted(k for k in base if got[k] != base[k])
    assert differ == [], "%s differs from baseline in %d calls: %s" % (
        level, len(differ), differ[:20])


def test_digests_cover_the_tables(by_level):
    keys = by_level["baseline"]["digests"]
    # every exact function has at least one dtype, every reduction runs
    assert sum(k.startswith("add-") for k in keys) >= 26
    assert {"argmax-d-None", "any-?-0", "all-F-1", "var-f"} <= set(keys)
    assert len(keys) > 900


@pytest.mark.parametrize("level", RUNNABLE)
def test_kernel_library_levels(level):
    """The ctypes build of the kernels (kernel_harness) reports the forced
    level for each family."""
    k = kernel_harness.load(level)
    import ctypes
    k.lib.pel_kernels_level.restype = ctypes.c_char_p
    k.lib.pel_kernels_level.argtypes = [ctypes.c_int]
    for family in range(3):
        assert k.lib.pel_kernels_level(family).decode() == level
    assert k.lib.pel_kernels_level(3) is None


def test_unknown_level_warns():
    env = dict(os.environ, PELX_KERNELS_SIMD="sse9")
    proc = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", "import pelx"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "PELX_KERNELS_SIMD" in proc.stderr and "sse9" in proc.stderr
