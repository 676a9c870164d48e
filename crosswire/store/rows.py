"""The typed rows the store returns, and the one date-window rule its reads use.

Small reads return TypedDicts (plain dicts at run time, so the JSON the dashboard and ``--json``
print is unchanged). The three reads fusion makes over every claim (series, the name index, the
timeline) return plain tuples typed by the aliases below: a row object per claim would cost more
than the fusion itself on a million claims.

Dates: ``since`` / ``until`` (YYYY, YYYY-MM or YYYY-MM-DD) select what *overlaps* the window, each
date at its own precision, exactly like ``crosswire.fuse.rules.in_window`` does for points:
``until=2025-01`` keeps everything published in January 2025 (2025-01-31 included, and a report
dated just ``2025``); ``since=2025-01-15`` keeps a report dated ``2025-01`` (it may be from the
second half of the month). In SQL: ``published >= substr(since, 1, length(published))`` and
``published <= until || '~'`` ('~' sorts after every character of an ISO date or time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict


@dataclass(slots=True, frozen=True)
class DocFilter:
    """Which reports a listing shows (each field optional)."""
    since: str | None = None
    until: str | None = None
    publisher: str | None = None
    language: str | None = None


@dataclass(slots=True, frozen=True)
class FusionMark:
    """What of the knowledge base a fusion build reflects: per table (name, largest rowid, row count), and
    fingerprints of what changes in place (entity edits: count and how many undone; the analyst's reviews
    of claims and conflicts: largest id and count). Reports are
    written whole with their records in one transaction, so the reports up to ``docs`` (a rowid) are a
    consistent cut: ``Store.appended_since(mark)`` says whether everything since is new reports only."""
    tables: tuple[tuple[str, int, int], ...]
    edits: tuple[int, int]
    reviews: tuple[int, ...] = ()

    @property
    def docs(self) -> int:
        """The largest report rowid covered."""
        return next(top for name, top, _ in self.tables if name == "documents")

    @property
    def reports(self) -> int:
        """How many report rows are covered."""
        return next((n for name, _, n in self.tables if name == "documents"), 0)


# (after, upto]: the reports with a rowid in this window (``None``: every report)
DocWindow = tuple[int, int]


@dataclass(slots=True)
class EntityRow:
    """One per-document entity row of the latest version of its report (type OTHER left out)."""
    doc_id: str
    name: str
    type: str
    kb_id: str | None
    mentions: list[str]
    count: int


class EntityEdit(TypedDict):
    id: int
    action: str
    target_key: str
    target_name: str
    other_key: str
    other_name: str
    created_at: str
    undone_at: str | None


class DocumentSummary(TypedDict, total=False):
    """A report in a listing, with the number of records extracted from it."""
    id: str
    published: str | None
    publisher: str | None
    title: str | None
    language: str | None
    source: str
    version: int
    authors: list[str]
    chars: int
    removed: int
    entities: int
    quotes: int
    claims: int


class Facet(TypedDict):
    value: str
    count: int


class SearchHit(TypedDict, total=False):
    id: str
    published: str | None
    publisher: str | None
    title: str | None
    snippet: str
    snippet_parts: list[dict[str, Any]]


class SearchPage(TypedDict):
    query: str
    items: list[SearchHit]
    limit: int
    offset: int
    ranked: bool
    matches: int


class Original(TypedDict):
    id: str
    source: str
    encoding: str | None
    input_kind: str
    raw: bytes | None
    decoded: str | None


class QuoteInWindow(TypedDict):
    id: int
    doc_id: str
    speaker: str | None
    speaker_title: str | None
    text: str
    said_on: str | None
    kind: str | None
    start: int | None
    end: int | None
    publisher: str | None
    published: str | None
    title: str | None


class ClaimText(TypedDict):
    span: str | None
    sentence: str | None
    start: int | None
    end: int | None
    conditional: bool


class EntityClaim(TypedDict):
    """A claim as an entity page lists it (``attribution`` is the chain, decoded)."""
    id: int
    doc_id: str
    value: float | None
    low: float | None
    high: float | None
    qualifier: str | None
    unit: str | None
    measure: str | None
    subject: str | None
    source: str | None
    location: str | None
    attribution: list[str]
    as_of: str | None
    span: str | None


class SpeakerQuote(TypedDict):
    id: int
    doc_id: str
    speaker: str | None
    text: str
    said_on: str | None
    start: int | None
    end: int | None


# A record of one report (removed line, entity, mention, quote, claim, time) as stored, JSON decoded.
Record = dict[str, Any]
# documents row + "removed", "entities", "mentions", "quotes", "withheld" (statements), "claims", "times" lists of
# Records
DocumentPage = dict[str, Any]

# Fusion's bulk reads (plain tuples, see the module docstring).
# id, doc_id, value, low, high, qualifier, unit, counted, measure, subject, source, attribution (JSON text),
# hedge, conditional, as_of, location, trend, span, 40 chars before the span, 60 after, publisher, published,
# flags (JSON text: "recalled" marks a figure the report recalls from earlier)
SeriesClaimRow = tuple[int, str, float | None, float | None, float | None, str | None, str | None, str | None,
                       str | None, str | None, str | None, str, str | None, int, str | None, str | None,
                       str | None, str | None, str, str, str | None, str | None, str | None]
# id, subject, source, location, attribution (JSON text), as_of
ClaimNamesRow = tuple[int, str | None, str | None, str | None, str | None, str | None]
# doc_id, speaker, text, said_on, start, end, publisher, published
TimelineQuoteRow = tuple[str, str | None, str, str | None, int | None, int | None, str | None, str | None]
# id, doc_id, as_of, sentence, span, start, end, source, value, low, high, qualifier, unit, measure, subject,
# conditional, publisher, published
TimelineClaimRow = tuple[int, str, str, str | None, str | None, int | None, int | None, str | None, float | None,
                         float | None, float | None, str | None, str | None, str | None, str | None, int,
                         str | None, str | None]
# doc_id, text, value, start, end, publisher, published, the clean text around it, where that text starts
TimelineTimeRow = tuple[str, str, str | None, int, int | None, str | None, str | None, str | None, int]
