"""``Fusion``: the cross-report picture, built by the engine (``Crosswire.fusion``) over its store.

    fu = Fusion(store, settings, cache)                    # the engine passes its one cache
    fu.figures(measure="killed", subject="North Korea")   # series summaries with their points
    fu.series("north-korea.killed.person")                 # one series, full points, conflicts, figures
    fu.conflicts(); fu.corroboration(series_id); fu.timeline(since="2024-10")
    fu.entities(type="PERSON"); fu.entity("NIS"); fu.merge("North Korea", "DPRK"); fu.split(...)

The model (entity clusters, series, conflicts, corroboration) is built on first use and kept in the
cache (``crosswire.cache.VersionCache``) until the knowledge base changes. The shells call the engine
(``crosswire.reading``), which keeps every answer in the same cache.
"""
from __future__ import annotations

import difflib
import heapq
import json
from collections.abc import Iterable
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..cache import VersionCache
from ..errors import CrosswireError, NotFound
from ..store.rows import ClaimText, EntityEdit, SpeakerQuote
from ..store.sqlite import Store
from . import entities as ent
from .conflicts import find_conflicts, split_dismissed
from .corroboration import group, origins_of, records
from .rules import in_window, normalize, source_grades
from .series import Point, Series, SeriesBuilder, latest
from .timeline import TimelineBuilder



@dataclass(slots=True)
class Model:
    resolver: ent.Resolver
    series: dict[str, Series]
    conflicts: list[dict[str, Any]]
    groups: dict[str, list[tuple[str, list[Point]]]]  # series id -> its figures (class, points)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)  # series id -> what a page of it needs
    dismissed: list[dict[str, Any]] = field(default_factory=list)  # conflicts an analyst dismissed (with "review")

    def figures(self, series_id: str) -> list[dict[str, Any]]:
        return records(self.groups[series_id])

    def prepare_pages(self) -> None:
        """Once per build: each series' points in date order, its summary and conflicts (its figure
        records on first view), so that a page of a 25,000-claim series costs one page, not the whole
        series."""
        by_series: dict[str, list[dict[str, Any]]] = {}
        by_claim: dict[int, list[dict[str, Any]]] = {}
        for c in self.conflicts:
            by_series.setdefault(c["series_id"], []).append(c)
            if c.get("check") == "arithmetic":
                for cid in c["claim_ids"]:
                    by_claim.setdefault(cid, []).append(c)
        for sid, s in self.series.items():
            ordered = sorted(s.points, key=lambda p: (p.date or "9999", p.published or "", p.claim_id))
            touching = {id(c): c for p in s.points for c in by_claim.get(p.claim_id, ())}
            for c in by_series.get(sid, ()):
                touching[id(c)] = c
            self.pages[sid] = {"ordered": ordered, "head": _summary(s, s.points, with_points=False),
                               "conflicts": list(touching.values()),
                               "n_undated": sum(1 for p in ordered if not p.date)}


ENTITY_CLAIMS = 500  # claims listed on an entity page (the most recent); the total is in n_claims

