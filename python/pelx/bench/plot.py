"""The PNG: pelx's speedup over NumPy against array size (all threads) and
against thread count (largest size). numexpr's speedup over NumPy is drawn
dashed in the same colour, for comparison. matplotlib is imported here only,
with the Agg backend (no display needed)."""
from __future__ import annotations


def _speedup(row, peer):
    """NumPy time / peer time, or None."""
    ms = row["median_ms"]
    if ms.get("numpy") is None or ms.get(peer) is None or ms[peer] <= 0:
        return None
    return ms["numpy"] / ms[peer]


def _lines(ax, rows, key, cases):
    drawn = False
    colors = {}
    for i, case in enumerate(cases):
        colors[case] = f"C{i % 10}"
        pts = sorted((r[key], r) for r in rows if r["case"] == case)
        for peer, style in (("pelx", "-o"), ("numexpr", "--x")):
            xy = [(x, _speedup(r, peer)) for x, r in pts if _speedup(r, peer) is not None]
            if xy:
                xs, ys = zip(*xy)
                ax.plot(xs, ys, style, color=colors[case], markersize=4)
                drawn = True
    ax.axhline(1.0, color="0.5", linewidth=0.8)
    if drawn:
        # log scale: 2x slower and 2x faster are the same distance from 1
        from matplotlib.ticker import FuncFormatter, LogLocator

        ax.set_yscale("log")
        label = FuncFormatter(lambda v, _: f"{v:g}x")
        ax.yaxis.set_major_formatter(label)
        ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        ax.yaxis.set_minor_formatter(label)
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    return drawn


def write_plot(path, document: dict) -> None:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    rows = document["results"]
    run = document["run"]
    cases = list(dict.fromkeys(r["case"] for r in rows))
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))

    by_size = [r for r in rows if r["threads"] == run["max_threads"]]
    _lines(left, by_size, "size", cases)
    left.set_xscale("log")
    left.set_xlabel("array size (float64 elements)")
    left.set_ylabel("speedup over NumPy")
    left.set_title(f"speedup vs array size ({run['max_threads']} threads)")

    by_threads = [r for r in rows if r["size"] == run["sweep_size"]]
    _lines(right, by_threads, "threads", cases)
    right.set_xlabel("threads")
    right.set_xticks(sorted({r["threads"] for r in by_threads}) or [1])
    right.set_ylabel("speedup over NumPy")
    right.set_title(f"speedup vs threads (size {run['sweep_size']:.0e})")

    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=f"C{i % 10}", linewidth=3) for i in range(len(cases))]
    handles += [Line2D([], [], color="k", linestyle="-", marker="o", markersize=4),
                Line2D([], [], color="k", linestyle="--", marker="x", markersize=4)]
    fig.legend(handles, cases + ["pelx", "numexpr"], loc="center right", fontsize="small")
    m = document["machine"]
    fig.suptitle(f"pelx {document['pelx']['version']} on {m['cpu_model']}, {m['cpus_available']} CPUs"
                 f" (solid: pelx, dashed: numexpr; > 1 is faster than NumPy)", fontsize="medium")
    fig.tight_layout(rect=(0, 0, 0.86, 0.94))
    fig.savefig(path, dpi=110)
    plt.close(fig)
