"""Charts of the situation report as PNG images (matplotlib, Agg backend: no display needed).

Each chart is one key figure: every origin's estimates over time as a step line (an estimate holds
until that origin's next), on a date axis, in the colour, marker and dash of ``sources.py`` (the
same look the dashboard gives that source), with the origin's name at the end of its line;
bounds as bars; claims in a contradiction ringed. ``report_charts`` returns each image with its
caption: what is drawn, and the origins and outlets it comes from.
"""
from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from .sources import History, origin_histories

LABEL_CHARS = 26
PAD_DAYS = 20


def series_png(figure: dict[str, Any], width: float = 7.0, height: float = 3.3) -> bytes | None:
    """One key figure over time: a step line per origin, marks per claim, bounds as bars, contradictions ringed."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    histories = origin_histories(figure.get("points") or [])
    if not histories:
        return None
    fig = Figure(figsize=(width, height), dpi=110)
    ax = fig.add_subplot()
    for h in histories:
        _draw_history(ax, h)
    rings = [(s.day, s.value) for h in histories for s in h.steps if any(p.get("conflict") for p in s.points)]
    if rings:
        ax.scatter([d for d, _ in rings], [y for _, y in rings],  # type: ignore[arg-type]
                   s=170, facecolors="none", edgecolors="#c00", linewidths=1.6, zorder=4, label="in a disagreement")
    ax.set_title(str(figure.get("label") or "")[:90], fontsize=9, loc="left")
    ax.set_ylabel(str(figure.get("unit") or ""), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    low, high = ax.get_ylim()
    ax.set_ylim(bottom=min(0, low), top=high + (high - min(0, low)) * 0.12)  # room for the line labels
    first, last = _x_span(histories)
    ax.set_xlim(mdates.date2num(first), mdates.date2num(last))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    _label_line_ends(ax, histories)
    ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False, ncol=4)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _x_span(histories: list[History]) -> tuple[date, date]:
    """The dates drawn, padded by a twentieth of the span and at least PAD_DAYS on each side."""
    days = [s.day for h in histories for s in h.steps]
    first, last = min(days), max(days)
    pad = timedelta(days=max(PAD_DAYS, (last - first).days // 20))
    return first - pad, last + pad


def _draw_history(ax: Any, h: History) -> None:
    days = [s.day for s in h.steps]
    values = [s.value for s in h.steps]
    st = h.style
    ax.step(days, values, where="post", color=st.color, linestyle=st.mpl_dash, linewidth=1.6, zorder=2,
            marker=st.mpl_marker, markersize=5.5, markeredgecolor="white", markeredgewidth=0.7, label=_short(h.name))
    for s in h.steps:
        if s.low is not None or s.high is not None:
            ax.vlines(s.day, s.low if s.low is not None else s.value, s.high if s.high is not None else s.value,
                      color=st.color, alpha=0.4, linewidth=3, zorder=1)


def _label_line_ends(ax: Any, histories: list[History]) -> None:
    """The origin's name beside its last estimate, so a line is never told apart by colour alone
    (written to the left of the mark in the right quarter of the chart, so it stays inside)."""
    from matplotlib import dates as mdates

    left, right = ax.get_xlim()
    for h in histories:
        last = h.steps[-1]
        near_edge = (mdates.date2num(last.day) - left) > 0.75 * (right - left)
        ax.annotate(_short(h.name), (last.day, last.value), xytext=(-6 if near_edge else 6, 4),  # type: ignore[arg-type]
                    textcoords="offset points", ha="right" if near_edge else "left", fontsize=6,
                    color=h.style.color)


def _short(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "…"


def caption(figure: dict[str, Any], number: int) -> str:
    """"Figure 1. North Korea — killed (person): each origin's estimates over time … Sources: …"."""
    histories = origin_histories(figure.get("points") or [])
    origins = ", ".join(f"{h.name} ({len(h.steps)} estimate{'s' if len(h.steps) != 1 else ''})" for h in histories)
    outlets = sorted({str(p.get("publisher")) for p in figure.get("points") or [] if p.get("publisher")})
    return (f"Figure {number}. {figure.get('label')}: each origin's estimates over time; a line holds an "
            f"estimate until that origin's next one, bars are stated ranges, rings mark claims in a contradiction or divergence. "
            f"Origins: {origins or 'none'}. Reported by: {', '.join(outlets) or 'unknown outlets'}.")


def report_charts(report: dict[str, Any], limit: int = 6) -> list[tuple[dict[str, Any], bytes, str]]:
    """PNG charts of the key figures that have something to draw (most-reported first), with captions."""
    out: list[tuple[dict[str, Any], bytes, str]] = []
    figures = report.get("key_figures") or []
    for figure in sorted(figures, key=lambda f: f.get("measure") == "other"):  # tracked measures first
        if len(out) >= limit:
            break
        png = series_png(figure)
        if png:
            out.append((figure, png, caption(figure, len(out) + 1)))
    return out
