"""Sizing pelx's pool inside ``distributed`` workers.

A Dask worker runs ``nthreads`` tasks at once, and several workers may share
a machine; if every task's pelx call used all CPUs, a machine would run
workers x nthreads x CPUs threads. :class:`PelxThreads` gives each worker
process ``max(1, cpus // (workers on this host * nthreads))`` pelx threads.

Alternatively set the pool size in the worker's environment before it
starts, through the nanny (worker processes only)::

    # ~/.config/dask/distributed.yaml
    distributed:
      nanny:
        pre-spawn-environ:
          PELX_NUM_THREADS: 1

or ``dask.config.set({"distributed.nanny.pre-spawn-environ.PELX_NUM_THREADS":
1})`` before creating the cluster.
"""
from . import _core

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover  (dask without distributed)
    WorkerPlugin = object

__all__ = ["PelxThreads", "worker_threads"]


def worker_threads(cpus, workers_on_host, nthreads_per_worker):
    """pelx threads per worker so that a host is not oversubscribed.

    Parameters
    ----------
    cpus : int
        CPUs available to a worker process.
    workers_on_host : int
        Worker processes sharing those CPUs.
    nthreads_per_worker : int
        Tasks each worker runs at once (its Dask threads).

    Returns
    -------
    int
        ``max(1, cpus // (workers_on_host * nthreads_per_worker))``.
    """
    busy = max(1, int(workers_on_host)) * max(1, int(nthreads_per_worker))
    return max(1, int(cpus) // busy)


class PelxThreads(WorkerPlugin):
    """Worker plugin setting pelx's pool size in every Dask worker.

    Register it once with ``client.register_plugin(PelxThreads())``; workers
    that join later get it too. On teardown (``client.unregister_worker_plugin
    (name)``) the previous pool size is restored.

    Parameters
    ----------
    threads : int, optional
        Pool size to use in every worker. Default: ``max(1, cpus //
        (workers_on_host * nthreads))``, with ``cpus`` the CPUs the worker
        may use, ``nthreads`` the worker's Dask threads and
        ``workers_on_host`` the workers the scheduler knows on the worker's
        host when the plugin is set up (workers started later on the same
        host do not resize the others: pass `n_workers` to be exact).
    n_workers : int, optional
        Workers per host to assume instead of asking the scheduler.

    Attributes
    ----------
    name : str
        ``"pelx-threads"``: registering again replaces the plugin.

    Examples
    --------
    >>> from distributed import Client, LocalCluster          # doctest: +SKIP
    >>> from pelx.dask import PelxThreads
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=2))
    >>> client.register_plugin(PelxThreads())
    """

    name = "pelx-threads"

    def __init__(self, threads=None, n_workers=None):
        if threads is not None and int(threads) < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        if n_workers is not None and int(n_workers) < 1:
            raise ValueError(f"n_workers must be >= 1, got {n_workers}")
        self.threads = None if threads is None else int(threads)
        self.n_workers = None if n_workers is None else int(n_workers)
        self.previous = None
        self.chosen = None

    async def _workers_on_host(self, worker):
        if self.n_workers is not None:
            return self.n_workers
        host = worker.address.rsplit(":", 1)[0]
        info = await worker.scheduler.identity()
        hosts = [a.rsplit(":", 1)[0] for a in info.get("workers", {})]
        return max(1, sum(h == host for h in hosts))

    async def setup(self, worker):
        import pelx

        if self.threads is not None:
            n = self.threads
        else:
            n = worker_threads(_core.available_cpus(), await self._workers_on_host(worker),
                               worker.state.nthreads)
        self.previous = pelx.set_num_threads(n)
        self.chosen = n

    def teardown(self, worker):
        import pelx

        if self.previous is not None:
            pelx.set_num_threads(self.previous)
