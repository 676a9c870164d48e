"""Who asserts what: the source of each sentence, with the chain of whom it relies on.

Read in this order for every sentence (first that holds wins):
1. inside a soundbite or direct quote -> its speaker;
2. "according to X" / "citing X" -> X (and "S, citing X, said" -> S relying on X);
3. a speech verb ("said", "revealed", "estimate", ...) -> its subject: a named entity, a role
   noun resolved to the person holding that title in the report ("a lawmaker" -> "Rep. Yu"),
   a generic source ("experts"), or a pronoun that refers back to the previous source ("It added");
4. nobody named -> the publisher (filled in by the caller).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Mention
from .vocab import vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

VERSION = "attribution-1"
_PREFER = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3, "FAC": 4, "LOC": 5}
_CONTAINER_NOUNS = {"statement", "report", "estimate", "assessment", "data", "figure", "analysis", "briefing",
                    "remark", "comment", "testimony", "claim", "account", "intelligence"}
_SUBJ = {"nsubj", "nsubjpass", "csubj"}


@dataclass(slots=True)
class Attribution:
    source: str | None  # canonical name, a generic source ("experts"), or None for the publisher
    chain: list[str] = field(default_factory=list)
    kind: str = "publisher"  # soundbite | quote | according_to | speech | pronoun | publisher
    start: int = -1  # char span of the attribution phrase (its mentions are not the claim's subject)
    end: int = -1


@dataclass(slots=True)
class Speaker:
    """A quoted span (soundbite or direct quote) and who said it."""

    start: int
    end: int
    speaker: str
    said_on: str | None = None
    body_start: int = -1  # where the quoted words begin (before: the header naming the speaker)


class Attributor:
    def __init__(self, sdoc: Doc, mentions: list[Mention], canon: dict[str, str], speakers: list[Speaker]) -> None:
        self.sdoc = sdoc
        self.text = sdoc.text  # Doc.text rebuilds the string on every access: read once
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.canon = canon
        self.speakers = speakers
        self.roles = self._role_holders()
        self.v = vocab()

    # -- public ---------------------------------------------------------------------------
    def sentences(self) -> dict[int, Attribution]:
        """Attribution of every sentence, keyed by the sentence's start char."""
        out: dict[int, Attribution] = {}
        previous = Attribution(None)
        for sent in self.sdoc.sents:
            att = self.sentence(sent, previous)
            out[sent.start_char] = att
            if att.kind != "publisher":
                previous = att
            elif sent.text.strip():
                previous = Attribution(None)
        return out

    def sentence(self, sent: Span, previous: Attribution) -> Attribution:
        for sp in self.speakers:
            if sp.start <= sent.start_char < sp.end:
                return Attribution(sp.speaker, [sp.speaker], "soundbite", sp.start, max(sp.start, sp.body_start))
        cited = self._according_to(sent)
        speech = self._speech(sent, previous)
        if cited and speech and speech.source and speech.source != cited.source:
            if cited.kind == "citing":  # "X, citing Y, said": X asserts, relying on Y
                return Attribution(speech.source, [speech.source, *cited.chain], "speech", speech.start, cited.end)
            # "S told lawmakers ..., according to Y": Y is who told the outlet that S said it
            return Attribution(cited.source, [*cited.chain, speech.source], "according_to",
                               min(speech.start, cited.start), max(speech.end, cited.end))
        return cited or speech or Attribution(None)

    # -- layers ---------------------------------------------------------------------------
    def _according_to(self, sent: Span) -> Attribution | None:
        low = sent.text.lower()
        for phrase in self.v.according_to:
            m = re.search(rf"\b{re.escape(phrase)}\b", low)
            if not m or (phrase == "per" and not re.search(r"\bper\s+(the\s+)?[A-Z]", sent.text[m.start():])):
                continue
            start = sent.start_char + m.end()
            stop = re.search(r"[,;](\s|$)|\.\s*$", sent.text[m.end():])
            name = self._best_mention(start, start + stop.start() if stop else sent.end_char)
            if name is None:
                tail = sent.text[m.end():].strip().split()
                word = tail[0].strip(",.'\"").lower() if tail else ""
                name = word if word in self.v.generic_sources else None
            if name:
                kind = "citing" if phrase in ("citing", "quoting") else "according_to"
                return Attribution(name, [name], kind, sent.start_char + m.start(), start + 80)
        return None

    def _speech(self, sent: Span, previous: Attribution) -> Attribution | None:
        for tok in sent:
            if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in self.v.speech_verbs:
                continue
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "csubj")), None)
            if subj is None:
                agent = next((c for c in tok.children if c.dep_ == "agent"), None)
                subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if subj is None:
                continue
            att = self._subject_source(subj, previous)
            if att:
                return att
        return None

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
        if subj.lower_ in self.v.generic_sources or phrase in self.v.generic_sources:
            return Attribution(subj.lower_, [subj.lower_], "speech", start, end)
        if role:  # "a lawmaker" with nobody titled so in the report: the role itself is the source
            described = _described(subj)
            return Attribution(described, [described], "speech", start, end)
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
            from .claims import country_of

            return country_of(m.canonical) or country_of(m.text) or m.canonical
        return self.canon.get(m.canonical, m.canonical)

    def _best_mention(self, start: int, end: int) -> str | None:
        inside = [m for m in self.mentions if start <= m.start < end and m.label in _PREFER]
        return self._name(min(inside, key=lambda m: _PREFER[m.label])) if inside else None

    def _mention_on(self, head: Token) -> str | None:
        """A mention over the subject's head word or its own modifiers (not inside a prepositional phrase)."""
        words = [head] + [c for c in head.children if c.dep_ in ("compound", "amod", "poss", "nmod", "appos")]
        hits = [m for m in self.mentions if m.label in _PREFER and any(m.start <= w.idx < m.end for w in words)]
        if not hits:
            return None
        on_head = [m for m in hits if m.start <= head.idx < m.end]
        return self._name((on_head or sorted(hits, key=lambda m: _PREFER[m.label]))[0])

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
                role = vocab().role_of(w) or vocab().role_of(w.rstrip("."))
                if role:
                    out.setdefault(role, self._name(m))
                    break
        return out


