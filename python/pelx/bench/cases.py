"""The benchmark cases as data.

A :class:`Case` names some work (``a + b`` on float64 arrays of n elements),
the group it belongs to, how to build its inputs for a size, and one
:class:`Impl` per peer (``numpy``, ``numexpr``, ``numba``, ``pelx``) that
does exactly that work, writing into the same preallocated output so no peer
pays for allocating its result and the others do not.

Peers are modules loaded by :func:`load_peers`; a peer that is not installed
is ``None`` and its implementations are reported as not available. An
implementation also names the attributes it needs on its module
(``requires``), so a pelx build without, say, ``pelx.evaluate`` reports that
case as not available instead of failing the whole run.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

# The peers the CLI compares, in table order. numba is only used by the
# pytest-benchmark suites: its JIT compile takes seconds per function.
PEERS = ("numpy", "numexpr", "pelx")

Arrays = dict  # name -> np.ndarray; "out" is the preallocated result


@dataclass(frozen=True)
class Impl:
    """One peer's way to do a case's work.

    make(module, arrays) returns a zero-argument callable that does the work
    once. requires: attributes ``make`` uses on ``module``.
    """

    make: Callable[[Any, Arrays], Callable[[], Any]]
    requires: tuple = ()

    def available(self, module) -> bool:
        return module is not None and all(hasattr(module, r) for r in self.requires)


@dataclass(frozen=True)
class Case:
    """Some work, its inputs and every peer's implementation of it.

    bytes_per_element counts each array read or written once (STREAM's
    convention), so bytes / time is comparable with the bandwidth ceiling;
    it is reported as a fraction of that ceiling only when memory_bound.
    """

    name: str
    group: str
    inputs: tuple  # input array names, each float64 of n elements
    impls: Mapping[str, Impl]
    bytes_per_element: int
    memory_bound: bool
    reduction: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict)

    def setup(self, n: int, seed: int = 0) -> Arrays:
        """Inputs in [0.1, 1.1) (valid for every function used here) and,
        unless the case is a reduction, an output array, all touched once so
        page faults are not part of any timing."""
        rng = np.random.default_rng(seed)
        arrays = {name: rng.random(n) + 0.1 for name in self.inputs}
        if not self.reduction:
            arrays["out"] = np.zeros(n)
            arrays["out"].fill(1.0)
        return arrays


def load_peers(names=("numpy", "numexpr", "numba", "pelx")) -> dict:
    """Import each peer; None for one that is not installed."""
    peers = {}
    for name in names:
        try:
            peers[name] = importlib.import_module(name)
        except ImportError:
            peers[name] = None
    return peers


def _ne(expr):
    """numexpr (and pelx.evaluate, which takes numexpr's keywords)."""
    def make(m, d):
        local = {k: v for k, v in d.items() if k != "out"}
        out = d.get("out")
        if out is None:
            return lambda: m.evaluate(expr, local_dict=local)
        return lambda: m.evaluate(expr, local_dict=local, out=out)
    return make


def _binary(name):
    return Impl(lambda m, d: (lambda: getattr(m, name)(d["a"], d["b"], out=d["out"])),
                (name,))


def _unary(name):
    return Impl(lambda m, d: (lambda: getattr(m, name)(d["a"], out=d["out"])), (name,))


def _elementwise(name, nin, expr, group, memory_bound, description):
    impl = _binary(name) if nin == 2 else _unary(name)
    return Case(
        name=name,
        group=group,
        inputs=("a", "b")[:nin],
        impls={"numpy": impl, "numexpr": Impl(_ne(expr), ("evaluate",)), "pelx": impl},
        bytes_per_element=8 * (nin + 1),
        memory_bound=memory_bound,
        description=description,
    )


def _fused(name, expr, inputs, numpy_fn, memory_bound, description):
    return Case(
        name=name,
        group="fused expression",
        inputs=inputs,
        impls={
            "numpy": Impl(lambda m, d: (lambda: numpy_fn(m, d))),
            "numexpr": Impl(_ne(expr), ("evaluate",)),
            "pelx": Impl(_ne(expr), ("evaluate",)),
        },
        bytes_per_element=8 * (len(inputs) + 1),
        memory_bound=memory_bound,
        description=description,
        extra={"expression": expr},
    )


def _reduction(name, expr):
    return Case(
        name=name,
        group="reduction",
        inputs=("a",),
        impls={
            "numpy": Impl(lambda m, d: (lambda: getattr(m, name)(d["a"])), (name,)),
            "numexpr": Impl(_ne(expr), ("evaluate",)),
            "pelx": Impl(lambda m, d: (lambda: getattr(m, name)(d["a"])), (name,)),
        },
        bytes_per_element=8,
        memory_bound=True,
        reduction=True,
        description=f"{name}(a), float64",
    )


# NumPy evaluates a fused expression with temporaries; this is the code a
# NumPy user writes, with only the final result going to `out`.
def _numpy_axpy3(np_, d):
    return np_.add(2.0 * d["a"], 3.0 * d["b"] * d["c"], out=d["out"])


def _numpy_gauss(np_, d):
    return np_.multiply(d["a"], np_.exp(-(d["b"] * d["b"])), out=d["out"])


CASES = (
    _elementwise("add", 2, "a + b", "elementwise, memory-bound", True,
                 "add(a, b, out), float64"),
    _elementwise("exp", 1, "exp(a)", "elementwise, compute-bound", False,
                 "exp(a, out), float64"),
    _elementwise("sin", 1, "sin(a)", "elementwise, compute-bound", False,
                 "sin(a, out), float64"),
    _fused("2*a+3*b*c", "2*a + 3*b*c", ("a", "b", "c"), _numpy_axpy3, True,
           "evaluate('2*a + 3*b*c', out=out)"),
    _fused("a*exp(-b*b)", "a*exp(-b*b)", ("a", "b"), _numpy_gauss, False,
           "evaluate('a*exp(-b*b)', out=out)"),
    _reduction("sum", "sum(a)"),
)

CASES_BY_NAME = {c.name: c for c in CASES}
