"""A situation report: the picture for one window of time, and what changed since the window before.

    rep = cw.report(topic="casualties", since="2025-01-01", until="2025-03-31")   # Crosswire calls
    rep = situation_report(cw, topic="casualties", since="2025-01-01", until="2025-03-31")

The result is plain data (JSON-ready); ``render`` turns it into Markdown, HTML or PDF.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from collections.abc import Iterable
from typing import Any, Protocol

from ..errors import CrosswireError
from ..fuse.rules import source_grades
from ..names import normalize
from .judgements import key_judgement, summary_sentence
from .points import point_value
from ..fuse.ranking import ranked
from ..store.rows import QuoteInWindow
from .sections import METHOD, source_list, split_disagreements, whole_timeline

class Source(Protocol):
    """What a report reads: the engine's read side (``crosswire.reading.ReadSide``; the report does not
    import it, the engine calls the report)."""

    settings: dict[str, Any]

    def figures(self, measure: str | None = None, subject: str | None = None, since: str | None = None,
                until: str | None = None, include_conditional: bool = False) -> list[dict[str, Any]]: ...

    def conflicts(self) -> list[dict[str, Any]]: ...

    def conflict_claims(self) -> set[int]: ...

    def timeline(self, since: str | None = None, until: str | None = None) -> list[dict[str, Any]]: ...

    def quotes_between(self, since: str | None, until: str | None, limit: int = 200) -> list[QuoteInWindow]: ...

    def published_range(self) -> tuple[str | None, str | None]: ...

    def document_refs(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]: ...


DEFAULT_MONTHS = 6  # news estimates are sparse: half a year has figures to compare with the half before
KEY_FIGURES = 12
SUMMARY = 6
JUDGEMENTS = 6
CHARTS = 6
QUOTES = 8
TIMELINE = 80


def situation_report(v: Source, topic: str | None = None, since: str | None = None,
                     until: str | None = None) -> dict[str, Any]:
    """Summary, key judgements, key figures, changes since the previous period that has figures,
    contradictions and divergences, sources, quotes, the period's timeline and the method."""
    since, until = _window(v, since, until)
    if _start(since) > _end(until):
        raise CrosswireError(f"the period starts ({since}) after it ends ({until})")
    current = [s for s in v.figures(since=since, until=until) if _about(s, topic)]
    (prev_since, prev_until), before = _previous_with_data(v, topic, since, until)
    conflict_ids = v.conflict_claims()
    in_window = {p["claim_id"] for s in current for p in s["points"]}
    figures = [key_figure(s, conflict_ids) for s in ranked(current)[:KEY_FIGURES]]
    tracked = [f for f in figures if f["measure"] != "other"]
    contradictions, divergences = split_disagreements(
        [c for c in v.conflicts() if in_window & set(c.get("claim_ids") or [])])
    timeline, omitted = whole_timeline(_timeline(v, topic, since, until), TIMELINE)
    judgements = [key_judgement(f, contradictions) for f in tracked[:JUDGEMENTS]]
    return {
        "title": f"Situation report{': ' + topic if topic else ''}",
        "topic": topic, "since": since, "until": until,
        "previous": {"since": prev_since, "until": prev_until, "has_data": bool(before)},
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "counts": {"series": len(current), "claims": sum(s["n_points"] for s in current)},
        "summary": [summary_sentence(f) for f in tracked[:SUMMARY]],
        "judgements": [j for j in judgements if j is not None],
        "key_figures": figures,
        "changes": changes(current, before) if before else [],
        "contradictions": contradictions,
        "divergences": divergences,
        "sources": source_list(figures, v.document_refs, source_grades(v.settings)),
        "quotes": notable_quotes(v, topic, since, until),
        "timeline": timeline,
        "timeline_omitted": omitted,
        "method": METHOD,
    }


def _previous_with_data(v: Source, topic: str | None, since: str,
                        until: str) -> tuple[tuple[str, str], list[Any]]:
    """The period of the same length just before ``since``; when it has no figures, the period of that
    length that ends on the latest figure dated before ``since`` (none: the empty period before)."""
    window = previous_window(since, until)
    before = [s for s in v.figures(since=window[0], until=window[1]) if _about(s, topic)]
    if before:
        return window, before
    day_before = (_start(since) - timedelta(days=1)).isoformat()
    earlier = [p["date"] for s in v.figures(until=day_before) if _about(s, topic)
               for p in s["points"] if p.get("date")]
    if not earlier:
        return window, []
    end = min(_end(max(earlier)), _start(since) - timedelta(days=1))
    length = (_end(until) - _start(since)).days + 1
    window = ((end - timedelta(days=length - 1)).isoformat(), end.isoformat())
    return window, [s for s in v.figures(since=window[0], until=window[1]) if _about(s, topic)]


def _timeline(v: Source, topic: str | None, since: str, until: str) -> list[dict[str, Any]]:
    """Dated entries of the window; a sentence that carries several claims is listed once."""
    out, seen = [], set()
    for t in v.timeline(since, until):
        key = (t.get("date"), t.get("doc_id"), t.get("text"))
        if key in seen or not _mentions(t.get("text"), topic) or t.get("measure") == "other":
            continue  # figures of no tracked measure (calibres, durations) stay in `crosswire timeline`
        seen.add(key)
        out.append(t)
    return out


