"""The read side shared by the dashboard, situation reports and exports.

``Views(engine)`` wraps the engine's store and the fusion service (``crosswire.fuse.service.Fusion``)
behind one object. Fused results (series, conflicts, entities, timeline) are cached and the cache is
dropped as soon as the knowledge base changes (SQLite's ``data_version`` and the connection's change
count), so a page never recomputes fusion over a million claims per request.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from ..errors import NotFound

MAX_CACHED = 256


def make_fusion(engine: Any) -> Any:
    """The engine's fusion service (imported late: fusion is optional for the document pages)."""
    from ..fuse.service import Fusion

    return Fusion(engine.store, engine.settings)


class Views:
    """Read-only queries for the views, cached per knowledge-base version."""

    def __init__(self, engine: Any, fusion_factory: Callable[[Any], Any] = make_fusion) -> None:
        self.engine = engine
        self._factory = fusion_factory
        self._fusion: Any = None
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._version: tuple[Any, ...] | None = None
        self.lock = threading.RLock()

    @property
    def store(self) -> Any:
        return self.engine.store

    def data_version(self) -> tuple[Any, ...]:
        """Changes when anything is written: by another connection or by this one (the store's version)."""
        return tuple(self.store.version())

    @property
    def fusion(self) -> Any:
        if self._fusion is None:
            self._fusion = self._factory(self.engine)
        return self._fusion

    def cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per knowledge-base version and ``key``."""
        with self.lock:
            version = self.data_version()
            if version != self._version:
                self._cache.clear()
                gc.unfreeze()  # what the old answers held can be collected again
                self._version = version
            if key not in self._cache:
                while len(self._cache) >= MAX_CACHED:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = _without_gc_pauses(compute)
            return self._cache[key]

    # -- fused views --------------------------------------------------------------------------
    def figures(self, measure: str | None = None, subject: str | None = None, since: str | None = None,
                until: str | None = None, include_conditional: bool = False) -> list[dict[str, Any]]:
        key = ("figures", measure, subject, since, until, include_conditional)
        return self.cached(key, lambda: self.fusion.figures(  # type: ignore[no-any-return]
            measure=measure, subject=subject, since=since, until=until, include_conditional=include_conditional))

    def series(self, series_id: str) -> dict[str, Any]:
        return self.cached(("series", series_id),  # type: ignore[no-any-return]
                           lambda: self.fusion.series(series_id, with_text=False))

    def series_page(self, series_id: str, offset: int, limit: int, marks: int) -> dict[str, Any]:
        try:
            return self.cached(("series-page", series_id, offset, limit, marks),  # type: ignore[no-any-return]
                               lambda: self.fusion.series_page(series_id, offset, limit, marks))
        except KeyError as exc:
            raise NotFound(f"no estimate series {series_id!r} (see /figures for the list)") from exc

    def with_text(self, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies of ``points`` with span, sentence and offsets (fetched for these points only)."""
        texts = self.fusion.claim_texts(p["claim_id"] for p in points)
        return [{**p, **texts.get(p["claim_id"], {})} for p in points]

    def conflicts(self) -> list[dict[str, Any]]:
        return self.cached(("conflicts",), lambda: self.fusion.conflicts())  # type: ignore[no-any-return]

    def timeline(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """The whole timeline is built once; a window is cut from it (same overlap rule as fusion's)."""
        every: list[dict[str, Any]] = self.cached(("timeline", None, None), lambda: self.fusion.timeline())
        if not since and not until:
            return every
        from ..fuse.rules import in_window

        return self.cached(("timeline", since, until),  # type: ignore[no-any-return]
                           lambda: [t for t in every if in_window(t.get("date"), since, until)])

    def entities(self, type: str | None = None, query: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        return self.cached(("entities", type, query),  # type: ignore[no-any-return]
                           lambda: self.fusion.entities(type=type, query=query))

    def entity(self, entity_id: str) -> dict[str, Any]:
        return self.cached(("entity", entity_id), lambda: self.fusion.entity(entity_id))  # type: ignore[no-any-return]

    def conflict_claims(self) -> set[Any]:
        """Ids of every claim that takes part in a contradiction."""
        return self.cached(("conflict_claims",),  # type: ignore[no-any-return]
                           lambda: {c for conflict in self.conflicts() for c in conflict.get("claim_ids") or []})


def _without_gc_pauses(compute: Callable[[], Any]) -> Any:
    """Run ``compute`` with the cycle collector off, then freeze what it built.

    Fusion over a million claims builds tens of millions of objects; with the collector on, every
    full collection walks all of them (seconds, many times over while building, and again at random
    later requests). Frozen objects are skipped by the collector and still freed by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return compute()
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


def find_series(views: Views, series_id: str) -> dict[str, Any]:
    """One series, with a NotFound that names the way to list them."""
    try:
        return views.series(series_id)
    except NotFound:
        raise
    except KeyError as exc:
        raise NotFound(f"no estimate series {series_id!r} (see /figures for the list)") from exc
