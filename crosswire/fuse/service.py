"""``Fusion``: the cross-report picture, built by the engine (``Crosswire.fusion``) over its store.

    fu = Fusion(store, settings, cache, gazetteer)         # the engine passes its one cache, its gazetteer
    fu.figures(measure="killed", subject="North Korea")   # series summaries with their points
    fu.series("north-korea.killed.person")                 # one series, full points, conflicts, figures
    fu.conflicts(); fu.corroboration(series_id); fu.timeline(since="2024-10")
    fu.entities(type="PERSON"); fu.entity("NIS"); fu.merge("North Korea", "DPRK"); fu.split(...)

The model (entity clusters, series, conflicts, corroboration; the name index and the timeline once asked
for) is one ``crosswire.fuse.incremental.State``, kept in the cache (``crosswire.cache.VersionCache``):
when the knowledge base changes it is refreshed from the previous state, recomputing only what new
reports touch (``incremental.refresh``) — in a background thread while the previous state is served,
when the cache says so (the dashboard). The shells call the engine (``crosswire.reading``), which keeps
every answer in the same cache.
"""
from __future__ import annotations

import bisect
import contextvars
import difflib
import json
import logging
import time
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from collections import Counter
from itertools import chain, islice, repeat
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..cache import VersionCache, give_way
from ..errors import CrosswireError, NotFound
from ..store.rows import ClaimText, EntityEdit, SpeakerQuote
from ..store.snapshots import SnapshotDamaged
from ..store.sqlite import Store
from . import entities as ent
from ..names import normalize
from ..nlp.gazetteer import Gazetteer
from . import incremental
from .conflict_slots import Slot, by_slot, redo
from .conflicts import PeriodEnds, by_period, find_conflicts, split_dismissed
from .corroboration import group, origins_of, records_kept
from .incremental import State
from .regroup import extend_head, origin_index, point_order
from .rules import in_window, rules, source_grades
from .series import Point, Series, SeriesBuilder, latest



@dataclass(slots=True)
class Model:
    resolver: ent.Resolver
    series: dict[str, Series]
    conflicts: list[dict[str, Any]]  # open (not dismissed), in order: period, series id, id
    groups: dict[str, list[tuple[str, list[Point]]]]  # series id -> its figures (class, points)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # series id -> what a page of it needs
    periods: dict[str, dict[str, list[Point]]] = field(default_factory=dict)  # series id -> period -> points
    dismissed: list[dict[str, Any]] = field(default_factory=list)  # conflicts an analyst dismissed (with "review")
    every: list[dict[str, Any]] = field(default_factory=list)  # open and dismissed (no "review"), in order
    slots: dict[Slot, list[dict[str, Any]]] = field(default_factory=dict)  # ``every`` by (period, series id)
    ends: dict[Slot, PeriodEnds] = field(default_factory=dict)  # what the checks need of each large period

    def figures(self, series_id: str) -> list[dict[str, Any]]:
        """A series' figure records, most corroborated first: made once per state and kept with its page data
        (the records of figures an earlier state made are kept, ``records_kept``)."""
        page = self.pages[series_id]
        if "figures" not in page:
            page["figures"], page["figure_records"] = records_kept(self.groups[series_id], page.get("figure_records"))
        return list(page["figures"])

    def prepare_pages(self, only: set[str] | None = None, made: dict[str, dict[str, Any]] | None = None) -> None:
        """Once per build: each series' points in date order, its summary and conflicts (its figure
        records on first view), so that a page of a 25,000-claim series costs one page, not the whole
        series (``only``: these series, the others' pages kept; ``made``: page data already made for
        some of them, given their conflicts here)."""
        arith = {rules().total, *rules().parts}
        by_series, by_family = self._listed(only)
        for sid in self.series if only is None else sorted(only):
            give_way()
            s = self.series[sid]
            page = (made or {}).get(sid) or _page(s)
            touching: dict[int, dict[str, Any]] = {}
            if s.measure in arith:  # only their claims are in arithmetic checks (of their family)
                touching, page["arithmetic_first"] = _arithmetic_touching(
                    by_family.get(incremental.family(s), []), self.periods[sid], page.get("arithmetic_first"))
            for c in by_series.get(sid, ()):
                touching[id(c)] = c
            page["conflicts"] = list(touching.values())
            self.pages[sid] = page

    def _listed(self, only: set[str] | None) -> tuple[dict[str, list[dict[str, Any]]], FamilyChecks]:
        """The open conflicts by series (in order), and the arithmetic ones by family (position, record), of
        every series, or of the series ``only`` (whole families: ``Change.affected``) from their slots."""
        by_series: dict[str, list[dict[str, Any]]] = {}
        by_family: FamilyChecks = {}
        if only is None:
            for pos, c in enumerate(self.conflicts):
                by_series.setdefault(c["series_id"], []).append(c)
                if c.get("check") == "arithmetic":
                    by_family.setdefault(incremental.family(self.series[c["series_id"]]), []).append((pos, c))
            return by_series, by_family
        closed = {c["id"] for c in self.dismissed}
        checks: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        for sid in sorted(only):
            own = [c for p in sorted(self.periods.get(sid, ())) for c in self.slots.get((p, sid), ())
                   if c["id"] not in closed]
            by_series[sid] = own
            for c in own:
                if c.get("check") == "arithmetic":
                    checks.setdefault(incremental.family(self.series[sid]), []).append(c)
        for fam, cs in checks.items():  # in the order of the list (two totals in one family: by period)
            by_family[fam] = list(enumerate(sorted(cs, key=lambda c: (c["period"], c["series_id"]))))
        return by_series, by_family


