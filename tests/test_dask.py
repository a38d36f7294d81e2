"""pelx.dask on a real distributed.LocalCluster with worker processes:
lazy graphs, blocks computed by pelx in the workers, answers equal NumPy's."""
import os

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import pelx

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
import dask  # noqa: E402

pdask = pytest.importorskip("pelx.dask")

# A value the workers cannot get by accident (their pool is sized from it).
SPAWN_THREADS = "3"


@pytest.fixture(scope="module")
def client():
    with dask.config.set({"distributed.nanny.pre-spawn-environ.PELX_NUM_THREADS":
                          SPAWN_THREADS}):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                           processes=True, dashboard_address=":0",
                                           silence_logs=40)
    c = distributed.Client(cluster)
    c.wait_for_workers(2)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(80)
    a = rng.standard_normal((300, 240))
    b = rng.standard_normal((300, 240))
    return a, b


def _in_worker_processes(client, x):
    """Compute on the cluster and check the work ran in other processes."""
    fut = client.compute(x)
    result = fut.result()
    assert client.who_has([fut])[fut.key]  # held by a worker, not computed here
    return result


# ---- the plugin and the environment ------------------------------------------

def test_worker_threads_formula():
    assert pdask.worker_threads(8, 2, 2) == 2
    assert pdask.worker_threads(2, 4, 1) == 1          # never below one
    assert pdask.worker_threads(16, 1, 4) == 4
    assert pdask.worker_threads(7, 2, 1) == 3


def test_pre_spawn_environ_reaches_workers(client):
    env = client.run(lambda: os.environ.get("PELX_NUM_THREADS"))
    assert set(env.values()) == {SPAWN_THREADS}
    sizes = client.run(lambda: (__import__("pelx").get_num_threads(),
                                __import__("pelx").detect_number_of_cores()))
    for n, cores in sizes.values():
        assert n == min(int(SPAWN_THREADS), cores)


def test_plugin_sets_and_restores_threads(client):
    before = client.run(lambda: __import__("pelx").get_num_threads())
    client.register_plugin(pdask.PelxThreads(threads=2))
    assert set(client.run(lambda: __import__("pelx").get_num_threads()).values()) == {2}
    client.unregister_worker_plugin(pdask.PelxThreads.name)
    assert client.run(lambda: __import__("pelx").get_num_threads()) == before


