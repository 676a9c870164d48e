"""Geometry of the estimate-series chart, drawn as inline SVG by a template macro.

Each origin's estimates are a step line (an estimate holds until that origin's next one), with a
mark per claim at (date, value): a claim with bounds gets a vertical bar from low to high, a claim
that takes part in a contradiction gets a ring. Colour, marker and dash of an origin come from its
name (``report/sources.py``), so the legend, the table and every chart agree, and each line ends in
its name. The x axis is a time scale: ticks sit on the first of a month (or of a year) at their
place in time, so a point dated 2025-01-09 is drawn just right of the "2025-01" tick. Computing
coordinates in Python and letting the template write the SVG keeps every label escaped.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..report.points import point_date, point_value
from ..report.sources import SourceStyle, origin_histories, source_colors, source_style

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 150, 16, 40
MAX_MARKS = 400
LABEL_GAP = 13  # pixels between two line labels
LABEL_CHARS = 24  # per line of an end label; a longer name wraps onto a second line at a space
LABEL_LINES = 2
HEADROOM = 0.04  # share of the value range left above the highest mark (a mark never sits on the frame)
MAX_TICKS = 8

__all__ = ["Chart", "Line", "Mark", "build", "source_colors", "source_style", "time_ticks"]


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
    marker: str = "circle"
    origin: str = ""


@dataclass(slots=True)
class Line:
    """One origin's step line, its end label and its look."""
    name: str
    key: str
    style: SourceStyle
    path: str
    label: list[str]  # the end label's lines (the full name wrapped; "…" only when two lines are not enough)
    label_x: float
    label_y: float
    end_x: float
    end_y: float
    n_steps: int


@dataclass(slots=True)
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    marks: list[Mark] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    xticks: list[tuple[float, str]] = field(default_factory=list)
    yticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    undated: int = 0
    hidden: int = 0
    unit: str = ""
    label_gap: int = LABEL_GAP  # pixels from one line of an end label to the next
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
    histories = origin_histories([p for _, _, p in usable])
    xs = [d.toordinal() for d, _, _ in usable]
    ys = [y for _, v, _ in usable for y in v if y is not None]
    x0, x1 = _pad(min(xs), max(xs), 15)
    y0, y1 = _nice_range(min(ys), max(ys) + (max(ys) - min(0.0, min(ys))) * HEADROOM)
    sx, sy = _scale(x0, x1, LEFT, WIDTH - RIGHT), _scale(y0, y1, HEIGHT - BOTTOM, TOP)
    for h in histories:
        chart.lines.append(_line(h, sx, sy))
        for step in h.steps:
            for p in step.points:
                chart.marks.append(Mark(sx(step.day.toordinal()), sy(step.value),
                                        sy(step.low) if step.low is not None else None,
                                        sy(step.high) if step.high is not None else None, h.style.color, href(p),
                                        _mark_title(p, step.day, h.name, series), p.get("claim_id") in conflict_ids,
                                        p.get("claim_id"), h.style.marker, h.name))
    chart.marks.sort(key=lambda m: (m.x, m.conflict))
    _spread_labels(chart.lines, TOP + 4, HEIGHT - BOTTOM)
    chart.legend = [(line.name, line.style.color) for line in chart.lines]
    chart.xticks = [(sx(d.toordinal()), label) for d, label in time_ticks(date.fromordinal(int(x0)),
                                                                          date.fromordinal(int(x1)))]
    chart.yticks = [(sy(t), _fmt(t)) for t in _nice_ticks(y0, y1)]
    return chart


def _line(h: Any, sx: Any, sy: Any) -> Line:
    """The step path of one origin: across at the old value to the next date, then up or down."""
    first = h.steps[0]
    path = [f"M{sx(first.day.toordinal())} {sy(first.value)}"]
    for step in h.steps[1:]:
        path.append(f"H{sx(step.day.toordinal())} V{sy(step.value)}")
    last = h.steps[-1]
    ex, ey = sx(last.day.toordinal()), sy(last.value)
    return Line(h.name, h.key, h.style, " ".join(path) if len(h.steps) > 1 else "", label_lines(h.name),
                WIDTH - RIGHT + 8, ey, ex, ey, len(h.steps))


def label_lines(name: str, width: int = LABEL_CHARS, most: int = LABEL_LINES) -> list[str]:
    """``name`` in lines of at most ``width`` characters, broken at spaces; the last of ``most`` lines
    ends in "…" when the name does not fit ("National Intelligence Service" -> two whole lines)."""
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most - 1] + [" ".join(lines[most - 1:])]
    return [line if len(line) <= width else line[:width - 1] + "…" for line in lines] or [name]


def _spread_labels(lines: list[Line], top: float, bottom: float) -> None:
    """Move end labels apart vertically so no two overlap, keeping them in the order of their lines
    and, while there is room, between ``top`` and ``bottom``."""
    ordered = sorted(lines, key=lambda line: line.label_y)
    for prev, line in zip(ordered, ordered[1:]):
        line.label_y = max(line.label_y, prev.label_y + LABEL_GAP * len(prev.label))
    if ordered and ordered[-1].label_y > bottom:
        shift = min(ordered[-1].label_y - bottom, max(0.0, ordered[0].label_y - top))
        for line in ordered:
            line.label_y -= shift
    for line in ordered:
        line.label_y = round(line.label_y, 1)


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


def time_ticks(start: date, end: date, most: int = MAX_TICKS) -> list[tuple[date, str]]:
    """Calendar ticks between ``start`` and ``end``, each at its own date: the first of every 1, 2,
    3, 6 or 12 months (labelled 2025-01, or 2025 for whole years), or days on spans under two months."""
    if (end - start).days < 62:
        step = max(1, math.ceil((end - start).days / most))
        first = start + timedelta(days=(-start.toordinal()) % step)
        return [(first + timedelta(days=i), (first + timedelta(days=i)).isoformat())
                for i in range(0, (end - first).days + 1, step)]
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    every = next((m for m in (1, 2, 3, 6, 12, 24, 60, 120) if months / m <= most), 240)
    out: list[tuple[date, str]] = []
    index = start.year * 12 + start.month - 1 + (1 if start.day > 1 else 0)  # the first 1st on or after start
    index += (-index) % every
    while True:
        d = date(index // 12, index % 12 + 1, 1)
        if d > end:
            return out
        out.append((d, str(d.year) if every >= 12 else d.isoformat()[:7]))
        index += every


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


def _fmt(v: float) -> str:
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"
