"""Disagreements between figures for one quantity and period: contradictions and divergences.

    find_conflicts(series) -> [{id, kind, check, series_id, period, label, claim_ids, pair, ratio, claims, reason}]

Two kinds (thresholds and their reasons in ``[disagreement]`` of ``data/fusion.toml``):

* ``contradiction`` -- the figures cannot both be true.
  - check ``disjoint``: within one series and period, a bound or range ("more than 1,000", "up to
    500", "300-400") whose interval misses the interval of another origin's figure. The pair furthest
    apart is named; each period is scanned once (the two best candidates per side), so the work stays
    linear.
  - check ``arithmetic``: killed + wounded of one report against the casualty total the *same origin*
    gives for that period; and a part alone (killed at least N) above any origin's casualty total.
* ``divergence`` -- two point estimates ("about 2,500", "3,000") from different origins for one
  period, the larger more than ``min_ratio`` times the smaller. Each origin stands by its latest point
  of the period. Overlapping "about" bands do not hide a divergence; the ratio is in the record.

Never from two figures of different series (measure, subject, unit, kind, place, rate) or periods;
never from a figure without a date (a figure the report recalls from an unsaid earlier time); never
between two figures of one origin (its later figure is an update); never for increments
(``skip_rates``) or measures that do not say what is counted (``[conflicts] skip_measures``). In a
running total, a smaller figure older than a larger one by more than ``growth_days`` is the total
growing, not a disagreement.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from .corroboration import qclass
from .regroup import point_order
from .rules import INF, Rules, days_apart, figure_text, interval_text, number, rules
from .series import Point, Series

Slot = tuple[str, str]  # (period, series id)


def apart(upper: float, lower: float, eps: float) -> bool:
    """True when an interval ending at ``upper`` lies wholly below one starting at ``lower`` (never unless
    ``upper < lower``: ``eps`` is not negative, ``rules``)."""
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
    """Dated points by period (a figure without a date is compared with nothing)."""
    groups: dict[str, list[Point]] = defaultdict(list)
    for p in points:
        if p.period is not None:
            groups[p.period].append(p)
    return groups


def point_value(p: Point) -> float:
    """The stated number of a point estimate."""
    lo, hi = p.stated
    return p.value if p.value is not None else (lo + hi) / 2


def ratio(a: float, b: float) -> float:
    small, large = sorted((abs(a), abs(b)))
    return INF if small == 0 else large / small


def grown(older: Point, newer: Point, series: Series, r: Rules) -> bool:
    """Whether ``older`` (the smaller) and ``newer`` (the larger) may both be true because a running
    total grew between their day-precise dates."""
    if series.rate is not None or not older.date or not newer.date or older.date >= newer.date:
        return False
    days = days_apart(older.date, newer.date)
    return days is not None and days > r.growth_days


def claim_facts(p: Point) -> dict[str, Any]:
    return {"claim_id": p.claim_id, "figure": figure_text(p.value, p.low, p.high, p.qualifier, p.unit),
            "value": p.value, "date": p.date, "as_of": p.as_of, "dated_by": p.dated_by, "origin": p.origin,
            "publisher": p.publisher, "chain": list(p.chain)}


def _record(kind: str, check: str, ident: str, series: Series, period: str, points: list[Point],
            pair: tuple[Point, Point], reason: str) -> dict[str, Any]:
    lo, hi = pair
    return {"id": ident, "kind": kind, "check": check, "series_id": series.id, "period": period,
            "label": series.label, "claim_ids": sorted({p.claim_id for p in points}),
            "pair": [lo.claim_id, hi.claim_id], "ratio": round(ratio(point_value(lo), point_value(hi)), 3)
            if lo.stated[0] and hi.stated[0] else None,
            "origins": sorted({p.origin for p in points if p.origin}),
            "claims": [claim_facts(p) for p in _pair_first(points, pair)[:MAX_CLAIMS]], "reason": reason}


MAX_CLAIMS = 12  # claims described in one record (the pair first); claim_ids has them all


def _pair_first(points: list[Point], pair: tuple[Point, Point]) -> list[Point]:
    return [*pair, *(p for p in points if p is not pair[0] and p is not pair[1])]


# ---------------------------------------------------------------- divergence

def _divergence(series: Series, period: str, latest: list[Point], r: Rules) -> dict[str, Any] | None:
    """Point estimates of different origins for one period (``latest``: each origin's latest, as its first
    report gave it) that differ by more than rounding explains."""
    reps = _estimates(latest, r)
    if len(reps) < 2:
        return None
    pair = _divergent_pair(reps, series, r)
    if pair is None:
        return None
    low, high = pair
    lv, hv = point_value(low), point_value(high)
    involved = reps  # every origin's figure for the period, so the reader sees the whole spread
    reason = (f"{series.label}, {period}: {describe(low)} and {describe(high)} are estimates of the same quantity "
              f"for the same period from different origins ({low.origin or 'unknown'}; {high.origin or 'unknown'}); "
              f"the larger is {ratio(lv, hv):.2f} times the smaller, more than rounding explains "
              f"(threshold {r.min_ratio:.2f}).")
    if len(reps) > 2:
        reason += f" {len(reps)} origins give a figure for this period, from {number(lv)} to {number(hv)}."
    if ratio(lv, hv) > r.far_apart:
        reason += (f" More than {r.far_apart:g} times apart, they may not count the same thing: check the measure"
                   " and the scope of each.")
    return _record("divergence", "divergence", f"divergence:{series.id}@{period}", series, period,
                   sorted(involved, key=point_value), (low, high), reason)


def _estimates(reps: list[Point], r: Rules) -> list[Point]:
    """``reps`` less the exact counts of a handful of individuals that another origin's figure is more
    than ``far_apart`` times (two wounded prisoners are not an estimate of the wounded in all)."""
    if len(reps) < 2:
        return reps
    top = max(point_value(p) for p in reps)
    return [p for p in reps if not (p.qualifier == "exact" and 0 < point_value(p) < r.handful
                                    and top > r.far_apart * point_value(p))]


def _first_reports(best: dict[str, Point], pts: list[Point], r: Rules) -> list[Point]:
    """``best``'s points, each as its first report gave it when that report is among ``pts`` and a point
    estimate too (``pts`` may hold points of the other classes)."""
    if all(p.repeat_of is None for p in best.values()):
        return list(best.values())
    by_id = {p.claim_id: p for p in pts}
    out = []
    for p in best.values():
        q = by_id.get(p.repeat_of, p) if p.repeat_of is not None else p
        out.append(q if q is p or qclass(q, r) == "point" else p)
    return out


def _divergent_pair(reps: list[Point], series: Series, r: Rules) -> tuple[Point, Point] | None:
    """The lowest and highest estimate, unless growth explains them; then the widest pair growth does not."""
    low = min(reps, key=lambda p: (point_value(p), p.claim_id))
    high = max(reps, key=lambda p: (point_value(p), -p.claim_id))
    if not grown(low, high, series, r):
        return (low, high) if ratio(point_value(low), point_value(high)) > r.min_ratio else None
    pairs = []
    lows = [p for p in reps if not grown(p, high, series, r)]
    highs = [p for p in reps if not grown(low, p, series, r)]
    if lows:
        pairs.append((min(lows, key=point_value), high))
    if highs:
        pairs.append((low, max(highs, key=point_value)))
    pairs = [pq for pq in pairs if ratio(point_value(pq[0]), point_value(pq[1])) > r.min_ratio]
    return max(pairs, key=lambda pq: ratio(point_value(pq[0]), point_value(pq[1]))) if pairs else None


# ---------------------------------------------------------------- contradiction: disjoint

def _by_hi(p: Point) -> tuple[float, int]:
    return (p.hi, p.claim_id)


def _by_lo(p: Point) -> tuple[float, int]:
    return (-p.lo, p.claim_id)


Ends = tuple[list[Point], list[Point], list[Point], list[Point]]  # see ``_disjoint``


def _disjoint(series: Series, period: str, ends: Ends, r: Rules) -> dict[str, Any] | None:
    """A bound or range that misses another origin's figure for the same period, from the two lowest tops
    (``_by_hi``) and the two highest bottoms (``_by_lo``) of different origins (``_two_of``): of every point,
    of the bounded ones, of the bounded ones, of every point."""
    lowest, highest_bounded, lowest_bounded, highest = ends
    pairs = _apart_pairs(lowest, highest_bounded, series, r) + _apart_pairs(lowest_bounded, highest, series, r)
    if not pairs:
        return None
    bottom, top = max(pairs, key=lambda bt: (bt[1].lo - bt[0].hi, -bt[0].claim_id, -bt[1].claim_id))
    reason = (f"{series.label}, {period}: {describe(bottom)} and {describe(top)} cannot both be true — "
              f"{interval_text(bottom.lo, bottom.hi, bottom.unit)} and {interval_text(top.lo, top.hi, top.unit)} "
              "do not overlap, and they come from different origins "
              f"({bottom.origin or 'unknown'}; {top.origin or 'unknown'}).")
    return _record("contradiction", "disjoint", f"disjoint:{series.id}@{period}", series, period, [bottom, top],
                   (bottom, top), reason)


@dataclass(slots=True)
class PeriodEnds:
    """What ``disjoint`` and ``divergence`` need of one period's points, kept for a period of ``ENDS_MIN`` points
    or more, so that a refresh that only adds points to it goes through the new ones (``merged_conflicts``), not
    every point again: the two lowest tops and highest bottoms of different origins (of every point and of the
    bounded ones), and each origin's latest point estimate (in the order of its first one) with that order."""

    lows: list[Point]
    highs: list[Point]
    b_lows: list[Point]
    b_highs: list[Point]
    latest: dict[str, Point]
    first: dict[str, tuple[str, str, int]]  # origin -> ``point_order`` of its first point estimate


