"""Where a claim sits on a chart: its date, its value and its bounds (colours: ``sources.py``).

Shared by the dashboard's SVG charts and the situation report's images.
"""
from __future__ import annotations

import math
import re
from datetime import date
from typing import Any


def point_date(p: dict[str, Any]) -> date | None:
    """The date a claim speaks for: fusion's ``date`` when the point has one (None for a figure the
    report recalls from an unsaid time: not drawn), else ``as_of``, else publication; a bare month is
    drawn mid-month and a bare year mid-year."""
    keys = ("date",) if "date" in p else ("as_of", "published")
    for key in keys:
        m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", str(p.get(key) or ""))
        if m:
            try:
                return date(int(m[1]), int(m[2] or 7), int(m[3] or (15 if m[2] else 1)))
            except ValueError:
                continue
    return None


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) else None


def point_value(p: dict[str, Any]) -> tuple[float | None, float | None, float | None]:
    """(mark, low bound, high bound): ``bounds`` when fusion gives them, else low/high; an open bound is None."""
    bounds = p.get("bounds")
    lo, hi = (bounds[0], bounds[1]) if isinstance(bounds, (list, tuple)) and len(bounds) == 2 else \
        (p.get("low"), p.get("high"))
    lo, hi, v = _num(lo), _num(hi), _num(p.get("value"))
    if v is None:
        known = [x for x in (lo, hi) if x is not None]
        if not known:
            return None, None, None
        v = sum(known) / len(known)
    if lo is not None and hi is not None and lo == hi:
        lo = hi = None  # an exact figure: just the mark
    return v, lo, hi
