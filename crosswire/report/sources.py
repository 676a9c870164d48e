"""One look per source, the same on every chart, legend and table; each origin's estimates over time.

    style = source_style("National Intelligence Service")   # colour, marker, dash — from the name alone
    lines = origin_histories(points)                         # one step line per origin, oldest first

Steps, in order:

1. ``source_key``: the normalised name (``crosswire.names.name_key`` — "The Peninsula Wire" and
   "Peninsula Wire" are one key).
2. ``source_style``: a stable hash (BLAKE2b, not Python's per-process ``hash``) of the key picks a
   colour, a marker and a dash pattern, each from its own digits. So a source keeps its look in
   every chart and table whatever other sources are drawn beside it, and two sources that share a
   colour still differ in marker or dash, and every line carries its name as a text label: colour
   is never the only thing that tells sources apart.
3. ``origin_of``: the origin of a point (the last link of its attribution chain — who the figure
   comes from), else its source, else its outlet.
4. ``origin_histories``: the points grouped by origin key, ordered by date; an origin's figure given
   again (a briefing carried by three outlets, or restated later) is one step with every claim kept.
   A figure with no date of its own (recalled from an unsaid time) is not drawn.

The palette is Okabe & Ito's colour-blind-safe set ("Color Universal Design", 2008,
https://jfly.uni-koeln.de/color/) without its yellow, which is unreadable on white: 7 colours ×
5 markers × 4 dash patterns = 140 looks before two sources can look the same, and even then the
text labels differ.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .points import point_date, point_value

from ..names import normalize as _name_key  # the normal form every stage compares names by

# Okabe–Ito without yellow (#F0E442): blue, vermillion, bluish green, reddish purple, orange, sky blue, black
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down")
DASHES = ("", "6 3", "2 2", "8 3 2 3")  # SVG stroke-dasharray; "" = solid
UNATTRIBUTED = "unattributed"
NO_SOURCE_COLOR = "#888888"


@dataclass(frozen=True, slots=True)
class SourceStyle:
    key: str
    color: str
    marker: str
    dash: str

    @property
    def mpl_marker(self) -> str:
        return {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "triangle-down": "v"}[self.marker]

    @property
    def mpl_dash(self) -> Any:
        """The dash pattern as a matplotlib linestyle."""
        if not self.dash:
            return "-"
        return (0, tuple(float(x) for x in self.dash.split()))


def source_key(name: str | None) -> str:
    """The key two spellings of one source share ("The Peninsula Wire" = "Peninsula Wire")."""
    key = _name_key(name or "") if name else ""
    return key or UNATTRIBUTED


@lru_cache(maxsize=65_536)
def source_style(name: str | None) -> SourceStyle:
    """Colour, marker and dash of a source, from its normalised name alone (stable across runs; remembered per
    name: a series page asks for each of its rows' sources)."""
    key = source_key(name)
    if key == UNATTRIBUTED:
        return SourceStyle(key, NO_SOURCE_COLOR, "circle", "1 3")
    n = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
    color, n = PALETTE[n % len(PALETTE)], n // len(PALETTE)
    marker, n = MARKERS[n % len(MARKERS)], n // len(MARKERS)
    return SourceStyle(key, color, marker, DASHES[n % len(DASHES)])


def source_colors(names: list[str | None]) -> dict[str, str]:
    """{name as written: colour} for a table or legend (spellings of one source share a colour)."""
    return {(n or UNATTRIBUTED): source_style(n).color for n in names}


def origin_of(p: dict[str, Any]) -> str:
    """Who a figure comes from: the origin of its attribution chain, else its source, else its outlet."""
    return str(p.get("origin") or p.get("source") or p.get("publisher") or UNATTRIBUTED)


@dataclass(slots=True)
class Step:
    """One estimate of one origin: its date, value and bounds, and every claim that repeats it."""
    day: date
    value: float
    low: float | None
    high: float | None
    points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def figure(self) -> str:
        return str(self.points[-1].get("figure") or self.value)


@dataclass(slots=True)
class History:
    """An origin's estimates over time (a step line: each estimate holds until the origin's next)."""
    key: str
    name: str
    style: SourceStyle
    steps: list[Step] = field(default_factory=list)

    def trail(self) -> str:
        """"100 (2024-12) → 300 (2025-01) → 600 (2025-04)"."""
        return " → ".join(f"{s.figure} ({s.points[0].get('date') or s.day.isoformat()})" for s in self.steps)


def origin_histories(points: list[dict[str, Any]]) -> list[History]:
    """The points that have a date and a number, one history per origin, busiest origin first."""
    by_key: dict[str, list[tuple[date, tuple[float, float | None, float | None], dict[str, Any]]]] = defaultdict(list)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for p in points:
        d, (v, lo, hi) = point_date(p), point_value(p)
        if d is None or v is None:
            continue
        name = origin_of(p)
        key = source_key(name)
        by_key[key].append((d, (v, lo, hi), p))
        names[key][name] += 1
    out = []
    for key, rows in by_key.items():
        rows.sort(key=lambda t: (t[0], str(t[2].get("published") or ""), t[2].get("claim_id") or 0))
        name = min(names[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        history = History(key, name, source_style(name))
        for d, (v, lo, hi), p in rows:
            last = history.steps[-1] if history.steps else None
            if last is not None and last.value == v and last.figure == str(p.get("figure") or v):
                last.points.append(p)  # the same figure again: a repeat, the estimate holds
            else:
                history.steps.append(Step(d, v, lo, hi, [p]))
        out.append(history)
    return sorted(out, key=lambda h: (-len(h.steps), h.name.casefold()))


def history_dicts(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``origin_histories`` as JSON-ready data: origin, its look, and its steps with their claim ids."""
    return [{"origin": h.name, "key": h.key, "color": h.style.color, "marker": h.style.marker,
             "dash": h.style.dash or "solid",
             "steps": [{"date": s.points[0].get("date") or s.day.isoformat(), "figure": s.figure, "value": s.value,
                        "claim_ids": [p.get("claim_id") for p in s.points],
                        "outlets": sorted({str(p.get("publisher")) for p in s.points if p.get("publisher")})}
                       for s in h.steps]}
            for h in origin_histories(points)]


def swatch_svg(name: str | None) -> str:
    """A small inline SVG of a source's look (line in its dash, its marker, its colour) for tables.
    Only palette values go into it, never the name, so it needs no escaping."""
    st = source_style(name)
    shapes = {"circle": '<circle cx="13" cy="6" r="4" fill="{c}"/>',
              "square": '<rect x="9.5" y="2.5" width="7" height="7" fill="{c}"/>',
              "triangle": '<polygon points="13,1.5 17.5,9.5 8.5,9.5" fill="{c}"/>',
              "triangle-down": '<polygon points="13,10.5 17.5,2.5 8.5,2.5" fill="{c}"/>',
              "diamond": '<polygon points="13,1.5 17.5,6 13,10.5 8.5,6" fill="{c}"/>'}
    dash = f' stroke-dasharray="{st.dash}"' if st.dash else ""
    return (f'<svg class="swatch" width="26" height="12" viewBox="0 0 26 12" aria-hidden="true">'
            f'<line x1="1" x2="25" y1="6" y2="6" stroke="{st.color}" stroke-width="2"{dash}/>'
            + shapes[st.marker].format(c=st.color) + "</svg>")
