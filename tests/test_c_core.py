"""The execution layer's own C tests (csrc/pel), run through make.

Three builds of tests/c/test_pel.c: plain (-O2), ThreadSanitizer, and
AddressSanitizer + UndefinedBehaviorSanitizer. A sanitizer build is skipped
only when its runtime is not usable on this machine (the probe program
cannot be built or run), and the skip says why.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSRC = os.path.join(ROOT, "csrc")
TIMEOUT_S = 300

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which(os.environ.get("CC", "gcc")) is None,
    reason="make and a C compiler are needed to build the C core tests",
)


def _sanitizer_unusable(flags):
    """None if a trivial threaded program builds and runs with `flags`,
    else the reason it does not."""
    cc = os.environ.get("CC", "gcc")
    src = "#include <pthread.h>\nstatic void *f(void *a){return a;}\n" \
          "int main(void){pthread_t t;pthread_create(&t,0,f,0);" \
          "return pthread_join(t,0);}\n"
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, "p.c"), os.path.join(d, "p")
        with open(c, "w") as f:
            f.write(src)
        r = subprocess.run([cc, *flags, "-pthread", c, "-o", exe],
                           capture_output=True, text=True)
        if r.returncode:
            return f"{cc} {' '.join(flags)} cannot build: {r.stderr.strip()[-300:]}"
        r = subprocess.run([exe], capture_output=True, text=True, timeout=60)
        if r.returncode:
            return f"{' '.join(flags)} runtime fails here: {r.stderr.strip()[-300:]}"
    return None


def _run_make(target):
    r = subprocess.run(["make", "-C", CSRC, target], capture_output=True,
                       text=True, timeout=TIMEOUT_S)
    out = r.stdout + r.stderr
    assert r.returncode == 0, f"make {target} failed:\n{out[-6000:]}"
    assert "0 failed checks" in out, out[-6000:]
    assert "FAIL" not in out, out[-6000:]
    return out


def _require_sanitizer(flags):
    """Skip when this machine's sanitizer runtime is unusable -- except in
    CI, which installs the runtimes and must run these builds."""
    why = _sanitizer_unusable(flags)
    if why and os.environ.get("CI"):
        pytest.fail(f"CI must run the sanitizer build: {why}")
    if why:
        pytest.skip(why)


def test_c_core_plain():
    _run_make("test")


def test_c_core_tsan():
    _require_sanitizer(["-fsanitize=thread"])
    out = _run_make("test-tsan")
    assert "WARNING: ThreadSanitizer" not in out, out[-6000:]


def test_c_core_asan_ubsan():
    _require_sanitizer(["-fsanitize=address,undefined"])
    out = _run_make("test-asan")
    assert "runtime error" not in out, out[-6000:]
    assert "ERROR: AddressSanitizer" not in out, out[-6000:]
