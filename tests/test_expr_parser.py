"""The expression parser: what it accepts, what it refuses and how."""
import numpy as np
import pytest

import pelx
from pelx.expr.parser import MAX_LENGTH, parse

a = np.arange(4.0)


@pytest.mark.parametrize("text, tree", [
    ("a*b+c", ("op", "add", (("op", "multiply", (("var", "a"), ("var", "b"))),
                             ("var", "c")))),
    ("-a", ("op", "negative", (("var", "a"),))),
    ("~m", ("op", "invert", (("var", "m"),))),
    ("abs(x)", ("op", "absolute", (("var", "x"),))),
    ("  a", ("var", "a")),
    ("sum(a, axis=1)", ("reduce", "sum", ("var", "a"), 1)),
    ("max(a, -1)", ("reduce", "max", ("var", "a"), -1)),
    ("2.5j", ("const", 2.5j)),
])
def test_accepted(text, tree):
    assert parse(text) == tree


SECURITY = [
    "__import__('os')",
    "__import__('os').system('true')",
    "a.__class__",
    "().__class__.__bases__",
    "a.sum()",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "getattr(a, 'x')",
    "lambda: 1",
    "a[0]",
    "a[::2]",
    "[x for x in a]",
    "{x for x in a}",
    "(x for x in a)",
    "f'{a}'",
    "__builtins__",
    "a if b else c",
    "(y := a)",
    "sin(*a)",
    "sin(x=a)",
    "a and b",
    "not a",
    "a < b < c",
    "a is b",
    "a in b",
    "'t\u00e9xt'",
    "None",
    "...",
    "sum(sum(a))",
    "sin(sum(a))",
]


@pytest.mark.parametrize("text", SECURITY)
def test_refused(text):
    with pytest.raises((SyntaxError, NameError, TypeError)) as info:
        pelx.evaluate(text, local_dict={"a": a, "b": a, "c": a})
    assert str(info.value)  # says what was wrong


def test_refusal_kinds():
    with pytest.raises(NameError, match="unknown function 'foo'"):
        parse("foo(a)")
    with pytest.raises(NameError, match="__import__"):
        parse("__import__('os')")
    with pytest.raises(SyntaxError, match="attribute access"):
        parse("a.__class__")
    with pytest.raises(TypeError, match="NoneType"):
        parse("None + a")
    with pytest.raises(ValueError, match="ASCII"):  # str literals are bytes
        parse("'\u00e9' + a")
    assert parse("'x' + a") == ("op", "add", (("const", b"x"), ("var", "a")))
    with pytest.raises(TypeError, match="and"):  # numexpr's TypeError
        parse("a and b")
    with pytest.raises(TypeError, match="exactly 2"):
        parse("arctan2(a)")


def test_malformed_reports_position():
    with pytest.raises(SyntaxError) as info:
        parse("a + * b")
    assert "column" in str(info.value)
    assert info.value.offset is not None and info.value.offset >= 1
    with pytest.raises(SyntaxError, match="column 3"):
        parse("a $ b")


@pytest.mark.parametrize("text", [
    "-" * 30000 + "a",
    "a+" * 6000 + "a",
    "(" * 1000 + "a" + ")" * 1000,
    "a**" * 5000 + "a",
    "sin(" * 150 + "a" + ")" * 150,
    "~" * 150 + "a",
    "x" * (MAX_LENGTH + 1),
    "",
    "   ",
    "9**9**9**9",
    "1 << 100000",
])
def test_too_big_or_empty_is_a_clean_error(text):
    with pytest.raises((SyntaxError, OverflowError, ValueError)):
        pelx.evaluate(text, local_dict={"a": a, "x" * (MAX_LENGTH + 1): a})


def test_not_a_string():
    with pytest.raises(TypeError, match="str"):
        pelx.evaluate(b"a+1", local_dict={"a": a})


def test_unknown_variable_is_name_error():
    with pytest.raises(NameError, match="'zz'"):
        pelx.evaluate("a + zz", local_dict={"a": a}, global_dict={})


@pytest.mark.parametrize("dtype", [object, "datetime64[s]",
                                   "timedelta64[s]"])
def test_unsupported_dtype_is_type_error(dtype):
    x = np.zeros(3, dtype=dtype)
    with pytest.raises(TypeError, match="dtype"):
        pelx.evaluate("x + x", local_dict={"x": x})


def test_text_dtypes_are_numexpr_s():
    # str arrays: numexpr's ValueError; bytes: only comparisons and
    # contains(), other operations numexpr's NotImplementedError
    with pytest.raises(ValueError, match="dtype <U3"):
        pelx.evaluate("x + x", local_dict={"x": np.zeros(3, "U3")})
    with pytest.raises(NotImplementedError, match="'add_sss'"):
        pelx.evaluate("x + x", local_dict={"x": np.zeros(3, "S3")})


def test_leading_underscore_names_are_variables():
    """pandas passes df.eval("b * @x") as "b * __pd_eval_local_x"; numexpr
    accepts such names and refuses only Python's __special__ ones."""
    assert parse("__pd_eval_local_x * b") == (
        "op", "multiply", (("var", "__pd_eval_local_x"), ("var", "b")))
    x = np.arange(5.0)
    got = pelx.evaluate("b * __pd_eval_local_x",
                        local_dict={"b": x, "__pd_eval_local_x": 2.0})
    np.testing.assert_array_equal(got, x * 2.0)
    for text in ("__class__", "__x__ + 1", "a + __dict__"):
        with pytest.raises(Exception, match="not allowed"):
            parse(text)
