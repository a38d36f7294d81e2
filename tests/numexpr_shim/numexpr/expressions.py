"""``numexpr.expressions``: only the name numexpr's test file imports."""
from numexpr import _numexpr_internal as ConstantNode  # noqa: F401
