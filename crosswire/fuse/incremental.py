"""Fusion kept up to date as reports arrive, recomputing only what the new reports touch.

    state = build(store, settings)               # everything, over the reports up to the store's mark
    state = refresh(state, store, settings)      # the reports added since: incremental when it can be

A ``State`` is what one build reflects (``store.rows.FusionMark``: the reports up to a rowid, and a
fingerprint of what changes in place) and what fusion made of it: the entity resolver, the series model
with its conflicts, figures and page data, and — once asked for — the name index and the timeline.

``refresh`` is incremental when ``Store.appended_since`` says that only new reports were written (no
re-extraction, no new version of a known report, no entity edit), in these steps:

1. entities: the new entity rows are attached to the clusters they join (``extend_resolver``); when one
   joins two existing clusters, changes an existing cluster's id or name, or makes a name the old build
   resolved resolve elsewhere, the whole build is done again;
2. series: the new claims are routed to their series (``SeriesBuilder`` with its key caches, on copies of
   the series they touch); only those series are re-traced, re-sorted and re-grouped into figures;
3. conflicts: recomputed for the periods of the touched series that new points (or points whose grouping
   changed) are in, and for the arithmetic checks of their families in those periods; every other conflict
   is kept (``conflict_slots``: by period and series, so the kept ones are not looked at again);
4. pages: the page data of those series again;
5. the name index and the timeline, if built, gain the new reports' claims, quotes and times (each entry
   depends on its own report only).

Nothing of the previous state is changed (series, points and clusters touched are copies), so the
previous state keeps being served while the next one is made. ``refresh(..)`` gives the same answers as
``build`` over the same knowledge base (tests/test_incremental.py checks it after two batches).
"""
from __future__ import annotations

import bisect
import copy
import dataclasses
import json
from operator import attrgetter
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, NamedTuple, TypeVar

from ..cache import give_way
from ..store.rows import DocWindow, EntityRow, FusionMark
from ..store.sqlite import Store
from .conflict_slots import PeriodIndex, Slot, family
from .conflicts import by_period
from .corroboration import group
from .regroup import Changed, Groups, point_order, regroup
from .entities import Cluster, Resolver, node_of
from ..names import normalize
from ..nlp.gazetteer import Gazetteer
from .rules import rules, source_grades
from .series import Point, Series, SeriesBuilder
from .timeline import TimelineBuilder, order_key



class NameIndex(NamedTuple):
    """Every name claims and quotes use -> the ids of the claims that use it (in parts: ``_extend_names``); each
    claim's as_of ('' when none); and every claim id ranked by (as_of, id), the order an entity page lists its
    latest claims in (``fuse.service.latest_of`` walks it from the end)."""

    by_name: dict[str, tuple[set[int], ...]]
    when: dict[int, str]
    order: list[int]



@dataclass(slots=True)
class State:
    mark: FusionMark
    resolver: Resolver
    builder: SeriesBuilder
    model: Any  # fuse.service.Model (its models and pages)
    names: NameIndex | None = None  # built when an entity page first asks
    timeline: list[dict[str, Any]] | None = None  # built when the timeline is first asked for
    built_at: str = ""
    seconds: float = 0.0
    how: str = "full"  # "full" | "incremental" | "unchanged"
    touched: int = 0  # series recomputed (incremental)
    extra: dict[Any, Any] = field(default_factory=dict)  # answers derived from this state alone

    @property
    def window(self) -> DocWindow:
        return (0, self.mark.docs)

    def status(self) -> dict[str, Any]:
        return {"built_at": self.built_at, "seconds": round(self.seconds, 3), "how": self.how,
                "touched_series": self.touched, "reports": self.mark.docs}


@dataclass(slots=True)
class Change:
    """What an extension of the series did: the series it ``touched`` (copied: new points, or a home written
    to), those whose conflicts may change (``affected``: the touched ones and their arithmetic family), the
    ``fresh`` points per series, the series to redo ``whole`` (new ones, and those a place moved out of or
    into), the series ``removed``, and ``retrace`` (a copy of an earlier point as traced, not grouped)."""

    touched: set[str]
    affected: set[str]
    fresh: dict[str, list[Point]]
    whole: set[str]
    removed: set[str]
    retrace: Callable[[Point], Point]


