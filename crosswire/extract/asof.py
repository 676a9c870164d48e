"""As of when: the date each figure speaks for, and the rule that dated it.

    Dater(sdoc, sents, times, speakers, published).date(start, end, i, others, said_on)
    -> Dated(value="2025-01", rule="clause-time", flags=[])

Read in this order for every figure (first that holds wins):
1. the figure's own clause. Walk from the figure's number up its dependency chain to the root of
   its sentence (at the noun it counts, its relative clause too: "5,000 troops that arrived in
   February"); at each word look at what hangs off it (the nearest word wins; at one word a time
   expression beats a recall cue, an offset beats an anchor, an anchor beats a bare cue):
   a. ``clause-time``: a dated time expression ("rose to 100 in December and 300 by mid-January",
      "said on Wednesday that ...", "last month's figure of", "its January estimate of");
      a date the statement's own date falls in yields the statement's date ("this year" said on
      Dec. 12 -> Dec. 12);
   b. ``recall-offset``: a duration that counts back ("a month earlier", "the previous week"):
      the last date mentioned before it (a few sentences back; else the statement's date; else
      the publication date) moved back by that duration, at the duration's granularity;
   c. ``recall-anchor``: "at the time", "by then": the last date mentioned before it;
   d. ``recall-undated``: a recall cue the report gives no period for ("had previously put the
      toll at 600", "its earlier estimate of", "up from 800"): as_of stays null
      and the claim is flagged ``recalled`` -- older than the report by an amount the report does
      not say. Never the publication date. (An offset or anchor with no date to count from ends
      here too.)
2. ``said-on``: the figure is inside a soundbite or quote with a date (or its statement carries
   one): that date.
3. ``sentence-time``: the dated time expression nearest the figure in its sentence, unless it is in
   another figure's parse scope (walking up from the word it hangs off reaches that figure's phrase
   before this one's: "17,000, including 5,000 that arrived in February" -- February is the 5,000's).
4. ``carried``: a day-precise date in one of the two sentences before.
5. ``published``: the publication date.
6. ``undated``: nothing dates the figure; as_of is null.

An undated report may be given a reference date (the lower bound inferred from the years it names, or
the dates of the reports it was read with): a year-less date it names ("in October" -> XXXX-10) is then
placed in the latest such month not after the reference, and the claim is flagged ``year-assumed``.

A past perfect is a recall cue only where it is not the backshift of reported speech ("said North
Korea had sent 500", "insisting on Monday that fewer than 500 had been killed" report a present
perfect): under a past speech verb or its participle clause, or inside a statement with a speech date
(which then dates the figure by ``said-on``). Recall words live in ``crosswire/data/asof.toml``.
Everything a figure needs is indexed once per document (dated times by offset, the marks of each
sentence on first use), so the work per figure is its sentence plus its dependency chain.
"""
from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import TimeRef
from .timex_calendar import add_months, parse_ref, ymd
from .parsed import text_of
from .vocab import Vocab, vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from .attribution import Speaker

VERSION = "asof-1"
_DATA = Path(__file__).resolve().parent.parent / "data" / "asof.toml"
# calendar values: 2024, 2024-10, 2024-10-03, 2024-01/2024-02, 2024-W19, 2024-Q3, 2024-SU
_YMD = r"\d{4}(?:-\d{2}(?:-\d{2})?)?"
_DATED = re.compile(rf"{_YMD}(?:/{_YMD})?$|\d{{4}}-(?:W\d{{2}}|Q[1-4]|SP|SU|FA|WI)$")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
_DURATION = re.compile(r"P(\d+(?:\.\d+)?)([YMWD])$")
_CARRY_SENTENCES = 2
_MAX_STEPS = 40
_RANK = {"time": 0, "offset": 1, "anchor": 2, "cue": 3}


