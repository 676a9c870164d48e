"""The engine's one cache: answers kept until the knowledge base changes.

    cache = VersionCache(store.version)
    model = cache.get(("model", False), build, keep=True)   # kept as long as the version holds
    page = cache.get(("figures", ...), compute)               # one of the last MAX_CACHED answers

Every ``get`` first asks the store for its version (``Store.version()``: anything written by this
connection or another one changes it); a new version drops everything. ``keep`` entries (fusion's
models and indexes, costly to rebuild) are never evicted within a version; the others are, oldest
first, beyond MAX_CACHED.

Garbage collection: fusion over a million claims builds tens of millions of objects, none of them
cyclic; with the cycle collector on, each of its full scans walks all of them (seconds, many times
over while building, and again at random later requests). So ``compute`` runs with the collector off
and what it built is frozen (``gc.freeze``: skipped by the collector, still freed by reference
counting); a new version unfreezes it.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_CACHED = 256


class VersionCache:
    def __init__(self, version: Callable[[], Hashable]) -> None:
        self._version_of = version
        self._version: Hashable | None = None
        self._kept: dict[Hashable, Any] = {}
        self._recent: dict[Hashable, Any] = {}
        self.lock = threading.RLock()  # one request at a time talks to the store and fills the cache

    def version(self) -> Hashable:
        """The knowledge base's version now (and the cache emptied if it changed)."""
        with self.lock:
            version = self._version_of()
            if version != self._version:
                self._kept.clear()
                self._recent.clear()
                gc.unfreeze()  # what the old answers held can be collected again
                self._version = version
            return version

    def get(self, key: Hashable, compute: Callable[[], T], keep: bool = False) -> T:
        """``compute()`` once per knowledge-base version and ``key``."""
        with self.lock:
            self.version()
            for table in (self._kept, self._recent):
                if key in table:
                    return table[key]  # type: ignore[no-any-return]
            value = without_gc_pauses(compute)
            if keep:
                self._kept[key] = value
            else:
                while len(self._recent) >= MAX_CACHED:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = value
            return value

    def clear(self) -> None:
        with self.lock:
            self._version = None
            self._kept.clear()
            self._recent.clear()


def without_gc_pauses(compute: Callable[[], T]) -> T:
    """Run ``compute`` with the cycle collector off, then freeze what it built (see the module docstring)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return compute()
    finally:
        if enabled:
            gc.enable()
            gc.freeze()