T = TypeVar("T")
ModelMaker = Callable[[Store, Resolver, dict[str, Series]], Any]  # (store, resolver, series) -> Model
ModelUpdater = Callable[[Store, Any, Resolver, dict[str, Series], Change], Any]


# ---------------------------------------------------------------- full build

def build(store: Store, settings: dict[str, Any], make_model: ModelMaker, gazetteer: Gazetteer) -> State:
    """Everything over the reports up to the store's mark; ``gazetteer``: the engine's (SeriesBuilder)."""
    t0 = time.perf_counter()
    mark = store.fusion_mark()
    window = (0, mark.docs)
    resolver = Resolver(store.entity_rows(window), store.entity_edits())
    builder = _Builder(resolver, source_grades(settings), gazetteer)
    series = builder.load(store.series_claims(False, window))
    return State(mark, resolver, builder, make_model(store, resolver, series), built_at=_now(),
                 seconds=time.perf_counter() - t0)


def names_of(store: Store, window: DocWindow) -> NameIndex:
    index: dict[str, set[int]] = {}
    when: dict[int, str] = {}
    dated = _add_names(index, when, store, window)
    return NameIndex({name: (ids,) for name, ids in index.items()}, when, _ranked(dated))


def timeline_of(store: Store, resolver: Resolver, window: DocWindow) -> list[dict[str, Any]]:
    return TimelineBuilder(store, resolver).build(docs=window)


# ---------------------------------------------------------------- refresh

def refresh(old: State, store: Store, settings: dict[str, Any], make_model: ModelMaker,
            update_model: ModelUpdater, gazetteer: Gazetteer) -> State:
    """The state for the knowledge base now: ``old`` itself when nothing changed, ``old`` extended by the
    reports added since when only reports were added, else a full build."""
    t0 = time.perf_counter()
    mark = store.fusion_mark()
    if mark == old.mark:
        return old
    if not store.appended_since(old.mark, mark):
        return _full(store, settings, make_model, old, gazetteer)
    window = (old.mark.docs, mark.docs)
    resolver = extend_resolver(old.resolver, store.entity_rows(window))
    if resolver is None or not _same_names(old.resolver, resolver):
        return _full(store, settings, make_model, old, gazetteer)
    give_way()  # between steps: pages being answered go first (``crosswire.cache.Pages``)
    extended = extend_series(old.builder, resolver, store.series_claims(False, window))
    if extended is None:
        return _full(store, settings, make_model, old, gazetteer)
    builder, series, change = extended
    give_way()
    model = update_model(store, old.model, resolver, series, change)
    state = State(mark, resolver, builder, model, built_at=_now(), how="incremental", touched=len(change.touched))
    give_way()
    if old.names is not None:
        state.names = _extend_names(old.names, store, window)
        give_way()
    if old.timeline is not None:
        state.timeline = _merge_sorted(old.timeline, timeline_of(store, resolver, window), order_key)
    state.seconds = time.perf_counter() - t0
    return state


def _full(store: Store, settings: dict[str, Any], make_model: ModelMaker, old: State,
          gazetteer: Gazetteer) -> State:
    state = build(store, settings, make_model, gazetteer)
    if old.names is not None:  # what was built before is built again, so no page waits for it
        state.names = names_of(store, state.window)
    if old.timeline is not None:
        state.timeline = timeline_of(store, state.resolver, state.window)
    return state


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------- 1. entities

class _Changed(Exception):
    """The new entity rows change what existing clusters are: build again."""


def extend_resolver(old: Resolver, rows: list[EntityRow]) -> Resolver | None:
    """``old`` with ``rows`` attached (a new Resolver; ``old`` unchanged), or None when the rows change an
    existing cluster's root, id or name (see the module docstring)."""
    if not rows:
        return old
    try:
        return _Extender(old).extend(rows)
    except _Changed:
        return None


