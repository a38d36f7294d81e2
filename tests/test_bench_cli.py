"""`python -m pelx.bench` end to end, on tiny sizes: the JSON and PNG are
written and well formed, options are honoured, bad options are refused.
No timing is asserted: timings belong to the benchmarks."""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import pelx

# Tiny everything: the point is the plumbing, not the numbers.
TINY = ["--sizes", "1000,3000", "--threads", "1,2", "--repeat", "2", "--min-time", "0",
        "--stream-size", "40000"]
PELX_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(pelx.__file__)))


def run_bench(*args, check=True):
    env = dict(os.environ)
    env["PYTHONPATH"] = PELX_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "pelx.bench", *args], env=env,
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = run_bench("--quick", "--output-dir", str(out), *TINY)
    with open(out / "results.json") as f:
        doc = json.load(f)
    return out, proc, doc


def test_json_is_complete(quick_run):
    _, _, doc = quick_run
    assert doc["schema"] == "pelx.bench/1"
    m = doc["machine"]
    assert m["cpu_model"] and m["cpus_available"] >= 1
    assert m["versions"]["numpy"] == np.__version__
    assert doc["pelx"]["version"] == pelx.__version__
    run = doc["run"]
    assert run["sizes"] == [1000, 3000] and run["threads"] == [1, 2]
    assert run["max_threads"] == 2 and run["sweep_size"] == 3000
    # size sweep at 2 threads for every case, thread sweep adds 1 thread at 3000
    cases = list(doc["cases"])
    keys = {(r["case"], r["size"], r["threads"]) for r in doc["results"]}
    expected = {(c, s, 2) for c in cases for s in (1000, 3000)} | {(c, 3000, 1) for c in cases}
    assert keys == expected and len(doc["results"]) == len(expected)


def test_rows_are_consistent(quick_run):
    _, _, doc = quick_run
    ceiling = doc["stream"]["ceiling_GBps"]
    assert math.isfinite(ceiling) and ceiling > 0
    assert set(doc["stream"]["by_threads"]) == {"1", "2"}
    runs = [doc["stream"]["by_threads"]["2"], doc["stream"]["after_cases"]]
    assert ceiling == pytest.approx(max(max(r["copy_GBps"], r["triad_GBps"]) for r in runs))
    for r in doc["results"]:
        numpy_t = r["times"]["numpy"]
        assert numpy_t is not None, "numpy is always measured"
        assert len(numpy_t["repeats"]) == 2 and numpy_t["loops"] >= 1
        assert numpy_t["median_s"] > 0
        assert r["median_ms"]["numpy"] == pytest.approx(numpy_t["median_s"] * 1e3)
        assert r["bytes"] == doc["cases"][r["case"]]["bytes_per_element"] * r["size"]
        pelx_t = r["times"]["pelx"]
        if pelx_t is None:
            assert r["speedup_vs_numpy"] is None and r["fraction_of_bandwidth"] is None
        else:
            assert r["speedup_vs_numpy"] == pytest.approx(numpy_t["median_s"] / pelx_t["median_s"])
            if r["memory_bound"]:
                assert r["fraction_of_bandwidth"] == pytest.approx(
                    r["bytes"] / pelx_t["median_s"] / 1e9 / ceiling)
        if not r["memory_bound"]:
            assert r["fraction_of_bandwidth"] is None


def test_png_is_written(quick_run):
    # matplotlib comes with the bench extra, not the test extra
    mpl_image = pytest.importorskip("matplotlib.image")
    out, _, _ = quick_run
    png = out / "results.png"
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    img = mpl_image.imread(str(png))
    assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 400


def test_table_is_printed(quick_run):
    _, proc, doc = quick_run
    lines = proc.stdout.splitlines()
    header = next(i for i, l in enumerate(lines) if l.startswith("case"))
    for col in ("numpy ms", "numexpr ms", "pelx ms", "vs numpy", "vs numexpr", "of bandwidth"):
        assert col in lines[header]
    body = lines[header + 2: header + 2 + len(doc["results"])]
    assert [l.split()[0] for l in body] == [r["case"] for r in doc["results"]]
    assert "bandwidth ceiling" in proc.stdout and "results.json" in proc.stdout


def test_json_only_and_no_plot(tmp_path):
    run_bench("--json-only", "--cases", "add", "--output-dir", str(tmp_path / "j"), *TINY)
    assert os.listdir(tmp_path / "j") == ["results.json"]
    proc = run_bench("--no-plot", "--cases", "sum,add", "--output-dir", str(tmp_path / "n"), *TINY)
    assert os.listdir(tmp_path / "n") == ["results.json"]
    assert "case" in proc.stdout
    with open(tmp_path / "n" / "results.json") as f:
        assert list(json.load(f)["cases"]) == ["sum", "add"]


