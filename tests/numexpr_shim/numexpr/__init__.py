"""A stand-in ``numexpr`` package that is pelx: it re-exports pelx's public
names, nothing else, so that numexpr's own test file runs against pelx
(tests/test_numexpr_suite.py puts this directory first on sys.path).

Three names that numexpr's test file imports at its top are numexpr
internals pelx does not have (its expression-node builder ``E``, the
``ConstantNode`` class and ``disassemble`` of its bytecode); they are bound
to a function that says so, and the tests that use them are deselected."""
import pelx as _pelx

for _name in dir(_pelx):
    if not _name.startswith("_"):
        globals()[_name] = getattr(_pelx, _name)


def _numexpr_internal(*args, **kwargs):
    raise NotImplementedError("a numexpr internal that pelx does not have")


E = disassemble = _numexpr_internal


def __getattr__(name):
    # pelx's dynamic names (``nthreads``)
    return getattr(_pelx, name)