class _Extender:
    def __init__(self, old: Resolver) -> None:
        self.old = old
        r = self.r = Resolver.__new__(Resolver)
        r.uf = copy.copy(old.uf)
        r.uf.parent = dict(old.uf.parent)
        r.rows, r.edits, r.detached = list(old.rows), old.edits, old.detached
        r._name_sets, r._surface_sets = dict(old._name_sets), dict(old._surface_sets)
        r._name_kb, r._ambiguous, r._surface_kb = dict(old._name_kb), set(old._ambiguous), dict(old._surface_kb)
        r._row_nodes = list(old._row_nodes)
        r.clusters = dict(old.clusters)
        r._votes = dict(old._votes)
        self.copied: dict[str, Cluster] = {}  # root -> the copy of an existing cluster, or a new cluster
        self.copied_votes: set[str] = set()
        self.existed = set(old.uf.parent)

    def extend(self, rows: list[EntityRow]) -> Resolver:
        r = self.r
        for row in rows:
            self._index(row)
        for row in rows:
            node = self._attach(row)
            r.rows.append(row)
            r._row_nodes.append(node)
            self._add(row, node)
        self._finish()
        return r

    def _index(self, row: EntityRow) -> None:
        """The kb-id indexes with this row; a change that would re-attach existing rows raises _Changed."""
        if not row.kb_id:
            return
        r = self.r
        nm = node_of(row.name)
        self._add_kb(r._name_sets, nm, row.kb_id, nm)
        if len(r._name_sets[nm]) == 1:
            r._name_kb[nm] = row.kb_id
        else:
            r._name_kb.pop(nm, None)
            r._ambiguous.add(nm)
        for s in row.mentions:
            key = (node_of(s), row.type)
            self._add_kb(r._surface_sets, key, row.kb_id, key[0])
            if len(r._surface_sets[key]) == 1:
                r._surface_kb[key] = row.kb_id
            else:
                r._surface_kb.pop(key, None)

    def _add_kb(self, sets: dict[Any, set[str]], key: Any, kb: str, node: str) -> None:
        have = sets.get(key, set())
        if kb in have:
            return
        if node in self.existed:  # existing rows of this name would attach differently
            raise _Changed(node)
        sets[key] = have | {kb}

    def _attach(self, row: EntityRow) -> str:
        r = self.r
        nm = node_of(row.name)
        nodes = {nm, f"kb:{row.kb_id}", f"kb:{r._name_kb.get(nm)}", f"kb:{r._surface_kb.get((nm, row.type))}"}
        before = {n: r.uf.find(n) for n in nodes if n in self.existed}
        node = r._attach(row)
        if any(r.uf.find(n) != root for n, root in before.items()):
            raise _Changed(row.name)  # two existing clusters joined, or an existing root moved
        return node

    def _cluster(self, node: str, known: bool = True) -> Cluster:
        root = self.r.uf.find(node)
        c = self.copied.get(root)
        if c is None:
            old = self.old.clusters.get(root)
            c = _copy_cluster(old) if old is not None else Cluster(key=root, known=known)
            self.copied[root] = self.r.clusters[root] = c
        c.known = c.known or known
        c.nodes.add(node)
        return c

    def _vote(self, key: str, name: str, n: int) -> None:
        votes = self.r._votes
        if key not in self.copied_votes:
            votes[key] = Counter(votes.get(key) or ())
            self.copied_votes.add(key)
        votes[key][name] += n

    def _add(self, row: EntityRow, node: str) -> None:
        """As ``Resolver._build`` does for one row."""
        c = self._cluster(node)
        c.names.add(row.name)
        c.types[row.type] += max(row.count, 1)
        c.kb_ids.update([row.kb_id] if row.kb_id and node.startswith("kb:") else [])
        c.doc_ids.add(row.doc_id)
        c.count += row.count
        self._vote(node, row.name, max(row.count, 1))
        self._vote(node_of(row.name), row.name, max(row.count, 1))
        for s in row.mentions:
            key = node_of(s)
            if key in self.r.detached and key != node_of(row.name):
                other = self._cluster(key)
                other.aliases.add(s)
                other.doc_ids.add(row.doc_id)
                other.types[row.type] += 1
            else:
                c.aliases.add(s)

    def _finish(self) -> None:
        r, old = self.r, self.old
        r.by_id = dict(old.by_id)
        r._surface = dict(old._surface)
        for root, c in self.copied.items():
            before = old.clusters.get(root)
            r._name_cluster(c, r._votes)
            if before is not None and (before.id, before.name) != (c.id, c.name):
                raise _Changed(before.name)
            if before is None and c.id.casefold() in r.by_id:
                raise _Changed(c.id)  # a new cluster with an existing one's id
            r.by_id[c.id.casefold()] = c
            for s in c.aliases:
                key = normalize(s)
                have = r._surface.get(key, c)
                r._surface[key] = c if have is c or (before is not None and have is before) else None
        r._cache = {}
        r._others = None  # demonyms and acronyms are indexed again with the new clusters


