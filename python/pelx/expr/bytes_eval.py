"""Expressions over bytes: NumPy ``S`` arrays and bytes literals.

The VM has no string type. An expression with a bytes operand (a variable
of dtype ``S``, or a literal) is evaluated here, with NumPy, operation by
operation: comparisons of bytes with bytes (NumPy's order: byte-wise,
trailing NUL bytes ignored), ``contains(haystack, needle)``, and the
operations on their boolean results (``& | ^ ~``, ``where``). Any
other operation on bytes raises numexpr's NotImplementedError, which names
the missing opcode (``'add_sss'``: add, bytes result, two bytes arguments).
"""
import numpy as np

__all__ = ["BytesLiteral", "evaluate_bytes"]

_COMPARISONS = {"equal": "eq", "not_equal": "ne", "less": "lt",
                "less_equal": "le", "greater": "gt", "greater_equal": "ge"}
# numexpr's opcode names of the other operations, for the error message
_OPCODES = {"add": "add", "subtract": "sub", "multiply": "mul",
            "true_divide": "div", "floor_divide": "div", "remainder": "mod",
            "power": "pow", "negative": "neg"}


class BytesLiteral(Exception):
    """Raised by the compiler for a bytes literal: the expression is run
    here instead."""


def _code(v):
    """numexpr's type letter of value v."""
    dt = np.asarray(v).dtype
    if dt.kind == "S":
        return "s"
    if dt.kind == "b":
        return "b"
    if dt.kind in "iu":
        return "i" if dt.itemsize <= 4 else "l"
    if dt.kind == "f":
        return "f" if dt.itemsize <= 4 else "d"
    return "c"


def _missing(name, args, result):
    op = _OPCODES.get(name, _COMPARISONS.get(name, name))
    code = f"{op}_{result}{''.join(_code(a) for a in args)}"
    raise NotImplementedError(f"couldn't find matching opcode for '{code}'")


def _contains(haystack, needle):
    h, n = np.asarray(haystack), np.asarray(needle)
    if h.dtype.kind != "S" or n.dtype.kind != "S":
        _missing("contains", (h, n), "b")
    return np.strings.find(h, n) != -1


def _eval(node, values):
    tag = node[0]
    if tag == "var":
        v = values[node[1]]
        return np.asarray(v) if isinstance(v, (bytes, np.bytes_, list, tuple)) else v
    if tag == "const":
        return np.bytes_(node[1]) if type(node[1]) is bytes else node[1]
    if tag == "reduce":
        raise NotImplementedError("reductions of bytes are not supported")
    _, name, children = node
    args = [_eval(c, values) for c in children]
    kinds = [np.asarray(a).dtype.kind for a in args]
    if name == "contains":
        return _contains(*args)
    if name in _COMPARISONS:
        if (kinds[0] == "S") != (kinds[1] == "S"):
            _missing(name, args, "b")
        return getattr(np, name)(*args)
    if "S" in kinds and not (name == "copy" or
                             name == "where" and kinds[0] != "S"):
        _missing(name, args, "s")
    if name == "copy":
        return np.array(args[0])
    if name == "where":
        return np.where(*args)
    # numbers and the booleans of comparisons: NumPy's function of the name
    fn = getattr(np, name, None)
    if fn is None:
        raise NotImplementedError(f"{name}() in an expression with bytes is "
                                  "not supported")
    return fn(*args)


def evaluate_bytes(tree, values):
    """The value of parsed `tree` with variables `values`, as an ndarray."""
    return np.asarray(_eval(tree, values))
