"""The one ranking of key figures, used by ``figures --top``, the situation report and the dashboard."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Series = dict[str, Any]


def ranked(series: Iterable[Series]) -> list[Series]:
    """Key figures first: the tracked measures (casualties, personnel, materiel, money, ...) before
    'other' (calibres, durations, counts of things), then by independent sources, claims and label."""
    return sorted(series, key=lambda s: (s.get("measure") == "other", -(s.get("n_independent") or 0),
                                         -(s.get("n_points") or 0), s.get("label") or ""))
