"""Bounded, thread-safe LRU caches for parsed and compiled expressions."""
import threading
from collections import OrderedDict

__all__ = ["LRUCache"]


class LRUCache:
    """Least-recently-used mapping holding at most `maxsize` entries.

    Lookups and inserts take a lock, so any number of threads may share one
    cache; the cached objects themselves are immutable.
    """

    def __init__(self, maxsize=256):
        self._data = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.hits = self.misses = 0

    @property
    def maxsize(self):
        return self._maxsize

    @maxsize.setter
    def maxsize(self, n):
        n = int(n)
        if n < 1:
            raise ValueError(f"cache size must be >= 1, got {n}")
        self._maxsize = n
        self._trim()

    def _trim(self):
        with self._lock:
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)

    def get_or_make(self, key, make):
        """The cached value for key, or make() stored under key."""
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
                self.hits += 1
                return value
            self.misses += 1
        value = make()  # outside the lock: compiling may take a while
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self):
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self):
        return len(self._data)
