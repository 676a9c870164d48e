"""Corroboration: how many independent sources assert one figure.

A *figure* is a set of points of one series whose stated numbers agree within the tolerance of
``data/fusion.toml`` and whose qualifiers are of one class (point, lower bound, upper bound,
range). Its points are grouped by their *origin*: the last link of the attribution chain
(publisher → asserter → whom they cite → ...). When that origin is an outlet that itself reported
the same figure, the chain is followed into that outlet's report, so an outlet repeating another
outlet, a lawmaker citing an agency, and one official quoted twice each count once.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .rules import Rules, figure_text, rules
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


def figure_record(cls: str, pts: list[Point]) -> dict[str, Any]:
    """One figure: its points grouped by origin, with every chain (who relied on whom)."""
    pts = sorted(pts, key=lambda p: (p.date or "9999", p.claim_id))
    origins: dict[str, dict[str, Any]] = {}
    for p in pts:
        o = origins.setdefault(p.origin_id, {"origin": p.origin, "origin_id": p.origin_id, "claim_ids": [],
                                             "sources": []})
        o["claim_ids"].append(p.claim_id)
        if p.source and p.source not in o["sources"]:
            o["sources"].append(p.source)
    head = pts[0]
    docs = sorted({p.doc_id for p in pts})
    return {
        "figure": figure_text(head.value, head.low, head.high, head.qualifier, head.unit), "class": cls,
        "value": rep(head, cls)[0], "low": min(p.stated[0] for p in pts), "high": max(p.stated[1] for p in pts),
        "claim_ids": [p.claim_id for p in pts], "doc_ids": docs, "n_reports": len(docs),
        "n_sources": len({p.asserter_id for p in pts}), "n_independent": len(origins),
        "origins": list(origins.values()),
        "chains": [{"claim_id": p.claim_id, "doc_id": p.doc_id, "publisher": p.publisher, "date": p.date,
                    "chain": list(p.chain), "origin": p.origin} for p in pts],
    }


def group(series: Series) -> list[tuple[str, list[Point]]]:
    """The figures of a series, with chains followed through repeating outlets (points updated)."""
    groups = figure_groups(series.points, rules())
    for _, pts in groups:
        follow_outlets(pts)
    return groups


def records(groups: list[tuple[str, list[Point]]]) -> list[dict[str, Any]]:
    """Figure records, most corroborated first."""
    out = [figure_record(cls, pts) for cls, pts in groups]
    out.sort(key=lambda f: (-f["n_independent"], -f["n_reports"], f["value"]))
    return out
