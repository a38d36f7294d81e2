"""Loads numexpr's own test file, from the installed numexpr wheel, as a
plain module (not as part of the numexpr package, which would import the
real numexpr), and exposes its tests for pytest to collect.

Run by tests/test_numexpr_suite.py in a subprocess, with this directory
first on sys.path (NUMEXPR_SHIM=1: ``import numexpr`` is then the shim
next to this file) or not (the real numexpr). NUMEXPR_TEST_FILE names the
test file."""
import importlib.util
import os
import sys

import numexpr

_is_shim = numexpr.__file__.startswith(os.path.dirname(os.path.abspath(__file__)))
if _is_shim != (os.environ.get("NUMEXPR_SHIM") == "1"):
    raise ImportError(f"numexpr resolved to {numexpr.__file__}")

_spec = importlib.util.spec_from_file_location(
    "numexpr_test_numexpr", os.environ["NUMEXPR_TEST_FILE"])
_module = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _module
_spec.loader.exec_module(_module)
globals().update({k: v for k, v in vars(_module).items()
                  if k.startswith("test")})
