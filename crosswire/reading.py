"""The engine's read side: what the CLI, the dashboard and reports ask ``Crosswire`` for.

    cw = Crosswire(db="kb.db")
    cw.figures(measure="killed"); cw.top_figures(12); cw.series("north-korea.killed.person")
    cw.conflicts(); cw.timeline(since="2025-01"); cw.entities(); cw.entity("NIS")
    cw.merge("North Korea", "DPRK"); cw.split(...); cw.undo(3); cw.edits()
    cw.report(topic="casualties", since="2025-01", until="2025-03")
    cw.documents(); cw.document(id); cw.search("troops")

Fusion (``crosswire.fuse.service.Fusion``) is built by the engine, once, over the engine's store; every
answer is kept in the engine's one cache (``crosswire.cache.VersionCache``), keyed by the knowledge
base's version, so nothing is recomputed until something is written. Reads that touch the store hold
the cache's lock: the dashboard serves requests from several threads over one connection.

"Top figures" are ranked one way (``crosswire.fuse.ranking.ranked``): the tracked measures before
'other', then by independent sources, then by claims, then by label.
"""
from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Hashable, Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import VersionCache, background_work, give_way
from .checks import check_measure, check_window
from .fuse.ranking import Series, ranked
from .store import DocFilter
from .store.rows import (ClaimText, DocumentPage, DocumentSummary, EntityEdit, Facet, Original, QuoteInWindow,
                         SearchHit, SearchPage)

if TYPE_CHECKING:
    from .fuse.service import Fusion
    from .resources import Resources
    from .store.sqlite import Store

T = TypeVar("T")
__all__ = ["ReadSide", "ranked"]


WATCH_EVERY = 2.0  # seconds between two looks for reports another process added (``watch``)
# A served engine builds fusion in a thread beside the threads answering pages, and only one thread runs Python
# at a time: a thread that gave the interpreter up (each query a page makes, each hand-over between the server's
# threads) waits for the build thread to give it back, up to the switch interval each time (5 ms by default, a
# few dozen times a page). Shorter, a page waits less while a build runs; the build switches more often.
SWITCH_INTERVAL = 0.001
log = logging.getLogger(__name__)


