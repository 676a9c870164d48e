"""Attributed quotes: bracketed soundbites in their many layouts, and direct quotes with a speech verb.

Soundbite layouts read (the header is everything before the first ": " or ':"'):
    [Name/Title/Date: "…"]      [Title Name / Title (occasion on date): …]
    [Name, Title: …]            [Name Title Org: …        (closing bracket missing)
Direct quotes: “…” or "…" of five words or more, with a speech verb before or after whose subject
(or a name next to it) is the speaker. Single quotes are scare quotes in these transcripts: not quotes.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..models import Mention, Quote, Segment, TimeRef
from .attribution import Speaker
from .parsed import text_of
from .vocab import Vocab, vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc

VERSION = "quotes-1"
_HEADER_END = re.compile(r":\s+|:(?=[\"“'‘])")
_QUOTE_MARKS = "\"“”'‘’"
_TRAILING = re.compile(r"\s*(?:…|\.{3,})\.?\s*$")
_DIRECT = re.compile(r"[“\"](?P<body>[^“”\"\n]{12,}?)[”\"]")
_NAME = re.compile(r"^[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){1,3}$")


def soundbites(text: str, segments: list[Segment], mentions: list[Mention], canon: dict[str, str],
               times: list[TimeRef], v: Vocab | None = None) -> list[Quote]:
    """Quotes from soundbite paragraphs (a bracket at the start of a paragraph); ``v``: the engine's claims
    vocabulary (the bundled one when None)."""
    v = v or vocab()
    out = []
    for seg in segments:
        if seg.role != "soundbite":
            continue
        pos = seg.start
        for para in text[seg.start:seg.end].split("\n\n"):
            quote = _soundbite(para, pos, mentions, canon, times, v)
            if quote:
                out.append(quote)
            pos += len(para) + 2
    return out


def _soundbite(para: str, pos: int, mentions: list[Mention], canon: dict[str, str],
               times: list[TimeRef], v: Vocab) -> Quote | None:
    inner = para.strip()
    if not inner.startswith(("[", "［")):
        return None
    inner = inner[1:]
    cut = _HEADER_END.search(inner)
    if not cut or len(inner[:cut.start()].split()) > 25:
        return None
    header, body = inner[:cut.start()], inner[cut.end():]
    h_start = pos + para.index(header) if header else pos
    speaker, surface = _header_speaker(header, h_start, mentions, canon, v)
    if not speaker:
        return None
    body = body.rstrip().removesuffix("]").removesuffix("］").strip()
    body = _TRAILING.sub("", body).strip().strip(_QUOTE_MARKS).strip()
    b_start = pos + para.index(body[:20]) if body[:20] in para else pos
    said = [t for t in times if h_start <= t.start < h_start + len(header) and t.type == "DATE"
            and re.match(r"\d{4}", t.value)]
    return Quote(speaker=speaker, text=body, start=b_start, end=b_start + len(body),
                 speaker_title=_title(header, surface), said_on=said[0].value if said else None,
                 kind="soundbite", speaker_surface=surface, version=VERSION)


def _header_speaker(header: str, start: int, mentions: list[Mention], canon: dict[str, str],
                    v: Vocab) -> tuple[str | None, str | None]:
    people = [m for m in mentions if start <= m.start < start + len(header) and m.label == "PERSON"]
    if people:
        m = people[0]
        return canon.get(m.canonical, m.canonical), m.text
    first = re.split(r"\s*[/,(]\s*", header.strip())[0].strip()
    if _NAME.match(first) and not v.role_of(first.split()[0]):
        return first, first
    return None, None


def _title(header: str, surface: str | None) -> str | None:
    parts = [p.strip() for p in re.split(r"\s*/\s*|,\s*", header) if p.strip()]
    rest = [p for p in parts if not surface or surface not in p]
    rest = [p for p in rest if not re.search(r"\d", p)]
    return rest[0] if rest else None


def direct_quotes(sdoc: Doc, mentions: list[Mention], canon: dict[str, str], skip: list[tuple[int, int]],
                  v: Vocab | None = None) -> list[Quote]:
    """Quotes in running text with a speech verb and a named speaker in the same sentence (``v``: as for
    :func:`soundbites`)."""
    v = v or vocab()
    out = []
    text = text_of(sdoc)
    for m in _DIRECT.finditer(text):
        if any(s <= m.start() < e for s, e in skip) or len(m.group("body").split()) < 5:
            continue
        span = sdoc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent
        speaker = None
        for tok in sent:
            if tok.lemma_.lower() in v.speech_verbs and not (m.start() <= tok.idx < m.end()):
                subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                if subj is not None:
                    speaker = _person_over(subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge.text),
                                           mentions, canon)
                if speaker:
                    break
        if speaker:
            body = m.group("body").strip()
            out.append(Quote(speaker=speaker, text=body, start=m.start("body"), end=m.end("body"),
                             kind="direct", speaker_surface=speaker, version=VERSION))
    return out


def _person_over(start: int, end: int, mentions: list[Mention], canon: dict[str, str]) -> str | None:
    for m in mentions:
        if start <= m.start < end and m.label in ("PERSON", "ORG"):
            return canon.get(m.canonical, m.canonical)
    return None


def speakers_of(quotes: list[Quote], text: str) -> list[Speaker]:
    """Spans whose claims belong to a speaker: each soundbite paragraph, each direct quote."""
    out = []
    for q in quotes:
        if q.kind == "soundbite":
            para_start = text.rfind("\n\n", 0, q.start)
            para_start = 0 if para_start < 0 else para_start + 2
            para_end = text.find("\n\n", q.end)
            out.append(Speaker(para_start, len(text) if para_end < 0 else para_end, q.speaker or "", q.said_on,
                               q.start))
        else:
            out.append(Speaker(q.start, q.end, q.speaker or "", q.said_on, q.start))
    return out
