"""Estimate series: claims about one quantity, grouped and ordered by as_of.

A quantity is measure + subject + unit + scope. The scope separates

* a place (``claims.location``: "in Kursk" is not "in Russia"),
* a kind of unit (counted nouns listed in ``data/fusion.toml``: sappers, workers, 152 mm shells),
* a running total from a figure for a period ("per week", "a year", "in one attack"), found by
  the period phrases of ``data/fusion.toml`` in and around the claim's span.

Each point carries the interval its qualifier allows (``bounds``), the attribution chain, the
hedge with its ICD 203 likelihood and the user's Admiralty grade of its source.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..nlp.gazetteer import Gazetteer
from ..names import normalize, slug
from ..store.rows import SeriesClaimRow
from .entities import Resolver
from .rules import INF, Period, Rules, date_key, figure_text, likelihood, period_of, rules


@dataclass(slots=True)
class Point:
    claim_id: int
    doc_id: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    measure: str
    counted: str | None
    trend: str | None
    subject: str | None
    source: str | None
    attribution: tuple[str, ...]
    hedge: str | None
    conditional: bool
    as_of: str | None
    date: str | None
    dated_by: str | None
    location: str | None
    publisher: str | None
    published: str | None
    lo: float
    hi: float
    series_id: str = ""
    period: str | None = None
    chain: Sequence[str] = ()  # publisher, asserter, whom they cite, ... origin (shared tuples)
    chain_ids: Sequence[str] = ()
    publisher_id: str = ""
    origin: str = ""
    origin_id: str = ""
    source_id: str = ""
    asserter_id: str = ""  # who the report quotes: the first link after the publisher (or the publisher)
    grade: dict[str, str] | None = None
    recalled: bool = False  # the report recalls it from an earlier time (extract/asof.py flag)
    repeat_of: int | None = None  # claim id of the first report of this figure by the same origin

    @property
    def stated(self) -> tuple[float, float]:
        """The numbers as stated (no qualifier width): (low or value, high or value)."""
        v = self.value if self.value is not None else (self.low if self.low is not None else self.high)
        return (self.low if self.low is not None else v or 0.0, self.high if self.high is not None else v or 0.0)

    def as_dict(self) -> dict[str, Any]:
        return {"claim_id": self.claim_id, "doc_id": self.doc_id, "date": self.date, "dated_by": self.dated_by,
                "as_of": self.as_of, "period": self.period, "value": self.value, "low": self.low, "high": self.high,
                "qualifier": self.qualifier, "figure": figure_text(self.value, self.low, self.high, self.qualifier,
                                                                   self.unit),
                "bounds": [self.lo, None if self.hi == INF else self.hi], "unit": self.unit, "trend": self.trend,
                "counted": self.counted, "location": self.location, "source": self.source,
                "attribution": list(self.attribution), "chain": list(self.chain), "origin": self.origin,
                "hedge": self.hedge, "likelihood": likelihood(self.hedge), "grade": self.grade,
                "publisher": self.publisher, "published": self.published, "recalled": self.recalled,
                "repeat_of": self.repeat_of}


@dataclass(slots=True)
class Series:
    id: str
    subject: str
    subject_id: str
    measure: str
    unit: str | None
    kind: str | None
    place: str | None
    rate: str | None  # period name, None = running total
    label: str
    points: list[Point] = field(default_factory=list)

    def scope(self) -> dict[str, Any]:
        period = rules().period(self.rate) if self.rate else None
        return {"place": self.place, "kind": self.kind, "period": self.rate or "total",
                "period_label": period.label if period else "running total"}

    def head(self) -> dict[str, Any]:
        return {"id": self.id, "measure": self.measure, "subject": self.subject, "subject_id": self.subject_id,
                "unit": self.unit, "scope": self.scope(), "label": self.label}


# ---------------------------------------------------------------- scope

def bounds(value: float | None, low: float | None, high: float | None, qualifier: str, r: Rules) -> tuple[float, float]:
    """The interval a qualified figure allows: more_than 500 -> (500, inf); about 400 -> (360, 440)."""
    v = value if value is not None else (low if low is not None else high)
    assert v is not None
    if qualifier in r.lower:
        return (low if low is not None else v, INF)
    if qualifier in r.upper:
        return (min(0.0, v), high if high is not None else v)
    w = r.width.get(qualifier, 0.0)
    a, b = (low, high) if low is not None and high is not None else (v, v)
    return (min(a * (1 - w), a * (1 + w)), max(b * (1 - w), b * (1 + w)))


def dated(as_of: str | None, published: str | None, recalled: bool) -> tuple[str | None, str | None]:
    """A point's date and what gave it: its as_of; else (a figure given as current) the publication date;
    a figure the report recalls from an unsaid earlier time gets no date (dated_by 'recalled')."""
    date = date_key(as_of)
    if date:
        return date, "as_of"
    if recalled:
        return None, "recalled"
    if published:
        return date_key(published), "published"
    return None, None


def not_a_count(span: str | None, counted: str | None, r: Rules, measure: str = "other") -> str | None:
    """The reason a figure counts nothing tracked (a calibre, a duration, a multiplier, 'one estimate'), or None.
    The counted nouns apply to measure 'other' only ("2,000 members" of a militia are personnel)."""
    noun = (counted or "").casefold().strip()
    if noun and measure == "other" and (noun in r.not_series_counted or noun.rsplit(" ", 1)[-1] in r.not_series_counted):
        return f"counts '{noun}', not a tracked quantity"
    for pat, reasons in r.not_series:  # one alternation; the matching group names the reason
        m = pat.search(span or "")
        if m is not None and m.lastgroup:
            return reasons.split("\x1f")[int(m.lastgroup[1:])]
    return None


def latest(points: Sequence[Point]) -> Point | None:
    """The figure with the latest date (its as_of, else the publication date of a figure given as current);
    ties go to the latest report. Recalled and undated figures are never latest."""
    best: Point | None = None
    for p in points:
        if p.date and (best is None or (p.date, p.published or "", p.claim_id) >
                       (best.date or "", best.published or "", best.claim_id)):
            best = p
    return best


def rate_of(text: str, r: Rules, at: tuple[int, int] | None = None) -> str | None:
    """The period a figure is for ("week", "year", "event", ...) or None for a running total. ``at`` is
    where the figure's own span lies in ``text``: a period marked ``touch_span`` (an increment) counts
    only where its phrase reaches the span ("a third deployment of 5,000", not the total next to it)."""
    low = text.lower()
    if not r.period_hint.search(low):  # the common case: no period word at all
        return None
    for period in r.periods:
        if any(k in low for k in period.keywords) and _period_hits(period, low, at):
            return period.name
    return None


def _period_hits(period: Period, low: str, at: tuple[int, int] | None) -> bool:
    if not period.touch_span or at is None:
        return period.pattern.search(low) is not None
    return any(m.start() < at[1] and m.end() >= at[0] - 2 for m in period.pattern.finditer(low))


def kind_of(counted: str | None, span: str | None, r: Rules, cache: dict[str, str | None]) -> str | None:
    """The kind of unit a counted noun names (sappers -> engineers; 152 mm shells -> 152 mm), or None."""
    noun = (counted or "").casefold().strip()
    if noun not in cache:
        kind = r.kinds.get(noun) or (r.kinds.get(noun + "s") if noun else None)  # "builder" as "builders"
        if kind is None and noun:
            hits = [k for k in r.kinds if f" {k} " in f" {noun} "]
            kind = r.kinds[max(hits, key=len)] if hits else None
        cache[noun] = kind if kind is not None else _pattern_kind(noun, r)
    if cache[noun] is None and span:
        return _pattern_kind(span.casefold(), r)
    return cache[noun]


def _pattern_kind(text: str, r: Rules) -> str | None:
    return next((k for pat, k, word in r.kind_patterns if word in text and pat.search(text)), None)


# ---------------------------------------------------------------- building

class SeriesBuilder:
    """Reads the claims once and sorts them into series (one pass, keys cached)."""

    def __init__(self, resolver: Resolver, grades: dict[str, str], gazetteer: Gazetteer,
                 include_other: bool = False) -> None:
        self.r = rules()
        self.gazetteer = gazetteer  # the engine's (its --data folder): which places are whole countries
        self._countries: dict[str, bool] = {}
        self.include_other = include_other
        self.left_out: dict[str, int] = {}  # reason -> claims that stay claims but are no series point
        self._not_series: dict[str | None, str | None] = {}  # span -> reason (measures other than 'other')
        self.resolver = resolver
        self.grades = {resolver.resolve(name).id: letter  # type: ignore[union-attr]
                       for name, letter in grades.items()}
        self.series: dict[str, Series] = {}
        self._keys: dict[tuple[Any, ...], Series] = {}
        self._slugs: dict[str, str] = {}
        self._kinds: dict[str, str | None] = {}
        self._chains: dict[str, tuple[str, ...]] = {}
        self._traces: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._strings: dict[str, str] = {}
        self._possessive: set[str] = set()  # names of a chain traced so far of the form "X's Y"
        self._bare: set[str] = set()  # and every name's normal form
        self.owned: dict[str, Owned] = {}  # bare name -> its one qualified form (``owned_names``)
        self._normals: dict[str, str] = {}

    def load(self, rows: Iterable[SeriesClaimRow]) -> dict[str, Series]:
        """Sort ``rows`` (the store's ``series_claims``) into series, each in date order."""
        for row in rows:
            self.add(row)
        return self.finish()

    def finish(self) -> dict[str, Series]:
        """After the last ``add``: fold a lone place into its series (the theatre), sort every series."""
        owned = self.owned_now()
        if owned != self.owned:  # a bare name seen before its owner's form: trace its points again
            changed = owned.keys() | self.owned.keys()
            self.owned, self._traces = owned, {}
            for s in self.series.values():
                for p in s.points:
                    if any(self._normal(n) in changed for n in (p.source, *p.attribution) if n):
                        self._trace(p)
        if self.r.single_place_is_theatre:
            self._fold_theatres()
        for s in self.series.values():
            s.points.sort(key=lambda p: (p.date or "9999", p.published or "", p.claim_id))
        return self.series

    def add(self, row: SeriesClaimRow) -> None:
        (cid, doc_id, value, low, high, qualifier, unit, counted, measure, subject, source, attribution, hedge,
         conditional, as_of, location, trend, span, pre, post, publisher, published, flags) = row
        why = self._left_out(measure or "other", span, counted)
        if why is not None:
            self.left_out[why] = self.left_out.get(why, 0) + 1
            return
        share = self._strings.setdefault  # one copy of each repeated string (a third less memory)
        doc_id = share(doc_id, doc_id)
        unit, counted, source, hedge, as_of, location, publisher, published = [
            share(x, x) if x is not None else None
            for x in (unit, counted, source, hedge, as_of, location, publisher, published)]
        qualifier, measure = share(qualifier or "exact", qualifier or "exact"), share(measure or "other", measure or "other")
        lo, hi = bounds(value, low, high, qualifier, self.r)
        recalled = "recalled" in (flags or "")
        date, dated_by = dated(as_of, published, recalled)
        rate = rate_of(f"{pre} {span or ''} {post}", self.r, (len(pre) + 1, len(pre) + 1 + len(span or "")))
        if unit and unit != "person" and measure in self.r.people_measures:
            as_kind = kind_of(unit, None, self.r, self._kinds)
            if as_kind is not None:  # "1,000 sappers" (unit sapper) is the engineers of "1,000 combat engineers"
                unit, counted = "person", counted or unit
        kind = self._kind(counted, span, unit, measure)
        chain = self._chain(attribution)
        series = self._series(subject, measure, unit, kind, location, rate)
        p = Point(cid, doc_id, value, low, high, qualifier, unit, measure, counted, trend, series.subject, source,
                  chain, hedge, bool(conditional), as_of, date, dated_by, location, publisher, published, lo, hi,
                  series_id=series.id, recalled=recalled)
        gran = self.r.by_period[rate].granularity if rate else self.r.cumulative_period
        p.period = period_of(date, gran)
        self._trace(p)
        series.points.append(p)

    def _fold_theatres(self, keys: Iterable[tuple[Any, ...]] | None = None) -> None:
        """Where every placed figure of a subject and measure names one place, that place is where the
        fighting is, not a part of it: its figures join the unplaced series of the same quantity (``keys``:
        the series keys to look at, all by default; an extension looks at the quantities it added to)."""
        places: dict[tuple[Any, ...], set[Any]] = {}
        for key in self._keys if keys is None else keys:
            if key[4] is not None:
                places.setdefault(key[:4] + key[5:], set()).add(key[4])
        for base, where in places.items():
            if len(where) != 1:
                continue
            placed = self._keys.pop(base[:4] + (next(iter(where)),) + base[4:])
            del self.series[placed.id]
            home_key = base[:4] + (None,) + base[4:]
            home = self._keys.get(home_key)
            if home is None:
                sid = self._series_id(placed.subject, placed.subject_id, placed.measure, placed.unit, placed.kind,
                                      None, placed.rate)
                home = self._keys[home_key] = self.series[sid] = Series(
                    sid, placed.subject, placed.subject_id, placed.measure, placed.unit, placed.kind, None,
                    placed.rate, label(placed.subject, placed.measure, placed.unit, placed.kind, None, placed.rate))
            for p in placed.points:
                p.series_id = home.id
            home.points += placed.points

    def _left_out(self, measure: str, span: str | None, counted: str | None) -> str | None:
        """Why a claim is no series point (None: it is one): 'other' measure unless asked, or not a count."""
        if measure == "other":
            if not self.include_other:
                return "measure 'other' (figures --all shows it)"
            return not_a_count(span, counted, self.r, measure)
        try:
            return self._not_series[span]
        except KeyError:
            why = self._not_series[span] = not_a_count(span, None, self.r, measure)
            return why

    def _chain(self, attribution: str | list[str] | None) -> tuple[str, ...]:
        if not isinstance(attribution, str):
            return tuple(attribution or ())
        hit = self._chains.get(attribution)
        if hit is None:
            hit = self._chains[attribution] = tuple(x for x in json.loads(attribution) if isinstance(x, str) and x)
        return hit

    def _kind(self, counted: str | None, span: str | None, unit: str | None, measure: str) -> str | None:
        """The kind of unit, unless the unit already says it ("sapper" / "sappers")."""
        kind = kind_of(counted, span, self.r, self._kinds)
        if kind is None and measure == "other" and counted:
            kind = counted.casefold().strip()
        if kind and unit and (_stem(kind) == _stem(unit) or kind_of(unit, None, self.r, self._kinds) == kind):
            return None
        return kind

    def _series(self, subject: str | None, measure: str, unit: str | None, kind: str | None,
                location: str | None, rate: str | None) -> Series:
        subj = self.resolver.resolve(subject)
        place = self.resolver.resolve(location) if location and not self._is_country(location) else None
        key = (subj.id if subj else None, measure, unit, kind, place.id if place else None, rate)
        hit = self._keys.get(key)
        if hit is None:
            name = subj.name if subj else "Unspecified"
            sid = self._series_id(name, subj.id if subj else "", measure, unit, kind, place.name if place else None, rate)
            hit = self._keys[key] = self.series[sid] = Series(
                sid, name, subj.id if subj else "", measure, unit, kind, place.name if place else None, rate,
                label(name, measure, unit, kind, place.name if place else None, rate))
        return hit

    def _is_country(self, name: str) -> bool:
        """A whole country is the setting of the war, not a scope: "in Russia" and "to Russia" are one
        series with the unplaced figures; a region or town (Kursk, Donetsk) is a scope of its own."""
        hit = self._countries.get(name)
        if hit is None:
            entry = self.gazetteer.lookup(name)
            hit = self._countries[name] = entry is not None and entry.origin == "country"
        return hit

    def _series_id(self, subject: str, subject_id: str, measure: str, unit: str | None, kind: str | None,
                   place: str | None, rate: str | None) -> str:
        head = slug(subject)
        owner = self._slugs.setdefault(head, subject_id)
        if owner != subject_id:  # two entities with one slug ("Georgia"): keep them apart
            head = f"{head}~{slug(subject_id)}"
        parts = [head, slug(measure), slug(unit) if unit else "count"]
        parts += [slug(kind)] if kind else []
        parts += [f"in-{slug(place)}"] if place else []
        parts += [("one-event" if rate == "event" else f"per-{rate}")] if rate else []
        return ".".join(parts)

    def _trace(self, p: Point) -> None:
        """Attribution chain (publisher first), its origin, and the grade that travels with the claim."""
        key: tuple[Any, ...] = (p.publisher, p.attribution, p.source)
        if self.owned and any(self._normal(n) in self.owned for n in (p.source, *p.attribution) if n):
            key += (p.doc_id,)  # whether a bare name is its owner's depends on the report
        hit = self._traces.get(key)
        if hit is None:
            hit = self._traces[key] = self._trace_of(p)
        (p.chain, p.chain_ids, p.origin, p.origin_id, p.publisher_id, p.asserter_id, p.source_id, p.grade) = hit

    def _trace_of(self, p: Point) -> tuple[Any, ...]:
        names = (p.publisher, *(p.attribution or (p.source,)))
        for n in names:
            if n:
                self._bare.add(self._normal(n))
            if n and _POSSESSIVE.match(n):
                self._possessive.add(n)
        chain: list[str] = []
        ids: list[str] = []
        for name in names:
            c = self.resolver.resolve(self._owned(name, p.doc_id))
            if c is not None and (not ids or ids[-1] != c.id):
                chain.append(c.name)
                ids.append(c.id)
        origin, origin_id = (chain[-1], ids[-1]) if chain else ("", "")
        pub = self.resolver.resolve(p.publisher)
        asserter = ids[1] if len(ids) > 1 else (ids[0] if ids else "")
        src = self.resolver.resolve(self._owned(p.source or p.publisher, p.doc_id))
        source_id = src.id if src else origin_id
        grade = self._grade([source_id, origin_id, ids[0] if ids else ""], [p.source, origin, p.publisher])
        return (tuple(chain), tuple(ids), origin, origin_id, pub.id if pub else "", asserter, source_id, grade)

    def owned_now(self) -> dict[str, Owned]:
        """``owned_names`` of the names traced so far."""
        return owned_names(self._possessive, self._bare, self.resolver)

    def _owned(self, name: str | None, doc_id: str) -> str | None:
        """``name``, or its owner's form when it is a bare name ("General Staff") whose one qualified form
        ("Esland's General Staff") names an owner the report names too."""
        hit = self.owned.get(self._normal(name)) if name and self.owned else None
        if hit is None:
            return name
        owner = self.resolver.by_id.get(hit.owner_id.casefold())
        return hit.name if owner is not None and doc_id in owner.doc_ids else name

    def _normal(self, name: str) -> str:
        hit = self._normals.get(name)
        if hit is None:
            hit = self._normals[name] = normalize(name)
        return hit

    def _grade(self, ids: list[str], names: list[str | None]) -> dict[str, str] | None:
        if not self.grades:
            return None
        for eid, name in zip(ids, names):
            letter = self.grades.get(eid)
            if letter:
                return {"grade": letter, "meaning": self.r.grades[letter], "of": name or eid}
        return None


@dataclass(frozen=True, slots=True)
class Owned:
    name: str  # the qualified form, as first seen ("Esland's General Staff")
    owner_id: str  # its owner's entity id (Esland)


_POSSESSIVE = re.compile(r"^(?P<owner>.+?)['’]s\s+(?P<rest>\S.*)$")


def owned_names(possessive: Iterable[str], bare: set[str], resolver: Resolver) -> dict[str, Owned]:
    """Bare names ("General Staff") that a country or people owns in exactly one way across the knowledge
    base ("Esland's General Staff", and no other country's General Staff) among ``possessive`` (names of
    that form) and ``bare`` (normal forms of every name): normalised bare name -> that form. A report's bare name is that body only where the report names the owner too (``_owned``)."""
    forms: dict[str, dict[str, str]] = {}  # bare name -> owner id -> the first qualified form
    for name in sorted(possessive):
        m = _POSSESSIVE.match(name)
        if m is None:
            continue
        owner = resolver.resolve(m["owner"])
        if owner is None or not owner.known or owner.type not in _OWNERS:
            continue
        forms.setdefault(normalize(m["rest"]), {}).setdefault(owner.id, name)
    return {k: Owned(name, owner) for k, v in forms.items() if len(v) == 1 and k in bare
            for owner, name in v.items()}


_OWNERS = frozenset({"GPE", "NORP"})


def _stem(word: str) -> str:
    w = word.casefold().strip()
    return w[:-1] if w.endswith("s") else w


def label(subject: str, measure: str, unit: str | None, kind: str | None, place: str | None, rate: str | None) -> str:
    """Plain words: "North Korea — killed (person)", "North Korea — personnel (person, engineers), in Kursk"."""
    inner = ", ".join(x for x in (unit or "count", kind) if x)
    out = f"{subject} — {measure} ({inner})"
    if place:
        out += f", in {place}"
    period = rules().period(rate) if rate else None
    if period:
        out += f", {period.label}"
    return out
