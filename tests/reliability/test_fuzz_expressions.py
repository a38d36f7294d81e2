"""Differential fuzzing of pelx.evaluate(): generated expression trees.

Hypothesis builds a random expression tree over three variables of random
dtypes and literal constants. The same tree is rendered twice: as the text
pelx parses, and as a chain of NumPy calls (the oracle). Trees made only of
exact operations must match bit for bit (the engine fuses work, but must keep
NumPy's types and rounding); trees with libm functions must match closely.
"""
import numpy as np
from hypothesis import given, settings, strategies as st

import pelx
from pelx_oracle import assert_close, assert_exact
from pelx_strategies import arrays, budget

BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.true_divide}
COMPARE = {"<": np.less, ">": np.greater, "<=": np.less_equal,
           "==": np.equal, "!=": np.not_equal}
EXACT_FUNCS = {"abs": np.absolute, "sqrt": np.sqrt}
LIBM_FUNCS = {"sin": np.sin, "cos": np.cos, "exp": np.exp, "log": np.log,
              "tanh": np.tanh, "arctan": np.arctan}
VAR_DTYPES = [np.float64, np.float32, np.int64, np.int32]


class Node:
    """An expression: its text and a function computing it with NumPy.

    A subtree of constants only evaluates to a Python scalar, as it would in
    Python source, so it promotes like a literal (NEP 50 weak scalar)."""

    def __init__(self, text, fn, exact, const=False):
        self.text, self.exact, self.const = text, exact, const
        self.fn = (lambda env: np.asarray(fn(env)).item()) if const else fn


def _node(text, fn, exact, *children):
    return Node(text, fn, exact, const=all(c.const for c in children))


@st.composite
def leaf(draw):
    if draw(st.integers(0, 3)) == 0:
        value = draw(st.one_of(st.integers(1, 9),
                               st.sampled_from([0.5, 2.0, 3.25, -1.5, 1e-3])))
        return Node(repr(value), lambda env, v=value: v, True, const=True)
    name = draw(st.sampled_from(["a", "b", "c"]))
    return Node(name, lambda env, n=name: env[n], True)


@st.composite
def tree(draw, depth=0):
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(leaf())
    kind = draw(st.sampled_from(["bin", "bin", "neg", "func", "where",
                                 "square"]))
    if kind == "bin":
        op = draw(st.sampled_from(sorted(BINARY)))
        lhs, rhs = draw(tree(depth + 1)), draw(tree(depth + 1))
        return _node(f"({lhs.text} {op} {rhs.text})",
                     lambda env: BINARY[op](lhs.fn(env), rhs.fn(env)),
                     lhs.exact and rhs.exact, lhs, rhs)
    if kind == "neg":
        x = draw(tree(depth + 1))
        return _node(f"(-{x.text})", lambda env: np.negative(x.fn(env)),
                     x.exact, x)
    if kind == "square":
        x = draw(tree(depth + 1))
        return _node(f"({x.text})**2", lambda env: np.power(x.fn(env), 2),
                     x.exact, x)
    if kind == "func":
        exact = draw(st.booleans())
        table = EXACT_FUNCS if exact else LIBM_FUNCS
        name = draw(st.sampled_from(sorted(table)))
        x = draw(tree(depth + 1))
        return _node(f"{name}({x.text})",
                     lambda env: table[name](x.fn(env)), x.exact and exact, x)
    cmp = draw(st.sampled_from(sorted(COMPARE)))
    p, q = draw(tree(depth + 1)), draw(tree(depth + 1))
    x, y = draw(tree(depth + 1)), draw(tree(depth + 1))
    return _node(
        f"where({p.text} {cmp} {q.text}, {x.text}, {y.text})",
        lambda env: np.where(COMPARE[cmp](p.fn(env), q.fn(env)),
                             x.fn(env), y.fn(env)),
        p.exact and q.exact and x.exact and y.exact, p, q, x, y)


@settings(max_examples=budget(3000))
@given(data=st.data())
def test_evaluate_matches_numpy(data):
    expr = data.draw(tree())
    n = data.draw(st.sampled_from([1, 7, 1000, 50_001]))
    env = {}
    for name in "abc":
        dtype = data.draw(st.sampled_from(VAR_DTYPES))
        env[name] = data.draw(arrays(dtype, (n,), edge_prob=0.1))
    with np.errstate(all="ignore"):
        expected = np.asarray(expr.fn(env))
        if expected.ndim == 0:  # a constant-only tree
            expected = np.broadcast_to(expected, (n,))
        got = pelx.evaluate(expr.text, local_dict=env)
    got = np.broadcast_to(got, expected.shape)
    if expr.exact:
        assert_exact(got, expected, context=expr.text)
    else:
        assert_close(got, expected, context=expr.text,
                     rtol=1e-4 if expected.dtype == np.float32 else 1e-9)
