"""pelx.bench's timing runner and report arithmetic (no timing asserted:
only call counts, the statistic chosen and the ratios derived from it)."""
import numpy as np
import pytest

from pelx.bench import report, runner
from pelx.bench.cases import CASES, CASES_BY_NAME, load_peers
from pelx.bench.runner import Timing


def test_measure_counts_calls():
    calls = []
    t = runner.measure(lambda: calls.append(1), repeat=4, min_time=0.0)
    # warm-up + one calibration call + 4 repeats of 1 loop (min_time=0)
    assert len(calls) == 1 + 1 + 4 and t.loops == 1
    assert len(t.repeats) == 4
    assert t.median_s == pytest.approx(float(np.median(t.repeats)))
    assert t.min_s == min(t.repeats)


def test_measure_loops_reach_min_time():
    calls = []
    t = runner.measure(lambda: calls.append(1), repeat=3, min_time=0.002)
    assert t.loops > 1 and len(calls) == 2 + 3 * t.loops
    assert t.loops * min(t.repeats) > 0


def test_measure_interleaved_alternates_peers():
    order = []
    timings = runner.measure_interleaved({"x": lambda: order.append("x"),
                                          "y": lambda: order.append("y")},
                                         repeat=3, min_time=0.0)
    # calibration (warm-up + one call) per peer, then repeats in turn
    assert order == ["x", "x", "y", "y"] + ["x", "y"] * 3
    assert set(timings) == {"x", "y"} and all(len(t.repeats) == 3 for t in timings.values())
    assert runner.measure_interleaved({}, repeat=2) == {}


@pytest.mark.parametrize("kw", [{"repeat": 0}, {"min_time": -1.0}])
@pytest.mark.parametrize("fn", [runner.measure, lambda f, **kw: runner.measure_interleaved(
    {"f": f}, **kw)])
def test_measure_rejects_bad_arguments(fn, kw):
    with pytest.raises(ValueError):
        fn(lambda: None, **kw)


def test_row_ratios_and_bandwidth():
    case = CASES_BY_NAME["add"]  # 24 bytes per element, memory-bound
    timing = lambda s: Timing(s, s, 1, [s])  # noqa: E731
    row = report.make_row(case, 1000, 2, {"numpy": timing(4e-3), "numexpr": timing(2e-3),
                                          "pelx": timing(1e-3)}, ceiling_GBps=0.048)
    assert row["speedup_vs_numpy"] == pytest.approx(4.0)
    assert row["speedup_vs_numexpr"] == pytest.approx(2.0)
    assert row["GBps"]["pelx"] == pytest.approx(24000 / 1e-3 / 1e9)
    assert row["fraction_of_bandwidth"] == pytest.approx(0.5)
    assert row["fraction_of_bandwidth_by_peer"]["numpy"] == pytest.approx(0.125)
    missing = report.make_row(case, 1000, 2, {"numpy": timing(4e-3), "numexpr": None,
                                              "pelx": None}, ceiling_GBps=0.048)
    assert missing["speedup_vs_numpy"] is None and missing["fraction_of_bandwidth"] is None
    assert not row["in_cache"]
    cached = report.make_row(case, 1000, 2, {"numpy": timing(4e-3), "numexpr": None,
                                             "pelx": timing(1e-3)}, 0.048, cache_bytes=24000)
    assert cached["in_cache"] and "50%*" in report.format_table([cached])
    text = report.format_table([row, missing])
    assert "4.00x" in text and "50%" in text and "n/a" in text
    md = report.format_table([row], markdown=True).splitlines()
    assert md[0].startswith("| case |") and md[2].count("|") == md[0].count("|")


def test_compute_bound_has_no_bandwidth_fraction():
    case = CASES_BY_NAME["exp"]
    t = Timing(1e-3, 1e-3, 1, [1e-3])
    row = report.make_row(case, 1000, 1, {"numpy": t, "numexpr": t, "pelx": t}, 10.0)
    assert row["fraction_of_bandwidth"] is None and row["GBps"]["pelx"] > 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_numpy_and_numexpr_cases_agree(case):
    """The peers' implementations of a case compute the same thing (NumPy is
    the oracle); pelx's are checked by the same test once pelx has them."""
    peers = load_peers(("numpy", "numexpr", "pelx"))
    results = {}
    for name in ("numpy", "numexpr", "pelx"):
        impl = case.impls[name]
        if not impl.available(peers[name]):
            continue
        arrays = case.setup(1001, seed=3)
        got = impl.make(peers[name], arrays)()
        results[name] = np.asarray(got if case.reduction else arrays["out"])
    assert "numpy" in results
    for name, value in results.items():
        np.testing.assert_allclose(value, results["numpy"], rtol=1e-12, err_msg=name)