def _described(head: Token) -> str:
    """A role noun with the words that say whose it is: "Ukraine's defence minister", "White House spokesman"."""
    words = [t for t in head.lefts if t.dep_ in ("poss", "compound", "amod", "nmod", "case")]
    left = min((w.left_edge.i for w in words), default=head.i)
    phrase = head.doc[left:head.i + 1].text
    return phrase if len(phrase.split()) <= 6 else head.text


def hedge_near(sent: Span, char: int) -> str | None:
    """The hedge cue nearest to ``char`` within the sentence ("said to" -> reported, ...)."""
    v = vocab()
    best: tuple[int, str] | None = None
    low = sent.text.lower()
    for phrase, label in v.hedges.items():
        if " " in phrase:
            for m in re.finditer(rf"\b{re.escape(phrase)}\b", low):
                d = abs(sent.start_char + m.start() - char)
                if best is None or d < best[0]:
                    best = (d, label)
    for tok in sent:
        found = v.hedges.get(tok.lemma_.lower()) or v.hedges.get(tok.lower_)
        if found and tok.pos_ in ("VERB", "AUX", "ADV", "ADJ"):
            d = abs(tok.idx - char)
            if best is None or d < best[0]:
                best = (d, found)
    return best[1] if best else None


def is_conditional(sent: Span) -> bool:
    low = " " + re.sub(r"\s+", " ", sent.text.lower()) + " "
    return any(re.search(rf"[\s,;(]{re.escape(m)}[\s,]", low) for m in vocab().conditional)