@dataclass(slots=True)
class Dated:
    value: str | None
    rule: str
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cues:
    adverbs: frozenset[str]
    speech_adverbs: frozenset[str]
    adjectives: frozenset[str]
    figure_nouns: frozenset[str]
    change_heads: frozenset[str]
    past_perfect: bool
    anchor_phrases: re.Pattern[str]
    offset_after: re.Pattern[str]
    offset_lead: tuple[str, ...]
    lookback: int
    period_start: frozenset[str]
    explicit_lead: re.Pattern[str] | None = None  # "as of" right before a time: the figure's own date


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The bundled file's cues, for callers without an engine's resources."""
    return load_cues(_DATA)


def load_cues(path: Path) -> Cues:
    """The recall, anchor and period cues of an ``asof.toml`` file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rec, anc, per = data["recall"], data["anchor"], data["period"]
    phrases = "|".join(re.escape(p) for p in sorted(anc["phrases"], key=len, reverse=True))
    after = "|".join(re.escape(w) for w in anc["offset_after"])
    return Cues(frozenset(rec["adverbs"]), frozenset(rec["speech_adverbs"]), frozenset(rec["adjectives"]),
                frozenset(rec["figure_nouns"]),
                frozenset(rec["change_heads"]), bool(rec.get("past_perfect", True)),
                re.compile(rf"(?i)(?<!\w)(?:{phrases})(?!\w)"), re.compile(rf"(?i)\s*(?:{after})(?!\w)"),
                tuple(w.lower() for w in anc["offset_lead"]), int(anc.get("lookback_sentences", 3)),
                frozenset(w.lower() for w in per["start_words"]), _explicit_lead(data.get("explicit", {}).get("leads", [])))


def _explicit_lead(leads: list[str]) -> re.Pattern[str] | None:
    if not leads:
        return None
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(leads, key=len, reverse=True))
    return re.compile(rf"(?i)(?<!\w)(?:{words})\s+$")


@dataclass(frozen=True, slots=True)
class _Mark:
    """Something in a sentence that can date a figure, and the word it hangs off."""

    attach: int  # token index
    kind: str  # time | offset | anchor
    start: int
    end: int
    value: str  # the date (time), the duration (offset) or "" (anchor)
    assumed: bool = False  # the year came from the reference date, not the text


