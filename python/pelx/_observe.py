"""What the pool has been doing: per-worker counters (``pelx.stats()``) and a
timeline of chunks (``pelx.trace()``) viewable in Perfetto / chrome://tracing.
"""
import contextlib
import json
import operator
import os
from typing import NamedTuple

from . import _core

__all__ = ["WorkerStats", "Stats", "stats", "reset_stats", "trace"]


class WorkerStats(NamedTuple):
    """Counters of one thread of the pool (see :func:`pelx.stats`)."""

    #: 0 for the calling threads (their sum), 1.. for the pool's workers.
    worker: int
    #: chunks run
    chunks: int
    #: chunks taken from another thread's part of a loop
    steals: int
    #: times the thread went to sleep waiting for work
    parks: int
    #: jobs joined
    jobs: int
    #: seconds spent inside chunk functions
    busy_s: float


class Stats:
    """Snapshot of the pool's per-thread counters, as returned by :func:`stats`.

    Attributes
    ----------
    workers : list of WorkerStats
        One entry per thread: entry 0 is the calling threads (every thread
        that submitted work, which runs chunks too), entries 1.. the pool's
        worker threads.

    Notes
    -----
    Iterating yields the ``WorkerStats`` entries; ``totals()`` sums them;
    in a notebook the object shows as an HTML table.
    """

    FIELDS = ("chunks", "steals", "parks", "jobs", "busy_s")

    def __init__(self, workers):
        self.workers = list(workers)

    def __iter__(self):
        return iter(self.workers)

    def __len__(self):
        return len(self.workers)

    def __getitem__(self, i):
        return self.workers[i]

    def totals(self):
        """Sum of each counter over all threads, as a dict."""
        return {f: sum(getattr(w, f) for w in self.workers) for f in self.FIELDS}

    def as_dict(self):
        """``{"workers": [dict per thread], "totals": dict}`` (JSON-friendly)."""
        return {"workers": [w._asdict() for w in self.workers], "totals": self.totals()}

    def _rows(self):
        for w in self.workers:
            name = "caller" if w.worker == 0 else f"worker {w.worker}"
            yield name, w.chunks, w.steals, w.parks, w.jobs, f"{w.busy_s * 1e3:.3f}"
        t = self.totals()
        yield ("total", t["chunks"], t["steals"], t["parks"], t["jobs"],
               f"{t['busy_s'] * 1e3:.3f}")

    _HEAD = ("thread", "chunks", "steals", "parks", "jobs", "busy ms")

    def __repr__(self):
        rows = [self._HEAD] + [tuple(str(x) for x in r) for r in self._rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self._HEAD))]
        lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        return "pelx.Stats\n" + "\n".join(lines)

    def _repr_html_(self):
        head = "".join(f"<th>{h}</th>" for h in self._HEAD)
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                       for r in self._rows())
        return (f"<table><caption>pelx pool statistics</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def stats():
    """Per-thread counters of pelx's pool since start or :func:`reset_stats`.

    Returns
    -------
    Stats
        Entry 0 counts the calling threads (Python threads that ran pelx
        operations take part in their own jobs), entries 1.. the pool's
        worker threads: chunks run, chunks stolen, times parked, jobs
        joined, and busy time in seconds.

    See Also
    --------
    reset_stats, trace

    Examples
    --------
    >>> import pelx
    >>> pelx.reset_stats()
    >>> s = pelx.stats()
    >>> s.totals()["chunks"]
    0
    """
    return Stats(WorkerStats(d["thread"], d["chunks"], d["steals"], d["parks"],
                             d["jobs"], d["busy_ns"] * 1e-9)
                 for d in _core.get_stats())


def reset_stats():
    """Zero every counter reported by :func:`stats`.

    Returns
    -------
    None
    """
    _core.reset_stats()


#: Chunk events kept per thread by default by :func:`trace` (48 bytes each:
#: 3 MiB per thread, enough for 65536 chunks).
DEFAULT_TRACE_CAPACITY = 1 << 16


def _chrome_trace(events, pid, dropped=0):
    """Chrome trace-event JSON object for the recorded chunk events."""
    out = []
    threads = sorted({e[0] for e in events})
    for t in threads:
        name = "caller" if t == 0 else f"pelx worker {t}"
        out.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": t,
                    "args": {"name": name}})
    t_origin = min((e[5] for e in events), default=0)
    for thread, slot, job, begin, end, t0, t1 in events:
        out.append({
            "ph": "X", "name": "chunk", "cat": "pelx", "pid": pid, "tid": thread,
            "ts": (t0 - t_origin) / 1e3,           # microseconds
            "dur": max(t1 - t0, 0) / 1e3,
            "args": {"job": job, "slot": slot, "begin": begin, "end": end},
        })
    return {"traceEvents": out, "displayTimeUnit": "ns",
            "otherData": {"producer": "pelx", "dropped_events": dropped}}


class _Trace:
    """What ``with pelx.trace(...) as t`` gives: the events once it is over."""

    def __init__(self, path):
        self.path = path
        self.events = None  # list of dicts (the "traceEvents") after exit
        self.dropped = 0    # chunk events that did not fit the capacity

    def __repr__(self):
        n = "recording" if self.events is None else f"{len(self.events)} events"
        return f"<pelx trace {self.path!r}: {n}>"


@contextlib.contextmanager
def trace(path, capacity=DEFAULT_TRACE_CAPACITY):
    """Record every chunk the pool runs and write a Chrome/Perfetto trace.

    Inside the ``with`` block every chunk of every pelx job is logged (the
    thread that ran it, its job, its index range, start and end time); on
    exit the log is written to ``path`` as Chrome trace-event JSON: one
    complete event (``"ph": "X"``) per chunk, ``tid`` = pool thread (0 is
    the calling thread). Open the file in https://ui.perfetto.dev or
    chrome://tracing.

    Parameters
    ----------
    path : str or os.PathLike
        File to write (overwritten).
    capacity : int, optional
        Most chunk events kept per thread, at most 2**24; later ones are
        dropped and counted in ``otherData.dropped_events`` (default
        2**16).

    Yields
    ------
    _Trace
        Its ``events`` attribute holds the written trace events after exit,
        ``dropped`` the number of chunk events that did not fit.

    Raises
    ------
    RuntimeError
        If a trace is already being recorded.
    TypeError, ValueError
        If `capacity` is not an integer between 1 and 2**24.

    Examples
    --------
    >>> import numpy as np, pelx
    >>> with pelx.trace("pelx-trace.json"):            # doctest: +SKIP
    ...     pelx.exp(np.ones(10_000_000))
    """
    path = os.fspath(path)
    capacity = operator.index(capacity)
    if not 1 <= capacity <= _core.TRACE_MAX_EVENTS:
        raise ValueError(f"capacity must be between 1 and "
                         f"{_core.TRACE_MAX_EVENTS} events per thread, got "
                         f"{capacity}")
    _core._trace_start(capacity)
    result = _Trace(path)
    try:
        yield result
    finally:
        events, dropped = _core._trace_stop()
        doc = _chrome_trace(events, os.getpid(), dropped)
        result.dropped = dropped
        with open(path, "w") as f:
            json.dump(doc, f)
        result.events = doc["traceEvents"]
