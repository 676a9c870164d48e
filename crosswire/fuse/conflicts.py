"""Contradictions: figures for one quantity and period that cannot all be true.

* ``disjoint``: within one series and one period (a calendar month for running totals, the
  figure's own period for rates), a figure's interval lies wholly below another report's once
  qualifiers are applied (``about 300`` is 270-330, ``more than 1,000`` is 1,000 or more). One
  conflict per series and period, naming the pair furthest apart and listing every claim that
  disagrees with another report; each period is scanned once, so the work stays linear.
* ``arithmetic``: for one subject, unit, scope and period, killed + wounded reported together in
  one report against another report's casualty total; and a part (killed, wounded) alone above
  another report's total.

Two figures of one report never make a conflict (a report revising itself, or two quantities the
extraction put in one series), nor do measures that do not say what is counted (``[conflicts]``
in ``data/fusion.toml``).
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .rules import INF, Rules, figure_text, interval_text, rules
from .series import Point, Series


def apart(upper: float, lower: float, eps: float) -> bool:
    """True when an interval ending at ``upper`` lies wholly below one starting at ``lower``."""
    return upper != INF and lower - upper > eps * max(abs(upper), abs(lower), 1.0)


def describe(p: Point) -> str:
    """'about 300 (Lee Seong-kweun citing NIS, in YTN, as of 2025-01-13)'."""
    who = p.chain[1:] if len(p.chain) > 1 else []
    words = " citing ".join(who)
    outlet = p.chain[0] if p.chain else (p.publisher or "unknown outlet")
    where = f"{words}, in {outlet}" if words else outlet
    when = f"as of {p.date}" if p.dated_by == "as_of" else (f"published {p.date}" if p.date else "undated")
    return f"{figure_text(p.value, p.low, p.high, p.qualifier, p.unit)} ({where}, {when})"


def by_period(points: Iterable[Point]) -> dict[str, list[Point]]:
    groups: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        if p.period is not None:
            groups[p.period].append(p)
    return groups


# ---------------------------------------------------------------- disjoint

def disjoint(series: Series, r: Rules) -> list[dict[str, Any]]:
    out = []
    for period, pts in by_period(series.points).items():
        if len(pts) < 2:
            continue
        tops = _best_per_doc(pts, key=lambda p: (-p.lo, p.claim_id))
        bottoms = _best_per_doc(pts, key=lambda p: (p.hi, p.claim_id))
        pair = _widest_pair(bottoms, tops, r.epsilon)
        if pair is None:
            continue
        involved = [p for p in pts if _disagrees(p, tops, bottoms, r.epsilon)]
        out.append(_disjoint_record(series, period, pair[0], pair[1], involved))
    return out


def _best_per_doc(pts: list[Point], key: Any) -> list[Point]:
    """The two best points by ``key`` that come from two different reports."""
    best: dict[str, Point] = {}
    for p in pts:
        if p.doc_id not in best or key(p) < key(best[p.doc_id]):
            best[p.doc_id] = p
    return heapq.nsmallest(2, best.values(), key=key)


def _widest_pair(bottoms: list[Point], tops: list[Point], eps: float) -> tuple[Point, Point] | None:
    """The (low, high) pair from different reports that lie furthest apart, if any do."""
    pairs = [(b, t) for b in bottoms for t in tops if b.doc_id != t.doc_id and apart(b.hi, t.lo, eps)]
    return max(pairs, key=lambda bt: (bt[1].lo - bt[0].hi, -bt[0].claim_id, -bt[1].claim_id)) if pairs else None


def _disagrees(p: Point, tops: list[Point], bottoms: list[Point], eps: float) -> bool:
    """Whether ``p`` cannot be true together with some figure of another report."""
    top = next((t for t in tops if t.doc_id != p.doc_id), None)
    bottom = next((b for b in bottoms if b.doc_id != p.doc_id), None)
    return bool((top and apart(p.hi, top.lo, eps)) or (bottom and apart(bottom.hi, p.lo, eps)))


def _disjoint_record(series: Series, period: str, bottom: Point, top: Point, involved: list[Point]) -> dict[str, Any]:
    reason = (f"{series.label}, {period}: {describe(bottom)} and {describe(top)} cannot both be true — "
              f"{interval_text(bottom.lo, bottom.hi, bottom.unit)} and {interval_text(top.lo, top.hi, top.unit)} "
              "do not overlap.")
    if len(involved) > 2:
        reason += f" {len(involved)} figures in all disagree with at least one other for this period."
    return {"id": f"disjoint:{series.id}@{period}", "kind": "disjoint", "series_id": series.id, "period": period,
            "label": series.label, "claim_ids": sorted(p.claim_id for p in involved),
            "pair": [bottom.claim_id, top.claim_id], "reason": reason}


# ---------------------------------------------------------------- arithmetic

def arithmetic(all_series: Iterable[Series], r: Rules) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], dict[str, list[Point]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple[Any, ...], Series] = {}
    for s in all_series:
        if s.measure != r.total and s.measure not in r.parts:
            continue
        for period, pts in by_period(s.points).items():
            key = (s.subject_id, s.unit, s.kind, s.place, s.rate, period)
            groups[key][s.measure].extend(pts)
            if s.measure == r.total:
                labels[key] = s
    out = []
    for key, by in groups.items():
        if key in labels:
            out += _sums(labels[key], key[-1], by, r) + _parts_over_total(labels[key], key[-1], by, r)
    return out


def _sums(total: Series, period: str, by: dict[str, list[Point]], r: Rules) -> list[dict[str, Any]]:
    """killed + wounded from one report against every total of the same period."""
    per_doc: dict[str, dict[str, Point]] = defaultdict(dict)
    for part in r.parts:
        for p in by.get(part, []):
            per_doc[p.doc_id].setdefault(part, p)
    out = []
    for doc_id, parts in per_doc.items():
        if len(parts) < len(r.parts):
            continue
        lo = sum(p.lo for p in parts.values())
        hi = sum(p.hi for p in parts.values())
        bad = [t for t in by[r.total] if t.doc_id != doc_id and (apart(t.hi, lo, r.epsilon) or apart(hi, t.lo, r.epsilon))]
        if bad:
            out.append(_sum_record(total, period, doc_id, parts, (lo, hi), bad))
    return out


def _sum_record(total: Series, period: str, doc_id: str, parts: dict[str, Point], span: tuple[float, float],
                bad: list[Point]) -> dict[str, Any]:
    unit = total.unit
    added = " plus ".join(f"{name} {describe(p)}" for name, p in parts.items())
    reason = (f"{total.label}, {period}: {added} make {interval_text(span[0], span[1], unit)}, but {describe(bad[0])} "
              f"puts the total at {interval_text(bad[0].lo, bad[0].hi, unit)}; the figures cannot add up.")
    if len(bad) > 1:
        reason += f" {len(bad) - 1} other total(s) for this period disagree too."
    ids = [p.claim_id for p in parts.values()] + [t.claim_id for t in bad]
    return {"id": f"arithmetic:{total.id}@{period}:sum:{doc_id[:12]}", "kind": "arithmetic", "series_id": total.id,
            "period": period, "label": total.label, "claim_ids": ids, "reason": reason}


def _parts_over_total(total: Series, period: str, by: dict[str, list[Point]], r: Rules) -> list[dict[str, Any]]:
    """A part alone (at least N killed) above a casualty total (at most M) cannot be true."""
    out = []
    for part in r.parts:
        pts = by.get(part)
        if not pts:
            continue
        top = max(pts, key=lambda p: (p.lo, -p.claim_id))
        under = [t for t in by[r.total] if t.doc_id != top.doc_id and apart(t.hi, top.lo, r.epsilon)]
        if not under:
            continue
        reason = (f"{total.label}, {period}: {part} alone is {describe(top)}, more than the total of "
                  f"{describe(under[0])}; a part cannot exceed its total.")
        if len(under) > 1:
            reason += f" {len(under) - 1} other total(s) are below it too."
        out.append({"id": f"arithmetic:{total.id}@{period}:{part}", "kind": "arithmetic", "series_id": total.id,
                    "period": period, "label": total.label,
                    "claim_ids": [top.claim_id] + [t.claim_id for t in under], "reason": reason})
    return out


def find_conflicts(all_series: dict[str, Series]) -> list[dict[str, Any]]:
    r = rules()
    out: list[dict[str, Any]] = []
    for s in all_series.values():
        if s.measure not in r.skip_measures:
            out += disjoint(s, r)
    out += arithmetic(all_series.values(), r)
    out.sort(key=lambda c: (c["period"], c["series_id"], c["id"]))
    return out
