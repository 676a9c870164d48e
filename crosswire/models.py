"""Typed records that flow through crosswire.

raw input -> Document -> (clean) Document -> records (Entity, Quote, Claim, TimeRef) -> store.
Every record carries character offsets into the document's clean text (``start``/``end``)
so a figure can always be traced back to its sentence.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class RemovedLine:
    """A line (or fragment) that cleaning took out of the body, and why."""

    text: str
    rule: str
    lineno: int


@dataclass(slots=True)
class Segment:
    """A transcript segment of the clean text: anchor, reporter or soundbite."""

    role: str
    start: int
    end: int


@dataclass(slots=True)
class Document:
    """One report. ``raw`` is kept exactly as received; ``text`` is the clean body."""

    id: str
    source: str  # file path, "<stdin>", or jsonl id
    raw: bytes
    encoding: str = "utf-8"
    input_kind: str = "text"  # text | html | jsonl | feed
    decoded: str = ""  # raw text after decoding and repair, before cleaning
    text: str = ""  # clean body
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    published_bounds: tuple[str | None, str | None] | None = None  # inferred (not_before, not_after)
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    external_id: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    dateline: tuple[int, int] | None = None  # a wire dateline's span in the clean text, dash included
    meta_sources: dict[str, str] = field(default_factory=dict)  # field -> cascade layer that set it

    def record(self) -> dict[str, Any]:
        """The ``document`` record of the eval contract (JSON-ready)."""
        return {
            "record": "document",
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "published_inferred": (
                {"not_before": self.published_bounds[0], "not_after": self.published_bounds[1],
                 "inferred": True} if self.published_bounds else None),
            "authors": list(self.authors),
            "language": self.language,
            "url": self.url,
            "text": self.text,
            "segments": [asdict(s) for s in self.segments],
            "dateline": list(self.dateline) if self.dateline else None,
            "removed": [asdict(r) for r in self.removed],
            "meta_sources": dict(self.meta_sources),
        }


@dataclass(slots=True)
class Mention:
    """One entity mention in the clean text."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, FAC, NORP, WEAPON, EVENT, OTHER
    canonical: str
    kb_id: str | None = None  # gazetteer key / Wikidata id
    source: str = "model"  # model | gazetteer | fuzzy


@dataclass(slots=True)
class Entity:
    """A document-level entity: one canonical name and its surface forms."""

    name: str
    type: str
    mentions: list[str]
    kb_id: str | None = None
    count: int = 0
    version: str = ""

    def record(self) -> dict[str, Any]:
        return {"record": "entity", "name": self.name, "type": self.type, "mentions": self.mentions,
                "kb_id": self.kb_id, "count": self.count, "version": self.version}


@dataclass(slots=True)
class Quote:
    speaker: str | None
    text: str
    start: int
    end: int
    speaker_title: str | None = None
    said_on: str | None = None
    kind: str = "direct"  # direct | indirect | mixed | according_to | soundbite | transcript
    speaker_surface: str | None = None  # the source mention as written ("a senior defense official")
    version: str = ""
    cue: str | None = None  # "said", "according to", "estimated", ...
    chain: list[str] = field(default_factory=list)  # the speaker first, then whom they cite
    parts: list[tuple[int, int]] = field(default_factory=list)  # content interrupted by its cue: the pieces

    def record(self) -> dict[str, Any]:
        return {"record": "quote", "speaker": self.speaker, "speaker_surface": self.speaker_surface,
                "speaker_title": self.speaker_title, "text": self.text, "said_on": self.said_on,
                "kind": self.kind, "start": self.start, "end": self.end, "version": self.version,
                "speaker_text": self.speaker_surface, "cue": self.cue, "chain": list(self.chain),
                "parts": [list(p) for p in self.parts]}


@dataclass(slots=True)
class Quantity:
    """A number found in text, before it is read as a claim."""

    start: int
    end: int
    text: str
    value: float | None
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"
    trend: str | None = None
    unit: str | None = None  # normalised unit
    unit_surface: str | None = None
    counted: str | None = None  # the noun being counted
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Claim:
    value: float | None
    low: float | None
    high: float | None
    qualifier: str
    unit: str | None
    span: str
    sentence: str
    start: int
    end: int
    trend: str | None = None
    counted: str | None = None
    measure: str = "other"
    subject: str | None = None
    source: str | None = None
    attribution: list[str] = field(default_factory=list)  # chain: asserter first, then whom they cite
    hedge: str | None = None
    conditional: bool = False
    as_of: str | None = None
    location: str | None = None
    flags: list[str] = field(default_factory=list)
    version: str = ""
    as_of_rule: str | None = None  # which step of extract/asof.py dated it (clause-time, said-on, published ...)

    def record(self) -> dict[str, Any]:
        out = {"record": "claim"}
        out.update({k: getattr(self, k) for k in self.__slots__})  # type: ignore[attr-defined]
        return out


@dataclass(slots=True)
class TimeRef:
    start: int
    end: int
    text: str
    value: str
    type: str = "DATE"  # DATE | DURATION | SET | TIME
    version: str = ""

    def record(self) -> dict[str, Any]:
        return {"record": "time", "text": self.text, "value": self.value, "type": self.type,
                "start": self.start, "end": self.end, "version": self.version}


@dataclass(slots=True)
class Rejection:
    """An input that could not be read, with the reason; never silently dropped."""

    source: str
    reason: str
    raw: bytes | None = None
