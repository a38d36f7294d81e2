"""NumPy's own ufunc tests, from the installed numpy wheel, run with NumPy
patched (pelx.patch_numpy(min_size=0): every call of two or more elements
is cut into chunks on 3 threads) and unpatched, in the same way: the
patched run may fail no test that the unpatched run passes."""
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import pelx

TESTS = os.path.join(os.path.dirname(np.__file__), "_core", "tests")
FILES = [os.path.join(TESTS, name) for name in ("test_umath.py", "test_ufunc.py")]
PLUGIN_DIR = os.path.join(os.path.dirname(__file__), "numpy_patch_plugin")
PELX_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(pelx.__file__)))


def _run(patched, tmp_path):
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PELX_PATCH_NUMPY", "PELX_NUM_THREADS")}
    path = [PLUGIN_DIR, PELX_PARENT]
    env["PYTHONPATH"] = os.pathsep.join(
        path + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["PELX_PATCH_REPORT"] = str(report)
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
           "-W", "ignore::pytest.PytestUnknownMarkWarning"]
    if patched:
        cmd += ["-p", "pelx_numpy_patch"]
    r = subprocess.run(cmd + FILES, cwd=tmp_path, env=env, text=True,
                       capture_output=True, timeout=1200)
    summary = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|errors?)", summary)}
    failed = set(re.findall(r"^(?:FAILED|ERROR) (\S+)", r.stdout, re.M))
    assert counts.get("passed", 0) > 1000, r.stdout[-3000:] + r.stderr[-3000:]
    info = json.loads(report.read_text()) if patched else None
    return counts, failed, info


@pytest.mark.skipif(not all(os.path.exists(f) for f in FILES),
                    reason="this numpy wheel does not ship its tests")
def test_numpy_ufunc_suites_pass_patched(tmp_path):
    plain_counts, plain_failed, _ = _run(False, tmp_path)
    counts, failed, info = _run(True, tmp_path)
    assert info["loops"] > 500 and info["still_patched"]
    # the suite's calls went through pelx's path (tens of thousands of chunks)
    assert info["chunks"] > 10_000, info
    assert failed <= plain_failed, sorted(failed - plain_failed)
    assert (counts.get("passed", 0) + counts.get("failed", 0) ==
            plain_counts.get("passed", 0) + plain_counts.get("failed", 0))
    print("unpatched", plain_counts, "patched", counts, info)
