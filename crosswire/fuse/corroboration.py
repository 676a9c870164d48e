"""Corroboration: how many independent sources assert one figure.

A *figure* is a set of points of one series whose stated numbers agree within the tolerance of
``data/fusion.toml`` and whose qualifiers are of one class (point, lower bound, upper bound,
range). Its points are grouped by their *origin*: the last link of the attribution chain
(publisher → asserter → whom they cite → ...). When that origin is an outlet that itself reported
the same figure, the chain is followed into that outlet's report, so an outlet repeating another
outlet, a lawmaker citing an agency, and one official quoted twice each count once.

Then, within one figure (``join_repeats``, rules in ``[origins]`` of ``data/fusion.toml``): a chain
that ends in a go-between named only by role ("lawmakers", "officials") and an outlet's own
unattributed restatement (recalled, or given within ``repeat_days`` after a named origin gave it) join
that named origin; every later point of an origin is marked ``repeat_of`` its first. An origin record
lists the outlets and go-betweens that carried it (``repeaters``).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import bisect
import functools

from ..names import normalize
from .rules import Rules, days_apart, figure_text, rules
from .series import Point, Series

_MAX_HOPS = 8


def qclass(p: Point, r: Rules) -> str:
    if p.qualifier in r.lower:
        return "lower"
    if p.qualifier in r.upper:
        return "upper"
    if p.qualifier == "range" or (p.value is None and p.low is not None and p.high is not None):
        return "range"
    return "point"


def rep(p: Point, cls: str) -> tuple[float, float]:
    lo, hi = p.stated
    if cls == "range":
        return (lo, hi)
    if cls == "lower":
        return (lo, lo)
    if cls == "upper":
        return (hi, hi)
    v = p.value if p.value is not None else (lo + hi) / 2
    return (v, v)


def close(a: float, b: float, tol: float) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b))


def figure_groups(points: Iterable[Point], r: Rules) -> list[tuple[str, list[Point]]]:
    """Points clustered by qualifier class and value (greedy from the smallest; width bounded by tolerance)."""
    by_class: dict[str, list[tuple[tuple[float, float], Point]]] = defaultdict(list)
    for p in points:
        cls = qclass(p, r)
        by_class[cls].append((rep(p, cls), p))
    out: list[tuple[str, list[Point]]] = []
    for cls, items in by_class.items():
        items.sort(key=lambda x: (x[0], x[1].claim_id))
        anchor: tuple[float, float] | None = None
        for key, p in items:
            if anchor is None or not (close(anchor[0], key[0], r.tolerance) and close(anchor[1], key[1], r.tolerance)):
                anchor = key
                out.append((cls, []))
            out[-1][1].append(p)
    return out


def follow_outlets(points: list[Point]) -> None:
    """Continue each chain through an outlet that reported the same figure itself (in place).

    "Caspian Daily Digest → The Peninsula Wire → lawmakers" becomes the digest followed by the
    Peninsula Wire's own chain for that figure, so the repeat ends at the same origin.
    """
    first_by_outlet: dict[str, Point] = {}
    for p in sorted(points, key=lambda p: (p.date or "9999", p.claim_id)):
        if p.publisher_id:
            first_by_outlet.setdefault(p.publisher_id, p)
    outlets = first_by_outlet.keys()
    for p in points:
        if len(p.chain_ids) < 2 or outlets.isdisjoint(p.chain_ids[1:]):
            continue  # nothing to follow (the common case)
        names, ids = list(p.chain), list(p.chain_ids)
        start = 1
        for _ in range(_MAX_HOPS):
            hop = next(((i, first_by_outlet[x]) for i, x in enumerate(ids[start:], start)
                        if x in first_by_outlet and x != p.publisher_id and first_by_outlet[x] is not p), None)
            if hop is None:
                break
            i, q = hop
            if set(q.chain_ids[1:]) & set(ids[:i + 1]):  # a loop (two outlets citing each other)
                break
            names, ids = names[:i] + list(q.chain), ids[:i] + list(q.chain_ids)
            start = i + 1
        p.chain, p.chain_ids = names, ids
        if ids:
            p.origin, p.origin_id = names[-1], ids[-1]


_LEADING = frozenset({"a", "an", "the", "some", "several", "two", "three", "four", "one", "senior", "unnamed",
                      "anonymous", "other", "many"})


def is_conduit(name: str, r: Rules) -> bool:
    """A go-between named only by role ("lawmakers", "a senior official", "committee members")."""
    return _is_conduit(name, r.conduits)


@functools.lru_cache(maxsize=1 << 14)
def _is_conduit(name: str, conduits: frozenset[str]) -> bool:
    words = normalize(name).split()
    while words and words[0] in _LEADING:
        words = words[1:]
    return bool(words) and (" ".join(words) in conduits or words[-1] in conduits)


def _weak(p: Point, r: Rules) -> bool:
    """A point whose origin is not a source of its own: a role-named go-between, or an outlet's own
    unattributed figure."""
    if not p.origin:
        return True
    return is_conduit(p.origin, r) or (len(p.chain_ids) == 1 and p.origin_id == p.publisher_id)


def join_repeats(points: list[Point], r: Rules) -> None:
    """Within one figure: weak points join the named origin that gave it (in place), else the first
    report (same day or earlier) of another outlet with the same date; then every later point of an origin is ``repeat_of``
    its first."""
    weak = [p for p in points if _weak(p, r)]
    if not weak and len(points) < 2:
        return
    named = sorted((p for p in points if not _weak(p, r)), key=lambda p: (_when(p), p.claim_id)) if weak else []
    whens = [_when(p) for p in named]
    first_weak: dict[str, Point] = {}
    for p in sorted(weak, key=lambda p: (p.published or "", p.claim_id)):
        q = _giver(p, named, whens, r)
        if q is not None and q.origin_id != p.origin_id:  # the chain goes on to the named origin
            p.chain, p.chain_ids = (*p.chain, q.origin), (*p.chain_ids, q.origin_id)
            p.origin, p.origin_id = q.origin, q.origin_id
        elif q is None and p.date:  # the chain stays as reported; the origin is the first report's
            q = first_weak.get(p.date)
            if q is not None and q.publisher_id != p.publisher_id and (
                    (q.published or "")[:10] <= (p.published or "")[:10]):
                p.origin, p.origin_id = q.origin, q.origin_id
        if p.date:
            first_weak.setdefault(p.date, p)
    first: dict[str, Point] = {}
    for p in sorted(points, key=lambda p: (p.date or "9999", p.published or "", p.claim_id)):
        head = first.setdefault(p.origin_id or f"doc:{p.doc_id}", p)
        p.repeat_of = None if head is p else head.claim_id


def _when(p: Point) -> str:
    """When a point was said, for pairing repeats: its date, else its report's date."""
    return p.date or (p.published or "9999")[:10]