@pytest.mark.parametrize("bad, message", [
    (["--sizes", "abc"], "not a number"),
    (["--sizes", "0"], ">= 1"),
    (["--sizes", "1.5"], "whole number"),
    (["--threads", ""], "comma-separated"),
    (["--cases", "nope"], "unknown case"),
    (["--min-time", "-1"], "--min-time"),
    (["--sizes", "1e13"], "memory"),
    (["--threads", "1000", "--sizes", "100", "--stream-size", "1000"], "at most"),
])
def test_bad_options_are_refused(tmp_path, bad, message):
    proc = run_bench("--output-dir", str(tmp_path), *bad, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not os.path.exists(tmp_path / "results.json")


# Runs the CLI in a fresh interpreter where the optional packages cannot be
# imported, as on an install with only numpy and pelx.
ONLY_NUMPY_AND_PELX = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('numexpr', 'matplotlib', 'tqdm', 'numba'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
from pelx.bench.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_runs_with_only_numpy_and_pelx(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = PELX_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", ONLY_NUMPY_AND_PELX, "--cases", "add,sum",
                           "--output-dir", str(tmp_path), *TINY],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "matplotlib is not installed" in proc.stderr
    assert "[" in proc.stderr  # the plain progress line replaces tqdm
    assert os.listdir(tmp_path) == ["results.json"]
    with open(tmp_path / "results.json") as f:
        doc = json.load(f)
    assert doc["machine"]["versions"]["numexpr"] is None
    for row in doc["results"]:
        assert row["times"]["numexpr"] is None and row["speedup_vs_numexpr"] is None
        assert row["times"]["numpy"] is not None
    assert "n/a" in proc.stdout


def test_report_reprints_a_saved_run(quick_run):
    out, proc, doc = quick_run
    env = dict(os.environ)
    env["PYTHONPATH"] = PELX_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    md = subprocess.run([sys.executable, "-m", "pelx.bench.report", str(out / "results.json"),
                         "--markdown"], env=env, capture_output=True, text=True, timeout=60)
    assert md.returncode == 0, md.stderr
    lines = md.stdout.splitlines()
    assert lines[0].startswith("| case | size | threads |")
    assert len(lines) == 2 + len(doc["results"])


def test_matrix_cells_and_summary(tmp_path):
    """--matrix: every dtype pelx has a loop for, reductions by axis, one
    speed-up per thread count, and a summary that agrees with the cells."""
    proc = run_bench("--matrix", "--sizes", "1000", "--threads", "1,2", "--functions",
                     "add,floor,isnan,sum,argmax,any", "--repeat", "1", "--min-time", "0",
                     "--output-dir", str(tmp_path))
    with open(tmp_path / "matrix.json") as f:
        doc = json.load(f)
    cells = doc["cells"]
    add = {c["dtype"] for c in cells if c["name"] == "add"}
    # NumPy's add has single-dtype loops for all 13 of pelx's dtypes
    assert {"bool", "int8", "uint64", "float32", "float64", "complex128"} <= add
    assert {c["dtype"] for c in cells if c["name"] == "floor"} >= {"float32", "float64"}
    sums = {(c["dtype"], c["axis"]) for c in cells if c["name"] == "sum"}
    assert {("float64", None), ("float64", 0), ("float64", 1), ("int32", 1)} <= sums
    assert {c["name"] for c in cells} == {"add", "floor", "isnan", "sum", "argmax", "any"}
    for c in cells:
        for t in (1, 2):
            assert c["pelx_s_%d" % t] > 0 and c["numpy_s"] > 0
            assert math.isclose(c["speedup_%d" % t], c["numpy_s"] / c["pelx_s_%d" % t])
    for t in ("1", "2"):
        s = doc["summary"][t]
        assert s["cells"] == len(cells)
        logs = [math.log(c["speedup_" + t]) for c in cells]
        assert math.isclose(s["geomean"], math.exp(sum(logs) / len(logs)))
        assert s["below_0.9"] == sum(c["speedup_" + t] < 0.9 for c in cells)
    assert "geometric mean" in proc.stdout
    assert doc["pelx"]["kernels_levels"]["elementwise"] in ("baseline", "avx2", "avx512")


def test_matrix_level_runs_a_forced_level(tmp_path):
    run_bench("--matrix", "--matrix-level", "baseline", "--sizes", "1000", "--threads", "1",
              "--functions", "add", "--repeat", "1", "--min-time", "0",
              "--output-dir", str(tmp_path))
    with open(tmp_path / "matrix.json") as f:
        doc = json.load(f)
    assert doc["environment"]["PELX_KERNELS_SIMD"] == "baseline"
    assert doc["environment"]["NPY_DISABLE_CPU_FEATURES"]


def test_matrix_options_need_matrix(tmp_path):
    proc = run_bench("--functions", "add", "--output-dir", str(tmp_path), check=False)
    assert proc.returncode == 2 and "go with --matrix" in proc.stderr
