"""Safe parsing of expression text into a small tree.

The text goes through :func:`ast.parse` (``mode='eval'``), never ``eval``,
``exec`` or ``compile``; the resulting syntax tree is then checked against a
whitelist of node types, operators and function names and turned into
tuples:

``('var', name)``
    an array (or scalar) looked up by name at call time;
``('const', value)``
    a Python ``bool``, ``int``, ``float``, ``complex`` or ``bytes`` literal
    (a ``str`` literal becomes ASCII ``bytes``, as in numexpr);
``('op', name, (args...))``
    an elementwise operation; ``name`` is a NumPy ufunc name (``'add'``,
    ``'sin'``, ...) or one of ``'where'``, ``'real'``, ``'imag'``,
    ``'complex'``, ``'ones_like'``, ``'round'``, ``'contains'``;
``('reduce', kind, arg, axis)``
    a reduction (``'sum'``, ``'prod'``, ``'min'``, ``'max'``, ``'mean'``,
    ``'nansum'``, ``'nanmin'``, ``'nanmax'``,
    ``'any'``, ``'all'``), allowed only as the outermost operation.
"""
import ast

__all__ = ["parse", "ExpressionError", "FUNCTIONS", "REDUCTIONS",
           "MAX_LENGTH", "MAX_DEPTH"]


class ExpressionError(SyntaxError, ValueError):
    """Expression text outside the language (malformed, or a construct it
    does not have: attributes but ``.real``/``.imag``, subscripts, lambdas,
    ``;``, dunder names, lists, ...). A SyntaxError with the column, and a
    ValueError as numexpr raises for such text."""


class OperatorError(ExpressionError, TypeError):
    """``and``/``or``/``not`` (numexpr raises TypeError for them)."""

#: Longest expression text accepted (characters).
MAX_LENGTH = 20_000
#: Deepest nesting of operations accepted; deeper trees are refused before
#: anything recursive walks them (Python's own parser stops near 200 nested
#: parentheses, unary chains can go deeper).
MAX_DEPTH = 100
#: Most syntax nodes accepted.
MAX_NODES = 20_000

_BINOPS = {
    ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply",
    ast.Div: "true_divide", ast.FloorDiv: "floor_divide",
    ast.Mod: "remainder", ast.Pow: "power",
    ast.BitAnd: "bitwise_and", ast.BitOr: "bitwise_or",
    ast.BitXor: "bitwise_xor", ast.LShift: "left_shift",
    ast.RShift: "right_shift",
}
_UNARYOPS = {ast.USub: "negative", ast.UAdd: "positive", ast.Invert: "invert"}
_COMPARE = {
    ast.Eq: "equal", ast.NotEq: "not_equal", ast.Lt: "less",
    ast.LtE: "less_equal", ast.Gt: "greater", ast.GtE: "greater_equal",
}

#: Function name -> (operation, number of arguments). numexpr's functions
#: plus the NumPy math functions of pelx's elementwise layer.
FUNCTIONS = {
    **{n: (n, 1) for n in (
        "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10",
        "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh",
        "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "floor", "ceil",
        "trunc", "rint", "isnan", "isinf", "isfinite", "sign", "signbit",
        "square", "reciprocal", "absolute", "conjugate", "real", "imag",
        "ones_like", "copy")},
    "abs": ("absolute", 1),
    "conj": ("conjugate", 1),
    "round": ("round", 1),
    "contains": ("contains", 2),
    **{n: (n, 2) for n in (
        "arctan2", "hypot", "fmod", "copysign", "nextafter", "maximum",
        "minimum", "fmax", "fmin", "complex")},
    "where": ("where", 3),
}

#: Reductions, allowed as the outermost operation, with an optional axis.
REDUCTIONS = ("sum", "prod", "min", "max", "mean", "any", "all", "nansum",
              "nanmin", "nanmax")


def _refuse(node, text_offset, what, exc=ExpressionError):
    col = getattr(node, "col_offset", 0) + text_offset
    if issubclass(exc, SyntaxError):
        raise exc(f"{what} (at column {col + 1})",
                  ("<expression>", 1, col + 1, None))
    raise exc(f"{what} (at column {col + 1})")


def _check_size(tree, offset):
    """Iterative walk: refuses too deep or too large trees before any
    recursive code sees them."""
    stack = [(tree, 0)]
    count = 0
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH or count > MAX_NODES:
            raise ExpressionError(
                f"expression too complex: nesting deeper than {MAX_DEPTH} "
                f"or more than {MAX_NODES} elements")
        for child in ast.iter_child_nodes(node):
            stack.append((child, depth + 1))


