"""Hostile and malformed input to evaluate(): always a clean exception, never
code execution, never a crash."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import pelx
from pelx_strategies import budget

A = np.arange(5.0)

HOSTILE = [
    "__import__('os').system('touch /tmp/pelx_pwned')",
    "a.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "a.__class__.__mro__",
    "exec('1')", "eval('1')", "compile('1','','eval')",
    "open('/etc/passwd')", "getattr(a, 'shape')", "globals()", "locals()",
    "lambda: 1", "[x for x in a]", "{1: 2}", "a[0]", "a[::-1]",
    "f'{a}'", "a if a else a", "(yield a)", "await a", "a := 1",
    "import os", "a; a", "del a", "a = 1", "*a", "**a", "sin(x=a)",
    "sin(*a)", "__builtins__", "a.real.__class__", "sin.__globals__",
    "a.__class__", "a.imag.conjugate()", "'\u00e9'", "...", "None",
    "a @ a", "a and a", "not a",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_expressions_are_refused(text):
    with pytest.raises((SyntaxError, NameError, TypeError, ValueError,
                        KeyError, NotImplementedError)):
        pelx.evaluate(text, local_dict={"a": A})
    assert not os.path.exists("/tmp/pelx_pwned")


@pytest.mark.parametrize("text", ["(" * 10_000 + "a" + ")" * 10_000,
                                  "+".join(["a"] * 100_000),
                                  "-" * 100_000 + "a",
                                  "sin(" * 5_000 + "a" + ")" * 5_000],
                         ids=["deep-parens", "long-sum", "many-unary",
                              "deep-calls"])
def test_huge_or_deep_input_is_a_clean_error(text):
    # Run in a subprocess: a crash (stack overflow) must show up as a
    # failed test, not take the test run down.
    script = textwrap.dedent(f"""
        import sys, numpy as np, pelx
        text = sys.stdin.read()
        try:
            pelx.evaluate(text, local_dict={{"a": np.arange(3.0)}})
            print("evaluated")
        except (SyntaxError, ValueError, RecursionError, MemoryError,
                TypeError) as exc:
            print("refused", type(exc).__name__)
    """)
    proc = subprocess.run([sys.executable, "-c", script], input=text,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[0] in ("refused", "evaluated")


ALPHABET = "ab1.()+-*/%<>=!&|~^, _eEjsincoqrtwhlxp[]{}'\"\\:;@#$`\n\t"


@settings(max_examples=budget(4000))
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_random_text_never_crashes(text):
    try:
        pelx.evaluate(text, local_dict={"a": A, "b": A + 1})
    except (SyntaxError, NameError, TypeError, ValueError, KeyError,
            ZeroDivisionError, OverflowError, NotImplementedError,
            FloatingPointError):
        pass


@settings(max_examples=budget(1000))
@given(text=st.text(max_size=40))
def test_arbitrary_unicode_never_crashes(text):
    try:
        pelx.evaluate(text, local_dict={"a": A})
    except (SyntaxError, NameError, TypeError, ValueError, KeyError,
            ZeroDivisionError, OverflowError, NotImplementedError,
            FloatingPointError):
        pass