class Dater:
    """Dates the figures of one document; build once, call ``date`` per figure."""

    def __init__(self, sdoc: Doc, sents: list[Span], times: list[TimeRef], speakers: list[Speaker],
                 published: str | None, reference: str | None = None, asof_cues: Cues | None = None,
                 v: Vocab | None = None) -> None:
        self.sdoc = sdoc
        self.text = text_of(sdoc)
        self.sents = sents
        self.starts = [s.start_char for s in sents]
        self.times = sorted(times, key=lambda t: t.start)
        values = [(t.start, _date_value(t)) for t in self.times]
        self.dated: list[tuple[int, str]] = [(start, v) for start, v in values if v]
        self.dated_starts = [s for s, _v in self.dated]
        self.time_starts = [t.start for t in self.times]
        self.speakers = sorted((sp for sp in speakers if sp.said_on), key=lambda sp: sp.start)
        self.speaker_starts = [sp.start for sp in self.speakers]
        self.published = published[:10] if published else None
        self.reference = parse_ref(reference) if reference and not published else None
        self.cues = asof_cues or cues()
        self.speech = (v or vocab()).speech_verbs  # the engine's claims vocabulary (bundled when None)
        self._marks: dict[int, list[_Mark]] = {}

    # -- public ---------------------------------------------------------------------------
    def date(self, start: int, end: int, i: int, others: list[tuple[int, int]] = (),  # type: ignore[assignment]
             said_on: str | None = None) -> Dated:
        """The date of the figure at ``start:end`` in sentence ``i``; ``others`` are the spans of the
        sentence's other figures; ``said_on`` the date of the statement that carries it, if known."""
        said = self.said_on(start) or said_on
        walked = self._walk(start, end, i, others, said)
        if walked is None or walked.rule == "recall-undated":
            explicit = self._explicit(start, i)
            if explicit is not None:
                return Dated(explicit.value, "as-of", ["year-assumed"] if explicit.assumed else [])
        if walked is not None:
            return walked
        if said:
            return Dated(said, "said-on")
        here = self._sentence_time(start, end, i, others)
        if here:
            return Dated(here.value, "sentence-time", ["year-assumed"] if here.assumed else [])
        carried = self._carried(i)
        if carried:
            return Dated(carried, "carried")
        if self.published:
            return Dated(self.published, "published")
        return Dated(None, "undated")

    def said_on(self, char: int) -> str | None:
        """The date of the soundbite or quote around ``char``."""
        k = bisect.bisect_right(self.speaker_starts, char)
        for sp in reversed(self.speakers[max(0, k - 4):k]):  # spans do not nest deeply
            if sp.start <= char < sp.end:
                return sp.said_on
        return None

    # -- 1. the clause ----------------------------------------------------------------------
    def _walk(self, start: int, end: int, i: int, others: list[tuple[int, int]], said: str | None) -> Dated | None:
        tok = _number_token(self.sdoc, start, end)
        if tok is None:
            return None
        by_attach: dict[int, list[_Mark]] = {}
        for m in self._sentence_marks(i):
            if not (m.start < end and start < m.end):
                by_attach.setdefault(m.attach, []).append(m)
        came: Token | None = None
        start_tok = tok.i
        for _ in range(_MAX_STEPS):
            foreign = came is not None and any(a <= tok.idx < b for a, b in others) and not (start <= tok.idx < end)
            marks = [] if foreign else by_attach.get(tok.i, [])
            if not foreign and came is not None and came.i == start_tok:  # the figure's noun: its own clause
                marks = marks + [m for c in tok.children if c.dep_ in ("relcl", "acl") for m in by_attach.get(c.i, [])]
            cue = None if foreign else self._cue(tok, came, said is not None)
            found = self._resolve(marks, cue, start, i, said)
            if found is not None:
                return found
            if tok.head.i == tok.i:
                break
            came, tok = tok, tok.head
        return None

    def _resolve(self, marks: list[_Mark], cue: str | None, start: int, i: int, said: str | None) -> Dated | None:
        if not marks and not cue:
            return None
        marks = sorted(marks, key=lambda m: (_RANK[m.kind], abs(m.start - start)))
        best = marks[0] if marks else None
        if best is not None and best.kind == "time":
            own = said if said and said.startswith(best.value) else best.value
            return Dated(own, "clause-time", ["year-assumed"] if best.assumed else [])
        if best is not None and best.kind in ("offset", "anchor"):
            anchor = self._anchor_before(best.start, i) or said or self.published
            value = _shift(anchor, best.value) if best.kind == "offset" else anchor
            if value:
                return Dated(value, f"recall-{best.kind}", ["recalled"])
        return Dated(None, "recall-undated", ["recalled"])

    def _cue(self, tok: Token, came: Token | None, reported: bool = False) -> str | None:
        """A recall cue hanging off ``tok`` (reached from its child ``came``), or None. ``reported``: the
        figure is inside a statement with a speech date, whose past perfect is backshifted speech."""
        for child in tok.children:
            if came is None or child.i != came.i:
                cue = self._child_cue(tok, child, came, reported)
                if cue:
                    return cue
        if came is not None and came.dep_ == "pobj":  # the figure is the object of a preposition
            head = tok.head
            past = head.pos_ not in ("VERB", "AUX") or head.tag_ in ("VBD", "VBN")
            if tok.lower_ == "from" and past and {head.lemma_.lower(), head.lower_} & self.cues.change_heads:
                return "from"  # "up from 800", "rose from 300 to 500"
        return None

    def _child_cue(self, tok: Token, child: Token, came: Token | None, reported: bool = False) -> str | None:
        c, low = self.cues, child.lower_
        value_of = tok.lemma_.lower() in c.figure_nouns or (came is not None and came.lower_ == "of")
        if child.dep_ == "advmod" and low in (c.speech_adverbs if self._says(tok) else c.adverbs):
            return low  # "had previously put"
        if child.dep_ == "amod" and value_of and {low, child.lemma_} & c.adjectives:
            return low  # "its earlier estimate of"
        if (c.past_perfect and child.dep_ == "aux" and low == "had" and tok.tag_ == "VBN" and not reported
                and not self._backshifted(tok)):
            return "had"
        return None

    def _says(self, tok: Token) -> bool:
        return tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in self.speech

    def _backshifted(self, verb: Token) -> bool:
        """"said (that) North Korea had sent", "rejected it, insisting that 500 had died": a reported
        present perfect, not a recall."""
        tok = verb
        for _ in range(3):
            if tok.dep_ not in ("ccomp", "xcomp", "advcl", "conj") or tok.head.i == tok.i:
                return False
            tok = tok.head
            if tok.lemma_.lower() in self.speech and (tok.tag_ in ("VBD", "VBN") or _past_participle_clause(tok)):
                return True
        return False

    def _explicit(self, start: int, i: int) -> _Mark | None:
        """The dated time of the sentence nearest the figure that is written "as of <date>" (asof.toml
        ``explicit``): the date the figure states itself valid for."""
        lead = self.cues.explicit_lead
        if lead is None:
            return None
        found = [m for m in self._sentence_marks(i)
                 if m.kind == "time" and lead.search(self.text[max(0, m.start - 16):m.start])]
        return min(found, key=lambda m: abs(m.start - start)) if found else None

    def _sentence_marks(self, i: int) -> list[_Mark]:
        if i not in self._marks:
            self._marks[i] = self._find_marks(self.sents[i])
        return self._marks[i]

    def _find_marks(self, sent: Span) -> list[_Mark]:
        out: list[_Mark] = []
        lo = bisect.bisect_left(self.time_starts, sent.start_char)
        hi = bisect.bisect_left(self.time_starts, sent.end_char)
        for t in self.times[lo:hi]:
            value, assumed = _date_value(t), False
            if not value and self.reference is not None:
                value = _with_year(t, self.reference)
                assumed = value is not None
            if value and self._opens_period(t):
                continue  # "since January": where a running count starts, not when it was taken
            if value:
                kind = "time"
            elif t.type == "DURATION" and _DURATION.match(t.value) and self._counts_back(t):
                kind, value = "offset", t.value
            else:
                continue
            attach = self._attachment(t.start, t.end, )
            if attach is not None and not self._opening_clause(attach):
                out.append(_Mark(attach, kind, t.start, t.end, value, assumed))
        for m in self.cues.anchor_phrases.finditer(sent.text):
            a, b = sent.start_char + m.start(), sent.start_char + m.end()
            attach = self._attachment(a, b)
            if attach is not None:
                out.append(_Mark(attach, "anchor", a, b, ""))
        return out

    def _opens_period(self, t: TimeRef) -> bool:
        word = re.search(r"(\w+)\W*$", self.text[max(0, t.start - 16):t.start])
        first = t.text.split()[0].lower() if t.text.split() else ""
        return (word is not None and word.group(1).lower() in self.cues.period_start) or first in self.cues.period_start

    def _opening_clause(self, attach: int) -> bool:
        """The time is in a clause a period-start word opens ("since the incursion began three months
        ago"): it dates when a running count started, not the figure (like "since January")."""
        return any(c.dep_ == "mark" and c.lower_ in self.cues.period_start for c in self.sdoc[attach].children)

    def _counts_back(self, t: TimeRef) -> bool:
        return (bool(self.cues.offset_after.match(self.text, t.end))
                or t.text.lower().startswith(self.cues.offset_lead))

    def _attachment(self, a: int, b: int) -> int | None:
        """The word a phrase hangs off: "in December" -> the verb or noun "in" attaches to."""
        span = self.sdoc.char_span(a, b, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        root = span.root
        head = root.head
        if root.dep_ == "pobj" and head.i != root.i:
            head = head.head  # the preposition's own head
        if head.dep_ == "advmod" and head.pos_ == "ADV" and head.head.i != head.i:
            head = head.head  # "a month earlier", "earlier on Monday": the adverb modifies the verb
        return head.i

    # -- 3-4. the sentence and the ones before --------------------------------------------------
    def _sentence_time(self, start: int, end: int, i: int, others: list[tuple[int, int]]) -> _Mark | None:
        sent = self.sents[i]
        best: tuple[int, _Mark] | None = None
        for m in self._sentence_marks(i):
            if m.kind != "time":
                continue
            if self._dates_other(m.attach, start, end, others):
                continue  # it dates another figure ("... 300 by mid-January", "... 5,000 that arrived in May")
            d = abs(m.start - start)
            if sent.start_char <= m.start < sent.end_char and (best is None or d < best[0]):
                best = (d, m)
        return best[1] if best else None

    def _dates_other(self, attach: int, start: int, end: int, others: list[tuple[int, int]]) -> bool:
        """Does the time hanging off token ``attach`` fall in the parse scope of another figure? Walk up
        from it: the first figure phrase reached owns it ("17,000 troops, including 5,000 that arrived
        in February": "arrived" hangs off the 5,000's noun, not the 17,000's)."""
        own = _own_tokens(self.sdoc, start, end)
        tok = self.sdoc[attach]
        for _ in range(_MAX_STEPS):
            if tok.i in own:
                return False
            at = tok.idx
            if any(a <= at < b and not (a <= start < b) for a, b in others):
                return True
            if tok.head.i == tok.i:
                return False
            tok = tok.head
        return False

    def _carried(self, i: int) -> str | None:
        for j in range(i - 1, max(-1, i - 1 - _CARRY_SENTENCES), -1):
            found = self._dated_in(self.sents[j].start_char, self.sents[j].end_char)
            days = [v for v in found if _DAY.match(v)]
            if days:
                return days[-1]
        return None

    def _anchor_before(self, char: int, i: int) -> str | None:
        """The last date mentioned before ``char``, at most ``lookback`` sentences back."""
        floor = self.sents[max(0, i - self.cues.lookback)].start_char
        found = self._dated_in(floor, char)
        return found[-1] if found else None

    def _dated_in(self, a: int, b: int) -> list[str]:
        lo, hi = bisect.bisect_left(self.dated_starts, a), bisect.bisect_left(self.dated_starts, b)
        return [v for _s, v in self.dated[lo:hi]]


def _date_value(t: TimeRef) -> str | None:
    """The calendar value of a DATE or TIME expression ("2024-10", "2024-10-03"); None when it names
    no year ("XXXX-10"), no calendar period (PAST_REF) or is a duration."""
    if t.type == "TIME":
        day = t.value.split("T")[0]
        return day if _DAY.match(day) else None
    if t.type != "DATE":
        return None
    return t.value if _DATED.match(t.value) else None


def _with_year(t: TimeRef, ref: Any) -> str | None:
    """A year-less DATE ("XXXX-10", "XXXX-01/XXXX-02") placed in the latest year that is not after the
    reference date (news reports the past): "October" read against 2025-04-28 -> 2024-10."""
    if t.type != "DATE" or ref.year is None:
        return None
    parts = t.value.split("/")
    out = []
    for part in parts:
        m = re.match(r"XXXX-(\d{2})(?:-(\d{2}))?$", part)
        if not m:
            return None
        month, day = int(m.group(1)), int(m.group(2) or 1)
        year = ref.year if (month, day) <= (ref.month or 12, ref.day or 31) else ref.year - 1
        out.append(f"{year}{part[4:]}")
    if len(out) == 2 and out[1] < out[0]:  # "between November and February"
        out[0] = f"{int(out[0][:4]) - 1}{out[0][4:]}"
    return "/".join(out)


def _own_tokens(sdoc: Doc, start: int, end: int) -> set[int]:
    """The figure's words and the noun its number counts ("about 5,000 troops": troops)."""
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return set()
    own = {t.i for t in span}
    num = _number_token(sdoc, start, end)
    if num is not None and num.dep_ in ("nummod", "quantmod", "compound", "amod"):
        own.add(num.head.i)
    return own


def _past_participle_clause(tok: Token) -> bool:
    """A participle clause of a past verb ("rejected the figure, insisting that ..."): past too."""
    return tok.tag_ == "VBG" and tok.dep_ in ("advcl", "conj", "xcomp") and tok.head.tag_ in ("VBD", "VBN")


def _number_token(sdoc: Doc, start: int, end: int) -> Any:
    span = sdoc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    nums = [t for t in span if t.like_num or any(ch.isdigit() for ch in t.text)]
    return nums[0] if nums else span.root


def _shift(anchor: str | None, duration: str) -> str | None:
    """``anchor`` moved back by ``duration`` at the duration's granularity ("2025-03-10", "P1M" -> "2025-02")."""
    m = _DURATION.match(duration)
    a = parse_ref(anchor)
    if not m or a.year is None:
        return None
    n, unit = round(float(m.group(1))), m.group(2)
    if unit == "Y":
        return str(a.year - n)
    if a.month is None:
        return None
    if unit == "M":
        return "%d-%02d" % add_months(a.year, a.month, -n)
    back = date(a.year, a.month, a.day or 15) - timedelta(days=n * (7 if unit == "W" else 1))
    return ymd(back) if a.day else f"{back.year}-{back.month:02d}"
