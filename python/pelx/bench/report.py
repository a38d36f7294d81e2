"""Results as rows, the text table and the JSON file.

A row is one (case, size, threads) point: every peer's timing of the same
work, pelx's speedups over NumPy and numexpr (peer time / pelx time, so > 1
means pelx is faster), and, for memory-bound cases, pelx's achieved
bandwidth as a fraction of the ceiling measured in the same run.
"""
from __future__ import annotations

import json
import math
import os

from .cases import PEERS


def make_row(case, size, threads, timings, ceiling_GBps, cache_bytes=None):
    """timings: peer -> Timing or None (not available). cache_bytes: the
    last-level cache size; a working set that fits in it is flagged
    (in_cache), since its "fraction of bandwidth" compares cache speed with
    the memory ceiling and may exceed 1."""
    nbytes = case.bytes_per_element * size
    times = {p: (t.to_dict() if t is not None else None) for p, t in timings.items()}
    med = {p: (t.median_s if t is not None else None) for p, t in timings.items()}

    def ratio(peer):
        if med.get(peer) is None or med.get("pelx") is None or med["pelx"] <= 0:
            return None
        return med[peer] / med["pelx"]

    gbps = {p: (nbytes / m / 1e9 if m else None) for p, m in med.items()}
    fractions = {p: (g / ceiling_GBps if case.memory_bound and g and ceiling_GBps else None)
                 for p, g in gbps.items()}
    return {
        "case": case.name,
        "group": case.group,
        "description": case.description,
        "size": size,
        "threads": threads,
        "memory_bound": case.memory_bound,
        "bytes": nbytes,
        "in_cache": bool(cache_bytes) and nbytes <= cache_bytes,
        "times": times,
        "median_ms": {p: (m * 1e3 if m is not None else None) for p, m in med.items()},
        "GBps": gbps,
        "speedup_vs_numpy": ratio("numpy"),
        "speedup_vs_numexpr": ratio("numexpr"),
        "fraction_of_bandwidth": fractions.get("pelx"),
        "fraction_of_bandwidth_by_peer": fractions,
    }


def _ms(v):
    if v is None:
        return "n/a"
    return f"{v:.3g}" if v >= 0.01 else f"{v:.2e}"


def _x(v):
    return "n/a" if v is None else f"{v:.2f}x"


def _frac(row):
    if not row["memory_bound"]:
        return "-"
    f = row["fraction_of_bandwidth"]
    if f is None:
        return "n/a"
    return f"{100 * f:.0f}%" + ("*" if row.get("in_cache") else "")


def _size(n):
    exp = int(round(math.log10(n))) if n > 0 else 0
    return f"1e{exp}" if n > 0 and 10**exp == n else str(n)


COLUMNS = ("case", "size", "threads", "numpy ms", "numexpr ms", "pelx ms",
           "vs numpy", "vs numexpr", "of bandwidth")


def table_rows(rows):
    out = []
    for r in rows:
        ms = r["median_ms"]
        out.append((r["case"], _size(r["size"]), str(r["threads"]), _ms(ms.get("numpy")),
                    _ms(ms.get("numexpr")), _ms(ms.get("pelx")), _x(r["speedup_vs_numpy"]),
                    _x(r["speedup_vs_numexpr"]), _frac(r)))
    return out


def format_table(rows, markdown: bool = False) -> str:
    """The table as aligned text, or as a Markdown table."""
    body = table_rows(rows)
    if markdown:
        lines = ["| " + " | ".join(COLUMNS) + " |",
                 "|" + "|".join("---" if i < 3 else "---:" for i in range(len(COLUMNS))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(lines)
    widths = [max(len(COLUMNS[i]), *(len(r[i]) for r in body)) if body else len(COLUMNS[i])
              for i in range(len(COLUMNS))]

    def line(cells):
        return "  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(COLUMNS), line(["-" * w for w in widths])] + [line(r) for r in body])


CACHE_NOTE = ("* the working set fits in the last-level cache: the fraction compares with "
              "the memory ceiling and can exceed 100%")


def format_stream(stream: dict) -> str:
    """One line: the ceiling and the runs it came from."""
    t = stream["ceiling_threads"]
    before, after = stream["by_threads"][str(t)], stream["after_cases"]
    return (f"bandwidth ceiling {stream['ceiling_GBps']:.1f} GB/s with {t} threads "
            f"({before['n']} float64 per array; copy/triad {before['copy_GBps']:.1f}/"
            f"{before['triad_GBps']:.1f} GB/s before the cases, {after['copy_GBps']:.1f}/"
            f"{after['triad_GBps']:.1f} after)")


def write_json(path, document: dict) -> None:
    """Writes atomically (a reader never sees half a file)."""
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(document, f, indent=1, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


__all__ = ["make_row", "format_table", "format_stream", "write_json", "main", "PEERS"]


def main(argv=None) -> int:
    """python -m pelx.bench.report RESULTS.json [--markdown]: print the table
    of a saved run again."""
    import argparse

    p = argparse.ArgumentParser(prog="python -m pelx.bench.report",
                                description="Print the table of a saved pelx.bench run.")
    p.add_argument("json_file")
    p.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = p.parse_args(argv)
    with open(args.json_file) as f:
        document = json.load(f)
    if document.get("schema") != "pelx.bench/1":
        p.error(f"{args.json_file} is not a pelx.bench results file")
    print(format_table(document["results"], markdown=args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
