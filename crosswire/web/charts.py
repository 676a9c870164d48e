"""Geometry of the estimate-series chart, drawn as inline SVG by a template macro.

One mark per claim at (date, value), coloured by source; a claim with bounds gets a vertical bar
from low to high; a claim that takes part in a contradiction gets a ring. Computing coordinates in
Python and letting the template write the SVG keeps every label escaped.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..report.points import point_date, point_value, source_colors

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 36, 16, 40
MAX_MARKS = 400


@dataclass(slots=True)
class Mark:
    x: float
    y: float
    y_low: float | None
    y_high: float | None
    color: str
    href: str
    title: str
    conflict: bool
    claim_id: Any


@dataclass(slots=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    undated: int = 0
    hidden: int = 0
    unit: str = ""
    plot: tuple[int, int, int, int] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)


def build(series: dict[str, Any], conflict_ids: set[Any], href: Any, max_marks: int = MAX_MARKS) -> Chart:
    """Chart geometry for one series; ``href(point)`` gives the link of a mark."""
    points = series.get("points") or []
    chart = Chart(unit=str(series.get("unit") or ""))
    usable = _latest_usable(points, max_marks)
    chart.hidden = sum(1 for p in points if p.get("date")) - len(usable) if len(points) > max_marks else 0
    chart.undated = len(points) - len(usable) - chart.hidden
    if not usable:
        return chart
    colors = source_colors([p for _, _, p in usable])
    chart.legend = list(colors.items())
    xs = [d.toordinal() for d, _, _ in usable]
    ys = [y for _, v, _ in usable for y in v if y is not None]
    x0, x1 = _pad(min(xs), max(xs), 15)
    y0, y1 = _nice_range(min(ys), max(ys))
    sx, sy = _scale(x0, x1, LEFT, WIDTH - RIGHT), _scale(y0, y1, HEIGHT - BOTTOM, TOP)
    for d, (v, lo, hi), p in usable:
        name = p.get("source") or "unattributed"
        chart.marks.append(Mark(sx(d.toordinal()), sy(v), sy(lo) if lo is not None else None,
                                sy(hi) if hi is not None else None, colors[name], href(p),
                                _mark_title(p, d, name, series), p.get("claim_id") in conflict_ids,
                                p.get("claim_id")))
    chart.xticks = _date_ticks(x0, x1, sx)
    chart.yticks = [(sy(t), _fmt(t)) for t in _nice_ticks(y0, y1)]
    return chart


Usable = tuple[date, tuple[float | None, float | None, float | None], dict[str, Any]]


def _latest_usable(points: list[dict[str, Any]], n: int) -> list[Usable]:
    """The ``n`` most recent points that have a date and a number (all of them when there are few)."""
    if len(points) > n:  # a long series: pick by the ISO date text first, parse only what is drawn
        points = heapq.nlargest(n * 2, (p for p in points if p.get("date")), key=lambda p: str(p["date"]))
    out: list[Usable] = []
    for p in points:
        d, v = point_date(p), point_value(p)
        if d is not None and v[0] is not None:
            out.append((d, v, p))
    out.sort(key=lambda t: t[0])
    return out[-n:]


def _date_ticks(x0: float, x1: float, sx: Any) -> list[tuple[float, str]]:
    """About six date labels: months on long spans, days on short ones; never the same label twice."""
    width = 10 if x1 - x0 < 200 else 7
    out: list[tuple[float, str]] = []
    for t in _ticks_between(x0, x1, 6):
        label = date.fromordinal(int(t)).isoformat()[:width]
        if not out or out[-1][1] != label:
            out.append((sx(t), label))
    return out


def _mark_title(p: dict[str, Any], d: date, source: str, series: dict[str, Any]) -> str:
    value = p.get("figure") or p.get("span") or p.get("value")
    when = p.get("date") or d.isoformat()
    return f"{source}: {value} (as of {when}) — {p.get('publisher') or 'unknown outlet'}, {str(p.get('published') or '')[:10]}"


def _scale(a: float, b: float, pa: float, pb: float) -> Any:
    span = (b - a) or 1.0
    return lambda v: round(pa + (v - a) / span * (pb - pa), 1)


def _pad(a: float, b: float, pad: float) -> tuple[float, float]:
    return (a - pad, b + pad) if a != b else (a - 30, b + 30)


def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    lo = min(lo, 0.0) if lo >= 0 else lo
    if hi == lo:
        hi = lo + 1
    step = _step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def _step(extent: float) -> float:
    raw = extent / 5
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def _nice_ticks(lo: float, hi: float) -> list[float]:
    step = _step(hi - lo)
    n = int(round((hi - lo) / step))
    return [lo + i * step for i in range(n + 1)]


def _ticks_between(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / (n - 1) for i in range(n)]


def _fmt(v: float) -> str:
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"