ENDS_MIN = 16  # points in a period from which its ends are kept (fewer: going through them is as quick)


def _keep_ends(lows: dict[str, Point], highs: dict[str, Point], o: str, p: Point) -> None:
    """``p`` becomes origin ``o``'s point with the lowest top in ``lows`` (``_by_hi``) and with the highest
    bottom in ``highs`` (``_by_lo``) where it beats the one kept."""
    q = lows.get(o)
    if q is None or p.hi < q.hi or (p.hi == q.hi and p.claim_id < q.claim_id):
        lows[o] = p
    q = highs.get(o)
    if q is None or p.lo > q.lo or (p.lo == q.lo and p.claim_id < q.claim_id):
        highs[o] = p


def period_conflicts(s: Series, period: str, pts: list[Point], r: Rules,
                     ends: dict[Slot, PeriodEnds] | None = None) -> list[dict[str, Any]]:
    """``disjoint`` and ``divergence`` of one period (``pts``: its points, in series order) from one pass over
    the points: each origin's lowest top and highest bottom (of every point and of the bounded ones) and its
    latest point estimate. With ``ends``, those of a period of ``ENDS_MIN`` points or more are kept there."""
    lows: dict[str, Point] = {}  # origin -> its point with the lowest (hi, claim id)
    highs: dict[str, Point] = {}  # origin -> its point with the highest lo (lowest claim id first)
    b_lows: dict[str, Point] = {}
    b_highs: dict[str, Point] = {}
    latest: dict[str, Point] = {}  # origin -> its latest point estimate (date, published, claim id)
    first: dict[str, tuple[str, str, int]] = {}
    for p in pts:
        o = p.origin_id or f"doc:{p.doc_id}"
        _keep_ends(lows, highs, o, p)
        if qclass(p, r) != "point":
            _keep_ends(b_lows, b_highs, o, p)
            continue
        q = latest.get(o)
        if q is None:
            latest[o] = p
            first[o] = point_order(p)
        elif (p.date or "", p.published or "", p.claim_id) > (q.date or "", q.published or "", q.claim_id):
            latest[o] = p
    kept = PeriodEnds(_two(lows, _by_hi), _two(highs, _by_lo), _two(b_lows, _by_hi), _two(b_highs, _by_lo),
                      latest, first)
    if ends is not None:
        if len(pts) >= ENDS_MIN:
            ends[(period, s.id)] = kept
        else:
            ends.pop((period, s.id), None)
    return _from_ends(s, period, kept, pts, r)