class _SwitchInterval:
    """The process-wide switch interval, shortened to SWITCH_INTERVAL while at least one engine is served
    (``start_background``) and given back its value from before the first once the last one stops."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders: list[object] = []  # the Background of each served engine
        self.saved: float | None = None

    def shorten(self, holder: object) -> None:
        with self.lock:
            if not self.holders:
                self.saved = sys.getswitchinterval()
            if holder not in self.holders:
                self.holders.append(holder)
            if sys.getswitchinterval() > SWITCH_INTERVAL:
                sys.setswitchinterval(SWITCH_INTERVAL)

    def restore(self, holder: object) -> None:
        with self.lock:
            if holder not in self.holders:
                return
            self.holders.remove(holder)
            if not self.holders and self.saved is not None:
                sys.setswitchinterval(self.saved)
                self.saved = None


SWITCHING = _SwitchInterval()


class Background:
    """The threads a served engine runs beside its pages (``warm``, ``watch``), and the event that ends them."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self, name: str, run: Callable[[], None]) -> threading.Thread:
        thread = threading.Thread(target=run, name=name, daemon=True)
        self.threads.append(thread)
        thread.start()
        return thread

    def stop_all(self, timeout: float | None) -> list[str]:
        """Ask every thread to end and wait for them (at most ``timeout`` seconds each); those still running."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        return [t.name for t in self.threads if t.is_alive()]


class ReadSide:
    """Mixed into ``Crosswire``, which provides ``store`` and ``settings``."""

    settings: dict[str, Any]
    resources: Resources
    _cache: VersionCache | None
    _fusion: Fusion | None
    _bg: Background | None

    if TYPE_CHECKING:
        @property
        def store(self) -> Store: ...

    # -- the cache ------------------------------------------------------------------------------
    @property
    def cache(self) -> VersionCache:
        if self._cache is None:
            self._cache = VersionCache(lambda: self.store.version())
        return self._cache

    @property
    def lock(self) -> threading.RLock:
        return self.cache.lock

    def version(self) -> Hashable:
        """The knowledge base's version (changes with every write, by this process or another)."""
        return self.cache.version()

    def pinned_version(self) -> AbstractContextManager[None]:
        """A block that only reads (a dashboard GET): the knowledge base's version is asked of the store once
        in it, not by every cached answer (on PostgreSQL each ask is a round trip); see ``crosswire.cache``."""
        return self.cache.pinned()

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per knowledge-base version and ``key`` (while answers are served stale, as a page that
        background builds give way to: ``VersionCache.answering``)."""
        with self.cache.answering():
            return self.cache.get(key, compute)

    def fused(self, key: Hashable, compute: Callable[[], T], remake: bool = False) -> T:
        """``compute()`` (an answer from fusion) once per fusion state and ``key``: with a background cache the
        state may be the previous one while the current one is built (``fusion_status`` says so). ``remake``:
        ``compute`` asks this engine afresh (its fusion reads the store through ``Fusion.store``), so a background
        build may make it again for its new state before serving it (``VersionCache.prepare``). While answers are
        served stale, every such read is a page that background builds give way to (``VersionCache.answering``),
        whoever asks: the dashboard or a library caller."""
        with self.cache.answering():
            state = self.fusion.state()  # not under the lock: the first build may be running in a thread
            return self.cache.derived(key, state, compute, remake)

    def fusion_status(self) -> dict[str, Any]:
        """Whether fusion's answers are current, or the previous ones while a build runs: ``current``,
        ``updating``, ``built_at``, ``how`` (full or incremental), ``seconds``, ``reports`` covered."""
        return self.cache.status()

    def serve_stale(self) -> None:
        """From now on, a change to the knowledge base is fused in a background thread while the previous
        answers keep being served (the dashboard: no page waits for a build), and the answers views start from are
        made for the new state before it is served (``prepare_views``)."""
        if not self.cache.background:
            self.cache.prepare(self.prepare_views)
            self.cache.preparing = self.fusion.reading_apart  # their reads: not on the pages' connection
        self.cache.background = True

    def prepare(self, preparer: Callable[[], Any]) -> None:
        """Have each background build of fusion run ``preparer`` (which asks this engine for answers) for the new
        state before serving it, so that the first views after an ingest find those answers made."""
        self.cache.prepare(preparer)

    def prepare_views(self) -> None:
        """The answers every view of the dashboard starts from, for a new fusion state (``serve_stale`` has each
        background build make them): the figures, the conflicts and their claims, the entities and the reports'
        entities (``Fusion.prepare_entities``)."""
        for prepare in (self.figures, self.conflicts, self.conflict_claims, self.entities,
                        self.fusion.prepare_entities):
            give_way()  # pages being answered go first (``crosswire.cache.Pages``)
            prepare()

    def start_background(self, watch_every: float | None = WATCH_EVERY, parts: bool = True) -> None:
        """What a served knowledge base needs (the dashboard's start-up): answers served stale while fusion
        is refreshed in the background (``serve_stale``), the first build started now (``warm``) and, every
        ``watch_every`` seconds, a look for reports another process added (``watch``; None: no watching).
        ``stop_background`` (called by ``close``) ends the threads. The interpreter's switch interval is shortened
        to SWITCH_INTERVAL (see there) for the process until ``stop_background`` (the last one, when several
        engines are served) gives it back."""
        self.serve_stale()
        SWITCHING.shorten(self._background())
        self.warm(parts)
        if watch_every is not None:
            self.watch(watch_every)

    def warm(self, parts: bool = True) -> threading.Thread:
        """Start building fusion (with ``parts``: the name index and the timeline too) in the background,
        so that the first page view does not build it; returns the thread at once."""
        bg = self._background()

        def run() -> None:
            self.fusion.state(wait=True)
            if parts and not bg.stop.is_set():  # pages may be served from here on: they go first
                background_work(self.fusion.build_parts)
                background_work(self.fusion.prepare_entities)

        return bg.start("crosswire-warm", run)

    def watch(self, every: float = WATCH_EVERY) -> threading.Thread:
        """Look for changes every ``every`` seconds and start fusing them in the background, so a page after
        an ingest by another process finds the new answers built or being built (until ``stop_background``)."""
        bg = self._background()

        def run() -> None:
            while not bg.stop.wait(every):
                try:
                    with self.lock:
                        if self.cache.has_state:  # the first build is started by warm or a page
                            self.fusion.state()
                except Exception:  # noqa: BLE001 - the next look tries again; pages show errors
                    log.debug("watching the knowledge base failed", exc_info=True)

        return bg.start("crosswire-watch", run)

    def stop_background(self, timeout: float | None = None) -> list[str]:
        """End the threads ``warm`` and ``watch`` started and wait for a running fusion build (at most
        ``timeout`` seconds for each), and give the switch interval back (``start_background``); the names of the threads
        still running after that (none normally)."""
        bg, self._bg = self._bg, None
        left = bg.stop_all(timeout) if bg is not None else []
        if self._cache is not None:
            self._cache.wait(timeout)
            if self._cache.building:
                left.append("crosswire-fusion-build")
        if bg is not None:
            SWITCHING.restore(bg)
        return left

    def _background(self) -> Background:
        if self._bg is None:
            self._bg = Background()
        return self._bg

    @property
    def fusion(self) -> Fusion:
        """The fusion model over this engine's store (built on first use, cached per version)."""
        if self._fusion is None:
            from .fuse.service import Fusion

            self._fusion = Fusion(self.store, self.settings, self.cache, self.resources.gazetteer)
        return self._fusion

    # -- figures --------------------------------------------------------------------------------
    def figures(self, measure: str | None = None, subject: str | None = None, since: str | None = None,
                until: str | None = None, include_conditional: bool = False,
                include_other: bool = False) -> list[Series]:
        """Estimate series (with their points), ordered by label; measure 'other' (figures that do not
        say what they count) only with ``include_other`` or ``measure='other'``. An unknown measure or an
        unreadable date is a SettingsError listing what is valid (``crosswire.checks``), never an empty answer."""
        measure = check_measure(measure, self.resources.claims_vocab)
        since, until = check_window(since, until)
        return self.fused(("figures", measure, subject, since, until, include_conditional, include_other),
                           lambda: self.fusion.figures(measure=measure, subject=subject, since=since, until=until,
                                                       include_conditional=include_conditional,
                                                       include_other=include_other), remake=True)

    def top_figures(self, n: int | None = None, measure: str | None = None, subject: str | None = None,
                    since: str | None = None, until: str | None = None,
                    include_conditional: bool = False, include_other: bool = False) -> list[Series]:
        """The ``n`` key figures (all with None), ranked by ``ranked``; measure 'other' is left out unless
        ``measure`` or ``include_other`` asks for it."""
        measure = check_measure(measure, self.resources.claims_vocab)
        rows = ranked(s for s in self.figures(measure, subject, since, until, include_conditional, include_other)
                      if measure or include_other or s["measure"] != "other")
        return rows[:n] if n else rows

    def series(self, series_id: str, include_conditional: bool = False, with_text: bool = True) -> Series:
        """One series: summary, points (with their sentences unless ``with_text`` is False), conflicts, figures."""
        return self.fused(("series", series_id, include_conditional, with_text),
                           lambda: self.fusion.series(series_id, include_conditional, with_text))

    def series_page(self, series_id: str, offset: int = 0, limit: int = 200, marks: int = 150,
                    figures: bool = True) -> Series:
        """One page of a series for a screen (see ``Fusion.series_page``; ``figures``: with its figure records)."""
        return self.fused(("series-page", series_id, offset, limit, marks, figures),
                           lambda: self.fusion.series_page(series_id, offset, limit, marks, figures=figures),
                           remake=True)

    def series_part(self, series_id: str, key: Hashable, compute: Callable[[], T],
                    include_conditional: bool = False) -> T:
        """``compute()`` (a part of a view of one series, e.g. a card's chart) once per series as fused: kept
        across refreshes that leave the series and its conflicts as they were (``Fusion.series_part``)."""
        return self.fusion.series_part(series_id, key, compute, include_conditional)

    def claim_texts(self, claim_ids: Iterable[int]) -> dict[int, ClaimText]:
        """span, sentence, offsets and conditional of these claims, by id; read on the connection of a background
        build preparing answers (``Fusion.reading_apart``: no lock, not the pages' connection), else on the
        engine's under its lock."""
        fusion = self.fusion
        if fusion.store is not self.store:
            return fusion.claim_texts(claim_ids)
        with self.lock:
            return self.store.claim_texts(claim_ids)

    def with_text(self, points: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies of ``points`` with span, sentence and offsets (fetched for these points only)."""
        texts = self.claim_texts(p["claim_id"] for p in points)
        return [{**p, **texts.get(p["claim_id"], {})} for p in points]

    def conflicts(self) -> list[dict[str, Any]]:
        """Contradictions and divergences still open (those an analyst dismissed are in ``dismissed_conflicts``)."""
        return self.fused(("conflicts",), self.fusion.conflicts, remake=True)

    def dismissed_conflicts(self) -> list[dict[str, Any]]:
        """Conflicts an analyst dismissed, each with its ``review`` (analyst, created_at, reason)."""
        return self.fused(("dismissed-conflicts",), self.fusion.dismissed_conflicts, remake=True)

    def claim_series(self, claim_id: int) -> list[str]:
        """The ids of the series a claim is a point of."""
        return self.fused(("claim-series",), self.fusion.claim_series).get(claim_id, [])

    def conflict_claims(self) -> set[int]:
        """Ids of every claim that takes part in a contradiction."""
        def compute() -> set[int]:
            out: set[int] = set()
            for conflict in self.conflicts():
                give_way()  # pages being answered first (a background build preparing it)
                out.update(conflict.get("claim_ids") or ())
            return out

        return self.fused(("conflict_claims",), compute, remake=True)

    def corroboration(self, series_id: str) -> list[dict[str, Any]]:
        return self.fused(("corroboration", series_id), lambda: self.fusion.corroboration(series_id),
                          remake=True)

    def timeline(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Dated events, statements and claims in order; the whole timeline is built once and a window is
        cut from it (the overlap rule of ``crosswire.store.rows``)."""
        since, until = check_window(since, until)
        return self.fused(("timeline", since, until), lambda: self.fusion.timeline(since, until))

    # -- entities -------------------------------------------------------------------------------
    def entities(self, type: str | None = None, query: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        return self.fused(("entities", type, query), lambda: self.fusion.entities(type=type, query=query),
                          remake=True)

    def entity(self, name: str) -> dict[str, Any]:
        """One entity (id, name or alias): aliases, reports, claims, quotes, co-occurring entities, edits."""
        return self.fused(("entity", name), lambda: self.fusion.entity(name), remake=True)

    def merge(self, a: str, b: str) -> dict[str, Any]:
        """Merge entity ``b`` into ``a`` (kept across re-ingests; undo with ``unmerge`` or ``undo``)."""
        with self.lock:
            return self.fusion.merge(a, b)

    def unmerge(self, a: str, b: str) -> dict[str, Any]:
        with self.lock:
            return self.fusion.unmerge(a, b)

    def split(self, entity: str, alias: str) -> dict[str, Any]:
        """Take ``alias`` out of ``entity`` as an entity of its own."""
        with self.lock:
            return self.fusion.split(entity, alias)

    def undo(self, edit_id: int) -> dict[str, Any]:
        with self.lock:
            return self.fusion.undo(edit_id)

    def edits(self) -> list[EntityEdit]:
        """Every merge and split, active or undone."""
        with self.lock:
            return self.store.entity_edits(active=False)

    # -- situation report -----------------------------------------------------------------------
    def report(self, topic: str | None = None, since: str | None = None, until: str | None = None) -> dict[str, Any]:
        """A situation report for a window (default: the last six calendar months up to the latest report),
        as plain data (see ``crosswire.report``)."""
        from .report.situation import situation_report

        since, until = check_window(since, until)
        return situation_report(self, topic=topic, since=since, until=until)

    # -- reports --------------------------------------------------------------------------------
    def documents(self, since: str | None = None, until: str | None = None, publisher: str | None = None,
                  language: str | None = None, limit: int | None = None) -> list[DocumentSummary]:
        """Reports in date order (undated last); ``since``/``until`` as in ``crosswire.store.rows``."""
        since, until = check_window(since, until)
        with self.lock:
            return self.store.documents(DocFilter(since, until, publisher, language), limit)

    def page_documents(self, flt: DocFilter, limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
        """One page of reports, newest first."""
        check_window(flt.since, flt.until)
        with self.lock:
            return self.store.page_documents(flt, limit, offset)

    def count_documents(self, flt: DocFilter) -> int:
        return self.cached(("documents", flt), lambda: self.store.count_documents(flt))

    def facets(self) -> dict[str, list[Facet]]:
        """Publishers and languages with their report counts."""
        return self.cached(("facets",), self.store.facets)

    def counts(self) -> dict[str, int]:
        """How many reports, claims, quotes, entities and times are stored, counted once per fusion state (with the
        figures the overview shows beside them): counting a million claims is a scan, which a background build makes
        for its new state (read through ``Fusion.store``: its own connection there) rather than the first page after
        an ingest."""
        return self.fused(("counts",), lambda: {t: self.fusion.store.count(t) for t in
                                                ("documents", "claims", "quotes", "entities", "times")}, remake=True)

    def document(self, doc_id: str) -> DocumentPage:
        """One report (id or unique prefix) with every record extracted from it."""
        with self.lock:
            return self.store.document(doc_id)

    def original(self, doc_id: str) -> Original:
        """One report's bytes as received, with their encoding and decoded text."""
        with self.lock:
            return self.store.original(doc_id)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        with self.lock:
            return self.store.search(query, limit)

    def search_page(self, query: str, limit: int = 20, offset: int = 0) -> SearchPage:
        with self.lock:
            return self.store.search_page(query, limit, offset)

    def quotes_between(self, since: str | None, until: str | None, limit: int = 200) -> list[QuoteInWindow]:
        """Quotes from reports published in the window (newest reports first)."""
        with self.lock:
            return self.store.quotes_between(since, until, limit)

    def document_refs(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Title, publisher, date and URL of these reports, by id (the report's source list)."""
        with self.lock:
            return self.store.document_refs(doc_ids)

    def published_range(self) -> tuple[str | None, str | None]:
        with self.lock:
            return self.store.published_range()
