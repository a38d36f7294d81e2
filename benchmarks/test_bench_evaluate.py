"""evaluate(): pelx vs numexpr vs NumPy on 2**24 float64 elements.

numexpr runs with the same number of threads as pelx. pelx and numexpr
write into a preallocated out= array; NumPy evaluates the expression as
written (with its temporaries), which is what numexpr users replace.

    PYTHONPATH=python python -m pytest benchmarks/test_bench_evaluate.py \
        --benchmark-group-by=group --benchmark-columns=median,iqr,rounds
"""
import numpy as np
import pytest

import pelx

numexpr = pytest.importorskip("numexpr")

N = 1 << 24

EXPRESSIONS = {
    "a*b+c": lambda a, b, c: a * b + c,
    "2*a+3*b": lambda a, b, c: 2 * a + 3 * b,
    "sin(a)**2+cos(b)**2": lambda a, b, c: np.sin(a) ** 2 + np.cos(b) ** 2,
    "where(a>0.5, a*b, c)": lambda a, b, c: np.where(a > 0.5, a * b, c),
    "a**5 + 3*a**2": lambda a, b, c: a ** 5 + 3 * a ** 2,
}


def pelx_threads():
    get = getattr(pelx, "get_num_threads", None)
    return get() if get else pelx._core.vm_job_slots()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    a, b, c = (rng.uniform(0, 1, N) for _ in range(3))
    return {"a": a, "b": b, "c": c, "out": np.empty(N)}


@pytest.fixture(scope="module", autouse=True)
def same_threads():
    old = numexpr.set_num_threads(pelx_threads())
    yield
    numexpr.set_num_threads(old)


@pytest.mark.parametrize("engine", ["pelx", "numexpr", "numpy"])
@pytest.mark.parametrize("ex", list(EXPRESSIONS))
def test_evaluate(benchmark, data, ex, engine):
    benchmark.group = f"{ex} ({pelx_threads()} threads)"
    benchmark.extra_info["threads"] = pelx_threads()
    d = {k: data[k] for k in "abc"}
    out = data["out"]
    if engine == "pelx":
        run = lambda: pelx.evaluate(ex, local_dict=d, out=out)  # noqa: E731
    elif engine == "numexpr":
        run = lambda: numexpr.evaluate(ex, local_dict=d, out=out)  # noqa
    else:
        fn = EXPRESSIONS[ex]
        run = lambda: fn(**d)  # noqa: E731
    # 15 rounds: medians of memory-bound cases settle on a shared machine
    result = benchmark.pedantic(run, rounds=15, warmup_rounds=1)
    # the timed result is right
    want = EXPRESSIONS[ex](data["a"][:1000], data["b"][:1000],
                           data["c"][:1000])
    np.testing.assert_allclose(np.asarray(result)[:1000], want, rtol=1e-13)