def _copy_cluster(c: Cluster) -> Cluster:
    return replace(c, types=Counter(c.types), kb_ids=set(c.kb_ids), names=set(c.names), aliases=set(c.aliases),
                   doc_ids=set(c.doc_ids), nodes=set(c.nodes), merged=list(c.merged))


def _same_names(old: Resolver, new: Resolver) -> bool:
    """Every name the old build resolved (series, chains, timeline) still resolves to the same id and name."""
    if new is old:
        return True
    for name in list(old._cache):
        a, b = old.resolve(name), new.resolve(name)
        if (a is None) != (b is None) or (a is not None and b is not None and (a.id, a.name) != (b.id, b.name)):
            return False
    return True


# ---------------------------------------------------------------- 2. series

_point_fields = attrgetter(*(f.name for f in dataclasses.fields(Point)))  # a Point's fields, in order


class _Builder(SeriesBuilder):
    """A SeriesBuilder that remembers, per quantity, every place its figures named and what a lone place's
    folding into the theatre (``SeriesBuilder._fold_theatres``) moved, so that an extension can fold and
    unfold alike."""

    places: dict[tuple[Any, ...], frozenset[Any]]
    folded: dict[tuple[Any, ...], tuple[tuple[Any, ...], Series, bool]]  # base -> (key, series, home made)

    def _fold_theatres(self, keys: Iterable[tuple[Any, ...]] | None = None) -> None:
        self.places = getattr(self, "places", {})
        self.folded = getattr(self, "folded", {})
        keys = list(self._keys if keys is None else keys)
        self.places.update(_placed(keys, self.places))
        folding = {}
        for base, where in _placed(keys, {}).items():
            if len(where) == 1:
                key = base[:4] + (next(iter(where)),) + base[4:]
                folding[base] = (key, self._keys[key], base[:4] + (None,) + base[4:] not in self._keys)
        super()._fold_theatres(keys)
        for base, (key, placed, made) in folding.items():
            was = self.folded.get(base)
            self.folded[base] = (key, replace(placed, points=[*(was[1].points if was else ()), *placed.points]),
                                 was[2] if was else made)


def _placed(keys: Iterable[tuple[Any, ...]], known: dict[tuple[Any, ...], frozenset[Any]]
            ) -> dict[tuple[Any, ...], frozenset[Any]]:
    """Per quantity (a series key without its place): the places named by ``keys``, with those ``known``."""
    out: dict[tuple[Any, ...], frozenset[Any]] = {}
    for key in keys:
        if key[4] is not None:
            base = key[:4] + key[5:]
            out[base] = out.get(base, known.get(base, frozenset())) | {key[4]}
    return out