def test_plugin_default_never_oversubscribes(client):
    client.register_plugin(pdask.PelxThreads())
    try:
        got = client.run(lambda: (__import__("pelx").get_num_threads(),
                                  __import__("pelx").detect_number_of_cores()))
        info = client.scheduler_info()["workers"]
        nthreads = {w["nthreads"] for w in info.values()}
        assert nthreads == {1}
        for n, cores in got.values():
            assert n == max(1, cores // (2 * 1))
            assert n * 2 * 1 <= max(cores, 2)
    finally:
        client.unregister_worker_plugin(pdask.PelxThreads.name)


def test_plugin_rejects_bad_arguments():
    with pytest.raises(ValueError):
        pdask.PelxThreads(threads=0)
    with pytest.raises(ValueError):
        pdask.PelxThreads(n_workers=0)


# ---- elementwise -------------------------------------------------------------

def test_elementwise_lazy_and_equal(client, data):
    a, b = data
    x = da.from_array(a, chunks=(100, 80))
    y = da.from_array(b, chunks=(150, 120))             # different chunking
    z = pdask.add(x, y)
    assert isinstance(z, da.Array) and z.dtype == np.float64
    assert z._meta.dtype == np.float64 and z._meta.ndim == 2
    assert z.name.startswith("pelx-add-")
    assert_array_equal(_in_worker_processes(client, z), a + b)
    e = _in_worker_processes(client, pdask.exp(x))
    assert_array_equal(e, pelx.exp(a))                  # pelx's own answer, bit for bit
    assert_allclose(e, np.exp(a), rtol=1e-15, atol=0)   # and NumPy's to 1e-15


def test_elementwise_broadcast_numpy_and_scalars(client, data):
    a, _ = data
    x = da.from_array(a, chunks=(100, 80))
    row = np.linspace(-1, 1, a.shape[1])
    assert_array_equal(pdask.multiply(x, row).compute(), a * row)
    assert_array_equal(pdask.subtract(2.5, x).compute(), 2.5 - a)
    col = da.from_array(row[:a.shape[0] // 2].repeat(2)[:, None], chunks=(50, 1))
    assert_array_equal(pdask.add(x, col).compute(), a + np.asarray(col))


def test_elementwise_dtypes(client):
    i = da.arange(1000, chunks=300, dtype=np.int32)
    f = pdask.true_divide(i, 7)
    assert f.dtype == np.float64
    assert_array_equal(f.compute(), np.arange(1000, dtype=np.int32) / 7)
    m = pdask.less(i, 500)
    assert m.dtype == np.bool_
    assert_array_equal(m.compute(), np.arange(1000) < 500)
    n = pdask.isnan(pdask.log(pdask.subtract(i, 10)))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.isnan(np.log(np.arange(1000, dtype=np.int32) - 10))
    assert_array_equal(n.compute(), expected)


def test_elementwise_numpy_inputs_run_directly(data):
    a, b = data
    r = pdask.add(a, b)
    assert isinstance(r, np.ndarray)
    assert_array_equal(r, a + b)
    with pytest.raises(TypeError, match="out= is not supported"):
        pdask.add(da.from_array(a), b, out=np.empty_like(a))


# ---- evaluate ----------------------------------------------------------------

def test_evaluate_lazy_and_equal(client, data):
    a, b = data
    x = da.from_array(a, chunks=(100, 80))
    y = da.from_array(b, chunks=(100, 80))
    c = 0.5
    r = pdask.evaluate("2*x + sin(y) - c")               # caller's frame
    assert isinstance(r, da.Array) and r.dtype == np.float64
    assert_allclose(_in_worker_processes(client, r), 2 * a + np.sin(b) - c,
                    rtol=1e-15, atol=1e-15)
    r2 = pdask.evaluate("p * q + 1", local_dict={"p": x, "q": b})
    assert_array_equal(r2.compute(), a * b + 1)


def test_evaluate_deterministic_graph(data):
    a, _ = data
    x = da.from_array(a, chunks=(100, 80))
    assert pdask.evaluate("x + 1").name == pdask.evaluate("x + 1").name
    assert pdask.evaluate("x + 1").name != pdask.evaluate("x + 2").name


def test_evaluate_refusals_and_numpy_path(data):
    a, _ = data
    x = da.from_array(a, chunks=(100, 80))
    with pytest.raises(NotImplementedError, match="pelx.dask.sum"):
        pdask.evaluate("sum(x)")
    with pytest.raises(KeyError, match="nope"):
        pdask.evaluate("x + nope")
    r = pdask.evaluate("a * 2", local_dict={"a": a})
    assert isinstance(r, np.ndarray)
    assert_array_equal(r, a * 2)


# ---- reductions ----------------------------------------------------------------

AXES = [None, 0, 1, (0, 1)]


# The reductions pelx.dask offers are those pelx has; these must be among them.
REQUIRED = {"sum", "prod", "min", "max", "mean", "var", "std", "any", "all", "argmin",
            "argmax", "nansum", "nanmin", "nanmax", "nanmean"}
REDUCTIONS = [n for n in pdask.REDUCTIONS if n not in ("any", "all") and "arg" not in n]


def test_reduction_names():
    assert REQUIRED <= set(pdask.REDUCTIONS)
    assert {"add", "exp", "sin", "less", "isnan", "where"} <= set(pdask.ELEMENTWISE)


def test_reductions_equal_numpy(client, data):
    # Every (reduction, axis, keepdims) built lazily, computed in one go on
    # the cluster; 3 x 3 blocks so that combine steps run along each axis.
    a, _ = data
    cases, lazies = [], []
    for name in REDUCTIONS:
        v = a.copy()
        if name.startswith("nan"):
            v[::7, ::5] = np.nan
        if name in ("prod", "nanprod"):
            v = 1 + v / 100                                # keeps the product finite
        x = da.from_array(v, chunks=(100, 80))
        for axis in AXES:
            for keepdims in (False, True):
                r = getattr(pdask, name)(x, axis=axis, keepdims=keepdims)
                assert isinstance(r, da.Array)
                cases.append((name, axis, keepdims,
                              getattr(np, name)(v, axis=axis, keepdims=keepdims)))
                lazies.append(r)
    results = client.gather(client.compute(lazies))
    for (name, axis, keepdims, expected), got in zip(cases, results):
        assert np.shape(got) == np.shape(expected), (name, axis, keepdims)
        assert_allclose(got, expected, rtol=1e-12, atol=1e-13,
                        err_msg=f"{name} axis={axis} keepdims={keepdims}")


def test_reductions_dtypes_and_ddof(client):
    ni = np.arange(10_000, dtype=np.int32).reshape(100, 100)
    i = da.from_array(ni, chunks=(50, 40))
    s = pdask.sum(i)
    assert s.dtype == np.sum(ni).dtype and s.compute() == np.sum(ni)
    assert pdask.sum(i, dtype=np.float32).dtype == np.float32
    assert_allclose(pdask.mean(i, axis=0).compute(), np.mean(ni, axis=0), rtol=1e-14)
    assert_allclose(pdask.var(i, ddof=1).compute(), np.var(ni, ddof=1), rtol=1e-12)
    assert_allclose(pdask.std(i, axis=1, ddof=1).compute(), np.std(ni, axis=1, ddof=1),
                    rtol=1e-12)
    b = pdask.greater(i, 5000)
    assert pdask.any(b).compute() and not pdask.all(b).compute()
    assert_array_equal(pdask.all(b, axis=1).compute(), np.all(ni > 5000, axis=1))


@pytest.mark.parametrize("name", [n for n in pdask.REDUCTIONS if "arg" in n])
def test_arg_reductions(client, data, name):
    a, _ = data
    a = a.copy()
    a[3, 4] = np.nan if name.startswith("nan") else a[3, 4]
    x = da.from_array(a, chunks=(100, 80))
    got = dask.compute(*[getattr(pdask, name)(x, axis=axis) for axis in (None, 0, 1)])
    for axis, g in zip((None, 0, 1), got):
        assert_array_equal(g, getattr(np, name)(a, axis=axis))


def test_reductions_deterministic(client):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(200_000) * 1e6
    x = da.from_array(a, chunks=7_000)
    first = pdask.sum(x).compute()
    assert all(pdask.sum(x).compute() == first for _ in range(3))
    v = pdask.var(x).compute()
    assert pdask.var(x).compute() == v
    assert_allclose(first, np.sum(a), rtol=1e-12)


def test_dot_1d(client, data):
    a, b = data
    x = da.from_array(a.ravel(), chunks=7000)
    y = da.from_array(b.ravel(), chunks=9000)
    r = pdask.dot(x, y)
    assert isinstance(r, da.Array)
    assert_allclose(r.compute(), np.dot(a.ravel(), b.ravel()), rtol=1e-12)
    with pytest.raises(NotImplementedError, match="1-D"):
        pdask.dot(da.from_array(a), x)
