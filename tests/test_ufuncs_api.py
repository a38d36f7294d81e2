"""The public surface: names, signatures, docstrings, concurrent callers."""
import inspect
import threading

import numpy as np
import pytest

import pelx
from test_ufuncs_helpers import FUNCS

NAMES = [f[0] for f in FUNCS] + ["divide", "mod", "abs", "clip", "where"]


@pytest.mark.parametrize("name", NAMES)
def test_exported_with_signature_and_numpydoc(name):
    fn = getattr(pelx, name)
    assert name in pelx._ufuncs.__all__
    doc = inspect.getdoc(fn)
    for section in ("Parameters\n----------", "Returns\n-------",
                    "See Also\n--------"):
        assert section in doc, (name, section)
    params = inspect.signature(fn).parameters
    if name not in ("clip", "where"):
        nin = pelx._core.ufunc_ops[fn.__name__][1]
        assert list(params)[:nin + 1][-1] == "out"
        for kw, default in [("where", True), ("casting", "same_kind"),
                            ("order", "K"), ("dtype", None)]:
            assert params[kw].default == default
            assert params[kw].kind is inspect.Parameter.KEYWORD_ONLY


def test_aliases_are_the_same_functions():
    assert pelx.divide is pelx.true_divide
    assert pelx.mod is pelx.remainder
    assert pelx.abs is pelx.absolute


def test_concurrent_python_threads_get_correct_results():
    rng = np.random.default_rng(5)
    data = [rng.standard_normal(200_000 + 1000 * i) for i in range(6)]
    # Reference: the same calls made one at a time (bit-identical expected;
    # NumPy's exp may differ by an ULP, which exp(d) + d can magnify).
    expected = [pelx.add(pelx.exp(d), d) for d in data]
    np.testing.assert_allclose(expected[0], np.exp(data[0]) + data[0],
                               rtol=1e-12, atol=1e-15)
    results = [None] * len(data)
    errors = []

    def work(i):
        try:
            for _ in range(5):
                results[i] = pelx.add(pelx.exp(data[i]), data[i])
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,))
               for i in range(len(data))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for r, e in zip(results, expected):
        np.testing.assert_array_equal(r, e)


@pytest.mark.parametrize("code", ["q", "Q"])
def test_longlong_arrays_and_out(code):
    """longlong/ulonglong (int64/uint64 under another type number on LP64
    systems): values, out= of either spelling is written and returned."""
    a = np.arange(-5 if code == "q" else 0, 1000, dtype=code)
    want = np.add(a, a)
    for out_code in (code, code.lower() if code == "q" else "L"):
        out = np.empty(a.shape, out_code)
        for _ in range(2):  # the first call fills the fast path's table
            assert pelx.add(a, a, out=out) is out
            np.testing.assert_array_equal(out, want)
    assert pelx.add(a, a).dtype == want.dtype