def parse(text):
    """Parse and check expression `text`; return the tree (see module doc).

    Raises
    ------
    TypeError
        `text` is not a string, or a literal of an unsupported type (str,
        bytes, None, ...).
    ExpressionError
        (a SyntaxError and a ValueError) Malformed text, or a construct
        outside the expression language (attributes, subscripts, lambdas,
        comprehensions, ...); the message gives the column. Its subclass
        OperatorError (also a TypeError) for ``and``, ``or``, ``not``.
    NameError
        A call to a function the language does not have.
    """
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long: {len(text)} characters "
                          f"(at most {MAX_LENGTH})")
    stripped = text.lstrip()
    offset = len(text) - len(stripped)
    if not stripped.strip():
        raise ExpressionError("empty expression")
    try:
        tree = ast.parse(stripped, mode="eval")
    except SyntaxError as e:
        col = (e.offset or 1) + offset
        raise ExpressionError(f"invalid expression at column {col}: {e.msg}",
                          ("<expression>", 1, col, text)) from None
    except (MemoryError, RecursionError, ValueError) as e:
        raise ExpressionError(f"expression too complex or invalid: "
                          f"{type(e).__name__}: {e}") from None
    _check_size(tree, offset)
    body = tree.body
    if isinstance(body, ast.Call) and isinstance(body.func, ast.Name) \
            and body.func.id in REDUCTIONS:
        return _reduction(body, offset)
    return _convert(body, offset)


def _reduction(node, offset):
    kind = node.func.id
    axis = None
    args = list(node.args)
    if len(args) == 2:
        axis = _axis(args.pop(), offset)
    for kw in node.keywords:
        if kw.arg != "axis" or len(node.args) == 2:
            _refuse(kw, offset, f"{kind}() takes one argument and an "
                    f"optional axis=")
        axis = _axis(kw.value, offset)
    if len(args) != 1:
        _refuse(node, offset, f"{kind}() takes one argument and an optional "
                "axis")
    return ("reduce", kind, _convert(args[0], offset), axis)


def _axis(node, offset):
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if type(value) is int:
            return -value
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    _refuse(node, offset, "axis must be an integer literal or None")


def _convert(node, offset):
    if isinstance(node, ast.BinOp):
        op = _BINOPS.get(type(node.op))
        if op is None:
            _refuse(node, offset, f"operator {type(node.op).__name__} is not "
                    "supported")
        return ("op", op, (_convert(node.left, offset),
                           _convert(node.right, offset)))
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            _refuse(node, offset, "'not' is not supported: use ~ for "
                    "elementwise negation", OperatorError)
        return ("op", _UNARYOPS[type(node.op)],
                (_convert(node.operand, offset),))
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            _refuse(node, offset, "chained comparisons are not supported: "
                    "write (a < b) & (b < c)")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            _refuse(node, offset, f"comparison {type(node.ops[0]).__name__} "
                    "is not supported (use == != < <= > >=)")
        return ("op", op, (_convert(node.left, offset),
                           _convert(node.comparators[0], offset)))
    if isinstance(node, ast.BoolOp):
        _refuse(node, offset, "'and'/'or' are not supported: use & and | "
                "for elementwise logic", OperatorError)
    if isinstance(node, ast.Name):
        # Python's special names (__builtins__, __class__, ...) are
        # refused, as numexpr refuses them; other names with leading
        # underscores are plain variables (pandas passes @x as
        # __pd_eval_local_x).
        if node.id.startswith("__") and node.id.endswith("__"):
            _refuse(node, offset, f"name {node.id!r} is not allowed")
        return ("var", node.id)
    if isinstance(node, ast.Constant):
        value = node.value
        if type(value) in (bool, int, float, complex, bytes):
            return ("const", value)
        if type(value) is str:
            try:
                return ("const", value.encode("ascii"))
            except UnicodeEncodeError:
                _refuse(node, offset, "string literals must be ASCII "
                        "(they become bytes)")
        _refuse(node, offset, f"literal of type {type(value).__name__} is "
                "not supported (only bool, int, float, complex, bytes)",
                TypeError)
    if isinstance(node, ast.Attribute) and node.attr in ("real", "imag"):
        return ("op", node.attr, (_convert(node.value, offset),))
    if isinstance(node, ast.Call):
        return _call(node, offset)
    what = {
        ast.Attribute: "attribute access", ast.Subscript: "subscripts",
        ast.Lambda: "lambda", ast.JoinedStr: "f-strings",
        ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
        ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
        ast.IfExp: "conditional expressions (use where(c, a, b))",
        ast.NamedExpr: "assignment expressions",
        ast.Starred: "starred arguments",
    }.get(type(node), type(node).__name__)
    _refuse(node, offset, f"{what} not allowed in expressions")


def _call(node, offset):
    func = node.func
    if not isinstance(func, ast.Name):
        _refuse(node, offset, "only calls of the supported functions by "
                "name are allowed")
    name = func.id
    if name in REDUCTIONS:
        _refuse(node, offset, f"reduction {name}() must be the outermost "
                "operation")
    if name.startswith("__") or name not in FUNCTIONS:
        _refuse(node, offset, f"unknown function {name!r}; supported: "
                f"{', '.join(sorted(FUNCTIONS))} and reductions "
                f"{', '.join(REDUCTIONS)}", NameError)
    op, nargs = FUNCTIONS[name]
    if node.keywords or len(node.args) != nargs or \
            any(isinstance(a, ast.Starred) for a in node.args):
        _refuse(node, offset, f"{name}() takes exactly {nargs} positional "
                f"argument{'s' if nargs > 1 else ''}", TypeError)
    return ("op", op, tuple(_convert(a, offset) for a in node.args))
