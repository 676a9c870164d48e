"""Sections of the situation report built from fused records: disagreements, sources, timeline, method.

    split_disagreements(conflicts)  -> (contradictions, divergences)
    source_list(figures, refs)      -> one entry per origin: grade, claims, the reports that carried it
    whole_timeline(items, limit)    -> (entries spread over every month of the period, how many left out)
    METHOD                          -> the method note printed at the end of every report
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from .sources import origin_of, source_key, source_style

TIMELINE_KINDS = ("event", "statement", "claim")

METHOD = [
    "Figures are claims extracted from the reports listed under Sources; every figure keeps its origin "
    "(who the figure comes from, at the end of its attribution chain) and the outlets that carried it. "
    "Repeats of one briefing by several outlets, and an outlet citing another outlet, count as one "
    "independent origin.",
    "A series is one quantity (measure, subject, scope); a point's date is the date the figure is for "
    "(its as-of date), or its report's publication date when it gives none (marked ~ in the CLI). The latest "
    "figure is the one with the latest as-of date.",
    "Key judgements: for the latest period of a series that has figures, each independent origin counts "
    "once, with its latest figure there. Origins agree when their stated ranges overlap on one value "
    "(\"about 300\" allows 270–330; \"more than 500\" allows 500 and up). The ICD 203 likelihood term says "
    "how likely the figure is to lie where the agreeing origins put it: very likely when three or more "
    "origins report and all agree; likely when two or more report and at least two thirds agree; roughly "
    "even chance otherwise; one origin alone gets the term its own wording gives, no higher than likely.",
    "Confidence is stated in its own sentence, as ICD 203 asks: high when three or more independent origins "
    "agree and none dissents, moderate when two or more agree and they are at least two thirds of those "
    "reporting, low otherwise (one origin, more dissent, or a contradiction in the period). When every "
    "agreeing origin you graded (setting source_grades) is graded D or E on the Admiralty scale, confidence "
    "drops one level. The thresholds are in crosswire/data/report.toml.",
    "A contradiction is two figures that cannot both be true (ranges for the same quantity and period that do "
    "not overlap, or parts that cannot add up to a total); a divergence is two origins' estimates for the same "
    "period that differ by more than rounding explains. Neither is drawn from figures of different periods "
    "or measures.",
    "\"What changed\" compares each series' latest figure with its latest figure in the previous period of "
    "the same length that has figures (stepping back past empty periods).",
]


def is_divergence(c: dict[str, Any]) -> bool:
    return str(c.get("kind") or "") == "divergence" or str(c.get("check") or "") == "divergence"


def split_disagreements(conflicts: Sequence[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(contradictions, divergences), each in the order fusion gives them: only kind=contradiction is a
    contradiction; a record of any other kind is never shown under that heading."""
    contradictions = [c for c in conflicts if str(c.get("kind") or "") == "contradiction" and not is_divergence(c)]
    return contradictions, [c for c in conflicts if is_divergence(c)]


def source_list(figures: Sequence[dict[str, Any]], refs: Callable[[set[str]], dict[str, dict[str, Any]]],
                grades: dict[str, str]) -> list[dict[str, Any]]:
    """Every origin of the key figures: its Admiralty grade (the point's, else the setting's), how many
    claims and series it gives, and each report that carried it (outlet, title, date, URL)."""
    by_key: dict[str, dict[str, Any]] = {}
    docs: dict[str, set[str]] = defaultdict(set)
    for f in figures:
        for p in f.get("points") or []:
            name = origin_of(p)
            key = source_key(name)
            entry = by_key.setdefault(key, {"name": name, "key": key, "color": source_style(name).color,
                                            "grade": None, "grade_meaning": None, "n_claims": 0, "series": []})
            entry["n_claims"] += 1
            if f.get("label") not in entry["series"]:
                entry["series"].append(f.get("label"))
            g = p.get("grade")
            if isinstance(g, dict) and g.get("grade") and not entry["grade"]:
                entry["grade"], entry["grade_meaning"] = g["grade"], g.get("meaning")
            if p.get("doc_id"):
                docs[key].add(str(p["doc_id"]))
    found = refs({d for ids in docs.values() for d in ids})
    for key, entry in by_key.items():
        if not entry["grade"] and key in grades:
            entry["grade"] = grades[key]
        entry["reports"] = sorted((found[d] for d in docs[key] if d in found),
                                  key=lambda r: (str(r.get("published") or ""), str(r.get("publisher") or "")))
    return sorted(by_key.values(), key=lambda e: (-e["n_claims"], str(e["name"]).casefold()))


def _month(item: dict[str, Any]) -> str:
    return str(item.get("date") or "")[:7]


def whole_timeline(items: Sequence[dict[str, Any]], limit: int) -> tuple[list[dict[str, Any]], int]:
    """At most ``limit`` entries that cover the whole period: every month that has entries keeps some
    (events and statements before figures), taken in turn month by month; the rest are counted."""
    if len(items) <= limit:
        return list(items), 0
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in items:
        months[_month(t)].append(t)
    for rows in months.values():
        rows.sort(key=lambda t: TIMELINE_KINDS.index(t["kind"]) if t.get("kind") in TIMELINE_KINDS else 9)
    chosen: list[dict[str, Any]] = []
    depth = 0
    while len(chosen) < limit:
        added = False
        for m in sorted(months):
            if depth < len(months[m]) and len(chosen) < limit:
                chosen.append(months[m][depth])
                added = True
        if not added:
            break
        depth += 1
    keep = {id(t) for t in chosen}
    return [t for t in items if id(t) in keep], len(items) - len(chosen)