FamilyChecks = dict[tuple[Any, ...], list[tuple[int, dict[str, Any]]]]  # family -> (position, arithmetic check)
FirstUse = dict[int, tuple[dict[str, Any], Any]]  # id of a check -> (the check, order of the first point it uses)


def _arithmetic_touching(checks: list[tuple[int, dict[str, Any]]], periods: dict[str, list[Point]],
                         known: FirstUse | None) -> tuple[dict[int, dict[str, Any]], FirstUse]:
    """The arithmetic ``checks`` (position, record) that use a claim of a series (its points by period), in
    the order of the first point of the series each uses, then in their own order; and where each starts
    (``known``: from the previous state, valid for the checks it kept: their periods did not change)."""
    found = []
    now: FirstUse = {}
    for pos, c in checks:
        hit = (known or {}).get(id(c))
        if hit is not None and hit[0] is c:
            key = hit[1]
        else:
            ids = set(c["claim_ids"])
            first = next((p for p in periods.get(c["period"], ()) if p.claim_id in ids), None)
            key = point_order(first) if first is not None else None
        now[id(c)] = (c, key)
        if key is not None:
            found.append((key, pos, c))
    found.sort(key=lambda x: (x[0], x[1]))
    return {id(c): c for _, _, c in found}, now


def _page(s: Series) -> dict[str, Any]:
    """What a page of ``s`` needs but its conflicts: its points in order (``s.points`` are), its summary, its
    points by origin and its asserters (from which a refresh recounts only what new points change)."""
    return {"ordered": s.points, "head": _summary(s, s.points, with_points=False),
            "by_origin": origin_index(s.points), "asserters": {p.asserter_id for p in s.points},
            "n_undated": sum(1 for p in s.points if not p.date)}


T = TypeVar("T")
# the connection this thread's fusion reads go to, when not the engine's (``Fusion.reading_apart``)
_READER: contextvars.ContextVar[Store | None] = contextvars.ContextVar("crosswire_fusion_reader", default=None)
log = logging.getLogger(__name__)


def _log_note(message: str) -> None:
    log.warning("crosswire: %s", message)


ENTITY_CLAIMS = 500  # claims listed on an entity page (the most recent); the total is in n_claims

