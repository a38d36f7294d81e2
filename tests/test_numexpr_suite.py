"""numexpr's own test file, from the installed numexpr wheel, run against
pelx: ``import numexpr`` resolves to tests/numexpr_shim, which re-exports
pelx's public names and nothing else. Every test passes but those in
DESELECTED, each with its reason. Real numexpr passes the whole file in the
same run (the second test), so a failure here is pelx's."""
import os
import re
import subprocess
import sys

import pytest

import pelx

numexpr = pytest.importorskip("numexpr")

SHIM = os.path.join(os.path.dirname(__file__), "numexpr_shim")
TEST_FILE = os.path.join(os.path.dirname(numexpr.__file__), "tests",
                         "test_numexpr.py")
# where this run's pelx comes from (the installed package, or the source
# tree with an in-place build)
PELX_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(pelx.__file__)))

_INTERNAL_E = ("builds the expression with numexpr.E, numexpr's expression "
               "node objects (pelx takes text)")
_DISASSEMBLE = "compares numexpr.disassemble() of numexpr's bytecode"
_NEGATIVE_AXIS = ("expects ValueError for axis=-1; pelx's reductions take "
                  "negative axes as NumPy does")
_INIT_THREADS = ("calls numexpr._init_num_threads(), a private function "
                 "(pelx's precedence of NUMEXPR_NUM_THREADS, OMP_NUM_THREADS "
                 "is tested in tests/test_numexpr_api.py)")

#: test id -> why it does not apply to pelx
DESELECTED = {
    **{f"{cls}::{name}": why
       for cls in ("test_numexpr", "test_numexpr2")
       for name, why in [
           ("test_simple", _INTERNAL_E),
           ("test_simple_expr", _INTERNAL_E),
           ("test_simple_expr_small_array", _INTERNAL_E),
           ("test_rational_expr", _INTERNAL_E),
           ("test_r0_reuse", _DISASSEMBLE),
           ("test_reductions", _DISASSEMBLE),
           ("test_axis", _NEGATIVE_AXIS),
       ]},
    "test_evaluate::test_disassemble": _DISASSEMBLE,
    "test_evaluate::test_constant_deduplication":
        "reads NumExpr(...).constants, numexpr's compiled constant table",
    "test_evaluate::test_nan_constant":
        "uses numexpr.expressions.ConstantNode and numexpr.E",
    "test_evaluate::test_f32_constant":
        "uses numexpr.expressions.ConstantNode",
    "test_evaluate::test_ex_uses_vml":
        "calls numexpr.necompiler.getExprNames, a compiler internal",
    "test_threading_config::test_numexpr_num_threads": _INIT_THREADS,
    "test_threading_config::test_omp_num_threads": _INIT_THREADS,
    "test_threading_config::test_omp_num_threads_empty_string": _INIT_THREADS,
    "test_threading_config::test_numexpr_max_threads_empty_string":
        _INIT_THREADS,
    "test_int32_int64::test_small_int":
        "expects evaluate('2') to be int32; pelx types a Python int as NumPy "
        "does (int64)",
    "test_uint32_int64::test_small_uint32":
        "expects a uint32 scalar to come back as int64; pelx keeps NumPy's "
        "uint32",
}


def _run_suite(shim, cwd):
    # numexpr's thread tests assume no thread settings in the environment
    env = {k: v for k, v in os.environ.items()
           if k not in ("PELX_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                        "NUMEXPR_MAX_THREADS", "OMP_NUM_THREADS")}
    env.update(NUMEXPR_TEST_FILE=TEST_FILE, NUMEXPR_SHIM="1" if shim else "0")
    path = [SHIM] if shim else []
    path.append(PELX_PARENT)  # pelx as this test run imports it
    env["PYTHONPATH"] = os.pathsep.join(
        path + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    loader = os.path.join(SHIM, "numexpr_own_tests.py")
    # importlib mode: pytest leaves sys.path alone, so numexpr is what
    # PYTHONPATH makes it
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "--import-mode=importlib", "--rootdir", SHIM, "-o",
            "addopts=", "-rfE", "--tb=short", loader]
    if shim:
        for test_id in DESELECTED:  # node ids are relative to the rootdir
            args += ["--deselect", f"numexpr_own_tests.py::{test_id}"]
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=1200)


def _failures(res):
    """The FAILURES section of the run's output (tracebacks), shortened."""
    out = res.stdout
    start = out.find("= FAILURES =")
    return "\n" + (out[start:start + 6000] if start >= 0 else out[-3000:]) \
        + res.stderr[-2000:]


def _counts(res):
    tail = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
    return {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|error|"
                                             r"errors|deselected|skipped)",
                                             tail)}, tail


def test_numexpr_own_suite_passes_on_pelx(tmp_path):
    res = _run_suite(True, tmp_path)
    counts, tail = _counts(res)
    failed = [ln for ln in res.stdout.splitlines()
              if ln.startswith(("FAILED", "ERROR"))]
    assert res.returncode == 0 and not failed, (
        tail + "\n" + "\n".join(failed[:50]) + _failures(res))
    assert counts.get("deselected") == len(DESELECTED) <= 25, tail
    assert counts.get("passed", 0) > 6000, tail
    print(f"\nnumexpr's test file on pelx: {tail}")


def test_real_numexpr_passes_the_same_file(tmp_path):
    """The same file and loader with the real numexpr: all of it passes, so
    the file and the way it is run are sound."""
    res = _run_suite(False, tmp_path)
    counts, tail = _counts(res)
    assert res.returncode == 0, tail + _failures(res)
    assert counts.get("passed", 0) > 6000, tail
    print(f"\nnumexpr's test file on numexpr {numexpr.__version__}: {tail}")
