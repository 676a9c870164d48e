"""Quantities read as claims: what is counted, whose figure, who asserts it, as of when, how hedged.

A claim is a Quantity (extract/quantities.py) placed in its sentence: the measure from the counted
noun and the verbs around it, the subject from the noun phrase and the clause, the source from the
sentence's attribution, the hedge and conditional from the clause, as_of (and the rule that set it)
from extract/asof.py: the figure's own clause, a recall cue, the statement's date, then the report's.

Mentions, times and figures are indexed by sentence once per document (``Context``), so each claim
costs its own sentence, not the whole report.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Claim, Mention, Quantity, TimeRef
from ..names import country_of, default_rules, is_demonym_of
from .asof import Cues, Dated, Dater
from .attribution import Attribution, Attributor, Speaker, hedge_near, is_conditional
from .parsed import span_text, text_of, token_at, tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

VERSION = "claims-1"
_SUBJECT_LABELS = ("GPE", "NORP", "ORG", "FAC")
_EVENT_MEASURES = ("casualties", "killed", "wounded", "captured")
_SUBSET = re.compile(r"^[\w.,\s]*?\d[\w.,]*\s+(?:of whom|of which|of them|of those)\b", re.I)
_CURRENCY = {"KRW", "USD", "EUR", "GBP", "RUB", "JPY", "CNY", "KPW", "UAH"}
_PLACE_PREP = re.compile(r"\b(in|near|at|around|outside|inside|to|into)\s+(the\s+)?$", re.I)
_PLACE_WINDOW = 90
_GENERIC_PEOPLE = {"people", "persons", "person", "civilians", "residents", "passengers", "victims"}
_CASUALTY_PHRASE = re.compile(r"\b(killed|dead|died)\s+(or|and)\s+(wounded|injured)\b", re.I)
_MILITARY = re.compile(r"\b(troops?|soldiers?|military|army|deploy\w*|dispatch\w*|front|combat|battalions?|"
                       r"brigades?|regiments?|engineering|medical|support)\b", re.I)


@dataclass(slots=True)
class Context:
    """Everything about one document the claim reader needs."""

    sdoc: Doc
    mentions: list[Mention]
    canon: dict[str, str]  # mention canonical -> document entity name
    attributions: Attributor  # who asserts what is written at a character (.at)
    times: list[TimeRef]
    speakers: list[Speaker]
    publisher: str | None
    published: str | None
    reference: str | None = None  # an undated report's reference date (inferred bounds, its batch): year-less dates
    asof_cues: Cues | None = None  # the recall/anchor cues of the engine's resources (bundled when None)
    text: str = field(default="", init=False)  # Doc.text rebuilds the string on every access: read once
    sents: list = field(default_factory=list, init=False)
    phrases: list[tuple[int, int]] = field(default_factory=list, init=False)  # each figure's noun phrase
    starts: list[int] = field(default_factory=list, init=False)
    by_sentence: list[list[Mention]] = field(default_factory=list, init=False)  # mentions of each sentence
    figures: dict[int, list[tuple[int, int]]] = field(default_factory=dict, init=False)  # sentence -> phrases
    dater: Dater | None = field(default=None, init=False)
    dominant: tuple[str | None] | None = field(default=None, init=False)  # computed on first use
    demonyms: dict[str, str] | None = field(default=None, init=False)  # NORP surface -> name, on first use
    places: list[str] = field(default_factory=list, init=False)  # the report's GPE names, lower case

    def __post_init__(self) -> None:
        self.text = text_of(self.sdoc)
        self.sents = list(self.sdoc.sents)
        self.starts = [s.start_char for s in self.sents]
        self.by_sentence = [[] for _ in self.sents]
        for m in sorted(self.mentions, key=lambda m: m.start):
            if self.sents:
                self.by_sentence[self.sentence_index(m.start)].append(m)

    def mentions_in(self, sent: Span) -> list[Mention]:
        """The mentions that start inside ``sent`` (a sentence of this document), in text order."""
        i = self.sentence_index(sent.start_char)
        return self.by_sentence[i] if self.by_sentence else []

    def sentence_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.starts, char) - 1)

    def name(self, m: Mention) -> str:
        """Document-level name; a demonym (NORP) stands for its country ("North Korean" -> North Korea)."""
        if m.label == "NORP":
            country = country_of(m.canonical) or country_of(m.text)
            if country:
                return country
        return self.canon.get(m.canonical, m.canonical)


def read_claims(quantities: list[Quantity], ctx: Context) -> list[Claim]:
    date_spans = sorted((t.start, t.end) for t in ctx.times if t.type in ("DATE", "TIME"))
    kept = [q for q in quantities if not _inside_date(q, date_spans) and not _anaphoric(q, ctx.text)]
    ctx.phrases = [(q.start, _phrase_end(q, ctx)) for q in kept]
    ctx.figures = {}
    for span in ctx.phrases:
        ctx.figures.setdefault(ctx.sentence_index(span[0]), []).append(span)
    ctx.dater = Dater(ctx.sdoc, ctx.sents, ctx.times, ctx.speakers, ctx.published, ctx.reference, ctx.asof_cues,
                      ctx.attributions.v)
    claims = [_claim(q, ctx) for q in kept]
    title_end = ctx.text.find("\n")
    _headline_measures(claims, title_end)
    _share_attribution(claims, title_end)
    return claims


def _inside_date(q: Quantity, spans: list[tuple[int, int]]) -> bool:
    """The number is part of a date or clock time ("March 3, 2025"); ``spans`` sorted by start."""
    k = bisect.bisect_left(spans, (q.end, -1))
    return any(e > q.start for _s, e in spans[max(0, k - 8):k])  # time expressions barely overlap


def _anaphoric(q: Quantity, text: str) -> bool:
    """'the two countries', 'both sides': a reference back, not a figure."""
    before = text[max(0, q.start - 12):q.start].lower()
    return (q.qualifier == "exact" and bool(re.match(r"[a-z]", q.text)) and (q.value or 0) <= 10
            and bool(re.search(r"\b(the|these|those|both|its|their|our)\s+$", before)))


def _claim(q: Quantity, ctx: Context) -> Claim:
    i = ctx.sentence_index(q.start)
    sent = ctx.sents[i]
    att = ctx.attributions.at(q.start)
    unit = q.unit
    in_attribution = att.start <= q.start < att.end and att.kind in ("according_to", "citing")
    measure = "other" if in_attribution else _measure(q, sent, ctx)
    if measure == "killed" and _bare_toll(q, ctx, i):
        measure = "casualties"
    if measure in ("personnel", *_EVENT_MEASURES) and (unit in (None, "") or (
            unit in ("unit", "force") and _MILITARY.search(span_text(sent)))):
        unit = "person"  # "500 support units" sent to the front are people; "13 units" of stock are not
    source = att.source or ctx.publisher
    chain = list(att.chain) if att.source else ([ctx.publisher] if ctx.publisher else [])
    dated = _as_of(q, i, att, ctx)
    return Claim(
        value=q.value, low=q.low, high=q.high, qualifier=q.qualifier, unit=unit, trend=q.trend,
        span=q.text, sentence=span_text(sent).strip(), start=q.start, end=q.end, counted=q.counted,
        measure=measure, subject=_subject(q, sent, att, ctx), source=source, attribution=chain,
        hedge=hedge_near(sent, q.start, ctx.attributions.v), conditional=is_conditional(sent, ctx.attributions.v),
        as_of=dated.value, as_of_rule=dated.rule,
        location=_location(q, sent, ctx),
        flags=list(q.flags) + ([] if att.source else ["default-source"]) + dated.flags, version=VERSION)


# -- measure ------------------------------------------------------------------------------------
def _measure(q: Quantity, sent: Span, ctx: Context) -> str:
    """Unit (money, share) > "killed or wounded" (casualties) > event noun (fatalities, "100 killed") >
    materiel noun (shells) > nearest event or deployment verb (killed, injured / sent, fighting) >
    people noun (personnel) > other."""
    v = ctx.attributions.v  # the engine's claims vocabulary
    counted = q.counted
    if counted and counted not in q.text and _SUBSET.search(ctx.text[q.start:q.end + 12]):
        counted = None  # "3,600 injuries, 300 of whom returned": the subset's own verb says what it counts
    word = ((counted or "").lower().split() or [""])[-1]
    nouns = {word, _singular(word)}
    by_name = {m.name: m for m in v.measures}
    for m in v.measures:
        if q.unit and q.unit in m.units:
            return m.name
    for name in _EVENT_MEASURES:
        if nouns & by_name[name].nouns:
            return name
    if nouns & by_name["materiel"].nouns:
        return "materiel"
    people = bool(nouns & (by_name["personnel"].nouns | v.people)) or q.unit == "person"
    if q.unit and not people:
        return "other"
    forms = {word, word.removesuffix("ed"), word.removesuffix("d")} if word else set()
    for name in _EVENT_MEASURES:  # "about 100 killed and 1,000 wounded"
        if forms & set(by_name[name].cues) and not _CASUALTY_PHRASE.search(ctx.text[q.start:q.end + 25]):
            return name
    measures = [by_name[n] for n in _EVENT_MEASURES] + ([by_name["personnel"]] if people else [])
    cue = _nearest_cue(q, sent, ctx, measures)
    if cue and (people or not counted):
        return cue
    if people and counted:
        return "personnel"
    if not counted and _nearest_cue(q, sent, ctx, [by_name["personnel"]], window=12):
        return "personnel"
    return "other"


_TOLL = re.compile(r"(?<!death )(?<!dead )(?<!fatality )\btoll\b(?![- ]of the dead)", re.I)
_HURT = re.compile(r"\b(wounded|injured|injuries|casualties|killed or wounded|killed and wounded)\b", re.I)


def _bare_toll(q: Quantity, ctx: Context, i: int) -> bool:
    """"put the toll at 4,000" where the report counts the wounded too (this sentence or the two
    before): a toll of the dead and wounded, not the death toll ("death toll" is always killed)."""
    before = ctx.text[max(ctx.sents[i].start_char, q.start - 40):q.start]
    if not _TOLL.search(before):
        return False
    lo = ctx.sents[max(0, i - 2)].start_char
    return bool(_HURT.search(ctx.text[lo:ctx.sents[i].end_char]))


def _nearest_cue(q: Quantity, sent: Span, ctx: Context, measures: list, window: int = 10) -> str | None:
    """The measure of the cue word nearest the number (event measures win ties: they come first)."""
    after_only = bool(_SUBSET.search(ctx.text[q.start:q.end + 12]))
    here = token_at(ctx.sdoc, q.start)
    best: tuple[int, int, str] | None = None
    phrases = [(sent.start_char + m.start(), sent.start_char + m.end()) for m in _CASUALTY_PHRASE.finditer(span_text(sent))]
    if any(m.name == "casualties" for m in measures):
        for at, _end in phrases:
            if after_only and at < q.end:
                continue
            d = abs(token_at(ctx.sdoc, at) - here)
            if d <= window and (best is None or (d, -1) < best[:2]):
                best = (d, -1, "casualties")
    taken: set[int] = set()  # tokens of a multi-word cue ("lost their lives"): one cue, not its words
    for rank, m in enumerate(measures):
        for first, last in _cue_phrases(sent, m.cues):
            if (sent[first - sent.start].idx < q.end and after_only) or q.start <= sent[first - sent.start].idx < q.end:
                continue
            taken.update(range(first, last))
            d = min(abs(i - here) for i in range(first, last))
            if d <= window and (best is None or (d, rank) < best[:2]):
                best = (d, rank, m.name)
    for tok in sent:
        if (tok.idx < q.end and after_only) or q.start <= tok.idx < q.end:
            continue
        if tok.i in taken or any(a <= tok.idx < b for a, b in phrases):  # "killed and wounded" is one cue, not two
            continue
        d = abs(tok.i - here)
        if d > window:
            continue
        lemma, low = tok.lemma_.lower(), tok.lower_
        for rank, m in enumerate(measures):
            if (lemma in m.cues or low in m.cues) and (best is None or (d, rank) < best[:2]):
                best = (d, rank, m.name)
    return best[2] if best else None


def _cue_phrases(sent: Span, cues: Iterable[str]) -> list[tuple[int, int]]:
    """Token ranges (doc indices, end excluded) of ``sent`` where a multi-word cue of claims.toml is written,
    word by word as a lemma, the word itself or its singular ("lose their live": "have lost their lives")."""
    by_first: dict[str, list[list[str]]] = {}
    for cue in cues:
        words = cue.split()
        if len(words) > 1:
            by_first.setdefault(words[0], []).append(words)
    if not by_first:
        return []
    t = tokens(sent.doc)
    out: list[tuple[int, int]] = []
    for i in range(sent.start, sent.end - 1):
        for first in {t.lower[i], t.lemma[i], _singular(t.lower[i])} & by_first.keys():
            for words in by_first[first]:
                if i + len(words) <= sent.end and all(
                        w in (t.lower[i + k], t.lemma[i + k], _singular(t.lower[i + k]))
                        for k, w in enumerate(words[1:], 1)):
                    out.append((i, i + len(words)))
    return sorted(set(out))


@functools.lru_cache(maxsize=65536)
def _singular(word: str) -> str:
    w = word.lower().strip(".,;:'\"")
    for suffix, rep in (("ies", "y"), ("ses", "s"), ("s", "")):
        if w.endswith(suffix) and len(w) > 3 and not w.endswith("ss"):
            return w[: -len(suffix)] + rep
    return w


# -- subject ------------------------------------------------------------------------------------
def _subject(q: Quantity, sent: Span, att: Attribution, ctx: Context) -> str | None:
    in_sent = [m for m in ctx.mentions_in(sent) if m.label in _SUBJECT_LABELS and not att.names_source(m.start)]
    np_end = _phrase_end(q, ctx)
    own = [m for m in in_sent if q.start <= m.start and m.end <= np_end and m.label in ("NORP", "GPE")]
    if own:
        return ctx.name(own[0])
    unlabelled = _named_elsewhere(q.start, np_end, ctx)
    if unlabelled:
        return unlabelled
    clause = _clause_subject(q, ctx, in_sent)
    if clause:
        return clause
    # a nationality inside another figure's phrase is that figure's ("20 people, including six North Korean officers")
    phrases = ctx.figures.get(ctx.sentence_index(sent.start_char), [])
    in_sent = [m for m in in_sent if not any(a <= m.start < b and a != q.start for a, b in phrases)]
    pools = [[m for m in in_sent if _is_state(m, ctx)]]
    if q.unit and q.unit not in ("person", "percent", *_CURRENCY) and not q.unit.startswith("time"):
        pools.insert(0, [m for m in in_sent if m.label == "FAC"])  # a length or size belongs to a place
        pools.append([m for m in in_sent if m.label in ("GPE", "FAC")])
    for pool in pools:
        before = [m for m in pool if m.start < q.start]
        after = [m for m in pool if m.start >= q.start]
        if before or after:
            return ctx.name(before[-1] if before else after[0])
    if (q.counted or "").lower() in _GENERIC_PEOPLE:
        return None  # "20 people" killed in an attack: nobody's figure in particular
    return _dominant(ctx)


def _named_elsewhere(start: int, end: int, ctx: Context) -> str | None:
    """A nationality in the figure's own phrase that the model left unlabelled here but labelled elsewhere
    in the report ("about 21,000 Marovian troops", "Marovian" a NORP two sentences on)."""
    if ctx.demonyms is None:
        ctx.demonyms = {m.text: ctx.name(m) for m in ctx.mentions if m.label == "NORP"}
        ctx.places = sorted({ctx.name(m).lower() for m in ctx.mentions  # a country the model called an ORG too
                             if m.label == "GPE" or (m.label == "ORG" and " " not in ctx.name(m))})
    for word in re.findall(r"\b[A-Z][\w-]+", ctx.text[start:end]):
        if word in ctx.demonyms:
            return ctx.demonyms[word]
        if any(is_demonym_of(word, place) for place in ctx.places):
            return word  # as a NORP mention of it would be named
    return None


def _phrase_end(q: Quantity, ctx: Context) -> int:
    """End of the noun the quantity counts ("six North Korean officers" -> after "officers")."""
    span = ctx.sdoc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return q.end
    tok = span.root
    noun = tok if tok.pos_ in ("NOUN", "PROPN") and tok.i != span[0].i else tok.head
    if noun.pos_ not in ("NOUN", "PROPN") or noun.i < span.start:
        return q.end
    return max(q.end, noun.idx + len(noun.text))


def _clause_subject(q: Quantity, ctx: Context, candidates: list[Mention]) -> str | None:
    number = _number_token(q, ctx)
    if number is None:
        return None
    tok = number
    v = ctx.attributions.v
    speech = v.speech_verbs | v.counting_verbs
    for _ in range(12):
        says = tok.lemma_.lower() in speech and tok.i != number.i  # its subject is the source or counter, not the owner
        for child in tok.children:
            if child.i == number.i or (child.left_edge.i <= number.i <= child.right_edge.i):
                continue
            if child.dep_ in ("nsubj", "poss", "nsubjpass") and not says:
                name = _mention_over(child, candidates, ctx) or _named_elsewhere(
                    child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text), ctx)
                if name:
                    return name
        if tok.head.i == tok.i:
            break
        tok = tok.head
    return None


def _number_token(q: Quantity, ctx: Context) -> Token | None:
    span = ctx.sdoc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None:
        return None
    nums = [t for t in span if t.like_num or any(ch.isdigit() for ch in t.text)]
    return nums[0] if nums else span.root


def _mention_over(tok: Token, candidates: list[Mention], ctx: Context) -> str | None:
    start, end = tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)
    inside = [m for m in candidates if start <= m.start and m.end <= end]
    return ctx.name(sorted(inside, key=lambda m: not _is_state(m, ctx))[0]) if inside else None


def _is_state(m: Mention, ctx: Context) -> bool:
    """A country (or its demonym) rather than a region, city or facility."""
    return m.label == "NORP" or ctx.name(m) in default_rules().countries


def _dominant(ctx: Context) -> str | None:
    """The place the report names most (counted once per document)."""
    if ctx.dominant is None:
        counts = Counter(ctx.name(m) for m in ctx.mentions if m.label in ("GPE", "NORP"))
        ctx.dominant = (counts.most_common(1)[0][0] if counts else None,)
    return ctx.dominant[0]


# -- time and place -----------------------------------------------------------------------------
def _as_of(q: Quantity, i: int, att: Attribution, ctx: Context) -> Dated:
    """The cascade of extract/asof.py for one figure; the statement's date when its attribution has one."""
    assert ctx.dater is not None, "read_claims builds the dater"
    others = [p for p in ctx.figures.get(i, []) if p[0] != q.start]
    return ctx.dater.date(q.start, q.end, i, others, att.said_on)


