"""Type stubs for the distributed worker plugin of pelx.dask."""
from typing import Any

__all__ = ['PelxThreads', 'worker_threads']

def worker_threads(cpus: int, workers_on_host: int, nthreads_per_worker: int) -> int: ...

class PelxThreads:
    name: str
    threads: int | None
    n_workers: int | None
    previous: int | None
    chosen: int | None
    idempotent: bool
    def __init__(self, threads: int | None = ..., n_workers: int | None = ...) -> None: ...
    async def setup(self, worker: Any) -> None: ...
    def teardown(self, worker: Any) -> None: ...
