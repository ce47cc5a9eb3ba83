"""One bounded, thread-safe LRU for every cache of the read side.

The search layer keeps four caches per archive: analysed query tokens, prefix
expansions, whole responses and posting arrays. They used to be four
hand-written structures — two cleared themselves wholesale when full (every
popular entry lost at once), one counted entries, one counted bytes. Here
each is a `SizedLRU`: `cachetools.LRUCache` (least recently used goes first,
with a size per entry) behind one lock, since the web server answers from
several threads. A limit of 0 turns a cache off (the benchmark's "cold"
runs), and an entry larger than its share of the limit is answered but never
cached, so one huge posting list cannot evict everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

V = TypeVar("V")


def one(_value: object) -> int:
    """Every entry counts 1: the limit is a number of entries."""
    return 1


class SizedLRU(Generic[V]):
    """A least-recently-used cache bounded by the total `sizeof` of its entries."""

    def __init__(self, limit: int, sizeof: Callable[[V], int] = one, largest_share: float = 1.0) -> None:
        self.limit = limit
        self._largest = limit * largest_share
        self._sizeof = sizeof
        self._lock = threading.Lock()
        self._data: LRUCache = LRUCache(maxsize=max(limit, 1), getsizeof=sizeof)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._data.get(key)

    def put(self, key: Hashable, value: V) -> V:
        """Cache `value` when it fits; returns it either way."""
        if self.limit <= 0 or self._sizeof(value) > self._largest:
            return value
        with self._lock:
            self._data[key] = value
        return value

    def get_or_compute(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The cached value, or `compute()` cached (computed outside the lock)."""
        found = self.get(key)
        return found if found is not None else self.put(key, compute())

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    @property
    def size(self) -> int:
        """Total size of the cached entries (bytes, entries — what `sizeof` counts)."""
        with self._lock:
            return int(self._data.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)
