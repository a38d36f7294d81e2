"""Non-contiguous inputs: strided, reversed, transposed and broadcast
operands of an add (memory-bound) and an exp (compute-bound). Each group is
one layout; NumPy, numexpr and pelx compute the same result into the same
contiguous output."""
import numpy as np
import pytest

from pelx.bench.suite import peer, record_bandwidth

# 2000 x 2000 float64 = 32 MB per full operand.
M = 2000
pytestmark = pytest.mark.benchmark(max_time=0.5, min_rounds=5, warmup=True)


def _layouts():
    """name -> (a, b) operands whose broadcast shape is (M, M) (or 2*M*M/2
    elements for the 1-d strided ones); b is None for unary ops."""
    rng = np.random.default_rng(0)
    full = lambda *shape: rng.random(shape) + 0.1  # noqa: E731
    n = M * M
    return {
        "strided-1d": (full(2 * n)[::2], full(2 * n)[::2]),
        "reversed-1d": (full(n)[::-1], full(n)[::-1]),
        "transposed": (full(M, M).T, full(M, M)),
        "fortran+c": (np.asfortranarray(full(M, M)), full(M, M)),
        "column-slice": (full(M, 2 * M)[:, ::2], full(M, 2 * M)[:, 1::2]),
        "broadcast-row": (full(M, M), full(M)),
        "broadcast-column": (full(M, M), full(M, 1)),
        "broadcast-outer": (full(M, 1), full(1, M)),
        "scalar": (full(M, M), np.float64(2.5)),
    }


LAYOUTS = _layouts()


def _impl(peer_name, module, op, a, b, out):
    if peer_name == "numexpr":
        expr = "a + b" if op == "add" else "exp(a)"
        local = {"a": a, "b": b} if op == "add" else {"a": a}
        return lambda: module.evaluate(expr, local_dict=local, out=out)
    f = getattr(module, op)
    return (lambda: f(a, b, out=out)) if op == "add" else (lambda: f(a, out=out))


# add on every layout; exp (one operand) on those that are not broadcasts
OP_LAYOUTS = [("add", name) for name in LAYOUTS] + [
    ("exp", name) for name in ("strided-1d", "reversed-1d", "transposed", "column-slice")]


@pytest.mark.parametrize("peer_name", ["numpy", "numexpr", "pelx"])
@pytest.mark.parametrize("op, layout", OP_LAYOUTS, ids=[f"{o}-{l}" for o, l in OP_LAYOUTS])
def test_layout(benchmark, op, layout, peer_name):
    module = peer(peer_name)
    a, b = LAYOUTS[layout]
    shape = np.broadcast_shapes(np.shape(a), np.shape(b)) if op == "add" else a.shape
    out = np.ones(shape)
    fn = _impl(peer_name, module, op, a, b, out)
    # same answer as NumPy before timing: a layout bug must not look fast
    fn()
    expected = np.add(a, b) if op == "add" else np.exp(a)
    np.testing.assert_allclose(out, expected, rtol=1e-15 if op == "add" else 1e-13)
    benchmark.group = f"layout {op} {layout}"
    benchmark.extra_info["peer"] = peer_name
    benchmark(fn)
    operand_bytes = a.size * 8 + (np.size(b) * 8 if op == "add" else 0)
    record_bandwidth(benchmark, operand_bytes + out.nbytes, memory_bound=(op == "add"))