class _Extending(_Builder):
    """A SeriesBuilder continuing an earlier one: its key caches shared, the series it adds to copied."""

    def __init__(self, old: SeriesBuilder, resolver: Resolver) -> None:  # noqa: D107 - continues ``old``
        vars(self).update(vars(old))  # rules, grades and the key caches (shared: only ever added to)
        self.resolver = resolver
        self.series = dict(old.series)
        self._keys = dict(old._keys)
        self._slugs = dict(old._slugs)
        self.left_out = dict(old.left_out)
        self.places = dict(getattr(old, "places", {}))
        self.folded = dict(getattr(old, "folded", {}))
        self._copies: dict[int, Series] = {}  # id of a series of the old build -> its copy
        self._old_ids = set(old.series)
        self._new: set[str] = set()
        self._old_len: dict[str, int] = {}  # series id -> its points before (new ones are appended after)
        self._fresh: list[Point] = []  # the points of the new claims
        self.whole: set[str] = set()  # series a place moved out of or into: grouped again whole
        self.removed: set[str] = set()
        self._added: list[tuple[Any, ...]] = []  # series keys this extension made

    def _series(self, *args: Any, **kwargs: Any) -> Series:
        before = len(self._keys)
        s = super()._series(*args, **kwargs)
        if len(self._keys) != before:  # a new series key: the last one added
            self._added.append(next(reversed(self._keys)))
        return self._own(s)

    def _own(self, s: Series) -> Series:
        """``s`` if this extension made it, else its copy (made once; the points themselves are shared until
        grouping changes one: see ``regroup``)."""
        hit = self._copies.get(id(s))
        if hit is not None:
            return hit
        if s.id in self._old_len and self.series.get(s.id) is s:  # the copy itself
            return s
        if s.id not in self._old_ids:
            self._new.add(s.id)
            return s
        dup = replace(s, points=list(s.points))
        self._copies[id(s)] = self.series[s.id] = dup
        self._old_len[s.id] = len(s.points)
        return dup

    def _trace(self, p: Point) -> None:
        super()._trace(p)
        self._fresh.append(p)  # ``add`` traces each new point once

    def retraced(self, p: Point) -> Point:
        """A copy of an earlier point with its trace as built (corroboration follows chains in place)."""
        q = Point(*_point_fields(p))
        SeriesBuilder._trace(self, q)
        q.repeat_of = None
        return q

    def _fold_theatres(self, keys: Iterable[tuple[Any, ...]] | None = None) -> None:
        """Fold as a full build would: a quantity with one place that now has two is unfolded (its figures
        of that place back in a series of their own); one with a lone place is folded into its home. Only the
        quantities this extension added a place to are looked at (those of ``keys`` too, when given): the
        others were folded by the build they were made in (a lone place's key is gone, a quantity with two
        places keeps both)."""
        bases = {k[:4] + k[5:] for k in [*self._added, *(keys or ())] if k[4] is not None}
        if not bases:
            return
        keys = [k for k in self._keys if k[4] is not None and k[:4] + k[5:] in bases]
        now = _placed(keys, self.places)
        for base, where in now.items():
            if len(self.places.get(base, ())) == 1 and len(where) > 1 and base in self.folded:
                self._unfold(base)
            elif len(where) == 1 and base[:4] + (next(iter(where)),) + base[4:] in self._keys:
                # new figures of its lone place: they are moved into its home series, so own that one
                home = self._keys.get(base[:4] + (None,) + base[4:])
                if home is not None:
                    self._keys[base[:4] + (None,) + base[4:]] = self._own(home)
        super()._fold_theatres([k for k in self._keys if k[4] is not None and k[:4] + k[5:] in bases])

    def _unfold(self, base: tuple[Any, ...]) -> None:
        key, placed, made_home = self.folded.pop(base)
        home_key = base[:4] + (None,) + base[4:]
        home = self._keys[home_key] = self._own(self._keys[home_key])
        moved = {p.claim_id for p in placed.points}
        back = [self.retraced(p) for p in home.points if p.claim_id in moved]  # copies: their series changes
        home.points = [p for p in home.points if p.claim_id not in moved]
        target = self._keys.get(key)  # made by this extension's new figures of that place
        if target is None:
            target = self._keys[key] = self.series[placed.id] = replace(placed, points=[])
            self._new.add(placed.id)
        for p in back:
            p.series_id = target.id
        target.points += back
        self.whole |= {home.id, target.id}
        if made_home and not home.points:
            del self._keys[home_key]
            del self.series[home.id]

    def extend(self, rows: Any) -> tuple[dict[str, Series], Change]:
        for row in rows:
            give_way()  # pages being answered first (in a background build)
            self.add(row)
        if self.owned_now() != self.owned:  # a bare name now means another body in earlier reports too
            raise _Changed("owned names")
        for k, s in list(self._keys.items()):
            give_way()  # pages being answered first (in a background build)
            if id(s) in self._copies:
                self._keys[k] = self._copies[id(s)]
        if self.r.single_place_is_theatre:  # as ``finish`` does, sorting only the series touched
            self._fold_theatres()
        present = set(self.series)
        new = present - self._old_ids
        touched = ({s.id for s in self._copies.values()} | new) & present
        self.removed = self._old_ids - present
        self.whole = (self.whole | new) & present
        for sid in touched:
            give_way()
            points = self.series[sid].points
            if sid in self.whole:
                points.sort(key=point_order)
            else:  # the earlier points are in order: put the new ones (appended) in their places
                tail = sorted(points[self._old_len[sid]:], key=point_order)
                del points[self._old_len[sid]:]
                for p in tail:
                    bisect.insort(points, p, key=point_order)
        fresh: dict[str, list[Point]] = {}
        for p in self._fresh:
            fresh.setdefault(p.series_id, []).append(p)
        change = Change(touched, _affected(self.series, touched) | self.removed, fresh, self.whole, self.removed,
                        self.retraced)
        return self.series, change


