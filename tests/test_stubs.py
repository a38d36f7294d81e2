"""The .pyi stubs match the runtime: every public name of pelx and
pelx.dask has a stub, with the runtime's parameter names and kinds.

A fast structural check always runs; the full mypy stubtest (about 30 s)
runs when PELX_STUBTEST=1 is set."""
import ast
import importlib
import inspect
import os
import subprocess
import sys
import tempfile
import types

import pytest

import pelx

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON_DIR = os.path.normpath(os.path.join(HERE, os.pardir, "python"))


def _stub_defs(path):
    """name -> ast node (function/class) or None (variable) in a stub file."""
    tree = ast.parse(open(path).read())
    defs = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.setdefault(node.name, node)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            defs[node.target.id] = None
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    defs[t.id] = None
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.asname and a.asname == a.name:  # explicit re-export
                    defs[a.name] = None
    return defs


def _stub_params(fn_node):
    a = fn_node.args
    return ([p.arg for p in a.posonlyargs + a.args]
            + ([("*" + a.vararg.arg)] if a.vararg else [])
            + [p.arg for p in a.kwonlyargs]
            + ([("**" + a.kwarg.arg)] if a.kwarg else []))


def _runtime_params(fn):
    out = []
    for p in inspect.signature(fn).parameters.values():
        out.append({p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "") + p.name)
    return out


def _public(module):
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if name.startswith("_") or isinstance(obj, types.ModuleType):
            continue
        yield name, obj


# Stub files that declare what each public namespace exports.
STUBS = {
    "pelx": ["pelx/_ufuncs.pyi", "pelx/_reductions.pyi", "pelx/_threads.pyi",
             "pelx/expr/__init__.pyi", "pelx/_map.pyi", "pelx/_observe.pyi",
             "pelx/_config.pyi", "pelx/_numexpr_names.pyi",
             "pelx/_numpy_patch.pyi"],
    "pelx.dask": ["pelx/dask.pyi", "pelx/_dask_plugin.pyi"],
}
# Defined in pelx/__init__.py itself (read by type checkers as it is).
IN_INIT = {"__version__"}


@pytest.mark.parametrize("module_name", sorted(STUBS))
def test_every_public_name_has_a_matching_stub(module_name):
    module = importlib.import_module(module_name)
    defs = {}
    for rel in STUBS[module_name]:
        for name, node in _stub_defs(os.path.join(PYTHON_DIR, rel)).items():
            if node is not None or name not in defs:
                defs[name] = node
    problems = []
    for name, obj in _public(module):
        if name in IN_INIT:
            continue
        if name not in defs:
            problems.append(f"{name}: in no stub of {module_name}")
            continue
        node = defs[name]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and callable(obj) \
                and not isinstance(obj, type):
            want, got = _runtime_params(obj), _stub_params(node)
            if want != got:
                problems.append(f"{name}: stub params {got} != runtime {want}")
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(os.environ.get("PELX_STUBTEST") != "1",
                    reason="full mypy stubtest runs with PELX_STUBTEST=1 (about 30 s)")
def test_mypy_stubtest_clean():
    pytest.importorskip("mypy.stubtest")
    cache = os.path.join(tempfile.gettempdir(), "pelx-stubtest-mypy-cache")
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR, MYPY_CACHE_DIR=cache)
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "pelx", "--allowlist",
                        os.path.join(HERE, "stubtest_allowlist.txt")],
                       cwd=PYTHON_DIR, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