def _giver(p: Point, named: list[Point], whens: list[str], r: Rules) -> Point | None:
    """The named origin's point a weak point repeats. A figure the report recalls: the latest named
    point not after the report. Others: the nearest named point within ``repeat_days`` either side
    (the same month or year when a date is coarse)."""
    if not named:
        return None
    if p.recalled:
        i = bisect.bisect_right(whens, (p.published or "9999")[:10] + "~") - 1
        return named[i] if i >= 0 else None
    when = _when(p)
    i = bisect.bisect_left(whens, when)
    near = [(gap, j) for j in (i - 1, i, i + 1) if 0 <= j < len(named)
            for gap in [_gap(whens[j], when)] if gap is not None and gap <= r.repeat_days]
    return named[min(near)[1]] if near else None


def _gap(a: str, b: str) -> int | None:
    """Days between two dates; 0 when a coarse date holds the other; None when they cannot be compared."""
    days = days_apart(a, b)
    if days is not None:
        return days
    return 0 if a.startswith(b) or b.startswith(a) else None


def origins_of(points: Iterable[Point], limit: int = 50, ordered: bool = False) -> list[dict[str, Any]]:
    """Points grouped by origin (``origin_record`` each); most claims first. ``ordered``: the points are
    already in date order."""
    by: dict[str, list[Point]] = {}
    for p in points if ordered else sorted(points, key=lambda p: (p.date or "9999", p.claim_id)):
        by.setdefault(p.origin_id, []).append(p)
    out = [origin_record(pts, limit) for pts in by.values()]
    if len(out) > 1:
        out.sort(key=lambda o: (-o["n_claims"], o["first_date"] or "9999", o["origin"]))
    return out