def extend_series(old: SeriesBuilder, resolver: Resolver,
                  rows: Any) -> tuple[SeriesBuilder, dict[str, Series], Change] | None:
    """The series with the new claims ``rows`` added: (builder to continue from, every series, what changed),
    or None when the new claims change how existing ones are sorted."""
    b = _Extending(old, resolver)
    try:
        series, change = b.extend(rows)
    except _Changed:
        return None
    return b, series, change


def _affected(series: dict[str, Series], touched: set[str]) -> set[str]:
    """The touched series and those checked against them by the arithmetic checks (same family)."""
    r = rules()
    arith = {r.total, *r.parts}
    fams = {family(series[sid]) for sid in touched if series[sid].measure in arith}
    return set(touched) | {s.id for s in series.values() if s.measure in arith and family(s) in fams}


# ---------------------------------------------------------------- 3. conflicts

def periods_to_redo(change: Change, changed: dict[str, Changed]) -> dict[str, set[str] | None]:
    """Series id -> the periods whose conflicts may change (None: every period): those of the new points
    and of the points whose grouping changed."""
    out: dict[str, set[str] | None] = {sid: None for sid in change.whole | change.removed}
    for sid in change.touched - change.whole:
        ps = {p.period for p in change.fresh.get(sid, ())} | {old.period for old, _ in changed.get(sid, ())}
        ps.discard(None)
        if ps:
            out[sid] = ps  # type: ignore[assignment]
    return out


def appended(change: Change, changed: dict[str, Changed]) -> dict[Slot, list[Point]]:
    """The slots (period, series id) that only gained points — no earlier point of theirs replaced, not a
    series redone whole — with their new points."""
    out: dict[Slot, list[Point]] = {}
    for sid in change.touched - change.whole:
        replaced = {old.period for old, _ in changed.get(sid, ())}
        for p in change.fresh.get(sid, ()):
            if p.period is not None and p.period not in replaced:
                out.setdefault((p.period, sid), []).append(p)
    return out


def reindex(index: PeriodIndex, series: dict[str, Series], change: Change,
            changed: dict[str, Changed]) -> PeriodIndex:
    """Every series' points by period (``conflicts.by_period``), from the previous ``index``: only the periods
    of new and replaced points are made again."""
    out = dict(index)
    for sid in change.removed:
        out.pop(sid, None)
    for sid in change.touched:
        give_way()  # pages being answered first (in a background build)
        if sid in change.whole or sid not in index:
            out[sid] = dict(by_period(series[sid].points))
            continue
        swaps = {id(old): new for old, new in changed.get(sid, ())}
        add: dict[str, list[Point]] = {}
        for p in change.fresh.get(sid, ()):
            if p.period is not None:
                add.setdefault(p.period, []).append(p)
        redo = set(add) | {old.period for old, _ in changed.get(sid, ()) if old.period is not None}
        if redo:
            periods = out[sid] = dict(index[sid])
            for period in redo:
                give_way()
                pts = [swaps.get(id(p), p) for p in periods.get(period, ())]
                for p in add.get(period, ()):
                    bisect.insort(pts, p, key=point_order)
                periods[period] = pts
    return out


