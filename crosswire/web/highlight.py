"""Highlighting extractions in a report's clean text, from their character offsets.

The text is cut at every span boundary into plain pieces; each piece says which records cover it.
Templates render the pieces with autoescape on, so report text is never trusted as markup.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("mark", "claim", "quote", "time", "mention")  # outermost first when spans overlap


@dataclass(slots=True)
class Span:
    kind: str
    rid: Any
    start: int
    end: int
    title: str = ""


@dataclass(slots=True)
class Piece:
    text: str
    spans: list[Span] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)  # ids of records whose span starts here

    @property
    def classes(self) -> str:
        return " ".join(sorted({f"hl-{s.kind}" for s in self.spans}))

    @property
    def refs(self) -> str:
        return " ".join(anchor(s) for s in self.spans)

    @property
    def link(self) -> Span | None:
        """The most specific record covering this piece (the shortest span)."""
        return min(self.spans, key=lambda s: (s.end - s.start, KINDS.index(s.kind))) if self.spans else None


def spans_of(doc: dict[str, Any]) -> list[Span]:
    """Every record of a report with valid offsets, as spans."""
    n = len(doc.get("text") or "")
    out = []
    for kind, table, label in (("claim", "claims", _claim_title), ("quote", "quotes", _quote_title),
                               ("time", "times", _time_title), ("mention", "mentions", _mention_title)):
        for rec in doc.get(table) or []:
            start, end = rec.get("start"), rec.get("end")
            if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= n:
                out.append(Span(kind, rec.get("id"), start, end, label(rec)))
    return out


def pieces(text: str, spans: list[Span]) -> list[Piece]:
    """Cut ``text`` at every span boundary; each piece knows the spans that cover it.

    One sweep over the cuts in order: a span joins the open set at its start and leaves it at its end,
    so the work is O((cuts + spans) log + total coverage), not cuts x spans (a 300 KB report with
    thousands of records would otherwise take seconds). Covering spans keep the order of ``spans``.
    """
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    starts: dict[int, list[int]] = {}
    ends: dict[int, list[int]] = {}
    for i, s in enumerate(spans):
        starts.setdefault(s.start, []).append(i)
        ends.setdefault(s.end, []).append(i)
    open_: set[int] = set()
    out = []
    for a, b in zip(cuts, cuts[1:]):
        open_.difference_update(ends.get(a, ()))
        opening = starts.get(a, [])
        open_.update(i for i in opening if spans[i].end > a)  # an empty span covers nothing
        covering = [spans[i] for i in sorted(open_)]
        anchors = [anchor(s) for s in sorted((spans[i] for i in opening), key=lambda s: KINDS.index(s.kind))]
        out.append(Piece(text[a:b], covering, anchors))
    return out


def anchor(span: Span) -> str:
    return f"{span.kind}-{span.rid}"


def _claim_title(r: dict[str, Any]) -> str:
    value = r.get("value") if r.get("value") is not None else f"{r.get('low')}–{r.get('high')}"
    who = r.get("source") or "unattributed"
    return f"claim: {r.get('measure') or 'other'} {value} {r.get('unit') or ''} — {who}".strip()


def _quote_title(r: dict[str, Any]) -> str:
    return f"quote: {r.get('speaker') or 'unknown speaker'}"


def _time_title(r: dict[str, Any]) -> str:
    return f"date: {r.get('value') or '?'} ({r.get('type') or 'DATE'})"


def _mention_title(r: dict[str, Any]) -> str:
    return f"{r.get('label')}: {r.get('canonical')}"