def _location(q: Quantity, sent: Span, ctx: Context) -> str | None:
    """The place nearest the figure that follows in/near/at/to ("sent 3,500 soldiers to Russia")."""
    best: tuple[int, str] | None = None
    for m in ctx.mentions_in(sent):
        if m.label not in ("GPE", "LOC", "FAC"):
            continue
        if not _PLACE_PREP.search(ctx.text[max(0, m.start - 14):m.start]):
            continue
        d = m.start - q.end if m.start >= q.end else (q.start - m.end) * 2  # places after the figure first
        if d <= _PLACE_WINDOW and (best is None or d < best[0]):
            best = (d, ctx.name(m))
    return best[1] if best else None


# -- within the report --------------------------------------------------------------------------
_BROAD = ("casualties", "personnel", "other")  # what a headline's loose verb ("has lost 1,100 soldiers") reads as


def _headline_measures(claims: list[Claim], title_end: int) -> None:
    """A headline figure the body states again with a precise measure is that figure: "MP: army has
    lost 1,100 soldiers" over "1,100 soldiers had been killed" is killed, not a troop strength."""
    if title_end <= 0:
        return
    body = [c for c in claims if c.start > title_end and c.measure in _EVENT_MEASURES]
    for c in claims:
        if c.start < title_end and c.measure in _BROAD:
            same = [b for b in body if (b.value, b.low, b.high, b.unit) == (c.value, c.low, c.high, c.unit)]
            if len({b.measure for b in same}) == 1 and same[0].measure != c.measure:
                c.measure = same[0].measure


