"""pelx.stats() and pelx.trace(): counters and the Chrome trace describe the
work that really ran (chunk counts agree between the two)."""
import json
from collections import Counter

import numpy as np
import pytest

import pelx

numba = pytest.importorskip("numba")


@numba.cfunc("float64(float64)")
def twice(x):
    return 2.0 * x


N = 4_000_000          # hundreds of chunks, so every pool thread gets some
THREADS = 2


@pytest.fixture(autouse=True)
def _workers_take_part():
    """These tests need the workers to run chunks: the contention rule,
    which runs jobs on fewer threads after a worker was seen held up (as on
    a loaded machine), is off while they run (tests/c cover the rule)."""
    was = pelx._core.contention_rule(0)
    yield
    pelx._core.contention_rule(int(was))


def _work():
    a = np.arange(N, dtype=np.float64)
    for _ in range(4):
        np.testing.assert_array_equal(pelx.map(twice, a), 2.0 * a)
        np.testing.assert_array_equal(pelx.add(a, 1.0), a + 1.0)


def test_stats_count_parallel_work():
    with pelx.threads(THREADS):
        pelx.reset_stats()
        assert pelx.stats().totals()["chunks"] == 0
        _work()
        s = pelx.stats()
    totals = s.totals()
    assert totals["chunks"] >= 4 * N // pelx._core._MAP_GRAIN
    assert totals["jobs"] >= 8
    assert totals["busy_s"] > 0
    workers = [w for w in s if w.worker >= 1]
    assert workers, "no pool worker reported"
    assert any(w.chunks > 0 for w in workers), s
    pelx.reset_stats()
    assert pelx.stats().totals()["chunks"] == 0


def test_stats_display():
    with pelx.threads(THREADS):
        _work()
    s = pelx.stats()
    text = repr(s)
    assert "caller" in text and "total" in text and "chunks" in text
    html = s._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == len(s) + 2
    d = s.as_dict()
    json.dumps(d)
    assert d["totals"]["chunks"] == sum(w["chunks"] for w in d["workers"])


def test_trace_writes_chrome_json_matching_stats(tmp_path):
    path = tmp_path / "trace.json"
    with pelx.threads(THREADS):
        pelx.reset_stats()
        with pelx.trace(path) as t:
            _work()
        s = pelx.stats()
    doc = json.loads(path.read_text())
    events = doc["traceEvents"]
    assert t.events == events and t.dropped == 0
    chunks = [e for e in events if e["ph"] == "X"]
    assert chunks and all(e["name"] == "chunk" and e["dur"] >= 0 and e["ts"] >= 0
                          and e["args"]["begin"] < e["args"]["end"] for e in chunks)
    per_tid = Counter(e["tid"] for e in chunks)
    # every thread that ran chunks has its events, and exactly as many
    ran = {w.worker: w.chunks for w in s if w.chunks}
    assert ran == dict(per_tid)
    assert any(tid >= 1 for tid in per_tid), "no worker thread in the trace"
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M"}
    assert set(names) == set(per_tid)


def test_trace_capacity_and_misuse(tmp_path):
    with pelx.threads(THREADS):
        with pelx.trace(tmp_path / "small.json", capacity=1) as t:
            _work()
    assert t.dropped > 0
    assert len([e for e in t.events if e["ph"] == "X"]) <= THREADS + 8
    with pytest.raises(ValueError):
        with pelx.trace(tmp_path / "x.json", capacity=0):
            pass
    with pelx.trace(tmp_path / "outer.json"):
        with pytest.raises(RuntimeError, match="already"):
            with pelx.trace(tmp_path / "inner.json"):
                pass
    # a trace stopped by an exception is still written
    with pytest.raises(KeyError):
        with pelx.trace(tmp_path / "err.json"):
            raise KeyError("x")
    assert "traceEvents" in json.loads((tmp_path / "err.json").read_text())
