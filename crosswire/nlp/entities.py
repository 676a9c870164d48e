"""Entity linking: spaCy entities → canonical, typed :class:`Mention` records → document entities.

The pipeline is spaCy's model NER plus the gazetteer's phrase ruler (:func:`make_ruler`). The linker
then corrects what the model gets wrong on broadcast transcripts:

* names known to the gazetteer take its canonical name and type ("Tony Blinken" → Antony
  Blinken, PERSON; "Kursk" PRODUCT → GPE; "KN-23" → WEAPON; "DPRK" ORG → North Korea, GPE);
* spans are split at role separators ("Edward Howell / Oxford University") and titles or ranks
  are cut off the front ("Lieutenant General Kyrylo Budanov" ORG → PERSON Kyrylo Budanov), with
  any known name inside the title kept ("U.S. Secretary of State" → United States);
* mistranscribed names are matched fuzzily only with support ("Kiwu Post" near "Ukrainian
  media" → Kyiv Post);
* numbers, dates, furniture and descriptions ("Ukrainian military") are not entities; demonyms are
  NORP, and "<demonym> government" is the country (GPE).

:func:`group_entities` then merges mentions into one :class:`Entity` per canonical name, folding
romanisation variants and surname-only mentions ("Yu" → Yu Yong-weon) into the full name.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, cast

from crosswire.extract import parsed
from crosswire.models import Entity, Mention
from crosswire.names import (
    alias_key,
    canonical_person,
    country_of,
    default_rules,
    looks_korean_name,
    name_key,
    normalize,
    strip_titles,
)
from crosswire.nlp.gazetteer import VERSION as GAZETTEER_VERSION, GazEntry, Gazetteer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from crosswire.nlp.ruler import GazetteerRuler

VERSION = "entities-1"
RULER_NAME = "crosswire_gazetteer"
KEEP_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WEAPON", "EVENT"})
FUZZY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART"})
SEPARATORS = frozenset({"/", "|", ":", "(", ")", "[", "]", "\"", "“", "”", ";", ","})
EDGE_TOKENS = frozenset({"the", "The", "'", "’", "'s", "’s", "‘", "-", "–", "—", ",", ".", "\""})
ELLIPSIS = frozenset({"...", "…", "..", "...."})
CONTEXT_CHARS = 300


# ---------------------------------------------------------------- pipeline

def make_ruler(nlp: Language, gaz: Gazetteer, *, before_ner: bool = True) -> GazetteerRuler:
    """Add the gazetteer ruler (:class:`crosswire.nlp.ruler.GazetteerRuler`) to ``nlp`` (once) and
    return it.

    Before "ner" by default: the ruler fixes the spans it knows and the model labels the rest
    around them, so "James Nixie Chatham House" becomes PERSON + ORG instead of one PERSON
    (measured on the seed reports by benchmarks/entities_eval.py: before > after).
    """
    from crosswire.nlp import ruler as ruler_mod  # registers the spaCy factory

    if RULER_NAME in nlp.pipe_names:
        return nlp.get_pipe(RULER_NAME)  # type: ignore[return-value]
    has_ner = "ner" in nlp.pipe_names
    ruler = nlp.add_pipe(ruler_mod.FACTORY, name=RULER_NAME,
                         before="ner" if has_ner and before_ner else None,
                         after="ner" if has_ner and not before_ner else None)
    ruler = cast("GazetteerRuler", ruler)
    ruler.add_patterns(gaz.ruler_patterns())
    return ruler


# ---------------------------------------------------------------- linking

def link_entities(doc: Doc, gaz: Gazetteer) -> list[Mention]:
    """Canonical, re-typed mentions for the entities of ``doc`` (NER + gazetteer ruler)."""
    out: list[Mention] = []
    for ent in doc.ents:
        out.extend(_link_ent(ent, gaz))
    return out


def _link_ent(ent: Span, gaz: Gazetteer) -> list[Mention]:
    if ent.ent_id_:
        entry = gaz.get(ent.ent_id_)
        if entry is not None:
            if not gaz.matches(ent.text, entry):
                return []
            return [_country_checked(m, ent, gaz) for m in _entry_mention(ent, entry, "gazetteer")]
    label = ent.label_
    if label in gaz.rules.noise_labels:
        if label not in ("WORK_OF_ART", "LAW") or ent[-1].lower_ not in gaz.rules.org_heads:
            return []
        label = "ORG"  # "The Sarn Conflict Observatory" read as a title after a dateline
    out: list[Mention] = []
    for i, piece in enumerate(_pieces(_extend_hyphen(ent))):
        out.extend(_country_checked(m, piece, gaz) for m in _resolve(piece, label if i == 0 else None, gaz))
    return out


# ---------------------------------------------------------------- a country's own bodies

def _country_checked(m: Mention, piece: Span, gaz: Gazetteer) -> Mention:
    """A description a country qualifies ("Marovia's defence ministry", "Marovian defence ministry")
    never links to another country's body: the link is undone (the qualifier joins the name) when the
    entry's own names say which country it belongs to and that is another one."""
    if m.kb_id is None or m.label not in ("ORG", "FAC"):
        return m
    owner = _qualifier(piece, gaz)
    if owner is None:
        return m
    entry = gaz.by_kb_id(m.kb_id)
    countries = gaz.countries_of(entry) if entry is not None else frozenset()
    if not countries or normalize(owner) in countries:
        return m
    name = _canonical(m.text, m.label)
    named = name if normalize(owner) in normalize(name) else f"{owner} {name}"
    return _mention(piece, m.label, named, None, "model")