def origin_record(pts: list[Point], limit: int = 50) -> dict[str, Any]:
    """The points of one origin (in date order): its claims (the first ``limit``), its first date, and the
    outlets and go-betweens that carried it (``repeaters``) and its sources (the first ``limit`` of each; the
    points are gone through until both lists are full)."""
    head = pts[0]
    reps: list[str] = []
    sources: list[str] = []
    for p in pts:
        if len(reps) >= limit and len(sources) >= limit:
            break
        chain = p.chain
        if len(reps) < limit and (len(chain) > 1 or (chain and chain[0] != p.origin)):
            for name in chain:
                if name != p.origin and name not in reps and len(reps) < limit:
                    reps.append(name)
        if p.source and p.source not in sources and len(sources) < limit:
            sources.append(p.source)
    return {"origin": head.origin, "origin_id": head.origin_id, "claim_ids": [p.claim_id for p in pts[:limit]],
            "n_claims": len(pts), "first_date": head.date, "repeaters": reps, "sources": sources}


def figure_record(cls: str, pts: list[Point]) -> dict[str, Any]:
    """One figure: its points grouped by origin, with every chain (who relied on whom)."""
    pts = sorted(pts, key=lambda p: (p.date or "9999", p.claim_id))
    origins = origins_of(pts, ordered=True)
    head = pts[0]
    docs = sorted({p.doc_id for p in pts})
    return {
        "figure": figure_text(head.value, head.low, head.high, head.qualifier, head.unit), "class": cls,
        "value": rep(head, cls)[0], "low": min(p.stated[0] for p in pts), "high": max(p.stated[1] for p in pts),
        "claim_ids": [p.claim_id for p in pts], "doc_ids": docs, "n_reports": len(docs),
        "n_sources": len({p.asserter_id for p in pts}), "n_independent": len(origins),
        "origins": origins,
        "chains": [{"claim_id": p.claim_id, "doc_id": p.doc_id, "publisher": p.publisher, "date": p.date,
                    "chain": list(p.chain), "origin": p.origin} for p in pts],
    }


def group(series: Series) -> list[tuple[str, list[Point]]]:
    """The figures of a series, with chains followed through repeating outlets (points updated)."""
    r = rules()
    groups = figure_groups(series.points, r)
    for _, pts in groups:
        follow_outlets(pts)
        join_repeats(pts, r)
    return groups


Made = dict[int, tuple[list[Point], dict[str, Any]]]  # id of a figure's points -> (those points, its record)


def records_kept(groups: list[tuple[str, list[Point]]], made: Made | None) -> tuple[list[dict[str, Any]], Made]:
    """Figure records, most corroborated first, reusing those ``made`` before for the same points (an
    incremental refresh keeps the figures new points do not touch); and what they were made from."""
    now: Made = {}
    for cls, pts in groups:
        hit = (made or {}).get(id(pts))
        now[id(pts)] = (pts, hit[1] if hit is not None and hit[0] is pts else figure_record(cls, pts))
    out = [rec for _, rec in now.values()]
    out.sort(key=lambda f: (-f["n_independent"], -f["n_reports"], f["value"]))
    return out, now
