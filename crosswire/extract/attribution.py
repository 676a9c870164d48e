"""Who asserts what: every attribution relation resolved to a speaker, and the source of each figure.

``extract/statements.py`` finds the relations (cue, source mention, content) from the parse; this
module resolves them, in document order, and answers for any character who asserts it.
Resolution of a relation's source mention (first that holds wins):
1. a pronoun: he/she -> the previous statement's speaker if a person, unless a person is named since
   (outside what that speaker said); it/they -> the previous speaker if not a person; else the last
   name of that kind before it;
2. a description -> the organisation named earlier whose name or gazetteer title ends in it
   ("the ministry" -> "Ministry of Defense"; "the spy agency" -> "National Intelligence Service");
3. a container noun ("a report by X") -> the name it holds;
4. a role noun -> the person holding that title in the report ("a lawmaker" -> "Rep. Yu");
5. a named mention over the subject's head -> its canonical name;
6. a noun the report used as a person's title or apposition ("the nominee" after "nominee Hillary
   Clinton" or "Hillary Clinton, the nominee") -> that person;
7. "the directorate" after a speaker no entity carries ("Esland's Defence Intelligence Directorate told …")
   -> that speaker, the last whose name ends in the word;
8. a generic source ("experts", "officials"), a role or a speaker noun with nobody named ("a senior
   defense official") -> kept as written; anything else ("the footage shows") -> no speaker, the
   mention kept as speaker_text.
Chains: "S, citing Y, said" -> [S, Y]; "S told lawmakers …, according to Y" -> [Y, S]; a statement made
inside another's content ("S said Y had warned that …", "S said that, according to Y, …") -> [S, Y].
The source of a figure (``Attributor.at``): a soundbite or direct quote holding it -> its speaker;
else the innermost statement whose content holds it and whose speaker resolved; else nobody (the
caller puts the publisher).
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Mention, Quote, TimeRef
from ..names import country_of
from .statements import CITING, Relation
from .parsed import span_text, text_of, tokens
from .vocab import Vocab, vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

VERSION = "attribution-2"
_PREFER = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "FAC": 4, "LOC": 5}
_CONTAINER_NOUNS = {"statement", "report", "estimate", "assessment", "data", "figure", "analysis", "briefing",
                    "remark", "comment", "testimony", "claim", "account", "intelligence"}


@dataclass(slots=True)
class Attribution:
    source: str | None  # canonical name, a generic source ("experts"), or None for the publisher
    chain: list[str] = field(default_factory=list)
    kind: str = "publisher"  # soundbite | quote | according_to | speech | pronoun | publisher
    start: int = -1  # char span of the attribution phrase (its mentions are not the claim's subject)
    end: int = -1
    others: list[tuple[int, int]] = field(default_factory=list)  # the sentence's other attribution phrases
    said_on: str | None = None  # the statement's date ("said on Tuesday"): dates its figures (extract/asof.py)

    def names_source(self, char: int) -> bool:
        """Is ``char`` inside an attribution phrase of the sentence (a source's name, not a figure's owner)?"""
        return self.start <= char < self.end or any(a <= char < b for a, b in self.others)


@dataclass(slots=True)
class Speaker:
    """A quoted span (soundbite or direct quote) and who said it."""

    start: int
    end: int
    speaker: str
    said_on: str | None = None
    body_start: int = -1  # where the quoted words begin (before: the header naming the speaker)


_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i", "we", "me", "us"})
_ALL_PRONOUNS = _PERSON_PRONOUNS | {"it", "they", "them"}
_CARRY = 2  # sentences a pronoun may reach back for the previous speaker
_DATED = re.compile(r"\d{4}")


@dataclass(slots=True)
class Statement:
    """A relation with its source resolved."""

    relation: Relation
    speaker: str | None  # canonical name, a role or description as written, or None
    speaker_text: str | None  # the source mention as written
    chain: list[str]
    resolved: bool  # the speaker is a name, a titled role, a generic source or a pronoun's referent
    kind: str
    said_on: str | None = None
    sentence: int = 0
    person: bool = False  # the speaker is a person (he/she may refer back to it; it/they may not)

    @property
    def phrase(self) -> tuple[int, int]:
        """The attribution phrase (source and cue): its mentions are not what the content is about."""
        r = self.relation
        points = [p for p in (r.cue_start, r.cue_end, r.source_start, r.source_end) if p >= 0]
        return min(points), max(points)

    def attribution(self) -> Attribution:
        start, end = self.phrase
        kind = "according_to" if self.kind == "according_to" else "speech"
        return Attribution(self.speaker, list(self.chain), kind, start, end, said_on=self.said_on)

    def quote(self, text: str) -> Quote:
        r = self.relation
        words = " … ".join(text[a:b] for a, b in r.parts) if r.parts else text[r.start:r.end]
        return Quote(speaker=self.speaker, text=words, start=r.start, end=r.end, parts=list(r.parts or []),
                     said_on=self.said_on, kind=self.kind, speaker_surface=self.speaker_text, version=VERSION,
                     cue=r.cue, chain=list(self.chain))


_NEST_REACH = 40  # statements before one that may hold it (relations do not nest deeper than a few)


def _nest_chains(statements: list[Statement]) -> None:
    """A statement made inside another's content ("X reported that Y puts the toll at N") is passed on by
    the outer speaker: its chain starts with the outer statement's chain ([X, Y]). Outer statements are
    read first, so a chain nests as deep as the statements do."""
    spans = sorted(statements, key=lambda st: (st.relation.start, -st.relation.end))
    starts = [st.relation.start for st in spans]
    for st in sorted(statements, key=lambda st: st.relation.start - st.relation.end):  # the longest first
        r = st.relation
        if not st.resolved or not st.speaker or st.kind == "transcript":
            continue
        k = bisect.bisect_right(starts, r.cue_start)
        holders = [o for o in spans[max(0, k - _NEST_REACH):k] if o is not st and o.resolved and o.speaker
                   and o.speaker != st.speaker and o.kind != "transcript"
                   and o.relation.start <= min(r.cue_start, r.start) and max(r.cue_end, r.end) <= o.relation.end]
        if holders:
            outer = min(holders, key=lambda o: o.relation.end - o.relation.start)
            st.chain = [*outer.chain, *(c for c in st.chain if c not in outer.chain)]


class Attributor:
    """Resolves a document's relations (see the module docstring) and answers ``at(char)``."""

    def __init__(self, sdoc: Doc, mentions: list[Mention], canon: dict[str, str], speakers: list[Speaker],
                 relations: list[Relation] | None = None, times: list[TimeRef] | None = None,
                 titles: dict[str, str] | None = None, v: Vocab | None = None) -> None:
        self.sdoc = sdoc
        self.text = text_of(sdoc)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self._mstarts = [m.start for m in self.mentions]
        self.canon = canon
        self.speakers = speakers
        self.titles = titles or {}
        self.v = v or vocab()  # the engine's claims vocabulary (the bundled one when None)
        self.sent_starts = [s.start_char for s in sdoc.sents]
        self.roles = self._role_holders()
        self.people = {self._name(m) for m in self.mentions if m.label == "PERSON"} | set(self.roles.values())
        self.described = self._described_people()
        self.times = sorted((t for t in times or [] if t.type == "DATE" and _DATED.match(t.value)),
                            key=lambda t: t.start)
        self._earlier: list[Statement] = []
        self.statements = self._resolve(relations or [])
        self._by_sentence: dict[int, list[Statement]] = {}
        for st in self.statements:  # a statement answers for every sentence its content reaches
            last = self._sentence(max(st.relation.start, st.relation.end - 1))
            for i in range(min(st.sentence, self._sentence(st.relation.start)), last + 1):
                self._by_sentence.setdefault(i, []).append(st)
        self.use_speakers(speakers)

    def use_speakers(self, speakers: list[Speaker]) -> None:
        """The quoted spans whose words belong to their speaker (after ``quotes`` merged them)."""
        self.speakers = speakers
        self._speakers_sorted = sorted(speakers, key=lambda sp: sp.start)
        self._speaker_starts = [sp.start for sp in self._speakers_sorted]

    # -- public ---------------------------------------------------------------------------
    def quotes(self, existing: list[Quote], withheld: list[Relation]) -> tuple[list[Quote], list[Quote]]:
        """Every statement as a quote record, merged with the soundbites and direct quotes found before:
        a soundbite stays as it is; a direct quote that a statement also holds gives way to the statement
        (which has its cue, its whole content and its resolved source) unless that has no speaker.
        ``withheld``: relations the statement filter judged no statement of their own (extract/statement_filter.py)
        — resolved like the others (``at`` answers for the figures inside them), but no quote record: they are
        answered apart (the second list, in text order), to be stored as ``withheld_statement`` records."""
        hidden = {id(r) for r in withheld}
        mine: list[Quote] = []
        held: list[Quote] = []
        for st in self.statements:
            (held if id(st.relation) in hidden else mine).append(st.quote(self.text))
        mine.sort(key=lambda m: m.start)
        held.sort(key=lambda m: m.start)
        starts = [m.start for m in mine]
        longest = max((m.end - m.start for m in mine), default=0)
        dropped: set[int] = set()
        out = [q for q in existing if q.kind == "soundbite"]
        for q in existing:
            if q.kind == "soundbite":
                continue
            rival = next((i for i in _near(starts, q.start, q.end, longest) if i not in dropped
                          and _overlap(q.start, q.end, mine[i].start, mine[i].end) >= 0.5), None)
            if rival is None or not mine[rival].speaker:
                out.append(q)
                if rival is not None:
                    dropped.add(rival)
        bites = sorted((q.start, q.end) for q in out if q.kind == "soundbite")
        bite_starts = [a for a, _ in bites]
        widest = max((b - a for a, b in bites), default=0)
        for i, m in enumerate(mine):
            if i in dropped or any(_overlap(m.start, m.end, *bites[k]) >= 0.5 for k in _near(bite_starts, m.start, m.end, widest)):
                continue
            out.append(m)
        return sorted(out, key=lambda q: q.start), held

    def at(self, char: int) -> Attribution:
        """Who asserts what is written at ``char`` (None as source: the publisher)."""
        k = bisect.bisect_right(self._speaker_starts, char) - 1
        for sp in self._speakers_sorted[max(0, k - 3):k + 1]:  # quoted spans do not nest deeply
            if sp.start <= char < sp.end:
                return Attribution(sp.speaker, [sp.speaker], "soundbite", sp.start, max(sp.start, sp.body_start))
        sent = self._sentence(char)
        here = self._by_sentence.get(sent, [])
        holding = [s for s in here if s.relation.start <= char < s.relation.end and s.resolved]
        inner = min(holding, key=lambda s: s.relation.end - s.relation.start) if holding else None
        for st in here:  # a figure inside "according to X" is X's name, not a figure X gives
            a, b = st.phrase
            if st.kind == "according_to" and a <= char < b and st.resolved:
                return st.attribution()
        phrases = [st.phrase for st in here if st.resolved and not st.phrase[0] <= char < st.phrase[1]
                   and st.sentence == sent]
        if inner is None:  # the publisher's; the sentence's attribution phrases are still not its subject
            return Attribution(None, [], "publisher", others=phrases)
        for outer in holding:  # "S told lawmakers …, according to Y": Y told the outlet what S said
            if outer is not inner and outer.kind == "according_to" and \
                    outer.relation.start <= inner.relation.cue_start < outer.relation.end and outer.speaker != inner.speaker:
                start = min(outer.phrase[0], inner.phrase[0])
                return Attribution(outer.speaker, [*outer.chain, *inner.chain], "according_to", start,
                                   max(outer.phrase[1], inner.phrase[1]), phrases, inner.said_on)
        att = inner.attribution()
        att.others = phrases
        return att

    # -- resolution -----------------------------------------------------------------------
    def _resolve(self, relations: list[Relation]) -> list[Statement]:
        relations = sorted(relations, key=lambda r: (r.cue_start, r.start))
        cited: dict[int, list[str]] = {}  # host verb token -> names it cites
        hosts = {r.head for r in relations if r.kind != "according_to"}
        out: list[Statement] = []
        self._earlier = out  # the statements resolved so far: a description may point back to their speakers
        previous: Statement | None = None
        for r in relations:
            tok = self.sdoc[r.head] if r.head >= 0 else None
            host = self._citing_host(tok, relations, hosts) if tok is not None and tok.lower_ in CITING else None
            if host is not None:  # "S, citing Y, said": Y joins S's chain, it is not a statement of its own
                name = self._resolve_source(r, None)[0]
                if name:
                    cited.setdefault(host, []).append(name)
                continue
            st = self._statement(r, previous)
            out.append(st)
            if st.resolved and (st.speaker_text or "").lower() not in _ALL_PRONOUNS:
                previous = st  # a pronoun's statement keeps pointing at the statement that named its source
        for st in out:
            st.chain += [c for c in cited.get(st.relation.head, []) if c not in st.chain]
        _nest_chains(out)
        return out

    def _citing_host(self, tok: Token, relations: list[Relation], hosts: set[int]) -> int | None:
        """The cue a "citing Y" phrase belongs to: the verb it hangs on, or the cue above it in the parse
        whose content does not hold it ("Lee, a member of the committee, citing the agency, said …")."""
        if tok.head.i in hosts:
            return tok.head.i
        holder = next((r for r in relations if r.kind != "according_to" and r.head >= 0
                       and self.sdoc[r.head].is_ancestor(tok) and not r.start <= tok.idx < r.end), None)
        return holder.head if holder is not None else None

    def _statement(self, r: Relation, previous: Statement | None) -> Statement:
        sent = self._sentence(r.cue_start)
        prev = previous if previous is not None and sent - previous.sentence <= _CARRY else None
        speaker, resolved = self._resolve_source(r, prev)
        written = self.text[r.source_start:max(r.source_end, r.mention_end)] if r.source_start >= 0 else None
        chain = [speaker] if speaker else []
        kinds = {_quote_kind(self.text[a:b]) for a, b in (r.parts or [(r.start, r.end)])}
        kind = r.kind if r.kind in ("according_to", "transcript") else (kinds.pop() if len(kinds) == 1 else "mixed")
        if kind == "transcript" and not resolved and written:  # a turn label names its speaker by definition
            speaker, resolved = _label_name(written), True
            chain = [speaker]
        person = speaker in self.people or (kind == "transcript" and speaker not in ("Q", "A"))
        return Statement(r, speaker, written, chain, resolved, kind, self._said_on(r), sent, person)

    def _resolve_source(self, r: Relation, previous: Statement | None) -> tuple[str | None, bool]:
        if r.source_start < 0:
            return None, False
        span = self.sdoc.char_span(r.source_start, r.source_end, alignment_mode="expand")
        if span is None:
            return None, False
        head = span.root
        if len(span) == 1 and head.lower_ in _ALL_PRONOUNS:
            return self._pronoun(head.lower_, r.source_start, previous)
        described = self._description(head, r.source_start)
        if described:  # "the ministry" -> the ministry named earlier, before any carry-over
            return described, True
        carries = previous is not None and not (previous.person and span.text.lower().strip() in self.v.pronouns)
        prev = previous.attribution() if carries and previous is not None else Attribution(None)
        att = self._subject_source(head, prev)  # ("the ministry" never carries over to a person)
        if att is not None and att.source:
            return att.source, True
        earlier = self._earlier_speaker(head)
        if earlier:  # "The directorate also said" after "Esland's Defence Intelligence Directorate told …"
            return earlier, True
        if _proper(head) and not head.ent_type_:  # a name the tagger missed ("Esland's General Staff"): as written
            return _name_phrase(head), True
        if head.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or head.lemma_.lower() in self.v.people_like:
            return _np_text(span), True  # "a senior defense official": the role is the speaker, as written
        return None, False  # "the footage shows": no speaker, the mention stays in speaker_text

    def _pronoun(self, word: str, at: int, previous: Statement | None) -> tuple[str | None, bool]:
        """he/she -> the previous speaker if a person, unless a person is named since (outside what that
        speaker said); it/they -> the previous speaker if not a person; else the last name of that kind."""
        person = word in _PERSON_PRONOUNS
        labels = ("PERSON",) if person else ("ORG", "GPE", "NORP")
        if previous is not None and (previous.person == person or word in ("they", "them")):
            later = self._last_mention_at(at, labels)
            r = previous.relation
            if later is None or later.start < r.cue_start or r.start <= later.start < r.end:
                return previous.speaker, True
            return self._name(later), True
        name = self._last_mention(at, labels)
        return (name, True) if name else (None, False)

    def _said_on(self, r: Relation) -> str | None:
        """A date written next to the cue ("said Friday", "on Tuesday told reporters")."""
        sent = self._sentence(r.cue_start)
        first = self.sent_starts[sent]
        last = self.sent_starts[sent + 1] if sent + 1 < len(self.sent_starts) else len(self.text)
        lo = max(first, min(r.cue_start, r.source_start if r.source_start >= 0 else r.cue_start) - 30)
        hi = min(last, r.cue_end + 40)
        near = [t for t in self.times if lo <= t.start < hi and not (r.start <= t.start < r.end)]
        return min(near, key=lambda t: abs(t.start - r.cue_end)).value if near else None

    def _sentence(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, char) - 1)

    # -- layers ---------------------------------------------------------------------------
    def _subject_source(self, subj: Token, previous: Attribution) -> Attribution | None:
        start, end = subj.left_edge.idx, subj.right_edge.idx + len(subj.right_edge.text)
        phrase = self.text[start:end].lower().strip()
        if subj.lower_ in self.v.pronouns or phrase in self.v.pronouns:
            if previous.source:
                return Attribution(previous.source, list(previous.chain), "pronoun", start, end)
            return None
        if subj.lemma_.lower() in _CONTAINER_NOUNS:
            inner = self._by_object(subj)
            if inner is not None:
                return self._subject_source(inner, previous)
        role = self.v.role_of(subj.lemma_) or self.v.role_of(subj.text)
        if role and role in self.roles:
            return Attribution(self.roles[role], [self.roles[role]], "speech", start, end)
        name = self._mention_on(subj)
        if name:
            return Attribution(name, [name], "speech", start, end)
        held = self.described.get(subj.lemma_.lower())
        if held and any(c.lower_ in ("the", "this") for c in subj.lefts):  # "the nominee" after "nominee X"
            return Attribution(held, [held], "speech", start, end)
        if subj.lower_ in self.v.generic_sources or phrase in self.v.generic_sources:
            return Attribution(subj.lower_, [subj.lower_], "speech", start, end)
        if role:  # "a lawmaker" with nobody titled so in the report: the role itself is the source
            described = _described(subj)
            return Attribution(described, [described], "speech", start, end)
        return None

    def _description(self, head: Token, before: int) -> str | None:
        """'the ministry' / 'the spy agency' -> the organisation named earlier that it describes."""
        if head.pos_ != "NOUN" or not any(c.lower_ in ("the", "this", "that") for c in head.lefts):
            return None
        words = " ".join(t.lower_ for t in head.doc[head.left_edge.i:head.i + 1] if t.pos_ in ("NOUN", "ADJ", "PROPN"))
        i = bisect.bisect_left(self._mstarts, before)
        for m in reversed(self.mentions[max(0, i - 200):i]):
            if m.label not in ("ORG", "GPE", "NORP"):
                continue
            name = self._name(m)
            title = self.titles.get(name, "").lower()
            if head.lower_ in name.lower().split() or (words and (title.endswith(words) or title.endswith(head.lower_))):
                return name
        return None

    def _earlier_speaker(self, head: Token) -> str | None:
        """'The directorate also said' -> the last speaker of the report whose name has that word ("Esland's
        Defence Intelligence Directorate told lawmakers …"), when no entity of the report carries it."""
        if head.pos_ != "NOUN" or not any(c.lower_ in ("the", "this", "that") for c in head.lefts) or \
                any(c.dep_ not in ("det", "amod", "advmod") for c in head.lefts):
            return None  # only "the (new) directorate": "the Trump campaign" names its owner
        word = head.lower_
        for st in reversed(self._earlier):
            words = (st.speaker or "").split()
            below_headline = self.text.find("\n", 0, st.relation.cue_start) >= 0  # (a headline is title-cased)
            if st.resolved and not st.person and len(words) > 1 and words[-1][:1].isupper() and \
                    words[-1].lower() == word and below_headline:
                return st.speaker
        return None

    def _last_mention(self, before: int, labels: tuple[str, ...]) -> str | None:
        m = self._last_mention_at(before, labels)
        return self._name(m) if m is not None else None

    def _last_mention_at(self, before: int, labels: tuple[str, ...]) -> Mention | None:
        i = bisect.bisect_left(self._mstarts, before)
        for m in reversed(self.mentions[max(0, i - 200):i]):
            if m.label in labels:
                return m
        return None

    @staticmethod
    def _by_object(tok: Token) -> Token | None:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("by", "from", "of"):
                return next((c for c in prep.children if c.dep_ == "pobj"), None)
        return None

    # -- mentions -------------------------------------------------------------------------
    def _name(self, m: Mention) -> str:
        if m.label == "NORP":
            return country_of(m.canonical) or country_of(m.text) or m.canonical
        return self.canon.get(m.canonical, m.canonical)

    def _between(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self._mstarts, start)
        j = bisect.bisect_left(self._mstarts, end)
        return self.mentions[i:j]

    def _mention_on(self, head: Token) -> str | None:
        """A mention over the subject's head word or its own modifiers (not inside a prepositional phrase)."""
        words = [head] + [c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos")]
        lo = min(w.left_edge.idx for w in words) - 1
        hi = max(w.right_edge.idx + len(w.right_edge.text) for w in words) + 1
        hits = [m for m in self._between(max(0, lo - 80), hi)
                if m.label in _PREFER and any(m.start <= w.idx < m.end for w in words)]
        on_head = [m for m in hits if m.start <= head.idx < m.end]
        if not hits or (not on_head and _proper(head)):  # "Esland's General Staff" is not Esland: a name of its
            return None  # own, kept whole by the caller
        return self._name((on_head or sorted(hits, key=lambda m: _PREFER[m.label]))[0])

    def _described_people(self) -> dict[str, str]:
        """noun -> the person the report describes with it: a title before the name ("nominee Hillary
        Clinton", "campaign manager Robby Mook") or an apposition ("Robby Mook, the campaign manager")."""
        out: dict[str, str] = {}
        for m in self.mentions:
            if m.label != "PERSON":
                continue
            span = self.sdoc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            nouns = [t for t in root.lefts if t.pos_ == "NOUN" and t.dep_ in ("compound", "amod", "nmod")
                     and t.i < span.start]
            nouns += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            if root.dep_ == "appos" and root.head.pos_ == "NOUN":
                nouns.append(root.head)
            for n in nouns:
                out[n.lemma_.lower()] = self._name(m)  # the latest holder: reports re-introduce people
        return out

    def _role_holders(self) -> dict[str, str]:
        """role -> the person who holds it in this report, from titles written before names."""
        out: dict[str, str] = {}
        text = self.text
        for m in self.mentions:
            if m.label != "PERSON":
                continue
            before = text[max(0, m.start - 40):m.start]
            words = re.findall(r"[A-Za-z][A-Za-z.]*", before)[-3:]
            for w in reversed(words):
                role = self.v.role_of(w) or self.v.role_of(w.rstrip("."))
                if role:
                    out.setdefault(role, self._name(m))
                    break
        return out


def _proper(head: Token) -> bool:
    """A capitalised proper noun heads the mention: a name, even one no entity covers ("General Staff")."""
    return head.pos_ == "PROPN" and head.text[:1].isupper() and not head.is_sent_start


def _name_phrase(head: Token) -> str:
    """The name a proper noun heads, with the capitalised words and possessor right before it and nothing
    else (no article, no dateline the parser took into the phrase): "the General Staff" -> "General Staff",
    "Esland's Defence Intelligence Directorate" stays whole."""
    first = head.i
    doc = head.doc
    while first > 0:
        prev = doc[first - 1]
        if prev.head.i < first - 1 or prev.head.i > head.i or "\n" in prev.text:
            break
        if not ((prev.pos_ in ("PROPN", "ADJ", "NOUN") and prev.text[:1].isupper()) or prev.tag_ == "POS"):
            break
        first -= 1
    while first < head.i and doc[first].tag_ == "POS":
        first += 1
    return doc[first:head.i + 1].text


def _np_text(span: Span) -> str:
    """A source described, not named, as written; a sentence-initial article lower-cased ("The ministry"
    -> "the ministry") so one description reads the same wherever it stands."""
    text = span.text.strip()
    first = span[0]
    return text[0].lower() + text[1:] if first.is_sent_start and first.lower_ in ("the", "a", "an") else text


def _label_name(label: str) -> str:
    """'MS. HAN' -> 'Ms. Han'; 'Q' stays 'Q'; mixed-case labels stay as written."""
    return label.title() if label.isupper() and len(label) > 2 else label


def _near(starts: list[int], start: int, end: int, reach: int) -> range:
    """Indexes of the spans (sorted by start) that may overlap [start, end): those starting before its end
    and no more than ``reach`` (the longest span's length) characters before its start."""
    return range(bisect.bisect_left(starts, start - reach), bisect.bisect_left(starts, end))


def _overlap(a: int, b: int, c: int, d: int) -> float:
    """Share of the shorter of two spans that the other covers."""
    common = min(b, d) - max(a, c)
    return common / max(1, min(b - a, d - c)) if common > 0 else 0.0


def _quote_kind(content: str) -> str:
    """direct: the content is one quotation; mixed: part of it is quoted; indirect: none is."""
    body = content.strip()
    marks = sum(body.count(ch) for ch in "“”\"")
    if not marks:
        return "indirect"
    if body[:1] in "“\"" and body[-1:] in "”\"" and marks == 2:
        return "direct"
    return "mixed"

def _described(head: Token) -> str:
    """A role noun with the words that say whose it is: "Ukraine's defence minister", "White House spokesman"."""
    words = [t for t in head.lefts if t.dep_ in ("poss", "compound", "amod", "nmod", "case")]
    left = min((w.left_edge.i for w in words), default=head.i)
    phrase = head.doc[left:head.i + 1].text
    return phrase if len(phrase.split()) <= 6 else head.text


def hedge_near(sent: Span, char: int, v: Vocab | None = None) -> str | None:
    """The hedge cue nearest to ``char`` within the sentence ("said to" -> reported, ...); ``v``: the claims
    vocabulary (the bundled one when None)."""
    cues = _hedge_cues(sent, v or vocab())
    if not cues:
        return None
    i = bisect.bisect_left(cues, (char, ""))
    near = [cues[k] for k in (i - 1, i) if 0 <= k < len(cues)]
    return min(near, key=lambda c: abs(c[0] - char))[1]


def _hedge_cues(sent: Span, v: Vocab) -> list[tuple[int, str]]:
    """(char, label) of every hedge cue of the sentence, in order: worked out once per sentence."""
    memo = sent.doc.user_data.setdefault("crosswire.hedges", {})  # kept with the parse it describes
    hit = memo.get(sent.start)
    if hit is not None:
        return hit
    found: list[tuple[int, str]] = []
    low = span_text(sent).lower()
    for phrase, label in v.hedges.items():
        if " " in phrase:
            found += [(sent.start_char + m.start(), label) for m in _phrase_re(phrase).finditer(low)]
    table = tokens(sent.doc)
    for k in range(sent.start, sent.end):
        hit_label = v.hedges.get(table.lemma[k]) or v.hedges.get(table.lower[k])
        if hit_label and table.pos[k] in ("VERB", "AUX", "ADV", "ADJ"):
            found.append((table.idx[k], hit_label))
    memo[sent.start] = sorted(found)
    return memo[sent.start]


def is_conditional(sent: Span, v: Vocab | None = None) -> bool:
    """Does the sentence state a hypothetical ("even if", "unless", "were to")? Once per sentence (``v``: as
    for :func:`hedge_near`)."""
    memo = sent.doc.user_data.setdefault("crosswire.conditional", {})
    hit = memo.get(sent.start)
    if hit is None:
        low = " " + re.sub(r"\s+", " ", span_text(sent).lower()) + " "
        rx = _conditional_re((v or vocab()).conditional)
        hit = memo[sent.start] = rx is not None and rx.search(low) is not None
    return hit


@functools.lru_cache(maxsize=4096)
def _phrase_re(phrase: str) -> re.Pattern[str]:
    """A multi-word hedge as a whole-word expression (compiled once)."""
    return re.compile(rf"\b{re.escape(phrase)}\b")


@functools.lru_cache(maxsize=16)
def _conditional_re(markers: tuple[str, ...]) -> re.Pattern[str] | None:
    """Any of the conditional markers between separators, as one expression; None when there are none."""
    if not markers:
        return None
    return re.compile(r"[\s,;(](?:" + "|".join(re.escape(m) for m in markers) + r")[\s,]")
