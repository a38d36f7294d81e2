"""Builds and runs the C smoke test of the kernel layer (tests/c/
test_kernels.c), plainly and under UBSan + ASan: every loop and cast on
random bit patterns in three layouts, plus NumPy's integer/float edge
values and FP flags, at each SIMD level the CPU runs (PELX_KERNELS_SIMD).
Builds go to a per-user temp directory and are reused until a kernel
source changes."""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(tempfile.gettempdir(), "pelx-kernels-c-%d" % os.getuid())

pytestmark = pytest.mark.skipif(shutil.which("make") is None or
                                shutil.which("gcc") is None,
                                reason="needs make and gcc")


@pytest.fixture(scope="module")
def built():
    subprocess.run(["make", "-s", "-j%d" % (os.cpu_count() or 1),
                    "-f", "tests/c/kernels.mk", "BUILD=" + BUILD],
                   cwd=ROOT, check=True)
    return BUILD


def _runnable_levels():
    import pelx
    levels = ("baseline", "avx2", "avx512")
    return levels[:levels.index(pelx._core._kernels_levels()["cpu"]) + 1]


@pytest.mark.parametrize("level", _runnable_levels())
@pytest.mark.parametrize("exe", ["test_kernels", "test_kernels_san"])
def test_c_kernels(built, exe, level):
    r = subprocess.run([os.path.join(built, exe)], capture_output=True,
                       text=True, timeout=300,
                       env=dict(os.environ, PELX_KERNELS_SIMD=level))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().endswith("ok")