def merged_conflicts(s: Series, period: str, pts: list[Point], ends: dict[Slot, PeriodEnds],
                     new: list[Point], r: Rules, before: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """``period_conflicts`` of a period whose earlier points are as they were (their ends kept in ``ends``) and
    that gained the points ``new`` (``pts``: all of them now): only the new points are gone through (the best of
    every origin is the best of its earlier best and its new points); ``ends`` gets the period's ends now. A
    check whose ends did not change gives the record it gave before (``before``: the period's conflicts then)."""
    was = ends[(period, s.id)]
    bounded = [p for p in new if qclass(p, r) != "point"]
    latest, first = dict(was.latest), dict(was.first)
    moved = False
    for p in new:
        if qclass(p, r) != "point":
            continue
        o = p.origin_id or f"doc:{p.doc_id}"
        q = latest.get(o)
        if q is None or (p.date or "", p.published or "", p.claim_id) > (q.date or "", q.published or "", q.claim_id):
            latest[o] = p
        order = point_order(p)
        if o not in first or order < first[o]:
            first[o] = order
            moved = True
    if moved:  # in the order of each origin's first point estimate, as one pass over the points meets them
        latest = {o: latest[o] for o in sorted(first, key=first.__getitem__)}
    kept = ends[(period, s.id)] = PeriodEnds(
        _two_of([*was.lows, *new], _by_hi), _two_of([*was.highs, *new], _by_lo),
        _two_of([*was.b_lows, *bounded], _by_hi), _two_of([*was.b_highs, *bounded], _by_lo), latest, first)
    if before is None:
        return _from_ends(s, period, kept, pts, r)
    same_ends = all(_same(a, b) for a, b in ((kept.lows, was.lows), (kept.highs, was.highs),
                                             (kept.b_lows, was.b_lows), (kept.b_highs, was.b_highs)))
    arrived = {p.claim_id for p in new}  # a new first report of a kept latest repeat changes what it stands for
    same_latest = (_same(list(latest.values()), list(was.latest.values()))
                   and not any(p.repeat_of in arrived for p in latest.values() if p.repeat_of is not None))
    then = {c["check"]: c for c in before}
    if same_ends:
        disjoint = then.get("disjoint")
    else:
        disjoint = _disjoint(s, period, (kept.lows, kept.b_highs, kept.b_lows, kept.highs), r) if kept.b_lows else None
    divergence = then.get("divergence") if same_latest else _divergence(s, period, _first_reports(kept.latest, pts, r), r)
    return [c for c in (disjoint, divergence) if c is not None]  # in the order of a pass over every point


def _same(a: list[Point], b: list[Point]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _from_ends(s: Series, period: str, ends: PeriodEnds, pts: list[Point], r: Rules) -> list[dict[str, Any]]:
    out = []
    if ends.b_lows:
        found = _disjoint(s, period, (ends.lows, ends.b_highs, ends.b_lows, ends.highs), r)
        if found is not None:
            out.append(found)
    found = _divergence(s, period, _first_reports(ends.latest, pts, r), r)
    if found is not None:
        out.append(found)
    return out


def _two_of(pts: list[Point], key: Callable[[Point], Any]) -> list[Point]:
    """The two best points by ``key`` that come from two different origins."""
    best: dict[str, Point] = {}
    for p in pts:
        o = p.origin_id or f"doc:{p.doc_id}"
        if o not in best or key(p) < key(best[o]):
            best[o] = p
    return _two(best, key)


def _two(best: dict[str, Point], key: Callable[[Point], Any]) -> list[Point]:
    return heapq.nsmallest(2, best.values(), key=key)


def _apart_pairs(bottoms: list[Point], tops: list[Point], series: Series, r: Rules) -> list[tuple[Point, Point]]:
    return [(b, t) for b in bottoms for t in tops
            if (b.origin_id or b.doc_id) != (t.origin_id or t.doc_id) and apart(b.hi, t.lo, r.epsilon)
            and not grown(b, t, series, r)]


# ---------------------------------------------------------------- contradiction: arithmetic

def arithmetic(all_series: Iterable[Series], r: Rules, periods: set[str] | None = None,
               index: Callable[[Series], dict[str, list[Point]]] | None = None) -> list[dict[str, Any]]:
    """The arithmetic checks over ``all_series`` (only for ``periods``, when given; ``index``: a series'
    points by period, when kept)."""
    groups: dict[tuple[Any, ...], dict[str, list[Point]]] = defaultdict(lambda: defaultdict(list))
    labels: dict[tuple[Any, ...], Series] = {}
    for s in all_series:
        if (s.measure != r.total and s.measure not in r.parts) or s.rate in r.skip_rates:
            continue
        for period, pts in _periods(s, periods, index(s) if index else None):
            key = (s.subject_id, s.unit, s.kind, s.place, s.rate, period)
            groups[key][s.measure].extend(pts)
            if s.measure == r.total:
                labels[key] = s
    out = []
    for key, by in groups.items():
        if key in labels:
            out += _sums(labels[key], key[-1], by, r) + _parts_over_total(labels[key], key[-1], by, r)
    return out


_lo = attrgetter("lo")
_claim_id = attrgetter("claim_id")


def _sums(total: Series, period: str, by: dict[str, list[Point]], r: Rules) -> list[dict[str, Any]]:
    """killed + wounded of one report against the total the same origin gives for the period."""
    if not r.parts:
        return []
    every = set.intersection(*({p.doc_id for p in by.get(part, ())} for part in r.parts))  # reports with each part
    if not every:
        return []
    per_doc: dict[str, dict[str, Point]] = {}
    for part in r.parts:
        for p in by.get(part, []):
            if p.doc_id in every:
                per_doc.setdefault(p.doc_id, {}).setdefault(part, p)
    out = []
    totals: dict[str, list[Point]] | None = None  # the totals by origin, in order (made when first needed)
    for doc_id, parts in per_doc.items():
        origins = {p.origin_id for p in parts.values()}
        if len(parts) < len(r.parts) or len(origins) != 1:
            continue
        if totals is None:
            totals = {}
            for t in by[r.total]:
                totals.setdefault(t.origin_id, []).append(t)
        lo = sum(p.lo for p in parts.values())
        hi = sum(p.hi for p in parts.values())
        bad = [t for t in totals.get(next(iter(origins)), ())
               if (t.hi < lo and apart(t.hi, lo, r.epsilon)) or (hi < t.lo and apart(hi, t.lo, r.epsilon))]
        if bad:
            out.append(_sum_record(total, period, doc_id, parts, (lo, hi), bad))
    return out


def _sum_record(total: Series, period: str, doc_id: str, parts: dict[str, Point], span: tuple[float, float],
                bad: list[Point]) -> dict[str, Any]:
    unit = total.unit
    added = " plus ".join(f"{name} {describe(p)}" for name, p in parts.items())
    reason = (f"{total.label}, {period}: {added} make {interval_text(span[0], span[1], unit)}, but the same origin "
              f"({bad[0].origin or 'unknown'}) puts the total at {describe(bad[0])}; the figures cannot add up.")
    pts = [*parts.values(), *bad]
    first = next(iter(parts.values()))
    return _record("contradiction", "arithmetic", f"arithmetic:{total.id}@{period}:sum:{doc_id[:12]}", total, period,
                   pts, (first, bad[0]), reason)


def _parts_over_total(total: Series, period: str, by: dict[str, list[Point]], r: Rules) -> list[dict[str, Any]]:
    """A part alone (at least N killed) above a casualty total (at most M) cannot be true."""
    out = []
    for part in r.parts:
        pts = by.get(part)
        if not pts:
            continue
        most = max(map(_lo, pts))
        top = min((p for p in pts if p.lo == most), key=_claim_id)  # the highest bottom, the first claim of those
        floor = top.lo
        under = [t for t in by[r.total] if t.hi < floor and t.doc_id != top.doc_id and apart(t.hi, floor, r.epsilon)
                 and not grown(t, top, total, r)]
        if not under:
            continue
        reason = (f"{total.label}, {period}: {part} alone is {describe(top)}, more than the total of "
                  f"{describe(under[0])}; a part cannot exceed its total.")
        if len(under) > 1:
            reason += f" {len(under) - 1} other total(s) are below it too."
        out.append(_record("contradiction", "arithmetic", f"arithmetic:{total.id}@{period}:{part}", total, period,
                           [top, *under], (under[0], top), reason))
    return out


def find_conflicts(all_series: dict[str, Series], ends: dict[Slot, PeriodEnds] | None = None
                   ) -> list[dict[str, Any]]:
    """Every contradiction and divergence, by period and series (``ends``: gets the ends of large periods)."""
    r = rules()
    out: list[dict[str, Any]] = []
    for s in all_series.values():
        out += series_conflicts(s, r, ends=ends)
    out += arithmetic(all_series.values(), r)
    out.sort(key=lambda c: (c["period"], c["series_id"], c["id"]))
    return out


def split_dismissed(conflicts: list[dict[str, Any]], reviews: dict[str, dict[str, Any]],
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(conflicts still open, conflicts an analyst dismissed with their ``review``), by the latest review
    of each conflict id (``Store.conflict_reviews``); a restored conflict is open again. Without reviews, the
    open ones are ``conflicts`` itself."""
    if not reviews:
        return conflicts, []
    open_, dismissed = [], []
    for c in conflicts:
        review = reviews.get(c["id"])
        if review is not None and review["dismiss"]:
            dismissed.append({**c, "review": review})
        else:
            open_.append(c)
    return open_, dismissed


def series_conflicts(s: Series, r: Rules, ends: dict[Slot, PeriodEnds] | None = None) -> list[dict[str, Any]]:
    """The contradictions and divergences within one series, of every period (the arithmetic checks are
    across series; ``ends``: gets the ends of its large periods, ``period_conflicts``)."""
    out: list[dict[str, Any]] = []
    if not r.compares(s.measure, s.rate):
        return out
    for period, pts in by_period(s.points).items():
        if len(pts) < 2:
            continue
        out += period_conflicts(s, period, pts, r, ends)
    return out


def _periods(s: Series, periods: set[str] | None, index: dict[str, list[Point]] | None
             ) -> Iterable[tuple[str, list[Point]]]:
    """(period, its points) of ``s``: every period, or those of ``periods`` (from ``index`` when given)."""
    if index is None:
        every = by_period(s.points).items()
        return every if periods is None else [(k, v) for k, v in every if k in periods]
    if periods is None:
        return index.items()
    return [(k, index[k]) for k in sorted(periods) if k in index]
