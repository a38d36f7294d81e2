"""Type stubs for pelx.stats / pelx.reset_stats / pelx.trace."""
import os
from contextlib import AbstractContextManager
from typing import Any, Iterator, NamedTuple

__all__ = ['WorkerStats', 'Stats', 'stats', 'reset_stats', 'trace']

DEFAULT_TRACE_CAPACITY: int

class WorkerStats(NamedTuple):
    worker: int
    chunks: int
    steals: int
    parks: int
    jobs: int
    busy_s: float

class Stats:
    FIELDS: tuple[str, ...]
    workers: list[WorkerStats]
    def __init__(self, workers: Any) -> None: ...
    def __iter__(self) -> Iterator[WorkerStats]: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> WorkerStats: ...
    def totals(self) -> dict[str, float]: ...
    def as_dict(self) -> dict[str, Any]: ...
    def _repr_html_(self) -> str: ...

class _Trace:
    path: str
    events: list[dict[str, Any]] | None
    dropped: int
    def __init__(self, path: str) -> None: ...

def stats() -> Stats: ...
def reset_stats() -> None: ...
def trace(path: str | os.PathLike[str],
          capacity: int = ...) -> AbstractContextManager[_Trace]: ...