class Fusion:
    def __init__(self, store: Store, settings: dict[str, Any] | None = None,
                 cache: VersionCache | None = None) -> None:
        self.store = store
        self.settings = settings or {}
        self.grades = source_grades(self.settings)
        self.cache = cache or VersionCache(store.version)
        self._n_claims = 0

    # -- model ----------------------------------------------------------------------------
    def resolver(self) -> ent.Resolver:
        return self.cache.get(("fusion", "resolver"),
                              lambda: ent.Resolver(self.store.entity_rows(), self.store.entity_edits()), keep=True)

    def model(self, include_conditional: bool = False, include_other: bool = False) -> Model:
        """The fused model; measure 'other' (figures that do not say what they count) only when asked."""
        return self.cache.get(("fusion", "model", include_conditional, include_other),
                              lambda: self._build_model(include_conditional, include_other), keep=True)

    def _model_of(self, series_id: str, include_conditional: bool) -> Model:
        """The model that has this series: the usual one, else the one with measure 'other' too."""
        m = self.model(include_conditional)
        if series_id in m.series:
            return m
        every = self.model(include_conditional, include_other=True)
        return every if series_id in every.series else m

    def _build_model(self, include_conditional: bool, include_other: bool = False) -> Model:
        resolver = self.resolver()
        series = SeriesBuilder(resolver, self.grades, include_other).load(self.store.series_claims(include_conditional))
        groups = {sid: group(s) for sid, s in series.items()}
        found, dismissed = split_dismissed(find_conflicts(series), self.store.conflict_reviews())
        model = Model(resolver, series, found, groups, dismissed=dismissed)
        model.prepare_pages()
        return model

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
            if (measure and s.measure != measure) or (subject_id and s.subject_id != subject_id):
                continue
            if since or until:
                points = [p for p in s.points if in_window(p.date, since, until)]
                if points:
                    out.append(_summary(s, points))
            elif s.points:  # the summary made once per build, with this call's point dicts
                out.append({**m.pages[s.id]["head"], "points": [p.as_dict() for p in s.points]})
        return out

    def series(self, series_id: str, include_conditional: bool = False, with_text: bool = True) -> dict[str, Any]:
        """One series: summary, points, its conflicts and figures. With ``with_text`` every point also
        carries its span, sentence and offsets; a paged view asks ``claim_texts`` for its page only."""
        return self._series(series_id, include_conditional, with_text)

    def series_page(self, series_id: str, offset: int = 0, limit: int = 200, marks: int = 150,
                    include_conditional: bool = False) -> dict[str, Any]:
        """One page of a series for a screen: the summary, ``limit`` rows in date order (undated last)
        from ``offset``, and the ``marks`` latest dated points for its chart — not every point as a
        dict, so a series of 25,000 claims costs what a page of it costs."""
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
                    "conflicts": list(prep["conflicts"]), "figures": self._page_figures(m, series_id)})
        return out

    @staticmethod
    def _page_figures(m: Model, series_id: str) -> list[dict[str, Any]]:
        """A series' figure records, made on the first page that shows them and kept with the model."""
        prep = m.pages[series_id]
        if "figures" not in prep:
            prep["figures"] = m.figures(series_id)
        return prep["figures"]  # type: ignore[no-any-return]

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
        return TimelineBuilder(self.store, self.resolver()).build(since, until)

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
        out["claims"] = self._claims_of(r, c, names)
        out["n_claims"] = self._n_claims
        out["quotes"] = self._quotes_of(names)
        out["co_occurring"] = self._co_occurring(r, c)
        out["edits"] = [e for e in self.store.entity_edits(active=False)
                        if {e["target_key"], e["other_key"]} & (c.nodes | {c.key})]
        return out

    def merge(self, a: str, b: str) -> dict[str, Any]:
        """Merge entity ``b`` into ``a`` (``a``'s id and name stay); kept across re-ingests; undo with unmerge."""
        r = self.resolver()
        ca, cb = self._find(r, a), self._find(r, b)
        if ca.key == cb.key:
            return {"action": "merge", "changed": False, "entity": ca.summary(),
                    "note": f"{b!r} and {a!r} are already one entity ({ca.id})"}
        undone = ent.undo_edits(self.store, ent.splits_between(r.edits, ca, cb))
        edit = ent.add_edit(self.store, "merge", ca, cb.key, cb.name)
        return {"action": "merge", "changed": True, "edit_id": edit, "undid": undone,
                "entity": self._find(self.resolver(), ca.id).summary()}

    def unmerge(self, a: str, b: str) -> dict[str, Any]:
        """Undo the merges that joined ``b`` to ``a``."""
        r = self.resolver()
        ca = self._find(r, a)
        cb = r.resolve(b) if r.known(b) else None
        ids = [e["id"] for e in r.edits if e["action"] == "merge" and e["target_key"] in ca.nodes | {ca.key}
               and cb is not None and (e["other_key"] in cb.nodes or normalize(e["other_name"]) == normalize(b))]
        if not ids:
            raise NotFound(f"no merge of {b!r} into {a!r} is active (see `crosswire entities edits`)")
        ent.undo_edits(self.store, ids)
        r = self.resolver()
        return {"action": "unmerge", "changed": True, "undid": ids, "entity": self._find(r, a).summary(),
                "other": self._find(r, b).summary()}

    def split(self, entity: str, alias: str) -> dict[str, Any]:
        """Take ``alias`` (a name or surface form of ``entity``) out of it as an entity of its own."""
        r = self.resolver()
        c = self._find(r, entity)
        norm = normalize(alias)
        if norm not in c.norms():
            raise NotFound(f"{alias!r} is not a name of {c.name!r}; its names are: "
                           f"{', '.join(sorted(c.names | c.aliases, key=str.casefold))}")
        if norm == normalize(c.name) and len(c.norms()) > 1:
            raise CrosswireError(f"{alias!r} is the name of the entity itself; split one of its other names instead")
        undone = ent.undo_edits(self.store, ent.merges_bringing(r.edits, r, c, alias))
        r = self.resolver()
        c2 = self._find(r, c.id) if c.id.casefold() in r.by_id else self._find(r, entity)
        edit = None
        if norm in c2.norms() and norm != normalize(c2.name):
            edit = ent.add_edit(self.store, "split", c2, ent.node_of(alias), alias)
            r = self.resolver()
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

    def _name_index(self) -> dict[str, set[int]]:
        """Every name claims and quotes use (subjects, sources, places, cited names, speakers, publishers)
        -> the ids of the claims that use it. Built in one pass and kept until the knowledge base changes,
        so an entity page does not scan every claim."""
        return self._names_and_rank()[0]

    def _names_and_rank(self) -> tuple[dict[str, set[int]], dict[int, int]]:
        """The name index, and each claim id's place in (as_of, id) order."""
        return self.cache.get(("fusion", "names"), self._build_names, keep=True)

    def _build_names(self) -> tuple[dict[str, set[int]], dict[int, int]]:
        index: dict[str, set[int]] = {}
        when: dict[int, str] = {}
        for cid, subject, source, location, chain, as_of in self.store.claim_names():
            when[cid] = as_of or ""
            for name in (subject, source, location, *json.loads(chain or "[]")):
                if isinstance(name, str) and name:
                    index.setdefault(name, set()).add(cid)
        for name in self.store.speaker_and_publisher_names():
            if isinstance(name, str) and name:
                index.setdefault(name, set())
        return index, {cid: n for n, cid in enumerate(sorted(when, key=lambda i: (when[i], i)))}

    def _record_names(self) -> list[str]:
        return list(self._name_index())

    def _names_of(self, r: ent.Resolver, c: ent.Cluster) -> list[str]:
        """Every name used in claims or quotes that resolves to ``c`` (each name resolved once)."""
        return list(self.cache.get(("fusion", "names-by-entity"), lambda: self._names_by_entity(r),
                                   keep=True).get(c.id, []))

    def _names_by_entity(self, r: ent.Resolver) -> dict[str, list[str]]:
        by: dict[str, list[str]] = {}
        for n in self._name_index():
            x = r.resolve(n)
            if x is not None:
                by.setdefault(x.id, []).append(n)
        return by

    def _claims_of(self, r: ent.Resolver, c: ent.Cluster, names: list[str]) -> list[dict[str, Any]]:
        index, rank = self._names_and_rank()
        every = set().union(*(index.get(n, set()) for n in names)) if names else set()
        self._n_claims = len(every)
        # the most recent ENTITY_CLAIMS of them, oldest first (a page, not 60,000 rows; the total is reported)
        ids = sorted(heapq.nlargest(ENTITY_CLAIMS, every, key=rank.__getitem__), key=rank.__getitem__)
        if not ids:
            return []
        wanted = set(names)
        out = []
        rows = self.store.claims_by_id(ids)
        rows.sort(key=lambda row: (row["as_of"] is not None, row["as_of"] or "", row["id"]))
        for row in rows:
            d: dict[str, Any] = dict(row)
            chain = d.pop("attribution")
            d["roles"] = [role for role, v in (("subject", d["subject"]), ("source", d["source"]),
                                               ("place", d["location"])) if v in wanted]
            d["roles"] += ["cited"] if any(n in wanted for n in chain[1:]) else []
            out.append(d)
        return out

    def _quotes_of(self, names: list[str]) -> list[SpeakerQuote]:
        return self.store.quotes_by_speakers(names) if names else []

    def _co_occurring(self, r: ent.Resolver, c: ent.Cluster) -> list[dict[str, Any]]:
        counts: Counter[str] = Counter()
        for other in r.clusters.values():
            if other.key != c.key and other.known:
                shared = len(c.doc_ids & other.doc_ids)
                if shared:
                    counts[other.key] = shared
        return [{"id": r.clusters[k].id, "name": r.clusters[k].name, "type": r.clusters[k].type, "docs": n}
                for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], r.clusters[kv[0]].name))]


# ---------------------------------------------------------------- module helpers

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


def _touches(conflict: dict[str, Any], ids: set[int]) -> bool:
    """An arithmetic check that uses one of this series' claims (``ids``, built once per call)."""
    return conflict.get("check") == "arithmetic" and not ids.isdisjoint(conflict["claim_ids"])


def _unknown(what: str, value: str, choices: list[str], hint: str) -> str:
    close = difflib.get_close_matches(value, choices, n=3, cutoff=0.5)
    msg = f"no {what} {value!r}"
    if close:
        msg += f"; did you mean {', '.join(repr(c) for c in close)}?"
    return msg + f" (see `{hint}`)"
