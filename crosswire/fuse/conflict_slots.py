"""Conflicts kept by slot, so that a refresh redoes the slots new reports touch and leaves the rest alone.

    slots = by_slot(every)                                   # (period, series id) -> its conflicts, by id
    every, slots, ends = redo(series, before, every, slots, periods, index, old_index, ends, added)

A conflict's *slot* is its period and the series it is listed under (``conflicts.find_conflicts`` orders
every conflict by period, series id and id): a series' own contradictions and divergences, and the
arithmetic checks of a family (subject, unit, kind, place, rate) under the family's total series.

``redo`` takes the slots to do again — the periods ``periods`` names for each series (None: every period it
has now or had before), and for each family with a total or a part among them the same periods under each
total series of the family (a total series removed is in ``periods`` with all its periods) — computes their
conflicts (``arithmetic`` for the families, with the points of ``index``: series id -> period -> points; a
series' own checks only for the periods ``periods`` names, the others are kept: from the kept ends of a period
that only gained points, ``conflicts.merged_conflicts``, else ``conflicts.period_conflicts``) and puts them in
place of the old ones: the list stays in the order a full build gives (the kept stretches between two redone
slots are copied as slices, not filtered or sorted again), and the slots dict is a copy with those slots
replaced. Nothing given is changed: the previous state keeps being served.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from ..cache import give_way
from .conflicts import PeriodEnds, Slot, arithmetic, merged_conflicts, period_conflicts
from .rules import Rules, rules
from .series import Point, Series

Conflict = dict[str, Any]
PeriodIndex = dict[str, dict[str, list[Point]]]  # series id -> period -> its points, in series order


def slot_of(c: Conflict) -> Slot:
    return (c["period"], c["series_id"])


def by_slot(conflicts: Iterable[Conflict]) -> dict[Slot, list[Conflict]]:
    """The conflicts (in their order) by slot."""
    out: dict[Slot, list[Conflict]] = {}
    for c in conflicts:
        out.setdefault(slot_of(c), []).append(c)
    return out


def family(s: Series) -> tuple[Any, ...]:
    """What the arithmetic checks compare a series within: subject, unit, kind, place and rate."""
    return (s.subject_id, s.unit, s.kind, s.place, s.rate)


def redo(series: dict[str, Series], before: dict[str, Series], every: list[Conflict],
         slots: dict[Slot, list[Conflict]], periods: dict[str, set[str] | None], index: PeriodIndex,
         old_index: PeriodIndex, ends: dict[Slot, PeriodEnds] | None = None,
         added: dict[Slot, list[Point]] | None = None
         ) -> tuple[list[Conflict], dict[Slot, list[Conflict]], dict[Slot, PeriodEnds]]:
    """``every`` (every conflict of the last build, in order; ``slots``: the same by slot; ``before``: its
    series, ``old_index``: their points by period; ``ends``: the ends of its large periods) with the slots of
    ``periods`` (series id -> periods to redo, None: all) and of their families' arithmetic checks done again
    over ``series`` (``index``); ``added``: the slots whose earlier points are as they were, with their new
    points (their ends are merged with those, ``merged_conflicts``). The ends are a copy."""
    r = rules()
    arith = {r.total, *r.parts}
    own: dict[str, set[str]] = {}  # series id -> periods whose points changed: its own checks redone
    for sid, ps in periods.items():
        own.setdefault(sid, set()).update(_every_period(sid, index, old_index) if ps is None else ps)
    todo = {sid: set(ps) for sid, ps in own.items()}  # and those of its family's arithmetic checks
    families: dict[tuple[Any, ...], set[str]] = {}
    for sid, ps_ in list(todo.items()):
        s = series.get(sid) or before.get(sid)
        if s is not None and s.measure in arith:
            families.setdefault(family(s), set()).update(ps_)
    members: dict[tuple[Any, ...], list[Series]] = {}
    if families:
        for s in series.values():
            if s.measure in arith and family(s) in families:
                members.setdefault(family(s), []).append(s)
        for fam in families:  # its checks are in the slots of its total (a total removed: all its slots, above)
            for s in members.get(fam, ()):
                if s.measure == r.total:
                    todo.setdefault(s.id, set()).update(families[fam])
    kept = dict(ends or {})
    found: list[Conflict] = []
    for sid, ps in todo.items():
        give_way()  # pages being answered first (in a background build)
        if sid in series and ps:
            found += _own_checks(series[sid], ps, own.get(sid, set()), index.get(sid, {}), slots, kept,
                                 added or {}, r)
        else:  # a series that is gone keeps no ends
            for period in ps:
                kept.pop((period, sid), None)
    for fam, ps in families.items():
        give_way()
        found += arithmetic(members.get(fam, []), r, ps, lambda s: index.get(s.id, {}))
    redone = sorted({(p, sid) for sid, ps in todo.items() for p in ps})
    every, slots = splice(every, redone, found, slots)
    return every, slots, kept


def _own_checks(s: Series, periods: set[str], own: set[str], index: dict[str, list[Point]],
                slots: dict[Slot, list[Conflict]], ends: dict[Slot, PeriodEnds], added: dict[Slot, list[Point]],
                r: Rules) -> list[Conflict]:
    """A series' contradictions and divergences of ``periods``: those of a period whose points did not change
    (not in ``own``: redone for its family's arithmetic checks) as they were, of a period that only gained
    points from its kept ends (``merged_conflicts``), of the others from their points (``period_conflicts``)."""
    if not r.compares(s.measure, s.rate):
        return []
    out: list[Conflict] = []
    for period in periods:
        slot = (period, s.id)
        if period not in own:
            out += [c for c in slots.get(slot, ()) if c.get("check") != "arithmetic"]
            continue
        pts = index.get(period, [])
        new = added.get(slot)
        if len(pts) < 2:
            ends.pop(slot, None)
        elif new is not None and slot in ends:
            out += merged_conflicts(s, period, pts, ends, new, r, slots.get(slot, []))
        else:
            out += period_conflicts(s, period, pts, r, ends)
    return out


def _every_period(sid: str, index: PeriodIndex, old_index: PeriodIndex) -> set[str]:
    return set(index.get(sid, ())) | set(old_index.get(sid, ()))


def splice(every: list[Conflict], redone: list[Slot], found: list[Conflict], slots: dict[Slot, list[Conflict]]
           ) -> tuple[list[Conflict], dict[Slot, list[Conflict]]]:
    """``every`` with the conflicts of the ``redone`` slots (sorted) replaced by ``found`` (theirs, any order),
    and ``slots`` likewise (copies)."""
    new = by_slot(sorted(found, key=lambda c: (c["period"], c["series_id"], c["id"])))
    out: list[Conflict] = []
    at = 0
    for slot in redone:
        give_way()  # pages being answered first (in a background build)
        lo = bisect.bisect_left(every, slot, lo=at, key=slot_of)
        hi = bisect.bisect_right(every, slot, lo=lo, key=slot_of)
        out += every[at:lo]
        out += new.get(slot, ())
        at = hi
    out += every[at:]
    kept = dict(slots)
    for slot in redone:
        give_way()
        if slot in new:
            kept[slot] = new[slot]
        else:
            kept.pop(slot, None)
    return out, kept
