"""The kernel matrix: every elementwise function of pelx's table x every
dtype it has a loop for, and every reduction (axis None, 0, 1), pelx
against NumPy at 1 thread and at all threads.

Each cell is one (function, dtype, axis, size): pelx's median time over
NumPy's median time in the same run, NumPy's single-threaded loop being the
peer at every thread count. ``python -m pelx.bench --matrix`` prints every
cell's speed-up (NumPy time / pelx time: above 1 is faster than NumPy), the
worst cells and the geometric means, and writes them as JSON.

Inputs are chosen inside every function's domain so that no cell measures
NaN or error paths: floats in [0.1, 0.9) (arccosh: [1.1, 1.9)), integers in
[1, 8) (shift counts and integer powers stay small), booleans at random.
Every elementwise call writes into a preallocated ``out=``; reductions
return their (small) result. Axis reductions take a 2-D array
(:func:`matrix_shape`: 10 x 100 at 1e3, rows x 1000 from 1e5).

The per-level runs (AVX2, baseline) are the same command in a fresh process
with ``PELX_KERNELS_SIMD`` and ``NPY_DISABLE_CPU_FEATURES`` set (both are
read at import); ``--matrix-level`` does that for you.
"""
from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys

import numpy as np

from . import runner

# Dtypes NumPy has single-dtype loops for, in table order.
DTYPE_CODES = "?bBhHiIlLqQfdFD"

# NumPy features to disable so that NumPy runs the same instruction-set
# level as pelx (NumPy reads NPY_DISABLE_CPU_FEATURES at import).
# NumPy 2.x names its dispatch targets by microarchitecture level
# (X86_V3, X86_V4, AVX512_ICL, AVX512_SPR above an X86_V2 baseline); older
# wheels by feature. Both spellings are listed; NumPy ignores names it does
# not dispatch, with a warning.
NUMPY_DISABLE = {
    "avx512": "",
    "avx2": "X86_V4 AVX512_ICL AVX512_SPR",
    "baseline": "X86_V3 X86_V4 AVX512_ICL AVX512_SPR",
}

# Whole-array and axis reductions: pelx name -> NumPy function.
REDUCTIONS = ("sum", "prod", "mean", "var", "std", "min", "max", "argmin",
              "argmax", "any", "all", "nansum", "nanmean", "nanmin",
              "nanmax")
REDUCTION_DTYPES = {
    "any": ("?", "d"), "all": ("?", "d"),
}
DEFAULT_REDUCTION_DTYPES = ("d", "f", "q", "i")