def regroup_all(groups: dict[str, Groups], series: dict[str, Series],
                change: Change) -> tuple[dict[str, Groups], dict[str, Changed]]:
    """Every series' figures: the touched ones' redone (see ``regroup``), the others kept; and per touched
    series the points grouping replaced."""
    out = {sid: g for sid, g in groups.items() if sid in series} if len(groups) > len(series) else dict(groups)
    changed: dict[str, Changed] = {}
    for sid in sorted(change.touched):
        give_way()  # pages being answered first (in a background build)
        s = series[sid]
        if sid in change.whole or sid not in groups:
            new = {id(p) for p in change.fresh.get(sid, ())}
            s.points = [p if id(p) in new else change.retrace(p) for p in s.points]
            out[sid] = group(s)
        else:
            out[sid], changed[sid] = regroup(groups[sid], s, change.fresh.get(sid, []), change.retrace)
    return out, changed


# ---------------------------------------------------------------- 5. names and timeline

def _add_names(index: dict[str, set[int]], when: dict[int, str], store: Store, window: DocWindow
               ) -> dict[str, list[int]]:
    """The claims and names of ``window`` added to ``index`` and ``when``; the claim ids added, by as_of."""
    dated: dict[str, list[int]] = {}
    for cid, subject, source, location, chain, as_of in store.claim_names(window):
        give_way()  # pages being answered first (in a background build)
        as_of = as_of or ""
        when[cid] = as_of
        dated.setdefault(as_of, []).append(cid)
        for name in (subject, source, location, *json.loads(chain or "[]")):
            if isinstance(name, str) and name:
                index.setdefault(name, set()).add(cid)
    for name in store.speaker_and_publisher_names(window):
        if isinstance(name, str) and name:
            index.setdefault(name, set())
    return dated


def _ranked(dated: dict[str, list[int]]) -> list[int]:
    """Claim ids (by as_of) ranked by (as_of, id): one small sort per as_of (a few thousand dates), not one sort of
    a million ids holding the interpreter."""
    out: list[int] = []
    for as_of in sorted(dated):
        give_way()  # pages being answered first (in a background build)
        out += sorted(dated[as_of])
    return out


def _extend_names(old: NameIndex, store: Store, window: DocWindow) -> NameIndex:
    """The name index with the reports of ``window``: a name's claim ids gain a part of their own (the earlier
    parts shared, never written to; parts of like size merged, so a name has a few). The claims' as_of are
    added to the earlier map itself: the earlier state never looks up a claim it does not index. The ranked
    claims are a new list (the earlier state walks its own), the new ones put in their places."""
    new: dict[str, set[int]] = {}
    when = old.when
    dated = _add_names(new, when, store, window)
    index = dict(old.by_name)
    for name, ids in new.items():
        give_way()  # pages being answered first (in a background build)
        index[name] = _parts(index.get(name, ()), ids)

    def rank(cid: int) -> tuple[str, int]:
        return when[cid], cid

    return NameIndex(index, when, _merge_sorted(old.order, _ranked(dated), rank))


def _parts(parts: tuple[set[int], ...], ids: set[int]) -> tuple[set[int], ...]:
    """``parts`` and ``ids`` as parts of one set of claim ids: the last ones merged while one is no more than
    twice the size of the next (so a name has about log2(claims) parts, and each id is copied as often)."""
    out = [*parts, ids] if ids or not parts else list(parts)
    while len(out) > 1 and len(out[-2]) <= 2 * len(out[-1]):
        out[-2:] = [out[-2] | out[-1]]
    return tuple(out)


def _merge_sorted(old: list[T], new: list[T], key: Callable[[T], Any]) -> list[T]:
    """``old`` and ``new`` (each in ``key`` order) in one list, as a stable sort of ``old + new`` orders them: each
    new item after the old ones it ties with (a slice of the old list between two new items, copied once). Used
    for the timeline's entries and the name index's claims ranked by (as_of, id)."""
    out: list[T] = []
    at = 0
    for item in new:
        give_way()  # pages being answered first (in a background build)
        i = bisect.bisect_right(old, key(item), lo=at, key=key)
        out += old[at:i]
        out.append(item)
        at = i
    out += old[at:]
    return out
