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
from markupsafe import Markup

from .charts import report_charts
from .sources import origin_histories, source_style, swatch_svg

HERE = Path(__file__).parent
MAX_CHANGES = 25
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md(text: Any) -> str:
    """Plain text made inert in Markdown: specials backslash-escaped, line breaks flattened."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text if text is not None else "—").split()))


_SAFE_URL = re.compile(r"https?://[^\s<>()\[\]\\`'\"]+")


def safe_url(url: Any) -> str | None:
    """The URL when it is a plain http(s) address that needs no escaping, else None."""
    return str(url) if url and _SAFE_URL.fullmatch(str(url)) else None


def md_url(url: Any) -> str:
    """An http(s) URL as a Markdown autolink; anything else as inert text."""
    ok = safe_url(url)
    return f"<{ok}>" if ok else md(url)


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
    out = [f"# {md(report['title'])}", "", md(period_line(report)), ""]
    out += _md_summary(report) + _md_judgements(report) + _md_key_figures(report) + _md_charts(report, chart_dir)
    out += _md_changes(report) + _md_contradictions(report) + _md_divergences(report)
    out += _md_quotes(report) + _md_timeline(report) + _md_sources(report) + _md_method(report)
    return "\n".join(out).rstrip() + "\n"


def period_line(report: dict[str, Any]) -> str:
    prev = report["previous"]
    compared = (f"compared with {prev['since']} to {prev['until']}, the latest earlier period of the same length "
                "that has figures" if prev.get("has_data", True) else "no figures before it to compare with")
    return (f"Period {report['since']} to {report['until']} ({compared}). {report['counts']['claims']} claims in "
            f"{report['counts']['series']} estimate series. Generated {report['generated_at']}.")


def _md_summary(report: dict[str, Any]) -> list[str]:
    out = ["## Summary", ""]
    if not report.get("summary"):
        return out + ["No tracked figures in this period.", ""]
    return out + [f"- {md(s)}" for s in report["summary"]] + [""]


def _md_judgements(report: dict[str, Any]) -> list[str]:
    out = ["## Key judgements", ""]
    if not report.get("judgements"):
        return out + ["No dated figures to judge in this period.", ""]
    for i, j in enumerate(report["judgements"], 1):
        out += [f"{i}. {md(j['statement'])} {md(j['confidence_text'])}"]
    return out + ["", "_Likelihood terms are ICD 203's; confidence is stated separately. How both are "
                      "computed: see Method._", ""]


def _md_key_figures(report: dict[str, Any]) -> list[str]:
    out = ["## Key figures", ""]
    if not report["key_figures"]:
        return out + ["No figures in this period.", ""]
    out += ["| figure | range | latest | claims | origins |", "|---|---|---|---|---|"]
    for f in report["key_figures"]:
        latest = f["latest"]
        out.append(f"| {md(f['label'])} | {md(range_text(f))} | {md(latest.get('figure'))} "
                   f"({md(latest.get('origin') or latest.get('source'))}, {md(latest.get('date'))}) | {f['n_points']} | "
                   f"{md(', '.join(origins_of(f)[:6]))} ({f['n_independent']} independent) |")
    return out + [""]


def origins_of(f: dict[str, Any]) -> list[str]:
    """The origins of a key figure's points, one name per source (most claims first)."""
    return [h.name for h in origin_histories(f.get("points") or [])] or list(f.get("sources") or [])


def _md_changes(report: dict[str, Any]) -> list[str]:
    prev = report["previous"]
    out = ["## What changed since the previous period", ""]
    if not prev.get("has_data", True):
        return out + [f"Nothing to compare with: no figures are dated before {md(report['since'])}. Report on a "
                      "shorter period (--since) to compare it with the one before.", ""]
    out += [f"Compared with {md(prev['since'])} to {md(prev['until'])}.", ""]
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


def claim_line(c: dict[str, Any]) -> str:
    """"#66 about 300 (National Intelligence Service, in YTN, as of 2025-01-13)"."""
    via = f", in {c['publisher']}" if c.get("publisher") and c.get("publisher") != c.get("origin") else ""
    return (f"#{c.get('claim_id')} {c.get('figure') or num(c.get('value'))} ({c.get('origin') or 'unattributed'}"
            f"{via}, as of {c.get('date') or c.get('as_of') or 'undated'})")