def _qualifier(piece: Span, gaz: Gazetteer) -> str | None:
    """The country that owns the phrase: a possessive proper name before it ("Marovia's", "South
    Korea's") or a demonym that opens it ("Marovian", "British"). A known name that is not a country
    ("Seoul's", "Samsung's") says nothing about which country's body it is: None."""
    doc = piece.doc
    if piece.start >= 2 and doc[piece.start - 1].lower_ in ("'s", "’s", "'", "’"):
        k = piece.start - 2
        while k >= 0 and doc[k].tag_ in ("NNP", "NNPS") and piece.start - 2 - k < 3:
            k -= 1
        words = doc[k + 1:piece.start - 1]
        if not len(words):
            return None
        text = words.text
        country = country_of(text, gaz.rules)
        if country:
            return country
        known = gaz.lookup(text, None, cities=True)
        if known is None:
            return text  # a country the gazetteer does not know (an invented or small one)
        return known.name if normalize(known.name) in {normalize(c) for c in gaz.rules.countries} else None
    first = piece[0].text if len(piece) else ""
    return country_of(first, gaz.rules)


def _extend_hyphen(span: Span) -> Span:
    """Take in a hyphenated given name the model cut short: "Jeong Hae" + "-won"."""
    doc, end = span.doc, span.end
    while (end + 1 < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_
           and not doc[end].whitespace_ and doc[end + 1].is_alpha and doc[end + 1].is_lower):
        end += 2
    return doc[span.start:end]


def _pieces(span: Span) -> list[Span]:
    """Cut a span at role separators and trim quotes, "the" and possessives off each piece."""
    doc, pieces, start = span.doc, [], span.start
    for tok in span:
        if tok.text in SEPARATORS or tok.is_space or "\n" in tok.text:
            pieces.append(doc[start:tok.i])
            start = tok.i + 1
    pieces.append(doc[start:span.end])
    return [p for p in (_trim(p) for p in pieces) if len(p)]


