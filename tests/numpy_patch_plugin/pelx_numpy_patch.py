"""pytest plugin (-p pelx_numpy_patch): NumPy patched for the whole session
with min_size=0, so that every ufunc call of two or more elements takes
pelx's path on 3 threads. At the end it writes what happened to the JSON
file named by PELX_PATCH_REPORT."""
import json
import os

import pelx

_report = {}


def pytest_configure(config):
    pelx.set_num_threads(3)
    _report["loops"] = pelx.patch_numpy(min_size=0)
    pelx.reset_stats()


def pytest_unconfigure(config):
    _report["still_patched"] = pelx.is_numpy_patched()
    _report["chunks"] = pelx.stats().totals()["chunks"]
    with open(os.environ["PELX_PATCH_REPORT"], "w") as f:
        json.dump(_report, f)
