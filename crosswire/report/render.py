"""Situation report renderers: Markdown, HTML (charts embedded as PNG) and PDF (WeasyPrint from the HTML).

Report text comes from news reports and is untrusted: the HTML template escapes everything, and the
Markdown writer escapes the characters Markdown and inline HTML would interpret.
"""
from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .charts import report_charts

HERE = Path(__file__).parent
MAX_CHANGES = 25
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md(text: Any) -> str:
    """Plain text made inert in Markdown: specials backslash-escaped, line breaks flattened."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "—").split()))


def num(v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return "—" if v is None else str(v)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"


def range_text(f: dict[str, Any]) -> str:
    unit = f" {f['unit']}" if f.get("unit") else ""
    return f"{num(f.get('low'))}{unit}" if f.get("low") == f.get("high") else \
        f"{num(f.get('low'))}–{num(f.get('high'))}{unit}"


def to_markdown(report: dict[str, Any], chart_dir: str | Path | None = None) -> str:
    """Markdown; charts are written as PNG files into ``chart_dir`` (else embedded as data URIs)."""
    out = [f"# {md(report['title'])}", "",
           f"Period {report['since']} to {report['until']} (compared with {report['previous']['since']} to "
           f"{report['previous']['until']}). {report['counts']['claims']} claims in {report['counts']['series']} "
           "estimate series.", ""]
    out += _md_key_figures(report) + _md_changes(report) + _md_contradictions(report)
    out += _md_quotes(report) + _md_timeline(report) + _md_charts(report, chart_dir)
    return "\n".join(out).rstrip() + "\n"


def _md_key_figures(report: dict[str, Any]) -> list[str]:
    out = ["## Key figures", ""]
    if not report["key_figures"]:
        return out + ["No figures in this period.", ""]
    out += ["| figure | range | latest | claims | sources |", "|---|---|---|---|---|"]
    for f in report["key_figures"]:
        latest = f["latest"]
        out.append(f"| {md(f['label'])} | {md(range_text(f))} | {md(latest.get('figure'))} "
                   f"({md(latest.get('source'))}, {md(latest.get('date'))}) | {f['n_points']} | "
                   f"{md(', '.join(f['sources'][:6]))} ({f['n_independent']} independent) |")
    return out + [""]


def _md_changes(report: dict[str, Any]) -> list[str]:
    out = ["## What changed since the previous period", ""]
    rows = [c for c in report["changes"] if c["change"] != "unchanged"]
    if not rows:
        return out + ["Nothing changed.", ""]
    for c in rows[:MAX_CHANGES]:
        arrow = {"up": "▲ up", "down": "▼ down", "new": "new", "no new reports": "no new reports"}[c["change"]]
        out.append(f"- **{md(c['label'])}**: {arrow} — {md(c['before'] or 'nothing before')} → "
                   f"{md(c['after'] or 'nothing this period')}")
    if len(rows) > MAX_CHANGES:
        out.append(f"- and {len(rows) - MAX_CHANGES} more series")
    return out + [""]


def _md_contradictions(report: dict[str, Any]) -> list[str]:
    out = ["## Contradictions", ""]
    if not report["contradictions"]:
        return out + ["None found.", ""]
    return out + [f"- {md(c.get('reason'))}" for c in report["contradictions"]] + [""]


def _md_quotes(report: dict[str, Any]) -> list[str]:
    out = ["## Notable quotes", ""]
    if not report["quotes"]:
        return out + ["None in this period.", ""]
    for q in report["quotes"]:
        out.append(f"> “{md(q['text'])}”  ")
        out.append(f"> — {md(q.get('speaker') or 'unknown speaker')}, {md(q.get('publisher'))} "
                   f"{md((q.get('published') or '')[:10])}")
        out.append("")
    return out


def _md_timeline(report: dict[str, Any]) -> list[str]:
    out = ["## Timeline", ""]
    if not report["timeline"]:
        return out + ["Nothing dated in this period.", ""]
    return out + [f"- **{md(t.get('date'))}** ({md(t.get('kind'))}) {md(t.get('text'))} — {md(t.get('source') or t.get('publisher'))}"
                  for t in report["timeline"]] + [""]


def _md_charts(report: dict[str, Any], chart_dir: str | Path | None) -> list[str]:
    charts = report_charts(report)
    if not charts:
        return []
    out = ["## Charts", ""]
    for i, (figure, png, _caption) in enumerate(charts, 1):
        if chart_dir is not None:
            path = Path(chart_dir)
            path.mkdir(parents=True, exist_ok=True)
            (path / f"chart-{i}.png").write_bytes(png)
            src = f"{path.name}/chart-{i}.png"
        else:
            src = "data:image/png;base64," + base64.b64encode(png).decode()
        out += [f"![{md(figure['label'])}]({src})", ""]
    return out


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters.update({"num": num, "range_text": range_text})
    return env


def to_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page; charts are PNG images embedded as data URIs."""
    charts = [(f, "data:image/png;base64," + base64.b64encode(png).decode(), cap) for f, png, cap in report_charts(report)]
    return _env().get_template("report.html").render(r=report, charts=charts, max_changes=MAX_CHANGES)


def to_pdf(report: dict[str, Any]) -> bytes:
    """The HTML report printed to PDF by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=to_html(report), base_url=str(HERE)).write_pdf()  # type: ignore[no-any-return]