def _window(v: Source, since: str | None, until: str | None) -> tuple[str, str]:
    """Default window: the last DEFAULT_MONTHS calendar months, up to the latest report (so that "what
    changed" has a period before it to compare with); --since / --until set either end."""
    if since and until:
        return since, until
    earliest, latest = v.published_range()
    last = until or (latest or date.today().isoformat())[:10]
    if since:
        return since, last
    end = _end(last)
    month = end.year * 12 + end.month - 1 - (DEFAULT_MONTHS - 1)
    return date(month // 12, month % 12 + 1, 1).isoformat(), last


def _parts(text: str) -> list[int]:
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text[:10])
    try:
        if not m:
            raise ValueError(text)
        parts = [int(g) for g in m.groups() if g]
        date(parts[0], *(parts[1:] + [1, 1])[:2])
    except ValueError as exc:
        raise CrosswireError(f"not a date: {text!r} (expected YYYY, YYYY-MM or YYYY-MM-DD)") from exc
    return parts


def _start(text: str) -> date:
    parts = _parts(text) + [1, 1]
    return date(parts[0], parts[1], parts[2])


def _end(text: str) -> date:
    parts = _parts(text)
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1) - timedelta(days=1)
    return date(*parts)


def previous_window(since: str, until: str) -> tuple[str, str]:
    """The window of the same length that ends the day before ``since``."""
    start, end = _start(since), _end(until)
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    return (prev_end - timedelta(days=length - 1)).isoformat(), prev_end.isoformat()


def _about(series: dict[str, Any], topic: str | None) -> bool:
    text = " ".join(str(series.get(k) or "") for k in ("label", "measure", "subject"))
    return _mentions(text, topic)


def _mentions(text: str | None, topic: str | None) -> bool:
    if not topic:
        return True
    hay = (text or "").casefold()
    return all(word in hay for word in topic.casefold().split())


def key_figure(s: dict[str, Any], conflict_ids: set[Any]) -> dict[str, Any]:
    latest = s.get("latest") or {}
    by_key: dict[str, str] = {}  # "The Peninsula Wire" and "Peninsula Wire" are one source
    for p in s["points"]:
        name = p.get("source") or "unattributed"
        by_key.setdefault(normalize(name), name)
    sources = sorted(by_key.values())
    origin = {cid: o.get("origin") for o in s.get("origins") or [] for cid in o.get("claim_ids") or []}
    return {"series_id": s["id"], "label": s["label"], "unit": s.get("unit"), "measure": s.get("measure"),
            "n_points": s["n_points"], "low": s.get("low"), "high": s.get("high"), "n_sources": s["n_sources"],
            "n_independent": s.get("n_independent"), "sources": sources,
            "latest": {k: latest.get(k) for k in ("figure", "value", "source", "origin", "date", "publisher",
                                                   "doc_id", "claim_id")},
            "points": [{k: p.get(k) for k in POINT_KEYS}
                       | {"conflict": p.get("claim_id") in conflict_ids,
                          "origin": origin.get(p.get("claim_id")) or p.get("origin")} for p in s["points"]]}


POINT_KEYS = ("claim_id", "doc_id", "date", "dated_by", "as_of", "period", "value", "bounds", "low", "high", "figure",
              "source", "publisher", "published", "chain", "grade", "likelihood", "recalled", "repeat_of")


def _latest_value(s: dict[str, Any]) -> float | None:
    return point_value(s.get("latest") or {})[0]


def changes(current: list[dict[str, Any]], before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per series: new this period, moved up or down, unchanged, or no longer reported."""
    prev = {s["id"]: s for s in before}
    out = []
    for s in ranked(current):
        old = prev.pop(s["id"], None)
        after = (s.get("latest") or {}).get("figure")
        if old is None:
            out.append({"series_id": s["id"], "label": s["label"], "change": "new", "before": None, "after": after,
                        "n_points": s["n_points"]})
            continue
        a, b = _latest_value(old), _latest_value(s)
        delta = b - a if a is not None and b is not None and a != b else None
        kind = "unchanged" if delta is None else ("up" if delta > 0 else "down")
        out.append({"series_id": s["id"], "label": s["label"], "change": kind,
                    "before": (old.get("latest") or {}).get("figure"), "after": after, "n_points": s["n_points"],
                    "delta": delta})
    for s in ranked(prev.values()):
        out.append({"series_id": s["id"], "label": s["label"], "change": "no new reports",
                    "before": (s.get("latest") or {}).get("figure"), "after": None, "n_points": 0})
    order = {"up": 0, "down": 0, "new": 1, "unchanged": 2, "no new reports": 3}
    return sorted(out, key=lambda c: order[c["change"]])


def notable_quotes(v: Source, topic: str | None, since: str, until: str) -> list[dict[str, Any]]:
    """Quotes from the window: attributed ones first, one per speaker before a second from anyone."""
    rows = [q for q in v.quotes_between(since, until, limit=2000)
            if _mentions(f"{q.get('speaker') or ''} {q.get('text') or ''}", topic)]
    rows.sort(key=lambda q: (q.get("speaker") is None, -min(len(q.get("text") or ""), 240)))
    seen: set[Any] = set()
    first: list[QuoteInWindow] = []
    rest: list[QuoteInWindow] = []
    for q in rows:
        (rest if q.get("speaker") in seen else first).append(q)
        seen.add(q.get("speaker"))
    return [{k: q.get(k) for k in ("id", "doc_id", "speaker", "speaker_title", "text", "said_on", "publisher",
                                   "published", "title")} for q in (first + rest)[:QUOTES]]