class Fusion:
    def __init__(self, store: Store, settings: dict[str, Any] | None = None,
                 cache: VersionCache | None = None, gazetteer: Gazetteer | None = None) -> None:
        self._store = store
        self.gazetteer = gazetteer or Gazetteer.load()  # the engine's (its --data folder); bundled without one
        self.settings = settings or {}
        self.grades = source_grades(self.settings)
        self.cache = cache or VersionCache(store.version)
        # id of a resolver -> each report's known entities, each cluster's position (``doc_entities``): kept for every
        # resolver alive (the state served and the one a background build prepares both ask)
        self._docs: Memo = {}
        self.on_note: Callable[[str], None] = _log_note  # told why a saved state was not used (``saved``)

    @property
    def store(self) -> Store:
        """The engine's store, or the connection of this thread's ``reading_apart`` block."""
        return _READER.get() or self._store

    @contextmanager
    def reading_apart(self) -> Iterator[None]:
        """A block whose fusion reads go to a connection of their own: a background build preparing answers
        for its new state (``VersionCache.prepare``) while pages read on the engine's connection."""
        reader = self._store.reader()
        token = _READER.set(reader)
        try:
            yield
        finally:
            _READER.reset(token)
            if reader is not self._store:
                reader.close()

    # -- model ----------------------------------------------------------------------------
    def state(self, wait: bool = False) -> State:
        """The state answers come from (see ``crosswire.cache``: with a background cache, the previous one
        while the current one is being made, unless ``wait``)."""
        return self.cache.state(self._refresh, wait)  # type: ignore[no-any-return]

    def _refresh(self, old: State | None, background: bool) -> State:
        store = self.store.reader() if background else self.store  # a build in a thread reads on its own connection
        try:
            if old is None:
                old = self.saved(store)  # the state the last ingest saved, if this code can use it
            if old is None:
                return incremental.build(store, self.settings, self._make_model, self.gazetteer)
            return incremental.refresh(old, store, self.settings, self._make_model, self._update_model,
                                       self.gazetteer)
        finally:
            if store is not self.store:
                store.close()

    def saved(self, store: Store) -> State | None:
        """The fusion state saved in the knowledge base (``crosswire.fuse.snapshot``), or None — with a message
        (``on_note``: to the log unless the engine listens) when there is one this code cannot use: made by other fusion code or rules,
        or damaged. Never raises for a bad snapshot: fusion is then built as if there were none."""
        from . import snapshot

        t0 = time.perf_counter()
        try:
            header = store.fusion_snapshot_header()
            if header is None:
                return None
            if not snapshot.usable(header, self.settings):
                self.on_note("the saved fusion state was made by another version of crosswire's fusion code, rules or "
                           "settings: building fusion again")
                return None
            found = store.read_fusion_snapshot()
            if found is None:
                return None
            state = snapshot.loads(found[1], self.gazetteer)
        except (SnapshotDamaged, snapshot.SnapshotUnreadable) as exc:
            self.on_note(f"the saved fusion state cannot be used ({exc}): building fusion again")
            return None
        state.how, state.seconds = "loaded", time.perf_counter() - t0
        return state

    def save(self, store: Store) -> dict[str, Any]:
        """Save the state served now in ``store`` (writable): its ``bytes``, wall ``seconds`` and ``cpu`` seconds."""
        from . import snapshot
        from ..store.snapshots import SnapshotHeader

        st = self.state(wait=True)
        t0, c0 = time.perf_counter(), time.process_time()
        data = snapshot.dumps(st, self.gazetteer)
        header = store.write_fusion_snapshot(SnapshotHeader(snapshot.fingerprint(self.settings), st.mark,
                                                            snapshot.FORMAT, made_at=st.built_at), data)
        return {"bytes": header.size, "seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0}

    def _make_model(self, store: Store, resolver: ent.Resolver, series: dict[str, Series]) -> Model:
        groups = {sid: group(s) for sid, s in series.items()}  # first: grouping follows chains in place
        ends: dict[Slot, PeriodEnds] = {}
        every = find_conflicts(series, ends)
        found, dismissed = split_dismissed(every, store.conflict_reviews())
        model = Model(resolver, series, found, groups, dismissed=dismissed, every=every, slots=by_slot(every), ends=ends,
                      periods={sid: dict(by_period(s.points)) for sid, s in series.items()})
        model.prepare_pages()
        return model

    def _update_model(self, store: Store, old: Model, resolver: ent.Resolver, series: dict[str, Series],
                      change: incremental.Change) -> Model:
        """``old`` with the touched series' figures regrouped where new points fall, the conflicts of the
        periods those points (and the points whose grouping changed) are in redone, the touched series'
        summaries extended and the affected series' page conflicts redone."""
        groups, changed = incremental.regroup_all(old.groups, series, change)  # first: it replaces points
        give_way()  # between steps: pages being answered go first (in a background build)
        index = incremental.reindex(old.periods, series, change, changed)
        periods = incremental.periods_to_redo(change, changed)
        give_way()
        every, slots, ends = redo(series, old.series, old.every, old.slots, periods, index, old.periods, old.ends,
                                  incremental.appended(change, changed))
        give_way()
        found, dismissed = split_dismissed(every, store.conflict_reviews())
        give_way()
        pages = {sid: page for sid, page in old.pages.items() if sid in series}
        model = Model(resolver, series, found, groups, pages, dismissed=dismissed, periods=index, every=every,
                      slots=slots, ends=ends)
        made = {}
        for sid in change.touched - change.whole:
            if sid in old.pages:
                give_way()
                made[sid] = extend_head(old.pages[sid], series[sid], change.fresh.get(sid, []), changed.get(sid, []))
        made.update({sid: {k: v for k, v in old.pages[sid].items() if k not in ("conflicts", "parts")}
                     for sid in change.affected - change.touched if sid in old.pages and sid in series})
        give_way()
        model.prepare_pages(change.affected & set(series), made)
        return model

    def build_parts(self) -> None:
        """The name index and the timeline of the state served, built on a connection of their own (so that
        a thread can build them while pages are served); kept up to date by later refreshes."""
        st = self.state()
        store = self.store.reader()
        try:
            if st.names is None:
                st.names = incremental.names_of(store, st.window)
            if st.timeline is None:
                st.timeline = incremental.timeline_of(store, st.resolver, st.window)
        finally:
            if store is not self.store:
                store.close()

    def status(self) -> dict[str, Any]:
        """What the state served reflects, and whether a newer one is being built."""
        return self.cache.status()

    def resolver(self) -> ent.Resolver:
        return self.state().resolver

    def _resolver_now(self) -> ent.Resolver:
        """The entities as the knowledge base holds them now: an edit answers with its effect at once, while
        the state catching up with it may still be being built."""
        return self.cache.get(("fusion", "resolver-now"),
                              lambda: ent.Resolver(self.store.entity_rows(), self.store.entity_edits()), keep=True)

    def model(self, include_conditional: bool = False, include_other: bool = False) -> Model:
        """The fused model; measure 'other' (figures that do not say what they count) only when asked. The
        usual one is kept up to date incrementally; the others are built when asked for, once per state."""
        st = self.state()
        if not include_conditional and not include_other:
            return st.model  # type: ignore[no-any-return]
        key = ("model", include_conditional, include_other)
        if key not in st.extra:
            rows = self.store.series_claims(include_conditional, st.window)
            st.extra[key] = self._make_model(self.store, st.resolver, SeriesBuilder(st.resolver, self.grades, self.gazetteer,
                                                                        include_other).load(rows))
        return st.extra[key]  # type: ignore[no-any-return]

    def _model_of(self, series_id: str, include_conditional: bool) -> Model:
        """The model that has this series: the usual one, else the one with measure 'other' too."""
        m = self.model(include_conditional)
        if series_id in m.series:
            return m
        every = self.model(include_conditional, include_other=True)
        return every if series_id in every.series else m

    # -- series ---------------------------------------------------------------------------
    def figures(self, measure: str | None = None, subject: str | None = None, since: str | None = None,
                until: str | None = None, include_conditional: bool = False,
                include_other: bool = False) -> list[dict[str, Any]]:
        """Series summaries (with lean points), ordered by label; measure 'other' only with ``include_other``
        (or when asked for by ``measure``)."""
        m = self.model(include_conditional, include_other or measure == "other")
        subject_id = self._subject_id(m, subject) if subject else None
        out = []
        for s in sorted(m.series.values(), key=lambda s: s.label.casefold()):
            give_way()  # pages being answered first (a background build preparing it)
            if (measure and s.measure != measure) or (subject_id and s.subject_id != subject_id):
                continue
            if since or until:
                points = [p for p in s.points if in_window(p.date, since, until)]
                if points:
                    out.append(_summary(s, points))
            elif s.points:  # the summary with its points, made once per series (kept with its page data)
                out.append(_with_points(m.pages[s.id], s))
        return out

    def series(self, series_id: str, include_conditional: bool = False, with_text: bool = True) -> dict[str, Any]:
        """One series: summary, points, its conflicts and figures. With ``with_text`` every point also
        carries its span, sentence and offsets; a paged view asks ``claim_texts`` for its page only."""
        return self._series(series_id, include_conditional, with_text)

    def series_page(self, series_id: str, offset: int = 0, limit: int = 200, marks: int = 150,
                    include_conditional: bool = False, figures: bool = True) -> dict[str, Any]:
        """One page of a series for a screen: the summary, ``limit`` rows in date order (undated last)
        from ``offset``, and the ``marks`` latest dated points for its chart — not every point as a
        dict, so a series of 25,000 claims costs what a page of it costs. Its figure records too, unless
        ``figures`` is False (the HTML page does not show them)."""
        m = self._model_of(series_id, include_conditional)
        prep = m.pages.get(series_id)
        if prep is None:
            raise NotFound(_unknown("series", series_id, list(m.series), "crosswire figures"))
        ordered: list[Point] = prep["ordered"]
        first = max(0, len(ordered) - prep["n_undated"] - marks)  # dated points come first, undated last
        dated_tail = [p for p in ordered[first:] if p.date][-marks:] if marks else []
        out = dict(prep["head"])
        out.update({"rows": [p.as_dict() for p in ordered[offset:offset + limit]],
                    "chart_points": [p.as_dict() for p in dated_tail],
                    "points_total": len(ordered), "n_undated": prep["n_undated"],
                    "conflicts": list(prep["conflicts"])})
        if figures:
            out["figures"] = m.figures(series_id)
        return out

    def series_figures(self, series_id: str, include_conditional: bool = False) -> list[dict[str, Any]]:
        """A series' figure records (``series_page``'s ``figures``)."""
        m = self._model_of(series_id, include_conditional)
        if series_id not in m.pages:
            raise NotFound(_unknown("series", series_id, list(m.series), "crosswire figures"))
        return m.figures(series_id)

    def series_part(self, series_id: str, key: Hashable, compute: Callable[[], T],
                    include_conditional: bool = False) -> T:
        """``compute()`` (a part of a view of one series: a card's chart) once per series as fused: kept with its
        page data, which a refresh keeps for a series whose points and conflicts it does not change — so a view
        after an ingest redraws only what the new reports touched."""
        m = self._model_of(series_id, include_conditional)
        page = m.pages.get(series_id)
        if page is None:
            raise NotFound(_unknown("series", series_id, list(m.series), "crosswire figures"))
        parts = page.setdefault("parts", {})
        if key not in parts:
            parts[key] = compute()
        return parts[key]  # type: ignore[no-any-return]

    def claim_texts(self, claim_ids: Iterable[int]) -> dict[int, ClaimText]:
        """span, sentence, start, end and conditional of these claims, by id."""
        return self._full(claim_ids)

    def _series(self, series_id: str, include_conditional: bool, with_text: bool) -> dict[str, Any]:
        m = self._model_of(series_id, include_conditional)
        s = m.series.get(series_id)
        if s is None:
            raise NotFound(_unknown("series", series_id, list(m.series), "crosswire figures"))
        out = _summary(s, s.points)
        if with_text:
            extra = self._full(p.claim_id for p in s.points)
            for point in out["points"]:
                point.update(extra.get(point["claim_id"], {}))
        ids = {p.claim_id for p in s.points}
        out["conflicts"] = [c for c in m.conflicts if c["series_id"] == s.id or _touches(c, ids)]
        out["figures"] = m.figures(s.id)
        return out

    def conflicts(self) -> list[dict[str, Any]]:
        return list(self.model().conflicts)

    def dismissed_conflicts(self) -> list[dict[str, Any]]:
        """The conflicts an analyst dismissed, each with its ``review`` (who, when, why)."""
        return list(self.model().dismissed)

    def claim_series(self) -> dict[int, list[str]]:
        """Claim id -> the ids of the series it is a point of (dismissed claims are in none)."""
        out: dict[int, list[str]] = {}
        for s in self.model().series.values():
            for p in s.points:
                out.setdefault(p.claim_id, []).append(s.id)
        return out

    def corroboration(self, series_id: str) -> list[dict[str, Any]]:
        m = self._model_of(series_id, False)
        if series_id not in m.series:
            raise NotFound(_unknown("series", series_id, list(m.series), "crosswire figures"))
        return m.figures(series_id)

    def timeline(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Dated events, statements and claims in order (the whole timeline is built once per state and
        extended with new reports; a window is cut from it)."""
        st = self.state()
        if st.timeline is None:
            st.timeline = incremental.timeline_of(self.store, st.resolver, st.window)
        if not since and not until:
            return st.timeline
        return _dated_between(st.timeline, since, until)

    def _full(self, claim_ids: Iterable[int]) -> dict[int, ClaimText]:
        return self.store.claim_texts(claim_ids)

    def _subject_id(self, m: Model, subject: str) -> str:
        c = m.resolver.get(subject)
        if c is not None:
            return c.id
        ids = {s.subject_id for s in m.series.values() if normalize(s.subject) == normalize(subject)}
        if ids:
            return ids.pop()
        raise NotFound(_unknown("subject", subject, sorted({s.subject for s in m.series.values()}),
                                "crosswire figures"))

    # -- entities -------------------------------------------------------------------------
    def entities(self, type: str | None = None, query: str | None = None) -> list[dict[str, Any]]:  # noqa: A002
        q = normalize(query) if query else None
        out = []
        for c in self.resolver().listed():
            if type and (c.type or "").upper() != type.upper():
                continue
            if q and not any(q in n for n in c.norms()):
                continue
            out.append(c.summary())
        return out

    def entity(self, entity_id: str) -> dict[str, Any]:
        """One entity: names, aliases, documents, claims (by role), quotes, co-occurring entities, edits."""
        return self._entity(entity_id)

    def _entity(self, entity_id: str) -> dict[str, Any]:
        r = self.resolver()
        c = self._find(r, entity_id)
        out = c.summary()
        out["doc_ids"] = sorted(c.doc_ids)
        names = self._names_of(r, c)
        give_way()  # between steps: pages being answered first (a background build making it again)
        out["claims"], out["n_claims"] = self._claims_of(r, c, names)
        give_way()
        out["quotes"] = self._quotes_of(names)
        out["co_occurring"] = self._co_occurring(r, c)
        out["edits"] = [e for e in self.store.entity_edits(active=False)
                        if {e["target_key"], e["other_key"]} & (c.nodes | {c.key})]
        return out

    def merge(self, a: str, b: str) -> dict[str, Any]:
        """Merge entity ``b`` into ``a`` (``a``'s id and name stay); kept across re-ingests; undo with unmerge."""
        r = self._resolver_now()
        ca, cb = self._find(r, a), self._find(r, b)
        if ca.key == cb.key:
            return {"action": "merge", "changed": False, "entity": ca.summary(),
                    "note": f"{b!r} and {a!r} are already one entity ({ca.id})"}
        undone = ent.undo_edits(self.store, ent.splits_between(r.edits, ca, cb))
        edit = ent.add_edit(self.store, "merge", ca, cb.key, cb.name)
        return {"action": "merge", "changed": True, "edit_id": edit, "undid": undone,
                "entity": self._find(self._resolver_now(), ca.id).summary()}

    def unmerge(self, a: str, b: str) -> dict[str, Any]:
        """Undo the merges that joined ``b`` to ``a``."""
        r = self._resolver_now()
        ca = self._find(r, a)
        cb = r.resolve(b) if r.known(b) else None
        ids = [e["id"] for e in r.edits if e["action"] == "merge" and e["target_key"] in ca.nodes | {ca.key}
               and cb is not None and (e["other_key"] in cb.nodes or normalize(e["other_name"]) == normalize(b))]
        if not ids:
            raise NotFound(f"no merge of {b!r} into {a!r} is active (see `crosswire entities edits`)")
        ent.undo_edits(self.store, ids)
        r = self._resolver_now()
        return {"action": "unmerge", "changed": True, "undid": ids, "entity": self._find(r, a).summary(),
                "other": self._find(r, b).summary()}

    def split(self, entity: str, alias: str) -> dict[str, Any]:
        """Take ``alias`` (a name or surface form of ``entity``) out of it as an entity of its own."""
        r = self._resolver_now()
        c = self._find(r, entity)
        norm = normalize(alias)
        if norm not in c.norms():
            raise NotFound(f"{alias!r} is not a name of {c.name!r}; its names are: "
                           f"{', '.join(sorted(c.names | c.aliases, key=str.casefold))}")
        if norm == normalize(c.name) and len(c.norms()) > 1:
            raise CrosswireError(f"{alias!r} is the name of the entity itself; split one of its other names instead")
        undone = ent.undo_edits(self.store, ent.merges_bringing(r.edits, r, c, alias))
        r = self._resolver_now()
        c2 = self._find(r, c.id) if c.id.casefold() in r.by_id else self._find(r, entity)
        edit = None
        if norm in c2.norms() and norm != normalize(c2.name):
            edit = ent.add_edit(self.store, "split", c2, ent.node_of(alias), alias)
            r = self._resolver_now()
        return {"action": "split", "changed": True, "edit_id": edit, "undid": undone,
                "entity": self._find(r, c.id).summary(), "split": r.resolve(alias).summary()}  # type: ignore[union-attr]

    def undo(self, edit_id: int) -> dict[str, Any]:
        edits = {e["id"]: e for e in self.store.entity_edits(active=False)}
        if edit_id not in edits:
            raise NotFound(f"no entity edit {edit_id} (see `crosswire entities edits`)")
        ent.undo_edits(self.store, [edit_id])
        return {"action": "undo", "edit": {**edits[edit_id], "undone_at": "now"}}

    def edits(self) -> list[EntityEdit]:
        return self.store.entity_edits(active=False)

    # -- entity helpers ---------------------------------------------------------------------
    def _find(self, r: ent.Resolver, text: str) -> ent.Cluster:
        c = r.get(text)
        if c is None and normalize(text) in {normalize(n) for n in self._record_names()}:
            c = r.resolve(text)  # a name only claims or quotes use (no entity row)
        if c is None:
            choices = sorted({x.name for x in r.listed()} | {x.id for x in r.listed()})
            raise NotFound(_unknown("entity", text, choices, "crosswire entities list"))
        return c

    def _name_index(self) -> dict[str, tuple[set[int], ...]]:
        """Every name claims and quotes use (subjects, sources, places, cited names, speakers, publishers)
        -> the ids of the claims that use it (in parts: ``incremental._extend_names``). Built in one pass and
        kept up to date by refreshes, so an entity page does not scan every claim."""
        return self._names_and_rank().by_name

    def _names_and_rank(self) -> incremental.NameIndex:
        """The name index, each claim id's as_of ('' when none) and the claims ranked by (as_of, id)."""
        st = self.state()
        if st.names is None:
            st.names = incremental.names_of(self.store, st.window)
        return st.names

    def _record_names(self) -> list[str]:
        return list(self._name_index())

    def _names_of(self, r: ent.Resolver, c: ent.Cluster) -> list[str]:
        """Every name used in claims or quotes that resolves to ``c`` (each name resolved once)."""
        st = self.state()
        if st.resolver is not r:
            return self._names_by_entity(r).get(c.id, [])
        if "names-by-entity" not in st.extra:
            st.extra["names-by-entity"] = self._names_by_entity(r)
        return list(st.extra["names-by-entity"].get(c.id, []))

    def _names_by_entity(self, r: ent.Resolver) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for n in self._name_index():
            x = r.resolve(n)
            if x is not None:
                by.setdefault(x.id, []).append(n)
        return by

    def _claims_of(self, r: ent.Resolver, c: ent.Cluster, names: list[str]) -> tuple[list[dict[str, Any]], int]:
        """The most recent ENTITY_CLAIMS claims that use one of ``names`` (oldest first: a page, not 60,000 rows),
        and how many claims use one of them: the latest of each part of the index (``latest_of``: a walk down the
        ranked claims, not a sort of the part), then the latest of those."""
        names_now = self._names_and_rank()
        parts = [part for n in names for part in names_now.by_name.get(n, ())]
        with_parts = [n for n in names if names_now.by_name.get(n)]
        # a name's parts are disjoint (each holds the claims of other reports): counted by their sizes when one name
        # has claims, not by a union of a quarter of a million ids
        n_claims = sum(map(len, parts)) if len(with_parts) <= 1 else len(set().union(*parts))
        ids = latest_claims(set().union(*(latest_of(part, names_now.order, names_now.when, ENTITY_CLAIMS)
                                          for part in parts)), names_now.when, ENTITY_CLAIMS)
        if not ids:
            return [], n_claims
        wanted = set(names)
        out = []
        rows = self.store.claims_by_id(ids)
        rows.sort(key=lambda row: (row["as_of"] is not None, row["as_of"] or "", row["id"]))
        for row in rows:
            d: dict[str, Any] = dict(row)
            cited = d.pop("attribution")
            d["roles"] = [role for role, v in (("subject", d["subject"]), ("source", d["source"]),
                                               ("place", d["location"])) if v in wanted]
            d["roles"] += ["cited"] if any(n in wanted for n in cited[1:]) else []
            out.append(d)
        return out, n_claims

    def prepare_entities(self) -> None:
        """The reports' entities of the state asked for (``doc_entities``), so that an entity page viewed for the
        first time counts its co-occurring entities over its own reports."""
        self.doc_entities(self.state().resolver)

    def _quotes_of(self, names: list[str]) -> list[SpeakerQuote]:
        return self.store.quotes_by_speakers(names) if names else []

    def _co_occurring(self, r: ent.Resolver, c: ent.Cluster) -> list[dict[str, Any]]:
        """The known entities that share reports with ``c``, most shared reports first, then by name (then in the
        resolver's order): counted over ``c``'s reports when the resolver's ``doc_entities`` were prepared (a
        served state: ``prepare_entities``), else by intersecting every entity's reports with ``c``'s — one page
        of a reader that has not prepared them (the command line, a library caller, a state not yet prepared)
        does not pay for the index of every report (about half a second at a million claims)."""
        prepared = _memoised(self._docs, r)
        if prepared is None:
            counts: Counter[str] = Counter()
            for other in r.clusters.values():  # (in the resolver's order: the sort below keeps it among ties)
                if other.key != c.key and other.known:
                    shared = len(c.doc_ids & other.doc_ids)
                    if shared:
                        counts[other.key] = shared
            return _co_occurring_rows(r, sorted(counts.items(), key=lambda kv: (-kv[1], r.clusters[kv[0]].name)))
        docs, order = prepared
        counts = Counter(chain.from_iterable(map(docs.get, c.doc_ids, repeat(()))))
        counts.pop(c.key, None)
        return _co_occurring_rows(r, sorted(counts.items(),
                                            key=lambda kv: (-kv[1], r.clusters[kv[0]].name, order[kv[0]])))

    def doc_entities(self, r: ent.Resolver) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Each report's known entities (the keys of the clusters whose reports it is in), and each cluster's
        position in the resolver: made once per resolver (``prepare_entities`` makes it for a new state), so an
        entity page counts its co-occurring entities over its own reports."""
        def make() -> tuple[dict[str, list[str]], dict[str, int]]:
            docs: dict[str, list[str]] = {}
            for c in r.clusters.values():
                give_way()  # pages being answered first (in a background build)
                if c.known:
                    for d in c.doc_ids:
                        docs.setdefault(d, []).append(c.key)
            return docs, {k: i for i, k in enumerate(r.clusters)}

        return _by_identity(self._docs, r, make)


# ---------------------------------------------------------------- module helpers

Memo = dict[int, tuple[weakref.ref[Any], Any]]  # id of an object -> (a weak reference to it, what was made of it)


def _co_occurring_rows(r: ent.Resolver, ranked: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"id": r.clusters[k].id, "name": r.clusters[k].name, "type": r.clusters[k].type, "docs": n}
            for k, n in ranked]


def _memoised(memo: Memo, obj: Any) -> Any:
    """What was made for this very object (``_by_identity``), or None when nothing was."""
    hit = memo.get(id(obj))
    return hit[1] if hit is not None and hit[0]() is obj else None


def _by_identity(memo: Memo, obj: Any, make: Callable[[], T]) -> T:
    """What ``make()`` made for this very object (``obj`` is never changed after it is made), made once; the entry
    goes when the object is freed (no state holds it any more)."""
    key = id(obj)
    found = _memoised(memo, obj)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = make()

    def forget(_: weakref.ref[Any]) -> None:
        memo.pop(key, None)

    memo[key] = (weakref.ref(obj, forget), value)
    return value


def _summary(s: Series, points: list[Point], with_points: bool = True) -> dict[str, Any]:
    """Series head, range, latest point (latest as_of; recalled figures never), distinct asserters, the
    independent origins with their repeaters, and (unless told not to) the points."""
    out = s.head()
    origins = origins_of(points, ordered=True)
    out.update({"n_points": len(points), "low": min(p.stated[0] for p in points),
                "high": max(p.stated[1] for p in points),
                "latest": (latest(points) or points[-1]).as_dict(),
                "n_sources": len({p.asserter_id for p in points}),
                "n_independent": len(origins), "origins": origins})
    if with_points:
        out["points"] = [p.as_dict() for p in points]
    return out


def latest_claims(ids: set[int], when: dict[int, str], n: int) -> list[int]:
    """The ``n`` last of ``ids`` ranked by (as_of, id) (``when``: claim id -> as_of, '' when none), in that order.
    Sorts keyed in C (by id, then stably by ``when`` itself): no Python call per claim; of RANK_CHUNK ids at a
    time (the ``n`` last of each, then of those), so that no one sort holds the interpreter's lock for long."""
    if n <= 0:
        return []
    every = list(ids)
    if len(every) > RANK_CHUNK:
        kept = []
        for i in range(0, len(every), RANK_CHUNK):
            give_way()  # pages being answered first (in a background build)
            kept += sorted(sorted(every[i:i + RANK_CHUNK]), key=when.__getitem__)[-n:]
        every = kept
    return sorted(sorted(every), key=when.__getitem__)[-n:]


def latest_of(ids: set[int], order: list[int], when: dict[int, str], n: int) -> list[int]:
    """``latest_claims(ids, when, n)`` (``order``: every claim id of ``when`` ranked by (as_of, id)), at the cost of
    the smaller of two ways: a walk down ``order`` from its end keeping the ids in ``ids`` (in C; about
    ``n * len(order) / len(ids)`` steps when ``ids`` are spread over it: a few thousand for an entity of a
    quarter of the claims), or a sort of ``ids`` (a name of a few thousand claims). The walk stops after
    RANK_WALK steps per id and the ids are sorted then (claims of a name all older than most)."""
    if n <= 0:
        return []
    if len(ids) <= n or len(ids) * len(ids) * RANK_WALK < n * len(order):
        return latest_claims(ids, when, n)
    found = list(islice(filter(ids.__contains__, islice(reversed(order), RANK_WALK * len(ids))), n))
    if len(found) < n:
        return latest_claims(ids, when, n)
    found.reverse()
    return found


RANK_WALK = 8  # steps of the walk down the ranked claims (``latest_of``) per id of the set, at most
RANK_CHUNK = 16_384


def _dated_between(items: list[dict[str, Any]], since: str | None, until: str | None) -> list[dict[str, Any]]:
    """The entries (in date order) that overlap the window — cut from the list by bisection, not a scan of it:
    those dated from ``since`` to ``until`` (any precision), and before them those dated as coarsely as a
    prefix of ``since`` (a year holds its months; a date in 2024 before ``since`` does not overlap it). Every
    entry up to the last dated ``until`` or within it is not after it (``in_window``), so nothing is filtered."""
    def date(t: dict[str, Any]) -> str:
        return t["date"]  # type: ignore[no-any-return]

    hi = bisect.bisect_right(items, until + "~", key=date) if until else len(items)
    if not since:
        return items[:hi]
    out: list[dict[str, Any]] = []
    for k in range(1, len(since)):  # dates that are a prefix of since ("2024" of "2024-06"), in order
        lo = bisect.bisect_left(items, since[:k], key=date, hi=hi)
        out += items[lo:bisect.bisect_right(items, since[:k], key=date, lo=lo, hi=hi)]
    lo = bisect.bisect_left(items, since, key=date)
    return out + items[lo:hi]  # from since on, up to until: every one overlaps


def _with_points(page: dict[str, Any], s: Series) -> dict[str, Any]:
    """A series' summary with its lean points, made on first use and kept with its page data (which an
    incremental refresh keeps for the series new reports do not touch)."""
    if "summary" not in page:
        page["summary"] = {**page["head"], "points": [p.as_dict() for p in s.points]}
    return page["summary"]  # type: ignore[no-any-return]


def _touches(conflict: dict[str, Any], ids: set[int]) -> bool:
    """An arithmetic check that uses one of this series' claims (``ids``, built once per call)."""
    return conflict.get("check") == "arithmetic" and not ids.isdisjoint(conflict["claim_ids"])


def _unknown(what: str, value: str, choices: list[str], hint: str) -> str:
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.5)
    msg = f"no {what} {value!r}"
    if close:
        msg += f"; did you mean {', '.join(repr(c) for c in close)}?"
    return msg + f" (see `{hint}`)"