def _md_disagreement(c: dict[str, Any]) -> list[str]:
    head = f"- **{md(c.get('label') or c.get('series_id'))}**, {md(c.get('period'))}: {md(c.get('reason'))}"
    if c.get("ratio"):
        head += f" (ratio {c['ratio']:.2g})"
    claims = c.get("claims") or []
    if claims:
        return [head] + [f"    - {md(claim_line(x))}" for x in claims]
    return [head + f" Claims: {md(', '.join('#' + str(i) for i in c.get('claim_ids') or []))}."]


def _md_contradictions(report: dict[str, Any]) -> list[str]:
    out = ["## Contradictions", "", "Figures for the same quantity and period that cannot all be true.", ""]
    if not report["contradictions"]:
        return out + ["None found.", ""]
    return out + [line for c in report["contradictions"] for line in _md_disagreement(c)] + [""]


def _md_divergences(report: dict[str, Any]) -> list[str]:
    out = ["## Divergences", "", "Estimates from different origins for the same period that differ by more "
                                 "than rounding explains.", ""]
    if not report.get("divergences"):
        return out + ["None found.", ""]
    return out + [line for c in report["divergences"] for line in _md_disagreement(c)] + [""]


def _md_sources(report: dict[str, Any]) -> list[str]:
    out = ["## Sources", "", "Origins of the key figures, with the Admiralty reliability grade you gave them "
                             "(setting source_grades; ungraded: —) and the reports that carried them.", ""]
    if not report.get("sources"):
        return out + ["None.", ""]
    for src in report["sources"]:
        grade = f"{src['grade']} ({src['grade_meaning'] or ''})".replace(" ()", "") if src.get("grade") else "—"
        out.append(f"- **{md(src['name'])}** — grade {md(grade)}; {src['n_claims']} claim(s) in "
                   f"{len(src['series'])} series")
        for r in src.get("reports") or []:
            link = f" {md_url(r['url'])}" if r.get("url") else f" ({md(r.get('source'))})"
            out.append(f"    - {md(r.get('publisher'))}, “{md(r.get('title') or 'untitled')}”, "
                       f"{md(str(r.get('published') or 'undated')[:10])}{link}")
    return out + [""]


def _md_method(report: dict[str, Any]) -> list[str]:
    return ["## Method", ""] + [f"- {md(m)}" for m in report.get("method") or []] + [""]


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
    out += [f"- **{md(t.get('date'))}** ({md(t.get('kind'))}) {md(t.get('text'))} — {md(t.get('source') or t.get('publisher'))}"
            for t in report["timeline"]]
    if report.get("timeline_omitted"):
        out.append(f"- _{report['timeline_omitted']} more entries of this period left out to keep every month; "
                   f"all of them: crosswire timeline --since {md(report['since'])} --until {md(report['until'])}_")
    return out + [""]


def _md_charts(report: dict[str, Any], chart_dir: str | Path | None) -> list[str]:
    charts = report_charts(report)
    if not charts:
        return []
    out = ["## Charts", ""]
    for i, (figure, png, caption) in enumerate(charts, 1):
        if chart_dir is not None:
            path = Path(chart_dir)
            path.mkdir(parents=True, exist_ok=True)
            (path / f"chart-{i}.png").write_bytes(png)
            src = f"{path.name}/chart-{i}.png"
        else:
            src = "data:image/png;base64," + base64.b64encode(png).decode()
        out += [f"![{md(figure['label'])}]({src})", "", f"_{md(caption)}_", ""]
    return out


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters.update({"num": num, "range_text": range_text})
    env.globals.update({"origins_of": origins_of, "source_style": source_style, "claim_line": claim_line, "safe_url": safe_url,
                        "swatch": lambda name: Markup(swatch_svg(name)),
                        "period_line": period_line})
    return env


def to_html(report: dict[str, Any]) -> str:
    """A self-contained HTML page; charts are PNG images embedded as data URIs."""
    charts = [(f, "data:image/png;base64," + base64.b64encode(png).decode(), cap) for f, png, cap in report_charts(report)]
    return _env().get_template("report.html").render(r=report, charts=charts, max_changes=MAX_CHANGES)


def to_pdf(report: dict[str, Any]) -> bytes:
    """The HTML report printed to PDF by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=to_html(report), base_url=str(HERE)).write_pdf()  # type: ignore[no-any-return]
