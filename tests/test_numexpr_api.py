"""numexpr's API on pelx (``import pelx as ne``): evaluate's keywords,
validate / re_evaluate, NumExpr.run, bytes, the numexpr-only syntax, the
exception types, the thread environment and the VML no-ops. Each checked
against real numexpr where numexpr defines the answer."""
import os
import subprocess
import sys

import numpy as np
import pytest

import pelx

numexpr = pytest.importorskip("numexpr")


# ---- evaluate's keywords -----------------------------------------------------

@pytest.mark.parametrize("opt", ["none", "moderate", "aggressive"])
@pytest.mark.parametrize("truediv", [False, True, "auto"])
def test_compiler_options_are_accepted(opt, truediv):
    x = np.arange(10, dtype="i4")
    got = pelx.evaluate("x/2", optimization=opt, truediv=truediv)
    np.testing.assert_array_equal(got, numexpr.evaluate(
        "x/2", optimization=opt, truediv=truediv))
    np.testing.assert_array_equal(got, x / 2)


@pytest.mark.parametrize("kwargs", [{"optimization": "max"},
                                    {"truediv": "yes"}, {"optimisation": 1}])
def test_bad_options_are_refused_as_numexpr(kwargs):
    a = np.arange(3.0)
    with pytest.raises(ValueError):
        numexpr.evaluate("a+1", **kwargs)
    with pytest.raises(ValueError, match="optimi|truediv"):
        pelx.evaluate("a+1", **kwargs)


def test_sanitize_changes_nothing_and_is_checked(monkeypatch):
    a = np.arange(3.0)
    for sanitize in (True, False, None):
        np.testing.assert_array_equal(pelx.evaluate("a*2", sanitize=sanitize),
                                      a * 2)
        # sanitize=False does not open anything: the text is never run
        with pytest.raises(SyntaxError):
            pelx.evaluate("__import__('os').getcwd()", sanitize=sanitize)
    monkeypatch.setenv("NUMEXPR_SANITIZE", "0")
    with pytest.raises(SyntaxError):
        pelx.evaluate("import os;")
    with pytest.raises(TypeError, match="sanitize"):
        pelx.evaluate("a", sanitize="no")


def test_default_casting_is_same_kind_as_numexpr():
    a = np.arange(5.0)
    o1, o2 = np.empty(5, np.float32), np.empty(5, np.float32)
    numexpr.evaluate("a*2", out=o1)
    pelx.evaluate("a*2", out=o2)
    np.testing.assert_array_equal(o1, o2)
    with pytest.raises(TypeError):
        pelx.evaluate("a*2", out=np.empty(5, np.int32))


def test_disable_cache_is_not_recorded():
    a = np.arange(4.0)
    pelx.evaluate("a + 1")
    np.testing.assert_array_equal(pelx.evaluate("a * 3", disable_cache=True),
                                  a * 3)
    np.testing.assert_array_equal(pelx.re_evaluate(), a + 1)


# ---- validate, re_evaluate, NumExpr.run ---------------------------------------

def test_validate_returns_the_error_and_records_the_call():
    a, b = np.arange(3.0), np.ones(3)
    assert isinstance(pelx.validate("2*a + 3*b*c"), KeyError)
    assert isinstance(pelx.validate("2*a + 3*b*c"), NameError)
    assert isinstance(pelx.validate("2*a +"), SyntaxError)
    assert isinstance(pelx.validate("a", out=[1.0]), TypeError)
    assert isinstance(pelx.validate("a*2", out=np.empty(3, np.float32)),
                      TypeError)  # validate's casting is 'safe', numexpr's
    assert pelx.validate("2*a + 3*b") is None
    np.testing.assert_array_equal(pelx.re_evaluate(), 2 * a + 3 * b)


def test_re_evaluate_writes_into_the_previous_out():
    a = np.arange(4.0)
    out = np.zeros(4)
    pelx.evaluate("a * 2", out=out)
    a = np.full(4, 10.0)  # noqa: F841 - read by re_evaluate from this frame
    r = pelx.re_evaluate()
    assert r is out
    np.testing.assert_array_equal(out, np.full(4, 20.0))


def test_numexpr_object_run():
    a, b = np.arange(3.0), np.arange(3.0) + 1
    f = pelx.NumExpr("2*a+3*b", [("a", np.float64), ("b", np.float64)],
                     optimization="moderate")
    np.testing.assert_array_equal(f.run(a, b), f(a, b))
    np.testing.assert_array_equal(pelx.NumExpr("a+1", ())(a), a + 1)
    with pytest.raises(ValueError):
        pelx.NumExpr("a+1", optimization="fast")


# ---- syntax: bytes, .real/.imag, axis=None, round ------------------------------

BYTES = [
    ("contains(h, b'ab')", {"h": np.array([b"abc", b"xab", b"b", b""])}),
    ("contains(b'abcd', h)", {"h": np.array([b"abc", b"bd", b"", b"d"])}),
    ("contains(h, n)", {"h": np.array([b"abc", b"def"]),
                        "n": np.array([b"c", b"x"])}),
    ("h >= b'b'", {"h": np.array([b"a", b"b", b"bb", b""])}),
    ("(h == b'') & (n == b'x')", {"h": np.array([b"", b"p"]),
                                  "n": np.array([b"x", b"x"])}),
    ("s1 == s2", {"s1": b"foo", "s2": b"foo\0\0"}),
    ("h == 'b:'", {"h": np.array([b"a", b"b:"])}),
    ("h", {"h": np.array([b"\0foo\0", b"x"])}),
    ("contains(h, n)", {"h": [b"It was", b"the"], "n": [b"was", b"x"]}),
]