def matrix_shape(n):
    """The 2-D shape of the axis 0 / 1 reductions: 10 x 100 for 1e3
    elements, rows x 1000 from 1e5 (100 x 1000, 10000 x 1000)."""
    cols = 100 if n < 10**5 else 1000
    return (max(1, n // cols), min(cols, n))

# Functions whose domain needs other inputs than [0.1, 0.9).
_DOMAIN_ABOVE_ONE = {"arccosh"}


def inputs(name, code, n, nin, rng):
    dt = np.dtype(code)
    arrays = []
    for _ in range(nin):
        if dt.kind == "b":
            a = rng.random(n) < 0.5
        elif dt.kind in "iu":
            a = rng.integers(1, 8, n).astype(dt)
        elif dt.kind == "c":
            a = (rng.random(n) * 0.8 + 0.1) + 1j * (rng.random(n) * 0.8 + 0.1)
            a = a.astype(dt)
        else:
            a = (rng.random(n) * 0.8 + 0.1).astype(dt)
            if name in _DOMAIN_ABOVE_ONE:
                a += 1
        arrays.append(a)
    return arrays


def elementwise_cells(pelx_mod):
    """(name, dtype code, nin) for every function of pelx's table and every
    dtype with a pelx kernel whose output dtype is NumPy's."""
    from pelx import _core, _ufuncs
    cells = []
    for name, npname, _acc, _doc in _ufuncs._TABLE:
        op, nin = _core.ufunc_ops[name]
        uf = getattr(np, npname)
        seen = set()
        for t in uf.types:
            ins, res = t.split("->")
            if len(set(ins)) != 1 or ins[0] not in DTYPE_CODES or res not in DTYPE_CODES:
                continue
            code = ins[0]
            # 'l'/'q' (and 'L'/'Q') are both int64 (uint64) on LP64
            # systems: one cell per dtype, the one np.int64 arrays have
            if np.dtype(code) in seen:
                continue
            seen.add(np.dtype(code))
            if _ufuncs._has_loop(op, np.dtype(code), np.dtype(res)):
                cells.append((name, code, nin))
    return cells


def reduction_cells():
    cells = []
    for name in REDUCTIONS:
        for code in REDUCTION_DTYPES.get(name, DEFAULT_REDUCTION_DTYPES):
            if name.startswith("nan") and np.dtype(code).kind != "f":
                continue
            for axis in (None, 0, 1):
                cells.append((name, code, axis))
    return cells


def run(sizes=(10**3, 10**5, 10**7), threads=None, min_time=0.01, repeat=5,
        only=None, log=None):
    """Time every cell (only: a set of function names to keep); returns
    {"threads", "cells", "summary"}. log(row) is called after each cell."""
    import pelx
    threads = threads or sorted({1, pelx.get_num_threads()})
    rng = np.random.default_rng(0)
    rows = []
    keep = (lambda name: True) if not only else (lambda name: name in only)

    def timed(kind, name, code, axis, n, np_fn, px_fn):
        # pelx at each thread count, interleaved with NumPy (runner's rule:
        # a burst of other work slows every peer alike)
        row = {"kind": kind, "name": name, "dtype": np.dtype(code).name,
               "axis": axis, "n": n}
        numpy_times = []
        for t in threads:
            with pelx.threads(t):
                m = runner.measure_interleaved({"numpy": np_fn, "pelx": px_fn},
                                               repeat, min_time)
            numpy_times += m["numpy"].repeats
            row["pelx_s_%d" % t] = m["pelx"].median_s
        row["numpy_s"] = statistics.median(numpy_times)
        for t in threads:
            row["speedup_%d" % t] = row["numpy_s"] / row["pelx_s_%d" % t]
        rows.append(row)
        if log:
            log(row)

    for n in sizes:
        for name, code, nin in elementwise_cells(pelx):
            if not keep(name):
                continue
            ins = inputs(name, code, n, nin, rng)
            npf = getattr(np, dict((r[0], r[1]) for r in pelx._ufuncs._TABLE)[name])
            pxf = getattr(pelx, name)
            with np.errstate(all="ignore"):
                out = npf(*ins)
            timed("elementwise", name, code, None, n,
                  lambda: npf(*ins, out=out), lambda: pxf(*ins, out=out))
        for name, code, axis in reduction_cells():
            if not keep(name):
                continue
            (a,) = inputs(name, code, n, 1, rng)
            if axis is not None:
                a = a[:math.prod(matrix_shape(n))].reshape(matrix_shape(n))
            npf, pxf = getattr(np, name), getattr(pelx, name)
            timed("reduction", name, code, axis, n,
                  lambda: npf(a, axis=axis), lambda: pxf(a, axis=axis))
    return {"threads": threads, "cells": rows, "summary": summarize(rows, threads)}


def summarize(rows, threads):
    out = {}
    for t in threads:
        key = "speedup_%d" % t
        vals = [r[key] for r in rows]
        if not vals:
            continue
        worst = sorted(rows, key=lambda r: r[key])[:10]
        out[str(t)] = {
            "cells": len(vals),
            "geomean": math.exp(sum(math.log(v) for v in vals) / len(vals)),
            "below_0.9": sum(v < 0.9 for v in vals),
            "worst": [_label(r) + " %.2fx" % r[key] for r in worst],
            "geomean_by_size": {
                str(n): math.exp(statistics.fmean(
                    math.log(r[key]) for r in rows if r["n"] == n))
                for n in sorted({r["n"] for r in rows})},
        }
    return out


def _label(r):
    axis = "" if r["kind"] == "elementwise" else " axis=%s" % r["axis"]
    return "%s %s%s n=%.0e" % (r["name"], r["dtype"], axis, r["n"])


def print_report(result, file=sys.stdout):
    threads = result["threads"]
    head = "%-34s %12s" % ("cell", "numpy") + "".join(
        "   pelx@%-2d  x" % t for t in threads)
    print(head, file=file)
    for r in result["cells"]:
        line = "%-34s %10.1fus" % (_label(r), r["numpy_s"] * 1e6)
        for t in threads:
            line += " %8.1fus %4.2f" % (r["pelx_s_%d" % t] * 1e6, r["speedup_%d" % t])
        print(line, file=file)
    for t, s in result["summary"].items():
        print("\n%s thread(s): %d cells, geometric mean %.2fx, %d below 0.9x" % (
            t, s["cells"], s["geomean"], s["below_0.9"]), file=file)
        print("  by size: " + ", ".join(
            "%s: %.2fx" % (n, g) for n, g in s["geomean_by_size"].items()), file=file)
        print("  worst: " + "; ".join(s["worst"]), file=file)


def run_level(level, argv):
    """Run the matrix in a fresh process with pelx forced to `level` and
    NumPy limited to the same instruction set; returns its exit status."""
    env = dict(os.environ)
    env["PELX_KERNELS_SIMD"] = level
    if NUMPY_DISABLE[level]:
        env["NPY_DISABLE_CPU_FEATURES"] = NUMPY_DISABLE[level]
    return subprocess.call([sys.executable, "-m", "pelx.bench", "--matrix", *argv], env=env)
