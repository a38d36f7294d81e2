"""threadpoolctl integration: pelx's pool shows up in
``threadpoolctl.threadpool_info()`` and obeys ``threadpool_limits()``.

On import, a ``LibController`` subclass is registered with threadpoolctl's
custom-controller API (``threadpoolctl.register``).
threadpoolctl finds the loaded ``pelx._core`` extension among the process's
shared libraries by its file name (``_core...``) and confirms it by two C
symbols only pelx exports (``pelx_threadpoolctl_get_num_threads`` /
``..._set_num_threads``, csrc/module/threadpoolctl_abi.c), which the
controller then calls through ctypes. Nothing happens if threadpoolctl is not
installed or too old.
"""

__all__ = ["PelxController", "registered"]

#: True once the controller is registered with threadpoolctl.
registered = False

PelxController = None

try:
    import threadpoolctl as _tpc

    _LibController = getattr(_tpc, "LibController", None)
    _register = getattr(_tpc, "register", None)
except ImportError:  # threadpoolctl is optional
    _LibController = _register = None


if _LibController is not None and _register is not None:

    class PelxController(_LibController):
        """threadpoolctl controller for pelx's thread pool.

        ``threadpool_info()`` reports it with ``user_api='pelx'`` and
        ``internal_api='pelx'``; ``threadpool_limits(n)`` (or
        ``threadpool_limits(n, user_api='pelx')``) sets the pool size, which
        is restored on exit. The pool is process-wide: the limit applies to
        every thread's pelx calls.
        """

        user_api = "pelx"
        internal_api = "pelx"
        # File name of the extension: _core.cpython-311-x86_64-linux-gnu.so;
        # check_symbols rules out other packages' _core modules.
        filename_prefixes = ("_core",)
        check_symbols = ("pelx_threadpoolctl_get_num_threads",
                         "pelx_threadpoolctl_set_num_threads")

        def get_num_threads(self):
            """Current pool size (threads, the calling thread included)."""
            fn = getattr(self.dynlib, "pelx_threadpoolctl_get_num_threads", None)
            return None if fn is None else fn()

        def set_num_threads(self, num_threads):
            """Set the pool size; returns the previous size."""
            fn = getattr(self.dynlib, "pelx_threadpoolctl_set_num_threads", None)
            return None if fn is None else fn(int(num_threads))

        def get_version(self):
            """pelx's version string."""
            from . import __version__

            return __version__

    try:
        _register(PelxController)
        registered = True
    except Exception:  # noqa: BLE001  (a threadpoolctl change must not break import)
        registered = False
