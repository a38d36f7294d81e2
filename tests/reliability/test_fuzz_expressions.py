"""Differential fuzzing of pelx.evaluate(): generated expression trees.

Hypothesis builds a random expression tree over three variables of random
dtypes and literal constants. The same tree is rendered twice: as the text
pelx parses, and as a chain of NumPy calls (the oracle). Every tree must match
bit for bit: the engine fuses work, but must keep NumPy's types and rounding.
Literals promote as Python literals do (weak scalars, NEP 50), and so does
arithmetic on literals; a function of a literal is a NumPy scalar, as
`np.sin(1)` is.
"""
import operator

import numpy as np
import pytest
from hypothesis import given, note, settings, strategies as st

import pelx
from pelx_oracle import assert_exact
from pelx_strategies import arrays, budget

PYTHON_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul,
                 "/": operator.truediv}
BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}
COMPARE = {"<": np.less, ">": np.greater, "<=": np.less_equal,
           "==": np.equal, "!=": np.not_equal}
EXACT_FUNCS = {"abs": np.absolute, "sqrt": np.sqrt}
# The oracle computes libm-class functions with pelx's own elementwise
# functions (checked against NumPy to 4 ULP by test_fuzz_elementwise): the
# engine uses the same kernels, so fused results must match bit for bit, and
# any difference is the engine's (types, order, blocking, fusion).
LIBM_FUNCS = {"sin": pelx.sin, "cos": pelx.cos, "exp": pelx.exp,
              "log": pelx.log, "tanh": pelx.tanh, "arctan": pelx.arctan}
VAR_DTYPES = [np.float64, np.float32, np.int64, np.int32]


class Node:
    """An expression: its text and a function computing it with NumPy.

    `weak`: literals and arithmetic on them are Python arithmetic, as in
    Python source (so `1/(1-1)` raises ZeroDivisionError), and the results
    promote like literals (NEP 50 weak scalars).
    `folded`: no variable below; the engine computes it at compile time,
    with NumPy."""

    def __init__(self, text, fn, weak=False, folded=False):
        self.text, self.weak, self.folded = text, weak, folded
        self.fn = (lambda env: np.asarray(fn(env)).item()) if weak else fn


def _node(text, fn, *children):
    return Node(text, fn, weak=all(c.weak for c in children),
                folded=all(c.folded for c in children))


@st.composite
def leaf(draw):
    if draw(st.integers(0, 3)) == 0:
        value = draw(st.one_of(st.integers(1, 9),
                               st.sampled_from([0.5, 2.0, 3.25, -1.5, 1e-3])))
        return Node(repr(value), lambda env, v=value: v, weak=True,
                    folded=True)
    name = draw(st.sampled_from(["a", "b", "c"]))
    return Node(name, lambda env, n=name: env[n])


@st.composite
def tree(draw, depth=0):
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(leaf())
    kind = draw(st.sampled_from(["bin", "bin", "neg", "func", "where",
                                 "square"]))
    if kind == "bin":
        op = draw(st.sampled_from(sorted(BINARY)))
        lhs, rhs = draw(tree(depth + 1)), draw(tree(depth + 1))
        if lhs.weak and rhs.weak:
            return Node(f"({lhs.text} {op} {rhs.text})",
                        lambda env: PYTHON_BINARY[op](lhs.fn(env), rhs.fn(env)),
                        weak=True, folded=True)
        return _node(f"({lhs.text} {op} {rhs.text})",
                     lambda env: BINARY[op](lhs.fn(env), rhs.fn(env)), lhs, rhs)
    if kind == "neg":
        x = draw(tree(depth + 1))
        return _node(f"(-{x.text})", lambda env: np.negative(x.fn(env)), x)
    if kind == "square":
        x = draw(tree(depth + 1))
        return _node(f"({x.text})**2", lambda env: np.power(x.fn(env), 2), x)
    if kind == "func":
        table = draw(st.sampled_from([EXACT_FUNCS, LIBM_FUNCS]))
        name = draw(st.sampled_from(sorted(table)))
        x = draw(tree(depth + 1))
        # Constant arguments are folded at compile time, by NumPy.
        fn = getattr(np, name) if x.folded else table[name]
        return Node(f"{name}({x.text})", lambda env: fn(x.fn(env)),
                    folded=x.folded)
    cmp = draw(st.sampled_from(sorted(COMPARE)))
    p, q = draw(tree(depth + 1)), draw(tree(depth + 1))
    x, y = draw(tree(depth + 1)), draw(tree(depth + 1))
    return Node(
        f"where({p.text} {cmp} {q.text}, {x.text}, {y.text})",
        lambda env: np.where(COMPARE[cmp](p.fn(env), q.fn(env)),
                             x.fn(env), y.fn(env)),
        folded=all(n.folded for n in (p, q, x, y)))


@settings(max_examples=budget(3000))
@given(data=st.data())
def test_evaluate_matches_numpy(data):
    expr = data.draw(tree())
    note(f"expression: {expr.text}")
    n = data.draw(st.sampled_from([1, 7, 1000, 50_001]))
    env = {}
    for name in "abc":
        dtype = data.draw(st.sampled_from(VAR_DTYPES))
        env[name] = data.draw(arrays(dtype, (n,), edge_prob=0.1))
    with np.errstate(all="ignore"):
        try:
            expected = np.asarray(expr.fn(env))
        except ZeroDivisionError:  # Python arithmetic on literals
            with pytest.raises(ZeroDivisionError):
                pelx.evaluate(expr.text, local_dict=env)
            return
        if expected.ndim == 0:  # a constant-only tree
            expected = np.broadcast_to(expected, (n,))
        got = pelx.evaluate(expr.text, local_dict=env)
    got = np.broadcast_to(got, expected.shape)
    assert_exact(got, expected, context=expr.text)
