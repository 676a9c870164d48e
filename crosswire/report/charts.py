"""Charts of the situation report as PNG images (matplotlib, Agg backend: no display needed)."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from .points import point_date, point_value, source_colors


def series_png(figure: dict[str, Any], width: float = 7.0, height: float = 2.8) -> bytes | None:
    """One key figure over time: a mark per claim coloured by source, bounds as bars, contradictions ringed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    points = drawable(figure.get("points") or [])
    if not points:
        return None
    colors = source_colors([p for *_, p in points])
    fig = Figure(figsize=(width, height), dpi=110)
    ax = fig.add_subplot()
    for name, color in colors.items():
        mine = [t for t in points if (t[4].get("source") or "unattributed") == name]
        ax.scatter([t[0] for t in mine], [t[1] for t in mine], color=color, s=36, zorder=3,  # type: ignore[arg-type]
                   label=name[:40], edgecolors="white", linewidths=0.8)
        for d, val, lo, hi, _ in mine:
            if lo is not None or hi is not None:
                ax.vlines(d, lo if lo is not None else val, hi if hi is not None else val,  # type: ignore[arg-type]
                          color=color, alpha=0.45, linewidth=3, zorder=2)
    rings = [(d, val) for d, val, _, _, p in points if p.get("conflict")]
    if rings:
        ax.scatter([d for d, _ in rings], [y for _, y in rings],  # type: ignore[arg-type]
                   s=160, facecolors="none", edgecolors="#c00", linewidths=1.6, zorder=4, label="contradicted")
    ax.set_title(str(figure.get("label") or "")[:90], fontsize=9, loc="left")
    ax.set_ylabel(str(figure.get("unit") or ""), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    ax.legend(fontsize=6, loc="upper left", frameon=False, ncol=2)
    fig.autofmt_xdate()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close("all")
    return buf.getvalue()


def drawable(points: list[dict[str, Any]]) -> list[tuple[date, float, float | None, float | None, dict[str, Any]]]:
    """(date, value, low, high, point) of every point that has a date and a number."""
    out = []
    for p in points:
        d, (v, lo, hi) = point_date(p), point_value(p)
        if d is not None and v is not None:
            out.append((d, v, lo, hi, p))
    return out


def report_charts(report: dict[str, Any], limit: int = 6) -> list[tuple[dict[str, Any], bytes]]:
    """PNG charts of the key figures that have something to draw (most-reported first)."""
    out: list[tuple[dict[str, Any], bytes]] = []
    for figure in report.get("key_figures") or []:
        if len(out) >= limit:
            break
        png = series_png(figure)
        if png:
            out.append((figure, png))
    return out
