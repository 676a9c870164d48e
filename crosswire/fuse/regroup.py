"""Corroboration groups and series summaries redone for the part of a series that new points touch.

    groups, changed = regroup(old_groups, series, fresh, retrace)    # only the figures the new points join
    page = extend_head(old_page, series, fresh, changed)              # only the origins that changed

A series' figures (``corroboration.figure_groups``) are made per qualifier class, greedily from the smallest
value: a figure starts at its first (smallest) point and takes the next ones while they stay within the
tolerance of that first one. A new point changes the figure it falls in and, when it becomes a figure's
first point, the ones after it — until a figure starts at the same point as before, from where everything
is as it was. Those figures are rebuilt (``follow_outlets`` and ``join_repeats`` on fresh copies of their
points, as ``corroboration.group`` does); every other figure, and its points, is kept.

A point of a rebuilt figure whose chain, origin or repeat came out as before stays the very same object;
one that changed is replaced by its copy (``changed``: (old, new) pairs). So the points of the previous
state are never written to (it keeps being served), and whatever depends on points that did not change
(conflicts of other periods, origins, pages) can be kept.

A series summary (``extend_head``) keeps its points by origin: only the origins of new or changed points
are counted again; range, latest point, sources and undated count are extended by the new points.
"""
from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterator, Sequence
from operator import attrgetter, itemgetter
from typing import Any

from .corroboration import close, follow_outlets, join_repeats, origin_record, qclass, rep
from .rules import Rules, rules
from .series import Point, Series, latest

Groups = list[tuple[str, list[Point]]]  # a series' figures: (qualifier class, points by value)
Changed = list[tuple[Point, Point]]  # (point of the previous state, its replacement)
Key = tuple[tuple[float, float], int]  # a point's place in its class: (value as compared, claim id)
GROUPED = ("chain", "chain_ids", "origin", "origin_id", "repeat_of")  # what grouping writes on a point
_grouping = attrgetter(*GROUPED)


def point_order(p: Point) -> tuple[str, str, int]:
    """A series' order: date (undated last), publication date, claim id (``SeriesBuilder.finish``)."""
    return (p.date or "9999", p.published or "", p.claim_id)


# ---------------------------------------------------------------- figures

def regroup(old: Groups, series: Series, fresh: Sequence[Point],
            retrace: Callable[[Point], Point]) -> tuple[Groups, Changed]:
    """``series``' figures with the ``fresh`` points (already in ``series.points``) added, and the points
    replaced; ``series.points`` gets the replacements. ``retrace``: a copy of a point as traced, ungrouped.
    Only the figures new points fall in are looked at (found by bisection): the others stay as they are,
    copied as slices of ``old``."""
    r = rules()
    by_class = {cls: old[lo:hi] for cls, (lo, hi) in _spans(old).items()}
    new_items: dict[str, list[tuple[Key, Point]]] = {}
    for p in fresh:
        cls = qclass(p, r)
        new_items.setdefault(cls, []).append(((rep(p, cls), p.claim_id), p))
    changed: Changed = []
    fresh_ids = {id(p) for p in fresh}
    for cls, items in new_items.items():
        items.sort(key=itemgetter(0))
        before = by_class.get(cls, [])
        figures, rebuilt = _resync(cls, before, items, r)
        for k in rebuilt:
            was = _same_figure(before, figures[k][1], cls)
            figures[k] = was if was is not None else (cls, _grouped(figures[k][1], fresh_ids, retrace, changed, r))
        by_class[cls] = figures
    _replace(series.points, changed)
    out: Groups = []
    for cls in _class_order(series.points, set(by_class), r):
        out += by_class[cls]
    return out, changed


Figure = tuple[str, list[Point]]


def _spans(groups: Groups) -> dict[str, tuple[int, int]]:
    """Where each class's figures are in ``groups`` (each class's are together): class -> (start, end)."""
    out: dict[str, tuple[int, int]] = {}
    lo = 0
    while lo < len(groups):
        cls = groups[lo][0]
        hi = bisect.bisect_left(groups, True, lo=lo, key=lambda g: g[0] != cls)
        out[cls] = (lo, hi)
        lo = hi
    return out


def _starts(cls: str) -> Callable[[Figure], Key]:
    """A figure's place in its class: that of its first point."""
    return lambda g: (rep(g[1][0], cls), g[1][0].claim_id)


def _same_figure(figures: list[Figure], pts: list[Point], cls: str) -> Figure | None:
    """The earlier figure (of ``figures``, in order) with exactly these points, if there was one."""
    start = _starts(cls)
    k = bisect.bisect_left(figures, (rep(pts[0], cls), pts[0].claim_id), key=start)
    if k < len(figures):
        was = figures[k][1]
        if was[0] is pts[0] and len(was) == len(pts) and all(a is b for a, b in zip(was, pts)):
            return figures[k]
    return None


