"""python -m pelx.bench — time pelx against NumPy and numexpr, write a
table, a JSON file and a PNG plot.

Two sweeps over the cases of :mod:`pelx.bench.cases`: array sizes with all
threads, then thread counts 1..N at the largest size. The memory-bandwidth
ceiling is measured first, in the same run, with the pool's STREAM-like
kernels. Run with --help for the options.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time

from . import cases as cases_mod
from . import report, runner
from .machine import last_level_cache_bytes, machine_info, pelx_config
from .stream import DEFAULT_N, measure_stream

DEFAULT_SIZES = (10**2, 10**3, 10**4, 10**5, 10**6, 10**7)
QUICK_SIZES = (10**3, 10**5, 10**7)


def _positive_int(text: str) -> int:
    """'1000', '1_000', '1e6' -> int; anything else is refused."""
    try:
        value = float(text.replace("_", "")) if any(c in text for c in "eE.") else int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (use e.g. 1000 or 1e6)")
    if value != int(value) or value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number >= 1")
    return int(value)


def _int_list(text: str):
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list, e.g. 1e4,1e6")
    return sorted(set(_positive_int(t) for t in items))


def _case_list(text: str):
    names = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [n for n in names if n not in cases_mod.CASES_BY_NAME]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown case(s) {unknown}; choose from {', '.join(cases_mod.CASES_BY_NAME)}")
    return names


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        prog="python -m pelx.bench",
        description="Benchmark pelx against NumPy and numexpr (same work, same thread "
                    "count), with the memory-bandwidth ceiling measured in the same run.")
    p.add_argument("--quick", action="store_true",
                   help="fewer sizes and repeats: under a minute")
    p.add_argument("--output-dir", default="pelx-bench-results",
                   help="where results.json and results.png go (default: %(default)s)")
    p.add_argument("--threads", type=_int_list, default=None,
                   help="thread counts of the thread sweep, e.g. 1,2,4 (default: 1..N, N = "
                        "pelx's thread count); the largest is used for the size sweep")
    p.add_argument("--sizes", type=_int_list, default=None,
                   help="array sizes, e.g. 1e3,1e5,1e7 (default: 1e2..1e7; --quick: 1e3,1e5,1e7); "
                        "the thread sweep uses the largest")
    p.add_argument("--cases", type=_case_list, default=None,
                   help=f"subset of cases (default: all: {','.join(cases_mod.CASES_BY_NAME)})")
    p.add_argument("--repeat", type=_positive_int, default=None,
                   help="timed repeats per measurement; the median is reported (default 7, "
                        "--quick 3)")
    p.add_argument("--min-time", type=float, default=None,
                   help="seconds one repeat lasts at least (default 0.05, --quick 0.005)")
    p.add_argument("--stream-size", type=_positive_int, default=DEFAULT_N,
                   help="float64 elements per array of the bandwidth kernels (default "
                        "%(default)s; should be >= 4x the last-level cache)")
    p.add_argument("--matrix", action="store_true",
                   help="the kernel matrix instead of the cases: every elementwise function x "
                        "dtype and every reduction (axis None, 0, 1), pelx vs NumPy at 1 thread "
                        "and all threads (default sizes 1e3,1e5,1e7); writes matrix.json")
    p.add_argument("--matrix-level", choices=("avx512", "avx2", "baseline"), default=None,
                   help="with --matrix: run it in a fresh process with pelx forced to this SIMD "
                        "level (PELX_KERNELS_SIMD) and NumPy limited to the same level "
                        "(NPY_DISABLE_CPU_FEATURES)")
    p.add_argument("--functions", default=None,
                   help="with --matrix: comma-separated function names to keep")
    p.add_argument("--no-plot", action="store_true", help="do not write the PNG")
    p.add_argument("--json-only", action="store_true",
                   help="write only the JSON file: no table, no PNG")
    args = p.parse_args(argv)
    if args.min_time is not None and not (0 <= args.min_time <= 10):
        p.error(f"--min-time must be between 0 and 10 seconds, got {args.min_time}")
    if (args.matrix_level or args.functions) and not args.matrix:
        p.error("--matrix-level and --functions go with --matrix")
    if args.sizes is None:
        args.sizes = list(QUICK_SIZES if args.quick or args.matrix else DEFAULT_SIZES)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 7
    if args.min_time is None:
        args.min_time = 0.005 if args.quick else 0.05
    return args


class Progress:
    """tqdm when installed, else one rewritten line on stderr."""

    def __init__(self, total: int):
        self.total, self.done = total, 0
        try:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="step", file=sys.stderr, leave=False)
        except ImportError:
            self.bar = None

    def step(self, text: str):
        self.done += 1
        if self.bar is not None:
            self.bar.set_description_str(text, refresh=False)
            self.bar.update(1)
        else:
            sys.stderr.write(f"\r[{self.done}/{self.total}] {text:<50}")
            sys.stderr.flush()

    def close(self):
        if self.bar is not None:
            self.bar.close()
        else:
            sys.stderr.write("\n")


def _measure_point(case, size, threads, peers, args):
    """peer -> Timing (None: not available) for one (case, size, threads)."""
    arrays = case.setup(size)
    fns = {}
    for peer in cases_mod.PEERS:
        impl, module = case.impls.get(peer), peers.get(peer)
        # A peer whose thread count cannot be set is only measured at its
        # default count, which the size sweep uses.
        if (impl is not None and impl.available(module)
                and (threads == args.default_threads or runner.can_set_threads(peer, module))):
            fns[peer] = impl.make(module, arrays)
    with runner.peer_threads(peers, threads):
        measured = runner.measure_interleaved(fns, args.repeat, args.min_time)
    return {peer: measured.get(peer) for peer in cases_mod.PEERS}


def _load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run(args) -> dict:
    peers = cases_mod.load_peers(("numpy", "numexpr", "pelx"))
    args.default_threads = runner.default_threads(peers)
    threads = args.threads or list(range(1, args.default_threads + 1))
    max_threads, sweep_size = max(threads), max(args.sizes)
    selected = [cases_mod.CASES_BY_NAME[n] for n in (args.cases or cases_mod.CASES_BY_NAME)]

    points = [(c, s, max_threads) for c in selected for s in args.sizes]
    points += [(c, sweep_size, t) for c in selected for t in threads if t != max_threads]
    progress = Progress(len(threads) + len(points) + 1)
    load_before = _load_average()
    started = time.time()
    try:
        stream_by_threads = {}
        for t in sorted(threads, reverse=True):
            progress.step(f"bandwidth ceiling, {t} threads")
            with runner.peer_threads(peers, t):
                stream_by_threads[t] = measure_stream(args.stream_size, threads=t,
                                                      repeat=max(args.repeat, 5))
        cache_bytes = last_level_cache_bytes()
        raw_rows = []
        for case, size, t in points:
            progress.step(f"{case.name} n={size} threads={t}")
            raw_rows.append((case, size, t, _measure_point(case, size, t, peers, args)))
        # The ceiling is measured again after the cases and the best of both
        # kept (like STREAM's best rate): other work on the machine during
        # one of them then does not lower the ceiling and inflate fractions.
        progress.step(f"bandwidth ceiling again, {max_threads} threads")
        with runner.peer_threads(peers, max_threads):
            stream_after = measure_stream(args.stream_size, threads=max_threads,
                                          repeat=max(args.repeat, 5))
    finally:
        progress.close()
    ceiling = max(stream_by_threads[max_threads]["ceiling_GBps"], stream_after["ceiling_GBps"])
    rows = [report.make_row(case, size, t, timings, ceiling, cache_bytes)
            for case, size, t, timings in raw_rows]
    rows.sort(key=lambda r: ([c.name for c in selected].index(r["case"]), r["size"], r["threads"]))
    return {
        "schema": "pelx.bench/1",
        "started_utc": datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 3),
        "command": ["python", "-m", "pelx.bench"] + list(args.argv),
        "machine": machine_info({k: peers.get(k) for k in ("numpy", "numexpr", "pelx")}),
        # Other work on the machine slows every peer alike but adds noise:
        # 1-minute load averages (runnable threads) before and after the run.
        "load_average_1min": {"before": load_before, "after": _load_average()},
        "pelx": pelx_config(peers["pelx"]),
        "run": {
            "sizes": args.sizes, "threads": threads, "max_threads": max_threads,
            "sweep_size": sweep_size, "repeat": args.repeat, "min_time_s": args.min_time,
            "statistic": "median over repeats of seconds per call, after one warm-up call",
            "peers": list(cases_mod.PEERS),
        },
        "stream": {
            "ceiling_GBps": ceiling,
            "ceiling_threads": max_threads,
            "ceiling_rule": "best rate of copy and triad, runs before and after the cases",
            "after_cases": stream_after,
            "by_threads": {str(t): s for t, s in sorted(stream_by_threads.items())},
            "byte_convention": "each array read or written counted once (STREAM)",
        },
        "cases": {c.name: {"group": c.group, "description": c.description,
                           "bytes_per_element": c.bytes_per_element,
                           "memory_bound": c.memory_bound} for c in selected},
        "results": rows,
    }


# Largest number of float64 arrays of the largest size alive at once: three
# inputs, the output and NumPy's two temporaries in a fused expression.
ARRAYS_ALIVE = 6


def _check_memory(args):
    """A message if the sizes asked for cannot fit in available memory."""
    available = None
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    available = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    need = 8 * max(ARRAYS_ALIVE * max(args.sizes), 3 * args.stream_size)
    if available is not None and need > available:
        return (f"--sizes/--stream-size need about {need / 2**30:.1f} GiB but only "
                f"{available / 2**30:.1f} GiB of memory is available; use smaller sizes")
    return None


def _write_plot(path, document) -> bool:
    try:
        from .plot import write_plot
    except ImportError as exc:  # plot.py imports nothing optional at import time
        raise RuntimeError(f"cannot load the plotting module: {exc}") from exc
    try:
        write_plot(path, document)
    except ImportError as exc:
        print(f"note: no PNG written: matplotlib is not installed ({exc})", file=sys.stderr)
        return False
    return True


def run_matrix(args) -> int:
    """--matrix: time the kernel matrix, print it, write matrix.json."""
    from . import matrix
    if args.matrix_level:
        rest, skip = [], False
        for a in args.argv:  # the same options, less --matrix-level
            if skip:
                skip = False
            elif a == "--matrix-level":
                skip = True
            elif not a.startswith("--matrix-level="):
                rest.append(a)
        return matrix.run_level(args.matrix_level, [a for a in rest if a != "--matrix"])
    peers = cases_mod.load_peers(("numpy", "pelx"))
    load_before = _load_average()
    started = time.time()
    only = set(args.functions.split(",")) if args.functions else None
    progress_path = os.path.join(args.output_dir, "matrix.partial.jsonl")
    with open(progress_path, "w") as progress:
        # each cell as it is measured: a long run interrupted keeps its cells
        def log(row):
            progress.write(json.dumps(row) + "\n")
            progress.flush()
        result = matrix.run(sizes=args.sizes, threads=args.threads, min_time=args.min_time,
                            repeat=args.repeat, only=only, log=log)
    os.remove(progress_path)
    document = {
        "schema": "pelx.bench.matrix/1",
        "started_utc": datetime.datetime.fromtimestamp(started, datetime.timezone.utc)
        .isoformat(timespec="seconds"),
        "duration_s": round(time.time() - started, 3),
        "command": ["python", "-m", "pelx.bench"] + list(args.argv),
        "machine": machine_info({k: peers.get(k) for k in ("numpy", "pelx")}),
        "load_average_1min": {"before": load_before, "after": _load_average()},
        "pelx": pelx_config(peers["pelx"]),
        "environment": {k: os.environ.get(k) for k in
                        ("PELX_KERNELS_SIMD", "NPY_DISABLE_CPU_FEATURES")},
        "run": {"sizes": args.sizes, "repeat": args.repeat, "min_time_s": args.min_time,
                "statistic": "median seconds per call; speedup = NumPy / pelx"},
        **result,
    }
    if not args.json_only:
        matrix.print_report(result)
    path = os.path.join(args.output_dir, "matrix.json")
    cells = document.pop("cells")
    text = json.dumps(document, indent=1)
    # one cell per line: thousands of cells stay diffable and small
    text = text[:-2] + ',\n "cells": [\n' + ",\n".join(
        json.dumps(c, separators=(",", ":")) for c in cells) + "\n ]\n}\n"
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    args.argv = argv
    try:
        os.makedirs(args.output_dir, exist_ok=True)
    except OSError as exc:
        print(f"error: cannot create --output-dir {args.output_dir!r}: {exc}", file=sys.stderr)
        return 1
    problem = _check_memory(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.matrix:
        return run_matrix(args)
    try:
        document = run(args)
    except KeyboardInterrupt:
        print("interrupted: nothing written", file=sys.stderr)
        return 130
    except (ValueError, RuntimeError) as exc:  # e.g. a thread count a peer refuses
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    json_path = os.path.join(args.output_dir, "results.json")
    report.write_json(json_path, document)
    written = [json_path]
    if not (args.no_plot or args.json_only):
        png_path = os.path.join(args.output_dir, "results.png")
        if _write_plot(png_path, document):
            written.append(png_path)
    if not args.json_only:
        print(report.format_stream(document["stream"]))
        print(report.format_table(document["results"]))
        if any(r["in_cache"] and r["fraction_of_bandwidth"] is not None
               for r in document["results"]):
            print(report.CACHE_NOTE)
        missing = document["pelx"]["api_missing"]
        if missing:
            print(f"note: this pelx build lacks {', '.join(missing)}: those entries are n/a")
        print(f"speedup = peer time / pelx time (> 1: pelx faster); bandwidth fraction = "
              f"bytes moved / pelx time / {document['stream']['ceiling_GBps']:.1f} GB/s")
    print("wrote " + ", ".join(written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