@pytest.mark.parametrize("ex, names", BYTES)
def test_bytes_as_numexpr(ex, names):
    want = numexpr.evaluate(ex, local_dict=dict(names))
    got = pelx.evaluate(ex, local_dict=dict(names))
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("ex, opcode", [("h + h", "add_sss"),
                                        ("h >= n", "ge_bsi")])
def test_other_operations_on_bytes_name_numexpr_opcode(ex, opcode):
    names = {"h": np.array([b"a", b"b"]), "n": np.arange(2, dtype="i4")}
    with pytest.raises(NotImplementedError, match=f"'{opcode}'"):
        numexpr.evaluate(ex, local_dict=names)
    with pytest.raises(NotImplementedError, match=f"'{opcode}'"):
        pelx.evaluate(ex, local_dict=names)


def test_str_arrays_are_refused():
    with pytest.raises(ValueError, match="bytes"):
        pelx.evaluate("u == b'a'", local_dict={"u": np.array(["a", "b"])})


def test_real_imag_selectors():
    c = np.array([1 + 2j, 3 - 4j])
    for ex in ("c.real", "c.imag", "c.real * 2 + c.imag", "(c*c).imag"):
        want = numexpr.evaluate(ex)
        got = pelx.evaluate(ex)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("r", ["sum", "prod", "min", "max"])
def test_axis_none(r):
    y = np.arange(12.0).reshape(3, 4) + 1
    want = numexpr.evaluate(f"{r}(y, axis=None)")
    got = pelx.evaluate(f"{r}(y, axis=None)")
    assert got.shape == want.shape == ()
    np.testing.assert_array_equal(got, pelx.evaluate(f"{r}(y)"))
    assert got == want


def test_round_keeps_integers():
    a = np.array([2**62 + 1, -3], dtype=np.int64)
    got = pelx.evaluate("round(a)")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, a)
    f = np.array([0.5, 1.5, -2.5, 2.4])
    np.testing.assert_array_equal(pelx.evaluate("round(f)"), np.rint(f))


# ---- numexpr's exception types --------------------------------------------------

@pytest.mark.parametrize("ex, exc", [
    ("__builtins__", ValueError), ("lambda x: x", ValueError),
    ("locals()['a']", ValueError), ("import os;", ValueError),
    ("os. cpu_count()", ValueError), ("a < [0, 0, 0]", ValueError),
    ("a and a", TypeError), ("a or a", TypeError),
])
def test_exception_types_are_numexpr_s(ex, exc):
    a = np.arange(3)
    with pytest.raises(exc):
        numexpr.evaluate(ex)
    with pytest.raises(exc) as info:
        pelx.evaluate(ex)
    assert isinstance(info.value, SyntaxError)  # and pelx's, with the column
    assert "column" in str(info.value)


# ---- threads and environment ---------------------------------------------------

def test_thread_names():
    assert pelx.nthreads == pelx.get_num_threads()
    with pelx.threads(1):
        assert pelx.nthreads == 1
    assert pelx.ncores == pelx.detect_number_of_cores()
    assert 1 <= pelx.get_num_threads() <= pelx.MAX_THREADS


def _threads_in_child(env):
    full = {k: v for k, v in os.environ.items()
            if k not in ("PELX_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                         "OMP_NUM_THREADS", "NUMEXPR_MAX_THREADS")}
    full.update(env)
    res = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c",
         "import pelx; print(pelx.nthreads, pelx.MAX_THREADS)"],
        env=full, capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        return res.stderr.strip().splitlines()[-1]
    return tuple(int(v) for v in res.stdout.split())


def test_environment_precedence():
    cpus = pelx.detect_number_of_cores()
    assert _threads_in_child({"NUMEXPR_NUM_THREADS": "3",
                              "OMP_NUM_THREADS": "5"}) == (3, 256)
    assert _threads_in_child({"OMP_NUM_THREADS": "5"}) == (5, 256)
    assert _threads_in_child({"OMP_NUM_THREADS": ""}) == (cpus, 256)
    assert _threads_in_child({"PELX_NUM_THREADS": "2",
                              "NUMEXPR_NUM_THREADS": "3"}) == (2, 256)
    assert _threads_in_child({"NUMEXPR_MAX_THREADS": "1",
                              "OMP_NUM_THREADS": "4"}) == (1, 1)
    assert "NUMEXPR_NUM_THREADS" in _threads_in_child(
        {"NUMEXPR_NUM_THREADS": "many"})


def test_vml_functions_are_no_ops():
    assert pelx.use_vml is False
    assert pelx.get_vml_version() is None
    assert pelx.set_vml_accuracy_mode("high") is None
    with pytest.raises(ValueError):
        pelx.set_vml_accuracy_mode("best")
    assert pelx.set_vml_num_threads(3) is None
    assert pelx.get_vml_num_threads() is None


def test_print_versions(capsys):
    pelx.print_versions()
    out = capsys.readouterr().out
    assert pelx.__version__ in out and np.__version__ in out