def _resync(cls: str, figures: list[Figure], new: list[tuple[Key, Point]],
            r: Rules) -> tuple[list[Figure], list[int]]:
    """The class's figures with the ``new`` items (sorted) merged in, and the indexes of those formed
    again (from the figure a new item falls in to where a figure starts at the same point as before). An item
    after a figure's first point and within the tolerance of it only joins that figure (``_joining``): it is
    put in its place there, without going through the points after it."""
    joined, new = _joining(cls, figures, new, r)
    if joined:
        figures = list(figures)
        for m, items in joined.items():
            figures[m] = (cls, _with_items(figures[m][1], items, cls))
    out, rebuilt, kept = _merged(cls, figures, new, r)
    for m in joined:  # where the joined figures are now (unless formed again after all, as the others)
        for at, first, count in kept:
            if first <= m < first + count:
                rebuilt.append(at + m - first)
    return out, sorted(rebuilt)


def _joining(cls: str, figures: list[Figure], new: list[tuple[Key, Point]],
             r: Rules) -> tuple[dict[int, list[tuple[Key, Point]]], list[tuple[Key, Point]]]:
    """The ``new`` items that only join a figure (after its first point, within the tolerance of it), by
    figure index, and the others. Greedy grouping from the smallest value leaves every other figure as it was:
    the figure keeps its first point, its points stay within the tolerance of it, and the point after its
    last was not within it before either."""
    start = _starts(cls)
    joined: dict[int, list[tuple[Key, Point]]] = {}
    rest: list[tuple[Key, Point]] = []
    for key, p in new:
        m = bisect.bisect_right(figures, key, key=start) - 1
        if m >= 0 and key > (first := start(figures[m])):
            anchor = first[0]
            if close(anchor[0], key[0][0], r.tolerance) and close(anchor[1], key[0][1], r.tolerance):
                joined.setdefault(m, []).append((key, p))
                continue
        rest.append((key, p))
    return joined, rest


def _with_items(pts: list[Point], items: list[tuple[Key, Point]], cls: str) -> list[Point]:
    """A figure's points (in order) with ``items`` put in their places (a new list)."""
    out = list(pts)
    for key, p in items:
        out.insert(bisect.bisect_right(out, key, key=lambda q: (rep(q, cls), q.claim_id)), p)
    return out


Kept = list[tuple[int, int, int]]  # (index in the result, index in the figures before, how many) of kept runs


def _merged(cls: str, figures: list[Figure], new: list[tuple[Key, Point]],
            r: Rules) -> tuple[list[Figure], list[int], Kept]:
    """``_resync`` for items that may start figures or move where figures start: merged with the points of
    the figures from the one they fall in, grouped again until a figure starts at the same point as before;
    and the runs of figures kept as they were."""
    start = _starts(cls)
    out: list[Figure] = []
    rebuilt: list[int] = []
    kept: Kept = []
    i = n = 0
    while n < len(new):
        m = max(bisect.bisect_right(figures, new[n][0], lo=i, key=start) - 1, i)
        kept.append((len(out), i, m - i))
        out += figures[i:m]
        stream = heapq.merge(_old_items(figures, m, cls), ((k, p, -1) for k, p in new[n:]), key=itemgetter(0))
        anchor: tuple[float, float] | None = None
        took_new = False
        i = len(figures)
        for key, p, starts_figure in stream:
            if anchor is None or not (close(anchor[0], key[0][0], r.tolerance) and
                                      close(anchor[1], key[0][1], r.tolerance)):
                if starts_figure >= 0 and took_new:
                    i = starts_figure  # a figure starts where it did before: the rest is as it was
                    break
                anchor = key[0]
                rebuilt.append(len(out))
                out.append((cls, []))
            out[-1][1].append(p)
            if starts_figure == -1:
                n += 1
                took_new = True
    kept.append((len(out), i, len(figures) - i))
    out += figures[i:]
    return out, rebuilt, kept


def _old_items(figures: list[Figure], first: int, cls: str) -> Iterator[tuple[Key, Point, int]]:
    """The points of ``figures[first:]`` in order, each with the index of the figure it starts (else -2)."""
    for k in range(first, len(figures)):
        for j, p in enumerate(figures[k][1]):
            yield (rep(p, cls), p.claim_id), p, (k if j == 0 else -2)


def _grouped(pts: list[Point], fresh_ids: set[int], retrace: Callable[[Point], Point], changed: Changed,
             r: Rules) -> list[Point]:
    """One figure grouped again (``corroboration.group``): the new points as they are, fresh copies of the
    earlier ones; an earlier point whose grouping came out as before is kept, the others replaced (and
    listed in ``changed``)."""
    work = [p if id(p) in fresh_ids else retrace(p) for p in pts]
    follow_outlets(work)
    join_repeats(work, r)
    out = []
    for p, q in zip(pts, work):
        if p is q or _grouping(p) == _grouping(q):
            out.append(p)
        else:
            out.append(q)
            changed.append((p, q))
    return out


