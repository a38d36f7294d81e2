"""threadpoolctl sees pelx's pool and limits it."""
import subprocess
import sys

import numpy as np
import pytest

import pelx

threadpoolctl = pytest.importorskip("threadpoolctl")


def _pelx_entries():
    return [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "pelx"]


@pytest.fixture
def four_threads():
    previous = pelx.set_num_threads(4)
    yield
    pelx.set_num_threads(previous)


def test_registered_on_import():
    from pelx import _threadpoolctl
    assert _threadpoolctl.registered
    assert "pelx" in threadpoolctl._ALL_USER_APIS


def test_threadpool_info_lists_pelx(four_threads):
    entries = _pelx_entries()
    assert len(entries) == 1  # only pelx's own _core, not other packages' _core modules
    info = entries[0]
    assert info["internal_api"] == "pelx"
    assert info["num_threads"] == pelx.get_num_threads() == 4
    assert info["version"] == pelx.__version__
    assert info["filepath"] == pelx._core.__file__


def test_threadpool_limits_limits_and_restores(four_threads):
    with threadpoolctl.threadpool_limits(1):
        assert pelx.get_num_threads() == 1
        assert _pelx_entries()[0]["num_threads"] == 1
        a = np.arange(1_000_000.0)
        np.testing.assert_array_equal(pelx.map(_double_kernel(), a), 2 * a)
    assert pelx.get_num_threads() == 4


def test_threadpool_limits_by_user_api(four_threads):
    with threadpoolctl.threadpool_limits(limits=2, user_api="pelx"):
        assert pelx.get_num_threads() == 2
    assert pelx.get_num_threads() == 4
    # limiting another API leaves pelx alone
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        assert pelx.get_num_threads() == 4


def test_threadpool_controller_select(four_threads):
    ctl = threadpoolctl.ThreadpoolController().select(user_api="pelx")
    assert len(ctl.lib_controllers) == 1
    with ctl.limit(limits=3):
        assert pelx.get_num_threads() == 3
    assert pelx.get_num_threads() == 4


def test_import_without_threadpoolctl():
    # A Python where importing threadpoolctl fails: pelx still imports.
    code = ("import sys; sys.modules['threadpoolctl'] = None; import pelx; "
            "from pelx import _threadpoolctl as t; "
            "assert not t.registered and t.PelxController is None; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "ok"


def _double_kernel():
    numba = pytest.importorskip("numba")
    return numba.cfunc("float64(float64)")(lambda x: 2.0 * x)
