"""pelx.expr — numexpr-compatible fused expressions.

``evaluate("2*a + 3*b")`` parses the text safely (``ast`` plus a
whitelist), compiles it for the operands' dtypes (NumPy promotion, constant
folding, common subexpressions, reused block-sized temporaries) and runs
the bytecode in C, one cache-sized block per worker at a time, with the
GIL released.
"""
from .api import NumExpr, evaluate, re_evaluate, validate
from .parser import ExpressionError

__all__ = ["evaluate", "validate", "re_evaluate", "NumExpr", "ExpressionError"]