def _replace(points: list[Point], changed: Changed) -> None:
    """Put each replacement where its point stands in ``points`` (in ``point_order``)."""
    for old, new in changed:
        i = bisect.bisect_left(points, point_order(old), key=point_order)
        if i < len(points) and points[i] is old:
            points[i] = new


def _class_order(points: list[Point], classes: set[str], r: Rules) -> list[str]:
    """The classes in the order their first points come in the series (as ``figure_groups`` meets them)."""
    order: list[str] = []
    for p in points:
        cls = qclass(p, r)
        if cls in classes and cls not in order:
            order.append(cls)
            if len(order) == len(classes):
                break
    return order


# ---------------------------------------------------------------- summaries

def origin_index(points: Sequence[Point]) -> dict[str, list[Point]]:
    """A series' points by origin id, each list in series order."""
    out: dict[str, list[Point]] = {}
    for p in points:
        out.setdefault(p.origin_id, []).append(p)
    return out


def _origin_rank(rec: dict[str, Any], by_origin: dict[str, list[Point]]) -> tuple[Any, ...]:
    """Where ``corroboration.origins_of`` puts an origin: most claims first, then first date and name, then
    the order the first points come in."""
    return (-rec["n_claims"], rec["first_date"] or "9999", rec["origin"], point_order(by_origin[rec["origin_id"]][0]))


def extend_head(page: dict[str, Any], s: Series, fresh: Sequence[Point], changed: Changed) -> dict[str, Any]:
    """The page data of ``s`` with the ``fresh`` points added and the ``changed`` ones replaced, from the
    previous one (``page``: head, by_origin, asserters, n_undated): only the origins they touch recounted."""
    head = page["head"]
    by_origin = dict(page["by_origin"])
    gone = {id(old) for old, _ in changed}
    touched = {p.origin_id for p in fresh} | {o.origin_id for o, _ in changed} | {n.origin_id for _, n in changed}
    added: dict[str, list[Point]] = {}
    for p in [*fresh, *(n for _, n in changed)]:
        added.setdefault(p.origin_id, []).append(p)
    origins = [o for o in head["origins"] if o["origin_id"] not in touched]
    for o in touched:
        pts = [p for p in by_origin.get(o, ()) if id(p) not in gone] if gone else list(by_origin.get(o, ()))
        for p in added.get(o, ()):
            bisect.insort(pts, p, key=point_order)
        if pts:
            by_origin[o] = pts
        else:
            by_origin.pop(o, None)
    for o in sorted(touched & by_origin.keys(), key=lambda o: point_order(by_origin[o][0])):
        bisect.insort(origins, origin_record(by_origin[o]), key=lambda rec: _origin_rank(rec, by_origin))
    asserters = page["asserters"] | {p.asserter_id for p in fresh}
    newest = _latest_now(head, s.points, fresh)
    out = s.head()
    out.update({"n_points": len(s.points), "low": min([head["low"], *(p.stated[0] for p in fresh)]),
                "high": max([head["high"], *(p.stated[1] for p in fresh)]), "latest": newest.as_dict(),
                "n_sources": len(asserters), "n_independent": len(origins), "origins": origins})
    made = {"ordered": s.points, "head": out, "by_origin": by_origin, "asserters": asserters,
            "n_undated": page["n_undated"] + sum(1 for p in fresh if not p.date)}
    for kept in ("figure_records", "arithmetic_first"):  # what is still true of the figures and checks kept
        if kept in page:
            made[kept] = page[kept]
    if "summary" in page:  # the summary with every point (``Fusion.figures``): only new and changed ones made
        made["summary"] = {**out, "points": spliced(page["summary"]["points"], s.points, fresh, changed)}
    return made


def spliced(dicts: list[dict[str, Any]], points: list[Point], fresh: Sequence[Point],
            changed: Changed) -> list[dict[str, Any]]:
    """``dicts`` (``as_dict`` of the earlier points, in order) with those of the ``fresh`` points put where
    they stand in ``points`` and those of the ``changed`` ones made again."""
    at = sorted(bisect.bisect_left(points, point_order(p), key=point_order) for p in fresh)
    out: list[dict[str, Any]] = []
    taken = 0
    for k, i in enumerate(at):  # ``i - k`` earlier points come before the k-th new one
        out += dicts[taken:i - k]
        out.append(points[i].as_dict())
        taken = i - k
    out += dicts[taken:]
    for _, new in changed:
        out[bisect.bisect_left(points, point_order(new), key=point_order)] = new.as_dict()
    return out


def _latest_now(head: dict[str, Any], points: list[Point], fresh: Sequence[Point]) -> Point:
    """``series.latest`` over the points now, from the previous latest point and the new ones."""
    was = head["latest"]
    if not was["date"]:  # no dated point before
        return latest(fresh) or points[-1]
    i = bisect.bisect_left(points, (was["date"], was["published"] or "", was["claim_id"]), key=point_order)
    return latest([points[i], *fresh])  # type: ignore[return-value]