_OWN_DATE = ("clause-time", "recall-offset", "recall-anchor", "recall-undated", "said-on")  # not overridden by a repeat


def _share_attribution(claims: list[Claim], title_end: int = -1) -> None:
    """One figure said twice in a report (the anchor's lede, then the reporter's body) is one claim:
    the plain mention takes the attribution and place of the attributed one and the date of a mention
    its own clause or statement dates (not a publication or carried date), and every mention after the
    first is flagged ``repeat-in-report`` so that series count it once."""
    def key(c: Claim) -> tuple:
        return (c.value, c.low, c.high, c.unit, c.measure)

    groups: dict[tuple, list[Claim]] = {}
    for c in claims:
        groups.setdefault(key(c), []).append(c)
    for same in groups.values():
        if len(same) < 2:
            continue
        body = [c for c in same if c.start > title_end and "default-source" not in c.flags]
        donor = body[0] if body else next((c for c in same if "default-source" not in c.flags), same[0])
        dated = next((c for c in same if c.as_of and c.as_of_rule in _OWN_DATE), None)
        place = next((c.location for c in same if c.location), None)
        for c in same:
            date_from = dated if dated is not None and dated is not c else None
            headline = c.start < title_end and bool(body)  # a headline's "MP:" is the body's fuller attribution
            if ("default-source" in c.flags or headline) and donor is not c:
                c.source, c.attribution = donor.source, list(donor.attribution)
                if "default-source" in c.flags:
                    c.flags.remove("default-source")
                c.flags.append("attribution-from-later-mention")
                date_from = date_from or (donor if donor.as_of else None)
            if date_from is not None and c.as_of_rule not in _OWN_DATE:
                c.as_of, c.as_of_rule = date_from.as_of, date_from.as_of_rule  # the headline's figure, dated by the body
            c.location = c.location or place
        for c in same[1:]:
            c.flags.append("repeat-in-report")