def _trim(span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and (span.doc[start].text in EDGE_TOKENS or span.doc[start].is_punct):
        start += 1
    while end > start and (span.doc[end - 1].text in EDGE_TOKENS or span.doc[end - 1].is_punct):
        end -= 1
    return span.doc[start:end]


def _resolve(piece: Span, label: str | None, gaz: Gazetteer) -> list[Mention]:
    text = piece.text
    if not re.search(r"[A-Za-z]", text) or re.search(r"[\u1100-\u11ff\u3000-\u9fff\uac00-\ud7af]", text):
        return []
    if alias_key(text) in gaz.rules.noise_texts:
        return []
    entry = gaz.lookup(text, label)
    if entry is not None:
        return _entry_mention(piece, entry, "gazetteer")
    demonym = _demonym_mentions(piece, gaz)
    if demonym is not None:
        return demonym
    tokens = [t.text for t in piece]
    if _title_only(tokens, gaz):
        return _known_inside(piece, gaz)
    prefix, _ = strip_titles(tokens, gaz.rules)
    if prefix:
        head = piece.doc[piece.start:piece.start + len(prefix)]
        rest = _trim(piece.doc[piece.start + len(prefix):piece.end])
        return _known_inside(head, gaz) + _resolve_name(rest, label, gaz, titled=True)
    return _resolve_name(piece, label, gaz, titled=False)


def _resolve_name(span: Span, label: str | None, gaz: Gazetteer, *, titled: bool) -> list[Mention]:
    if not len(span):
        return []
    text = span.text
    entry = gaz.lookup(text, label)
    if entry is not None:
        return _entry_mention(span, entry, "gazetteer")
    new_label = _relabel(span, label, gaz, titled=titled)
    if label in FUZZY_LABELS or label is None:
        hit = gaz.fuzzy(text, new_label or label, _context(span))
        if hit is not None:
            return _entry_mention(span, hit[0], "fuzzy")
    if _before_ellipsis(span):
        entry = gaz.lookup_prefix(text, label)
        if entry is not None:
            return _entry_mention(span, entry, "gazetteer")
    place = _place_entry(span, label, gaz)
    if place is not None:
        return _entry_mention(span, place, "gazetteer")
    if _weapon_like(span, label, gaz):
        return [_mention(span, "WEAPON", _canonical(text, "WEAPON"), None, "model")]
    if new_label not in KEEP_LABELS or not _plausible(span, new_label, gaz):
        return []
    if new_label not in ("PERSON", "NORP") and _in_headline(span) and not _has_org_head(span, gaz):
        return []
    canonical = _canonical(_place_stem(span, gaz).text if new_label in ("GPE", "LOC") else text, new_label)
    return [_mention(span, new_label, canonical, None, "model")]


def _place_stem(span: Span, gaz: Gazetteer) -> Span:
    """"Kursk region" → "Kursk"; "Donetsk Oblast" → "Donetsk"."""
    if len(span) > 1 and span[-1].lower_ in gaz.rules.place_suffixes:
        return span[:-1]
    return span


def _place_entry(span: Span, label: str | None, gaz: Gazetteer) -> GazEntry | None:
    """A known place under a suffix, or a city the model mislabelled (PRODUCT "Kursk", an ORG
    right after "near"). PERSON and ORG spans reach the city list only after a locative."""
    stem = _place_stem(span, gaz)
    if stem is not span or label in ("GPE", "LOC", "FAC"):
        entry = gaz.lookup(stem.text, "GPE")
        if entry is not None and entry.type in ("GPE", "LOC", "FAC"):
            return entry
    if label in ("PERSON", "ORG", "NORP") and not _after_locative(span, gaz):
        return None
    if label in ("GPE", "LOC", "FAC"):
        return None
    return gaz.lookup(span.text, "GPE")


def _weapon_like(span: Span, label: str | None, gaz: Gazetteer) -> bool:
    """"KN-09" (PRODUCT), "Su-34 bombers" (the model said GPE): a designation or a product
    name used as a weapon."""
    if label in ("PERSON", "NORP"):
        return False
    designation = bool(gaz.rules.weapon_designation.match(span.text))
    followed = _next_word(span) in gaz.rules.weapon_nouns
    if designation:
        return label in ("PRODUCT", "GPE", "LOC") or followed
    return followed and label == "PRODUCT"


def _relabel(span: Span, label: str | None, gaz: Gazetteer, *, titled: bool) -> str | None:
    """Correct the model's label from the span's shape and position."""
    tokens = [t.text for t in span]
    if label != "PERSON" and _name_like(span, gaz):
        if titled or looks_korean_name(tokens, gaz.rules) or _soundbite_speaker(span):
            return "PERSON"
    if label is None:
        return "ORG" if tokens[-1].casefold() in gaz.rules.org_heads else None
    if label == "PERSON" and tokens[-1].casefold() in gaz.rules.org_heads:
        return "ORG"
    return label


def _name_like(span: Span, gaz: Gazetteer) -> bool:
    words = [t for t in span if t.text not in ("-", "‐")]
    if not 1 <= len(words) <= 4:
        return False
    for tok in words:
        low = tok.text.casefold()
        after_hyphen = tok.i > span.start and tok.nbor(-1).text in ("-", "‐")
        shape = r"[A-Za-z][a-z]*" if after_hyphen else r"[A-Z][A-Za-z'’.-]*"
        if not re.fullmatch(shape, tok.text) or low in gaz.rules.title_heads:
            return False
        if low in gaz.rules.org_heads:
            return False
    return gaz.lookup(span.text, "GPE") is None


def _soundbite_speaker(span: Span) -> bool:
    """Transcript soundbite: "[Name/Title: ..." or "[Name, Title: ..."."""
    doc = span.doc
    before = doc[span.start - 1].text if span.start > 0 else "\n"
    after = doc[span.end].text if span.end < len(doc) else ""
    return before in ("[", "［", "\n") and after in ("/", ",", "／")


def _plausible(span: Span, label: str, gaz: Gazetteer) -> bool:
    words = [t.text for t in span if re.search(r"[A-Za-z]", t.text)]
    if not words or all(w.islower() for w in words):
        return False
    if len(span) == 1 and span[0].tag_ in ("NN", "NNS") and (span[0].is_sent_start or span[0].tag_ == "NNS"):
        return False  # "Trains arrived ...": a common noun capitalised by its position
    if _title_only(words, gaz):
        return False
    if label == "PERSON":
        return bool(canonical_person(span.text)) and any(w[:1].isupper() for w in words)
    return True


def _title_only(tokens: Sequence[str], gaz: Gazetteer) -> bool:
    """"Senior Research Fellow", "Secretary of State" — but not "U.N. Security Council"."""
    rules = gaz.rules
    words = [t for t in tokens if re.search(r"\w", t)]
    return (bool(words) and (len(words) == 1 or any(w.casefold() in rules.title_core for w in words))
            and all(w.casefold() in rules.title_heads or w in rules.title_joiners for w in words))


def _known_inside(span: Span, gaz: Gazetteer) -> list[Mention]:
    """Gazetteer names inside a title ("U.S." in "U.S. Secretary of State"), longest first."""
    out: list[Mention] = []
    i = span.start
    while i < span.end:
        for j in range(min(span.end, i + 4), i, -1):
            sub = span.doc[i:j]
            entry = gaz.lookup(sub.text, None, cities=False)
            if entry is not None and entry.type != "OTHER" and re.search(r"[A-Za-z]", sub.text):
                out.extend(_entry_mention(sub, entry, "gazetteer"))
                i = j
                break
        else:
            i += 1
    return out


def _demonym_mentions(span: Span, gaz: Gazetteer) -> list[Mention] | None:
    """NORP for "North Korean(s)"; the country for "<demonym> government"; None if no demonym."""
    rules = gaz.rules
    tokens = list(span)
    for n in range(min(3, len(tokens)), 0, -1):
        head = span.doc[span.start:span.start + n]
        key = alias_key(head.text)
        found = rules.demonyms.get(key) or rules.demonyms.get(key[:-1] if key.endswith("s") else "")
        if found is None:
            continue
        rest = [t.lower_ for t in tokens[n:]]
        if rest and not all(w in rules.generic_nouns or w in rules.government_nouns for w in rest):
            return None
        noun = rest[0] if rest else _next_word(span)
        demonym, country = found
        if country and noun in rules.government_nouns:
            entry = gaz.lookup(country, "GPE", cities=False)
            end = span.end if rest else span.end + 1
            gov = span.doc[span.start:end]
            if entry is not None:
                return _entry_mention(gov, entry, "gazetteer")
        return [_mention(head, "NORP", demonym, None, "gazetteer")]
    return None


def _next_word(span: Span) -> str:
    return span.doc[span.end].lower_ if span.end < len(span.doc) else ""


def _after_locative(span: Span, gaz: Gazetteer) -> bool:
    return span.start > 0 and span.doc[span.start - 1].lower_ in gaz.rules.locatives


def _has_org_head(span: Span, gaz: Gazetteer) -> bool:
    return any(t.lower_ in gaz.rules.org_heads for t in span)


def _in_headline(span: Span) -> bool:
    """Is the span on a Title-Cased Headline Line, where the model's guesses are unreliable?"""
    line = _line_of(span).strip()
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", line) if len(w) >= 4]
    if len(words) < 4 or line.endswith((".", "?\"", ".\"", ":")):
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.8


def _line_of(span: Span) -> str:
    """The line the span is on, read from the tokens around it (``doc.text`` is rebuilt whole on every
    access, which made this the costliest step of linking)."""
    doc = span.doc
    i, j = span.start, span.end
    while i > 0 and "\n" not in doc[i - 1].text and "\n" not in doc[i - 1].whitespace_:
        i -= 1
    while j < len(doc) and "\n" not in doc[j].text and "\n" not in doc[j - 1].whitespace_:
        j += 1
    line = doc[i:j].text
    if "\n" in line:  # a newline inside the span's own tokens: the part of the line around the span
        base = doc[i].idx
        left = line.rfind("\n", 0, span.start_char - base) + 1
        right = line.find("\n", span.end_char - base)
        line = line[left:right if right >= 0 else len(line)]
    return line


def _before_ellipsis(span: Span) -> bool:
    doc = span.doc
    return span.end < len(doc) and (doc[span.end].text in ELLIPSIS or doc[span.end].text.startswith("…"))


def _context(span: Span) -> str:
    """The text within CONTEXT_CHARS of the span, sliced from the parse's text (built once per parse by
    ``parsed.text_of``; ``doc.text`` is rebuilt whole on every access)."""
    text = parsed.text_of(span.doc)
    return text[max(0, span.start_char - CONTEXT_CHARS):span.end_char + CONTEXT_CHARS]


def _canonical(text: str, label: str) -> str:
    if label == "PERSON":
        return canonical_person(text)
    out = re.sub(r"^(the|The)\s+", "", text.strip())
    out = re.sub(r"['’]s$", "", out).strip(" '\"’‘“”.,")
    return " ".join(out.split())


def _entry_mention(span: Span, entry: GazEntry, source: str) -> list[Mention]:
    if entry.type == "OTHER":
        return []
    return [_mention(span, entry.type, entry.name, entry.kb_id, source)]


def _mention(span: Span, label: str, canonical: str, kb_id: str | None, source: str) -> Mention:
    return Mention(start=span.start_char, end=span.end_char, text=span.text, label=label,
                   canonical=canonical, kb_id=kb_id, source=source)


# ---------------------------------------------------------------- grouping

def group_entities(mentions: Iterable[Mention]) -> list[Entity]:
    """Document-level entities: one per canonical name, person-name variants and surnames merged."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.label == "OTHER" or not m.canonical:
            continue
        groups.setdefault(_group_key(m), []).append(m)
    groups = _merge_surnames(_merge_into_people(_merge_org_suffixes(groups)))
    return [_entity(ms) for ms in groups.values()]


def _merge_org_suffixes(groups: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """"KBS News" and "KBS" in one report are one outlet, named by the shorter form."""
    suffixes = default_rules().org_suffixes
    out = dict(groups)
    for key, ms in groups.items():
        name = normalize(ms[0].canonical)
        if ms[0].label != "ORG" or any(m.kb_id for m in ms):
            continue
        for suffix in suffixes:
            stem = "name:" + name[: -len(suffix)].replace(" ", "") if name.endswith(" " + suffix) else ""
            if stem in out and stem != key and out[stem][0].label == "ORG":
                canon = out[stem][0].canonical
                moved = [_renamed(m, canon) for m in ms]
                out[stem] = sorted(out[stem] + moved, key=lambda m: m.start)
                del out[key]
                break
    return out


def _renamed(m: Mention, canonical: str) -> Mention:
    return Mention(start=m.start, end=m.end, text=m.text, label=m.label, canonical=canonical,
                   kb_id=m.kb_id, source=m.source)


def _merge_into_people(groups: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """A model-only ORG/FAC/... spelled like a person of the same document is that person
    ("I'm YTN's Yoon Haram" read as FAC next to "Reporter Yoon Ha-ram")."""
    out = dict(groups)
    for key, ms in groups.items():
        if key.startswith("person:") or any(m.kb_id for m in ms) or ms[0].label == "NORP":
            continue
        target = "person:" + name_key(ms[0].canonical)
        if target in out and target != key:
            out[target] = sorted(out[target] + [_as_person(m) for m in ms], key=lambda m: m.start)
            del out[key]
    return out


def _as_person(m: Mention) -> Mention:
    return Mention(start=m.start, end=m.end, text=m.text, label="PERSON",
                   canonical=canonical_person(m.canonical), kb_id=None, source=m.source)


def _group_key(m: Mention) -> str:
    if m.label == "PERSON":
        return "person:" + (name_key(m.canonical) or alias_key(m.canonical))
    return "name:" + alias_key(m.canonical)


def _merge_surnames(groups: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """Fold one-word person mentions ("Blinken", "Rep. Yu") into the one full name they end or
    start (Korean order); with several candidates, into the nearest full name mentioned before."""
    full = {k: ms for k, ms in groups.items() if k.startswith("person:") and _words(ms) >= 2}
    out = dict(groups)
    for key, ms in groups.items():
        if not key.startswith("person:") or _words(ms) != 1:
            continue
        single = name_key(ms[0].canonical)
        cands = [k for k, fm in full.items() if single in _ends(fm)]
        if not cands:
            continue
        target = _nearest(cands, full, ms[0].start)
        out[target] = sorted(out[target] + ms, key=lambda m: m.start)
        del out[key]
    return out


def _words(ms: list[Mention]) -> int:
    return max(len(normalize(m.canonical).split()) for m in ms)


def _ends(ms: list[Mention]) -> set[str]:
    out: set[str] = set()
    for m in ms:
        words = normalize(m.canonical).split()
        if len(words) >= 2:
            out |= {name_key(words[0]), name_key(words[-1])}
            out |= {name_key(w) for w in normalize(m.text).split()[-1:]}
    return out


def _nearest(cands: list[str], full: dict[str, list[Mention]], start: int) -> str:
    def last_before(k: str) -> int:
        starts = [m.start for m in full[k] if m.start <= start]
        return max(starts) if starts else -1
    return max(cands, key=lambda k: (last_before(k), -min(m.start for m in full[k])))


def _entity(ms: list[Mention]) -> Entity:
    linked = [m for m in ms if m.kb_id]
    label = Counter(m.label for m in (linked or ms)).most_common(1)[0][0]
    name = linked[0].canonical if linked else _best_name(ms)
    surfaces = list(dict.fromkeys(form for m in ms for form in _surface_forms(m.text)))
    return Entity(name=name, type=label, mentions=surfaces,
                  kb_id=linked[0].kb_id if linked else None, count=len(ms),
                  version=f"{VERSION}/{GAZETTEER_VERSION}")


_LEADING_THE = re.compile(r"^(the|The|THE)\s+")
_NAME_BREAK = re.compile(r"[\s-]")


def _surface_forms(text: str) -> list[str]:
    """The surface, and without a leading "the" ("The Pentagon" is also "Pentagon")."""
    bare = _LEADING_THE.sub("", text)
    return [text, bare] if bare != text else [text]


def _best_name(ms: list[Mention]) -> str:
    """The most explicit spelling: most words and hyphens, then most frequent, then first."""
    counts = Counter(m.canonical for m in ms)
    order = {c: i for i, c in reversed(list(enumerate(m.canonical for m in ms)))}
    return max(counts, key=lambda c: (len(_NAME_BREAK.findall(c)), counts[c], -order[c]))
