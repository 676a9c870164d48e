"""Attributed statements: who said (or reported, estimated, believes, wants) what, from the parse.

Public function: ``find_relations(sdoc, cues, bounds) -> list[Relation]`` — every attribution relation of a
parsed document as character spans (cue, source mention, content), before names are resolved.
``extract/attribution.py`` resolves each relation's source to a speaker and turns it into a quote
record; claims take their source from the relation whose content holds them.

Steps, in order, one function each:
1. ``_according_to``  — prepositional cues ("according to X", "citing X", "per X"): the source is the
   object of the preposition, the content the clause the phrase modifies, less the phrase.
2. ``_verb_cues``     — a verb is a cue when the learned cue model (``data/cue_model.json``, a logistic
   regression trained by ``scripts/train_cues.py`` on hand-annotated news) scores it above its
   threshold, from ``cue_features``: the lemma, the frame (what hangs on the verb: a clause ``ccomp``,
   an infinitive ``xcomp``, an object ``dobj``, a topic preposition ``prep``, or nothing), its
   dependency and tag, the kind of its subject, an adjacent quotation. Verbs inside a quotation are
   the quoted speaker's own words, not cues. Transcript turns ("MS. LEE: …", also quoted as a block:
   '"HOST: …' paragraphs), signed quotations ('"…" ― Jane Doe') and a first line that gives its words
   to a named source before a colon ("Poll: …", "Jane Doe: …") are relations too. A cue that ends its
   paragraph with a colon ("The agency reported:") takes the next paragraph (and the quoted ones after
   it, one part each) as content.
3. ``_content_of``    — the content is the complement: the subject of a passive cue with an agent ("the
   plan was endorsed by X"), the clause before a postposed cue ("…, the ministry said"), the clause
   around a cue set inside it; else what the verb governs after it, as the learned content-boundary
   model (``data/content_model.json``, trained by ``scripts/train_content.py``, read by ``cues.load_cues``)
   keeps it: each dependent after the cue (a "that" clause always) is in or out, and so is each
   dependent down the right edge of the last one kept ("warned officials to …", "said … during a
   visit", "said X, but Y"). A cue set off by commas inside the sentence it reports takes both sides
   ("The plan is so costly, the senator said, that …": ``_parenthetical``); an attribution phrase inside its
   content is left out of it ("Now, according to the poll, some towns …": ``_around``), the content in parts.
4. ``_source_of``     — the subject (``nsubj``, ``csubj``), the agent of a passive ("was told by X"),
   the subject of the verb the cue hangs on ("…, adding that…"), a name right before a finite verb the
   parser left without a subject ("In a meeting with the board of the Post Jane Roe said"), or none
   (the content then has no named source: the publisher asserts it); an infinitive cue after an object takes
   the object ("urged supporters to watch …": ``_object_controller``). Subjects listed side by side
   ("The family, protesters and civic leaders demanded") are one source, the whole list.
5. ``_without_restatements`` — a cue inside another relation's content whose own content is most of it
   ("went on to explain how …", "published the results by announcing that …") is the same act: kept
   once, as the outer relation (as the inner one when only it names a source).
Conventions: PolNeAR (Newell et al. 2018, "Attribution relations in political news") for what counts
as an attribution — source, cue and content, content excluding the cue and the source; a span (a piece
of a content) never crosses a paragraph break.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .parsed import text_of, tokens
from .vocab import Vocab, vocab

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from ..models import Segment
    from .cues import CueTable

VERSION = "statements-1"
# "X, citing Y, said": Y is a link of X's chain (attribution.py), not a statement of its own (statement_filter.py)
CITING = frozenset({"citing", "quoting"})
_TIME_WORDS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
                         "yesterday", "tonight", "earlier", "later", "recently", "again", "also", "previously",
                         "repeatedly", "publicly", "privately", "week", "month", "year", "morning", "night",
                         "evening", "afternoon", "day", "then", "now", "once", "still"})
ACCORDING = frozenset({"according", "citing", "per", "quoting"})
_TOPIC_PREPS = frozenset({"of", "about", "on", "for", "against", "over"})


@dataclass(slots=True)
class Relation:
    """One attribution relation as character offsets into the parsed text."""

    cue: str
    cue_start: int
    cue_end: int
    start: int  # content
    end: int
    source_start: int = -1  # the source mention as written; -1 when the text names none
    source_end: int = -1
    kind: str = "indirect"  # indirect | according_to (quotes refine it to direct | mixed)
    score: float = 1.0
    head: int = -1  # token index of the cue's head word
    parts: list[tuple[int, int]] | None = None  # content interrupted by its cue: the pieces, in order
    mention_end: int = -1  # the source mention as written runs to here (its apposition included); -1: source_end


def find_relations(sdoc: Doc, cues: CueTable, bounds: CueTable, segments: list[Segment] | None = None,
                   v: Vocab | None = None) -> list[Relation]:
    """Every attribution relation of ``sdoc`` (see the module docstring for the steps); ``cues`` and ``bounds``:
    the engine's cue and content-boundary models (``Resources.cues``, ``Resources.boundaries``); ``v``: the
    engine's claims vocabulary (the bundled one when None)."""
    text = text_of(sdoc)
    quoted = quotations(text)
    out: list[Relation] = _turns(text, segments or [])
    out += _quoted_turns(text, out)
    words = v or vocab()
    for sent in sdoc.sents:
        out += _according_to(sent, text)
        out += _verb_cues(sent, cues, quoted, text, bounds, words)
        out += _noun_cues(sent, quoted, text, out, words)
    signed = _signed_quotations(text)
    out = [r for r in out if not any(q.start <= r.cue_start < q.end for q in signed)] + signed  # (the signer's
    # own verbs are no cues, as inside any quotation: its opening mark may be one the quotation spans miss)
    out += _headline(sdoc, text, out, words)
    _outside_labels(out, text)
    _end_before_next_act(out, sdoc, text)
    claimed = sorted((r.start, r.end, r.cue_start) for r in out if r.end > r.start)
    for rel in out:
        if rel.kind != "according_to" and rel.head >= 0:
            _extend_to_quotes(rel, quoted, text, sdoc[rel.head].sent, claimed)
    found = [r for r in out if r.end > r.start]
    return _without_restatements(found, sdoc)


_NOT_WORDS = frozenset({"PUNCT", "SPACE", "DET", "CCONJ", "SYM"})
_OWN_RULES = frozenset({"according_to", "transcript"})  # "X, citing Y, said": a chain, not a restatement
_RESTATES = 0.5  # an inner statement with at least this share of the outer content's words says it again


def _without_restatements(relations: list[Relation], sdoc: Doc) -> list[Relation]:
    """A cue inside another relation's content whose own content is most of that content ("published the
    results by announcing that …", "went on to explain how …", "said it would act, warning that …" read
    from the second cue) restates the outer relation: one act, kept once, as the outer relation."""
    table = tokens(sdoc)
    starts = list(table.idx)

    def words(a: int, b: int) -> int:
        i, j = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        return sum(1 for k in range(i, j) if table.pos[k] not in _NOT_WORDS)

    spans = sorted(range(len(relations)), key=lambda k: relations[k].start - relations[k].end)  # longest first
    dropped: set[int] = set()
    for n, k in enumerate(spans):
        outer = relations[k]
        if k in dropped or outer.parts or outer.kind in _OWN_RULES:
            continue
        size = 0
        for m in spans[n + 1:]:
            inner = relations[m]
            if m in dropped or inner.kind in _OWN_RULES or not (outer.start <= inner.start and inner.end <= outer.end) or \
                    not outer.start <= inner.cue_start < outer.end or (inner.start, inner.end) == (outer.start, outer.end):
                continue
            size = size or words(outer.start, outer.end)
            if words(inner.start, inner.end) >= _RESTATES * size:
                dropped.add(k if outer.source_start < 0 <= inner.source_start else m)
                if k in dropped:
                    break
    return [r for k, r in enumerate(relations) if k not in dropped]


def _end_before_next_act(relations: list[Relation], sdoc: Doc, text: str) -> None:
    """A statement's content ends where a participle cue set off by a comma takes over at its end ('said he
    saw no need to change, telling reporters that …', '"…," adding, "…"'): that is the next statement of
    the same speaker, not part of this one."""
    heads = sorted(((r.cue_start, r) for r in relations if r.head >= 0 and r.kind != "according_to"),
                   key=lambda pair: pair[0])
    starts = [a for a, _ in heads]
    for rel in relations:
        if rel.kind in ("according_to", "transcript") or rel.parts or rel.start < rel.cue_end:
            continue
        for k in range(bisect.bisect_right(starts, rel.start), bisect.bisect_left(starts, rel.end)):
            other = heads[k][1]
            tok = sdoc[other.head]
            if tok.tag_ != "VBG" or tok.i == 0 or sdoc[tok.i - 1].text not in (",", ";", "—", "–") or \
                    other.start < other.cue_end or other.end < rel.end - 1:
                continue
            cut = sdoc[tok.i - 1].idx
            if cut > rel.start:
                rel.end = len(text[:cut].rstrip())
            break


# -- quotations --------------------------------------------------------------------------------
_QUOTATION = re.compile(r'''“[^“”"]{0,5000}”|“[^“”"\n]{0,5000}"(?=[\s,.;:!?)—–-]|$)|“[^“”]{0,5000}”|"[^"\n]{0,5000}"|'''
                        r'''"[^"“”\n]{0,5000}”|''[^'\n]*(?:'[^'\n]+)*''|‘‘[^‘’\n]*’’''')
# (bounded, so an unclosed mark costs at most 5,000 characters of scanning: linear in the text). A quotation
# whose marks do not match ('“A," she said. "B.”', typed by hand or pasted together) closes at the first mark
# that can close it: a curly opening at a straight mark before a space or punctuation (tried before one that
# runs on to a curly closing over straight marks inside it, '“he called it "bad" today”'), a straight opening
# at a curly closing when no straight mark closes it first.


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of quotations (marks included) that do not cross a paragraph break."""
    out = []
    for m in _QUOTATION.finditer(text):
        if "\n\n" not in m.group(0) and len(m.group(0)) > 3:
            out.append((m.start(), m.end()))
    return out


def _extend_to_quotes(rel: Relation, quoted: list[tuple[int, int]], text: str, sent: Span,
                      claimed: list[tuple[int, int, int]]) -> None:
    """A quotation the content starts or ends inside belongs to it whole; so do the quotations of the same
    speaker around the cue: one that resumes after it ('"A," she said, "B."' and '"A," she said. "B. C."', or
    the next paragraph when it is that quotation and nothing else: ``_opens_next_paragraph``)
    and one that it interrupts ('"A," she said, "B."' read from B) — unless another cue claims it
    (``claimed``: every relation's content and cue start): '"A," she said, adding, "B."'."""
    i = bisect.bisect_right(quoted, (rel.start, len(text) + 1)) - 1
    if i >= 0 and quoted[i][0] < rel.start < quoted[i][1]:
        rel.start = quoted[i][0]
    j = bisect.bisect_right(quoted, (rel.end, len(text) + 1)) - 1
    if j >= 0 and quoted[j][0] < rel.end < quoted[j][1]:
        rel.end = quoted[j][1]
    right = max(rel.cue_end, rel.source_end, rel.mention_end)
    left = min(rel.cue_start, rel.source_start) if rel.source_start >= 0 else rel.cue_start
    if rel.end <= rel.cue_start and _has_mark(text, rel.start, rel.end):
        k = bisect.bisect_left(quoted, (right, 0))
        while k + 1 < len(quoted) and quoted[k][1] <= sent.end_char and \
                len(text[quoted[k][0]:quoted[k][1]].split()) <= _TITLE_WORDS:
            k += 1  # (a title in the cue's own words: 'said on the network's “Morning Show” on Sunday. “…')
        if k < len(quoted) and _resumes(text, right, quoted[k], sent) and \
                not _claimed(quoted[k], rel, claimed) and \
                not re.search(r",\W{0,3}$", text[quoted[k][0]:quoted[k][1]]):
            rel.parts = [(rel.start, rel.end), quoted[k]]
            rel.end = quoted[k][1]
    elif rel.start >= rel.cue_end and rel.parts is None and (rel.start, rel.end) in quoted:
        k = bisect.bisect_left(quoted, (left, 0)) - 1  # the quotation the cue interrupts, ending "…,"
        if k >= 0 and quoted[k][1] <= left and quoted[k][0] >= sent.start_char and \
                not _claimed(quoted[k], rel, claimed) and \
                not text[quoted[k][1]:left].strip(" \u00a0") and re.search(r"[,—–]\W{0,3}$", text[quoted[k][0]:quoted[k][1]]):
            rel.parts = [quoted[k], (rel.start, rel.end)]
            rel.start = quoted[k][0]


def _claimed(quote: tuple[int, int], rel: Relation, claimed: list[tuple[int, int, int]]) -> bool:
    """Is ``quote`` another cue's content (in part), not ``rel``'s: '"A," she said, adding, "B."'?"""
    return any(a < quote[1] and b > quote[0] and cue != rel.cue_start for a, b, cue in claimed)


def _has_mark(text: str, start: int, end: int) -> bool:
    return any(ch in "“”\"" or text[k:k + 2] == "''" for k, ch in enumerate(text[start:end + 2], start))


def _resumes(text: str, right: int, quote: tuple[int, int], sent: Span) -> bool:
    """Does ``quote`` go on with the words before a cue that ends at ``right``: nothing but the rest of the
    cue's own sentence (its source's apposition, a date) between them, closed by a comma or a stop, and the
    quotation opening the next sentence or going on after that comma?"""
    between = text[right:quote[0]]
    if "\n\n" in between and _opens_next_paragraph(text, between, quote):
        return True
    between = _TITLE.sub(_title_mark, between)  # 'said on the network's “Morning Show.” “…': a title, no quotation
    if "\n" in between or any(ch in "“”\"" for ch in between) or "''" in between:
        return False
    tail = between.rstrip(" \u00a0")
    if not tail.endswith((",", ".", ";")) and tail:
        return False
    if quote[0] >= sent.end_char:  # the next sentence must open with it
        return quote[0] - sent.end_char <= 3
    return len(between) - len(tail) <= 3 and sent.end_char - quote[0] <= 3 + quote[1] - quote[0] + 3


_TITLE = re.compile(r'''(?:“|"|'')([^“”"\n]{1,60}?)([.,]?)(?:”|"|'')''')
_TITLE_WORDS = 6


def _title_mark(m: re.Match[str]) -> str:
    """A short quoted name inside a cue's own words (a show, a book, a phrase): a placeholder word, with the
    stop or comma its closing mark held; a longer quotation is kept (it is a quotation)."""
    words = m.group(1).split()
    return m.group(0) if len(words) > _TITLE_WORDS else "T" * len(m.group(0).rstrip("”\"'.,")) + m.group(2) + \
        " " * (len(m.group(0)) - len(m.group(0).rstrip("”\"'.,")) - len(m.group(2)))


def _opens_next_paragraph(text: str, between: str, quote: tuple[int, int]) -> bool:
    """'"A," she said.' ending its paragraph (``between``: from A's end to the quotation, a paragraph break in it)
    and the next paragraph a quotation and nothing else: the quotation goes on with A (a paragraph of quotation
    without a cue of its own is the last speaker's)."""
    rest, gap = between.split("\n\n", 1)
    if gap.strip(" \u00a0") or "\n" in rest or any(ch in "“”\"" for ch in rest) or len(rest) > 120:
        return False
    if not rest.rstrip(" \u00a0").endswith((".", ",")):
        return False
    after = text[quote[1]:text.find("\n", quote[1]) if "\n" in text[quote[1]:] else len(text)]
    return not after.strip(" \u00a0")


TURN_ROLES = frozenset({"speaker", "question", "answer"})
_TURN_LABEL_CHARS, _TURN_LABEL_WORDS = 41, 5  # a longer label is no turn of a transcript here


def _turns(text: str, segments: list[Segment]) -> list[Relation]:
    """Transcript turns: a paragraph of a briefing or interview that opens with its speaker's label
    ("MS. HAN: …", "Q: …"); the cleaner marks those segments and leaves the label in the text. The label
    is read by the cleaner's rule (``clean.layouts.speaker_turn``)."""
    from ..clean.layouts import speaker_turn

    out = []
    for seg in segments:
        if seg.role not in TURN_ROLES:
            continue
        pos = seg.start
        for para in text[seg.start:seg.end].split("\n\n"):
            turn = speaker_turn(para.split("\n", 1)[0])
            label = turn.label.rstrip(":： ") if turn else ""
            after = para[len(turn.label):] if turn else ""
            start = len(para) - len(after.lstrip())  # the turn's words, after the label and the space
            if turn and len(label) <= _TURN_LABEL_CHARS and len(label.split()) <= _TURN_LABEL_WORDS \
                    and start > len(turn.label) and start < len(para):
                colon = pos + len(label)
                out.append(Relation(cue=":", cue_start=colon, cue_end=colon + 1, start=pos + start,
                                    end=pos + len(para.rstrip()), source_start=pos, source_end=pos + len(label),
                                    kind="transcript"))
            pos += len(para) + 2
    return out


_OPENING_MARKS = "\"“‘'"
_MIN_QUOTED_TURNS = 2  # one labelled paragraph is a heading; two or more are a transcript


def _quoted_turns(text: str, turns: list[Relation]) -> list[Relation]:
    """Transcript turns quoted as a block, each paragraph opening with a quotation mark ('"WALLACE: …'),
    which the cleaner's turn labels do not match: the label after the mark, by the same rule
    (``clean.layouts.speaker_turn``), when at least two paragraphs of the report open that way."""
    from ..clean.layouts import speaker_turn

    taken = {r.source_start for r in turns}
    found = []
    pos = 0
    for para in text.split("\n\n"):
        lead = len(para) - len(para.lstrip(_OPENING_MARKS + " \u00a0"))
        if 0 < lead <= 3 and pos not in taken and para[:lead].strip(" \u00a0"):
            line = para[lead:].split("\n", 1)[0]
            turn = speaker_turn(line)
            if turn is not None and turn.rest:
                body = para[lead:].rstrip()
                end = len(body.rstrip("”\"’' \u00a0"))
                label_end = pos + lead + len(turn.label.rstrip(":： "))
                start = pos + lead + line.index(turn.rest)
                if end > start - pos - lead:
                    found.append(Relation(cue=":", cue_start=label_end, cue_end=label_end + 1, start=start,
                                          end=pos + lead + end, source_start=pos + lead, source_end=label_end,
                                          kind="transcript"))
        pos += len(para) + 2
    return found if len(found) >= _MIN_QUOTED_TURNS else []


def _outside_labels(relations: list[Relation], text: str) -> None:
    """A turn label ("MS. LEE:", "Q:") is the turn's source, never another relation's content or source;
    the paragraphs a cue introduces with a colon ("… as follows:") are no statement of their own when
    they are turns: the turns are."""
    labels = sorted((r.source_start, r.start) for r in relations if r.kind == "transcript")
    if not labels:
        return
    starts = [a for a, _ in labels]
    for rel in relations:
        if rel.kind == "transcript":
            continue
        if "\n" in text[rel.cue_end:rel.start] and bisect.bisect_left(starts, rel.start) < \
                bisect.bisect_left(starts, rel.end):
            rel.end = rel.start  # dropped
            continue
        k = bisect.bisect_right(starts, rel.start) - 1
        if k >= 0 and labels[k][0] <= rel.start < labels[k][1]:
            rel.start = labels[k][1]
        k = bisect.bisect_right(starts, rel.source_start) - 1
        if rel.source_start >= 0 and k >= 0 and labels[k][0] <= rel.source_start < labels[k][1]:
            rel.source_start = rel.source_end = -1


_SIGNED = re.compile(r"[”\"][\s\u00a0]*(?P<dash>[―—])[\s\u00a0]*"
                     r"(?P<src>[A-Z][\w.'’-]*(?:[ \u00a0][A-Z][\w.'’-]*){0,4})")


def _signed_quotations(text: str) -> list[Relation]:
    """A quotation signed with a dash and a name ('"…" ― Jane Doe'), as in testimonials and epigraphs:
    found from each signature back to the quotation's opening mark on the same line (linear)."""
    out = []
    for m in _SIGNED.finditer(text):
        close = m.start() + 1
        line_start = text.rfind("\n", 0, m.start()) + 1
        lead = line_start + len(text[line_start:m.start()]) - len(text[line_start:m.start()].lstrip(" \u00a0"))
        if text[lead:lead + 1] in ("“", '"', "”"):  # a line that opens with the mark is the quotation whole,
            opening = lead  # quotations inside it included ('“… what he calls “hell” …” ― Jane Doe'); a closing
        else:  # mark typed for the opening one too
            opening = max(text.rfind("“", line_start, m.start()), text.rfind('"', line_start, m.start()))
        if opening < 0 or close - opening < 12:
            continue
        dash = m.start("dash")
        out.append(Relation(cue=text[dash], cue_start=dash, cue_end=dash + 1, start=opening, end=close,
                            source_start=m.start("src"), source_end=m.end("src")))
    return out


_HEADLINE = re.compile(r"(?P<label>[^:：\"“”‘’\n]{1,60}?)\s*[:：]\s+(?=\S)")
_HEADLINE_LABEL_WORDS = 6
_NAMED = ("PERSON", "ORG", "NORP", "GPE")


def _headline(sdoc: Doc, text: str, found: list[Relation], v: Vocab) -> list[Relation]:
    """A headline that gives its words to a source before a colon ("Senator Reyes: The Bill Is Dead"): the
    label names a person or organisation, or its last word is a speaker noun ("Poll: …", "Report: …")."""
    line = text.split("\n", 1)[0]
    m = _HEADLINE.match(line)
    if m is None or len(m.group("label").split()) > _HEADLINE_LABEL_WORDS or \
            any(r.source_start == 0 or r.start < m.end() for r in found):
        return []
    label_end = m.end("label")
    named = any(e.label_ in _NAMED and e.start_char < label_end for e in sdoc.ents if e.start_char < len(line))
    last = m.group("label").split()[-1].lower()
    if not named and last not in v.people_like and last not in v.generic_sources:
        return []
    end = len(line.rstrip(" .\u00a0"))
    if end <= m.end():
        return []
    lead = len(line) - len(line.lstrip())
    return [Relation(cue=":", cue_start=label_end, cue_end=label_end + 1, start=m.end(), end=end,
                     source_start=lead, source_end=label_end)]


# -- 1. prepositional cues ---------------------------------------------------------------------
def _according_to(sent: Span, text: str) -> list[Relation]:
    out = []
    doc, lower = sent.doc, tokens(sent.doc).lower
    for k in range(sent.start, sent.end):
        low = lower[k]
        if low not in ACCORDING:
            continue
        tok = doc[k]
        if low == "according":
            to = next((c for c in tok.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        else:
            obj = next((c for c in tok.children if c.dep_ in ("pobj", "dobj")), None)
            if low == "per" and (obj is None or tok.ent_type_ or not (
                    obj.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") or obj.pos_ == "PROPN")):
                continue  # "per X" names a source; "5 per cent", "3 per day" do not
        if obj is None:
            continue
        phrase = set(t.i for t in tok.subtree) | set(range(tok.i, obj.right_edge.i + 1))
        host = tok.head if tok.head.i != tok.i else tok
        content = [t for t in (host.subtree if host is not tok else sent) if t.i not in phrase]
        span = _trim(sent, content)
        if span is None:
            continue
        cue_end = tok.idx + len(tok.text) if low != "according" else (obj.left_edge.idx - 1)
        hole = (doc[min(phrase)].idx, doc[max(phrase)].idx + len(doc[max(phrase)].text))
        out.append(Relation(cue=text[tok.idx:max(cue_end, tok.idx + len(tok.text))].strip(),
                            cue_start=tok.idx, cue_end=max(cue_end, tok.idx + len(tok.text)),
                            start=span[0], end=span[1], source_start=obj.left_edge.idx,
                            source_end=obj.right_edge.idx + len(obj.right_edge.text),
                            kind="according_to", head=tok.i, parts=_around(span, hole, text)))
    return out


_SET_OFF = " ,;—–\u00a0"
_FRAMING = frozenset({"although", "though", "while", "whereas", "rather", "as", "if", "when", "after", "before",
                      "because", "since", "unless", "despite", "in", "on", "at", "for", "with", "by"})
_ASIDE_WORDS = 8  # "the senator said in an interview on Sunday," — the cue's own words before the comma that ends it


def _parenthetical(content: tuple[int, int], tok: Token, src: tuple[int, int] | None, sent: Span,
                   text: str) -> list[tuple[int, int]] | None:
    """A cue set off by commas inside the sentence it reports ("The plan is so costly, the senator said, that
    the town would have to borrow", "It matters, she said in an interview, that the council listens"): the
    content is the sentence on both sides of it, when the parse gave the cue only one side (None otherwise)."""
    if src is None or src[0] > tok.idx:
        return None
    lead = text[sent.start_char:src[0]].rstrip(" \u00a0")
    if not lead.endswith(",") or any(ch in "“”\"" for ch in text[src[0]:tok.idx]):
        return None
    comma = text.find(",", _cue_end(tok), sent.end_char)
    aside = text[_cue_end(tok):comma] if comma >= 0 else ""
    if comma < 0 or len(aside.split()) > _ASIDE_WORDS or any(ch in "“”\"'" for ch in aside):
        return None
    left = (sent.start_char, sent.start_char + len(lead) - 1)
    rest = text[comma + 1:sent.end_char]
    right_start = comma + 1 + len(rest) - len(rest.lstrip(" \u00a0"))
    right = (right_start, len(text[:sent.end_char].rstrip(" \u00a0.!?\n")))
    words = text[right[0]:right[1]].split()
    first = words[0].lower().strip(",;:“\"") if words else ""
    if len(words) < 2 or len(text[left[0]:left[1]].split()) < 2 or first in ("and", "but", "or") or first.endswith("ing"):
        return None  # ("…, he said, adding that …": the next act; "…, he said, but …": the writer's)
    if content[1] <= src[0] and content[0] >= left[0]:
        return [(content[0], min(content[1], left[1])), right]
    opening = text[left[0]:left[1]]
    if content[0] >= right[0] and content[1] <= right[1] + 1 and not any(ch in opening for ch in "—–;:“”\"") and \
            " - " not in opening and opening.split()[0].lower() not in _FRAMING:
        return [left, content]  # (not "Although …, she said, …" nor a sentence the cue's clause only ends)
    return None


def _around(span: tuple[int, int], hole: tuple[int, int], text: str) -> list[tuple[int, int]] | None:
    """The two pieces of a content with its attribution phrase set inside it ("Now, according to the poll,
    some towns are swinging", "Rather, he said, the plan will fail"): the phrase is not what the source
    said (PolNeAR leaves it out); None when the phrase is not between words of the content."""
    a, b = span
    if not a < hole[0] < hole[1] < b:
        return None
    left = len(text[:hole[0]].rstrip(_SET_OFF))
    right = b - len(text[hole[1]:b].lstrip(_SET_OFF))
    if left <= a or right >= b or "\n" in text[left:right]:
        return None
    return [(a, left), (right, b)]


# -- 2. verb cues -----------------------------------------------------------------------------
_CONTRACTIONS = {"'s": "be", "'re": "be", "'m": "be", "'ve": "have", "'d": "would", "'ll": "will", "ca": "can",
                 "wo": "will"}


def lemma_of(tok: Token) -> str:
    """The verb's lemma, lower-cased, with contractions in any apostrophe read as their verb."""
    lemma = tok.lemma_.lower().replace("’", "'")
    return _CONTRACTIONS.get(lemma, lemma)


def in_quotation(char: int, quoted: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(quoted, (char, 1 << 62)) - 1
    return i >= 0 and quoted[i][0] < char < quoted[i][1]


def frame_of(tok: Token, kids: list[Token] | None = None) -> str:
    """What hangs on a verb: a clause, an infinitive, an object, or nothing (``kids``: its children, when
    the caller has them)."""
    kids = list(tok.children) if kids is None else kids
    deps = {c.dep_ for c in kids}
    if "ccomp" in deps or tok.dep_ == "parataxis":
        return "ccomp"
    if "xcomp" in deps:
        return "xcomp"
    if deps & {"dobj", "obj", "dative"}:
        return "dobj"
    if any(c.dep_ == "prep" and c.lower_ in _TOPIC_PREPS for c in kids if c.i > tok.i):
        return "prep"  # "spoke of", "warned about", "called for"
    return "none"


def candidates(sent: Span, quoted: list[tuple[int, int]], text: str) -> Iterator[tuple[Token, tuple[int, int] | None,
                                                                           tuple[int, int] | None]]:
    """Each verb that could be a cue, with its source span and an adjacent quotation (or None)."""
    doc, table = sent.doc, tokens(sent.doc)
    pos, dep = table.pos, table.dep
    for k in range(sent.start, sent.end):
        if pos[k] not in ("VERB", "AUX") or (pos[k] == "AUX" and dep[k] in ("aux", "auxpass")):
            continue
        tok = doc[k]
        if in_quotation(tok.idx, quoted) or tok.lower_ in ACCORDING or not tok.text[:1].isalpha():
            continue  # the speaker's own "I think" inside a quotation: the quotation is the statement
        src = _source_of(tok)
        if src is not None and in_quotation(src[0], quoted):  # the parse took words of the quotation
            after = next((c for c in tok.rights if c.dep_ in ("nsubj", "nsubjpass") and not in_quotation(c.idx, quoted)), None)
            src = _np_span(after) if after is not None else _between_quotation_and_cue(tok, quoted)  # '"…," said
            # Jane Roe' (a second subject after the cue) or '"…," the commander said'
        adjacent = _adjacent_quotation(tok, src, quoted, text)
        if adjacent is None and tok.head.i != tok.i and in_quotation(tok.head.idx, quoted):
            adjacent = _adjacent_quotation(tok, src, quoted, text, loose=True)  # '"…. A, B," Jane Roe said.' hung
        yield tok, src, adjacent or _block_span(tok, src, text)  # on a verb of the quotation: the quotation


def _between_quotation_and_cue(tok: Token, quoted: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The noun phrase between a quotation and its postposed cue, as the source."""
    i = bisect.bisect_left(quoted, (tok.idx, 0)) - 1
    if i < 0:
        return None
    words = [t for t in tok.doc[max(0, tok.i - 12):tok.i] if t.idx >= quoted[i][1] and not t.is_punct
             and not t.is_space]
    if not words or any(t.pos_ not in ("DET", "PROPN", "NOUN", "ADJ", "PRON", "NUM", "ADP", "PART", "CCONJ")
                        for t in words):
        return None
    return words[0].idx, words[-1].idx + len(words[-1].text)


_NAME_WORDS = frozenset({"DET", "PROPN", "NOUN", "ADJ", "NUM", "PART"})
_INVERTED_WORDS = 8


def _inverted_source(tok: Token, quoted: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The source of a cue set right after the quotation it reports, before its subject ('"…," said Jane Roe',
    '"…," added a county official'), which the parser took for the verb's object or an adverb: the noun
    phrase after the verb, up to the next punctuation, when it is nothing else."""
    doc = tok.doc
    i = bisect.bisect_left(quoted, (tok.idx, 0)) - 1
    if i < 0:
        return None
    quote = quoted[i]
    if not 0 <= tok.idx - quote[1] <= 4 or any(not (t.is_punct or t.is_space) for t in doc[max(0, tok.i - 3):tok.i]
                                               if t.idx >= quote[1]):
        return None
    words = []
    for t in doc[tok.i + 1:min(tok.sent.end, tok.i + 1 + _INVERTED_WORDS)]:
        if t.is_punct or t.is_space:
            break
        if t.pos_ not in _NAME_WORDS and not (t.pos_ == "ADV" and t.text[:1].isupper()):
            return None  # '"…," said the mayor would …': not a phrase of its own
        words.append(t)
    if not words or len(words) == _INVERTED_WORDS or words[-1].pos_ not in ("PROPN", "NOUN") and not words[-1].text[:1].isupper():
        return None
    if any(t.dep_ in ("nsubj", "nsubjpass") and t.head.i == tok.i for t in words):
        return None  # (the parse found the subject: _source_of has it; a subject the parse gave a verb of the
    # source's own relative clause, '"…," said Jane Roe, who led … and backed …', is still this cue's source)
    return words[0].idx, words[-1].idx + len(words[-1].text)


def cue_features(tok: Token, src: tuple[int, int] | None, adjacent: bool) -> list[str]:
    """What the cue model looks at: the verb, its frame, its place in the parse, its source's kind."""
    kids = list(tok.children)  # (read once: each walk of a token's children makes new Token objects)
    rights = [c for c in kids if c.i > tok.i]
    lemma, frame = lemma_of(tok), frame_of(tok, kids)
    dep, tag = tok.dep_, tok.tag_
    subj = _subject_kind(tok, src)
    prep = next((c.lower_ for c in rights if c.dep_ == "prep"), "-")
    mark = next((m.lower_ for c in kids if c.dep_ == "ccomp" for m in c.children if m.dep_ == "mark"), "-")
    quote = "q" if adjacent else "-"
    feats = ["bias", f"L={lemma}", f"F={frame}", f"LF={lemma}|{frame}", f"D={dep}", f"LD={lemma}|{dep}",
             f"T={tag}", f"LT={lemma}|{tag}", f"S={subj}", f"LS={lemma}|{subj}", f"FS={frame}|{subj}",
             f"Q={quote}", f"LQ={lemma}|{quote}", f"P={prep}", f"LP={lemma}|{prep}", f"M={mark}", f"LM={lemma}|{mark}"]
    if dep in ("xcomp", "advcl", "ccomp", "conj", "relcl", "acl") and tok.head.i != tok.i:
        feats.append(f"H={lemma_of(tok.head)}|{dep}")
    obj = next((c for c in rights if c.dep_ in ("dobj", "xcomp", "ccomp")), None)
    if obj is not None:
        feats += [f"O={obj.dep_}|{obj.lemma_.lower()}", f"LO={lemma}|{obj.lemma_.lower()}"]
    if src is not None and src[0] > tok.idx:
        feats.append(f"INV={lemma}")  # "said Smith": the source after the verb
    if any(c.dep_ == "neg" for c in kids):
        feats.append(f"N={lemma}")
    return feats


def _subject_kind(tok: Token, src: tuple[int, int] | None) -> str:
    if src is None:
        return "none"
    span = tok.doc.char_span(src[0], src[1], alignment_mode="expand")
    if span is None:
        return "none"
    head = span.root
    if head.ent_type_:
        return head.ent_type_
    if head.pos_ == "PRON":
        return "PRON:" + head.lower_
    return head.pos_ + ":" + head.lemma_.lower() if head.pos_ == "NOUN" else head.pos_


def _verb_cues(sent: Span, cues: CueTable, quoted: list[tuple[int, int]], text: str,
               bounds: CueTable, v: Vocab) -> list[Relation]:
    out: list[Relation] = []
    for tok, src, adjacent in candidates(sent, quoted, text):
        score = cues.score(cue_features(tok, src, adjacent is not None))
        if score < cues.threshold:
            continue
        if src is None:
            src = _inverted_source(tok, quoted) or _after_cue(tok, out)
        src = _object_controller(tok) or src
        content = adjacent or _clause_end(tok, _content_of(tok, sent, bounds, quoted, v), text) or \
            _adjacent_quotation(tok, src, quoted, text, loose=True)
        if content is None:
            continue
        hole = (min(_cue_start(tok), src[0] if src else tok.idx, tok.left_edge.idx),
                max(_cue_end(tok), src[1] if src else 0, tok.right_edge.idx + len(tok.right_edge.text)))
        cue_end = _cue_end(tok)
        block = _block_after(tok, src, text) if adjacent is not None and adjacent[0] >= sent.end_char else None
        parts = block if block and len(block) > 1 else None if adjacent else \
            _around(content, hole, text) or _parenthetical(content, tok, src, sent, text)
        if parts and not block:
            content = parts[0][0], parts[-1][1]
        rel = Relation(cue=text[_cue_start(tok):cue_end], cue_start=_cue_start(tok), cue_end=cue_end,
                       start=content[0], end=content[1], score=score, head=tok.i, parts=parts)
        if src is not None:
            rel.source_start, rel.source_end = src
            rel.mention_end = _mention_end(tok, src)
        out.append(rel)
    return out


def _after_cue(tok: Token, found: list[Relation]) -> tuple[int, int] | None:
    """The source of a participle cue right after another cue and its comma, which the parse did not hang on
    it ('"…," Jane Roe said, suggesting …'): that cue's source (its act goes on)."""
    if tok.tag_ != "VBG" or tok.i < 2 or tok.doc[tok.i - 1].text != ",":
        return None
    comma = tok.doc[tok.i - 1].idx
    for rel in reversed(found):
        if rel.source_start >= 0 and max(rel.cue_end, rel.source_end, rel.mention_end) == comma:
            return rel.source_start, rel.source_end
    return None


_CONTROL_STEPS = 3


def _object_controller(tok: Token) -> tuple[int, int] | None:
    """The source of an infinitive cue that hangs on a verb with an object before it ('X urged supporters to
    watch …', 'X pressed the chief to admit …', 'the attacks prompted the alliance to order …'): the object does
    the act, not the subject of the verb above (object control); up the infinitives that have no subject of
    their own ('urged voters to stop backing')."""
    cur = tok
    for _ in range(_CONTROL_STEPS):
        if cur.dep_ != "xcomp" or cur.head.i == cur.i or any(c.dep_ in _SUBJECTS for c in cur.children):
            return None
        obj = next((c for c in cur.head.children if c.dep_ in ("dobj", "obj") and c.i < cur.i), None)
        if obj is not None:
            return None if obj.pos_ == "PRON" and obj.lower_ in ("it", "this", "that") else _np_span(obj)
        cur = cur.head
    return None


def _mention_end(cue: Token, src: tuple[int, int]) -> int:
    """Where the source mention as written ends: with the apposition or relative clause that follows its
    head before the cue ("Jane Roe, the agency's director, said"), without the closing comma."""
    span = cue.doc.char_span(src[0], src[1], alignment_mode="expand")
    if span is None:
        return src[1]
    root = span.root
    words = [t for t in root.subtree if t.i < cue.i and t.idx >= src[0]]
    if not words or words[-1].i >= cue.i or any("\n" in t.text for t in words):
        return src[1]
    while words and (words[-1].is_punct or words[-1].is_space):
        words.pop()
    end = words[-1].idx + len(words[-1].text) if words else src[1]
    return end if end > src[1] and end <= cue.idx else src[1]


def _cue_start(tok: Token) -> int:
    """The cue starts at the auxiliaries and negation right before the verb ("has not said")."""
    first = tok
    while first.i > 0 and tok.doc[first.i - 1].dep_ in ("aux", "auxpass", "neg") and tok.doc[first.i - 1].head.i == tok.i:
        first = tok.doc[first.i - 1]
    return first.idx


def _cue_end(tok: Token) -> int:
    prt = [c for c in tok.rights if c.dep_ == "prt"]
    last = prt[-1] if prt else tok
    return last.idx + len(last.text)


def _adjacent_quotation(tok: Token, src: tuple[int, int] | None, quoted: list[tuple[int, int]],
                        text: str, loose: bool = False) -> tuple[int, int] | None:
    """A quotation that ends just before the cue and its source ('"…," he said', '"…," said Smith') or
    starts just after it ('said: "…"'), within the paragraph: the quotation is the content."""
    left = min(tok.idx, src[0]) if src else tok.idx
    right = max(_cue_end(tok), src[1]) if src else _cue_end(tok)
    i = bisect.bisect_left(quoted, (left, 0)) - 1
    if i >= 0 and quoted[i][1] <= left:
        gap = text[quoted[i][1]:left]
        if _only_punct(gap):  # '"…", he said'; with the comma inside the marks ('"…," he said') the parse's
            return quoted[i]  # clause is the content (measured better), the quotation only when it has none
        if loose and len(gap) <= 2 and not gap.strip() and \
                text[quoted[i][0]:quoted[i][1]].rstrip("”\"’' ")[-1:] in (",", "—", "–", "?", "!"):
            return quoted[i]
    k = bisect.bisect_left(quoted, (right, 0))
    if k < len(quoted) and _only_punct(text[right:quoted[k][0]], colon=True):
        return quoted[k]
    return None


_LEAD_IN_WORDS = 8  # "said in a statement on Friday:" — a few words between the cue and its colon
_MAX_BLOCK_PARAGRAPHS = 20


def _block_after(tok: Token, src: tuple[int, int] | None, text: str) -> list[tuple[int, int]] | None:
    """The paragraphs a cue introduces with a colon that ends its own paragraph ('The agency reported:'
    then the block): the next paragraph, and the ones after it while a quotation opened there has
    not closed (a quotation over several paragraphs opens each with a mark and closes only the last)."""
    right = max(_cue_end(tok), src[1]) if src else _cue_end(tok)
    stop = text.find("\n", right, right + 200)
    lead = text[right:stop].rstrip() if stop >= 0 else ""
    if not lead.endswith(":") or len(lead.split()) > _LEAD_IN_WORDS or any(ch in "“”\"" for ch in lead):
        return None
    pos = stop
    parts: list[tuple[int, int]] = []
    while pos < len(text) and len(parts) < _MAX_BLOCK_PARAGRAPHS:
        while pos < len(text) and text[pos] in " \n\u00a0":
            pos += 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        body = text[pos:end].rstrip()
        if not body or (parts and body[0] not in "“\""):
            break
        parts.append((pos, pos + len(body)))
        opened = body.count("“") - body.count("”") if "“" in body else body.count('"') % 2
        if body[0] not in "“\"" or opened <= 0:
            break
        pos = end
    return parts or None


def _block_span(tok: Token, src: tuple[int, int] | None, text: str) -> tuple[int, int] | None:
    block = _block_after(tok, src, text)
    return (block[0][0], block[-1][1]) if block else None


def _only_punct(gap: str, colon: bool = False) -> bool:
    """Nothing but a comma, dash or spaces (or a colon, after a cue) between two things."""
    if len(gap) > 6 or "\n\n" in gap:
        return False
    allowed = " ,—–-\u00a0" + (":" if colon else "")
    return all(ch in allowed for ch in gap) and (colon or "," in gap or "—" in gap or "–" in gap)


def _noun_cues(sent: Span, quoted: list[tuple[int, int]], text: str, found: list[Relation],
               v: Vocab) -> list[Relation]:
    """Nouns that attribute a stance to their owner (``data/claims.toml`` [attribution.cue_nouns]):
    "Trump's criticism of the deal", "the senator raised questions about the plan", "her claim that …".
    The owner is the possessor, or the subject of the verb the noun is the object of; without one there is
    no relation ("support for the bill grew"). The content is the object of the noun's preposition or its
    "that" clause; a noun inside a quotation or inside another relation's cue is skipped."""
    nouns = v.cue_nouns
    cue_spans = [(r.cue_start, r.cue_end) for r in found]
    out = []
    doc, table = sent.doc, tokens(sent.doc)
    for k in range(sent.start, sent.end):
        frames = nouns.get(table.lemma[k]) if table.pos[k] == "NOUN" else None
        if not frames or in_quotation(table.idx[k], quoted) or any(a <= table.idx[k] < b for a, b in cue_spans):
            continue
        tok = doc[k]
        content: list[Token] = []
        last = tok
        for child in tok.rights:
            if child.dep_ == "prep" and child.lower_ in frames:
                obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if obj is not None and obj.ent_type_ not in ("DATE", "TIME"):  # "remarks on Saturday"
                    content, last = list(obj.subtree), child
                break
            if "that" in frames and child.dep_ in ("acl", "ccomp", "relcl") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
                content = list(child.subtree)
                break
        span = _trim(sent, content) if content else None
        if span is None:
            continue
        owner = next((c for c in tok.children if c.dep_ == "poss"), None)
        src = _np_span(owner) if owner is not None else None
        if owner is not None and owner.right_edge.tag_ == "POS" and owner.right_edge.i > owner.left_edge.i:
            src = (owner.left_edge.idx, owner.right_edge.idx)  # "The mayor's" -> "The mayor"
            src = (src[0], len(text[:src[1]].rstrip()))
        start = tok.left_edge.idx if owner is not None else tok.idx
        verb = None
        if src is None and tok.dep_ == "dobj" and lemma_of(tok.head) in v.owning_verbs:
            src = _source_of(tok.head)  # "raised questions about", "launched attacks on"
            start, verb = _cue_start(tok.head), tok.head.i
        if src is None or in_quotation(src[0], quoted) or src[0] >= span[0]:
            continue
        if owner is not None:
            start = max(start, owner.right_edge.idx + len(owner.right_edge.text))
        for rel in found:  # the verb's own relation had the noun phrase as content: the noun's replaces it
            if verb is not None and rel.head == verb and rel.start <= tok.idx < rel.end:
                rel.end = rel.start
        end = last.idx + len(last.text)
        out.append(Relation(cue=re.sub(r"^[’']s\s+", "", text[start:end]).strip(), cue_start=start, cue_end=end,
                            start=span[0], end=span[1], source_start=src[0], source_end=src[1], head=tok.i))
    return out


# -- 3. content -------------------------------------------------------------------------------
def _content_of(tok: Token, sent: Span, bounds: CueTable, quoted: list[tuple[int, int]],
                v: Vocab) -> tuple[int, int] | None:
    """The char span of what the cue introduces (see step 3)."""
    framed = _framed_content(tok, sent)
    if framed is not None:
        return framed
    return _learned_content(tok, sent, bounds, quoted, v)


def _framed_content(tok: Token, sent: Span) -> tuple[int, int] | None:
    """Content the cue's frame fixes: a passive's subject, a clause before the cue, the clause around it."""
    passive = next((c for c in tok.lefts if c.dep_ == "nsubjpass"), None)
    if passive is not None and any(c.dep_ == "agent" for c in tok.rights) and not any(
            c.dep_ in ("ccomp", "xcomp") for c in tok.children):  # "the nominee was endorsed by 40 papers"
        return _trim(sent, list(passive.subtree))
    before = [c for c in tok.lefts if c.dep_ in ("ccomp", "parataxis")]
    if before:  # "…, the ministry said" / "… it was the right thing, he said"
        return _trim(sent, list(before[0].subtree))
    if (tok.dep_ == "parataxis" or (tok.dep_ == "ccomp" and tok.head.i < tok.i)) and not any(
            c.dep_ in ("ccomp", "xcomp", "dobj") and c.i > tok.i for c in tok.children):
        mine = {t.i for t in tok.subtree}  # "…, he said" or "But, he said, …": the clause around the cue
        return _trim(sent, [t for t in tok.head.subtree if t.i not in mine and not _concessive(t, tok)])
    return None



_NO_UNIT = frozenset({"aux", "auxpass", "neg", "punct", "cc", "nsubj", "nsubjpass", "csubj", "csubjpass", "expl",
                      "preconj", "intj", "discourse", "prt", "agent", "case"})
_SPINE_DEPTH = 4  # how far down the right edge of the content the model trims


def content_units(tok: Token) -> tuple[list[Token], Token | None]:
    """The cue's dependents after it that may be content (its object, clause, infinitive, phrases, coordinated
    verbs), and the clause that always is ("said that …"; "said, citing X, that …"), or None."""
    units = [c for c in tok.rights if c.dep_ not in _NO_UNIT]
    clause = next((c for c in units if c.dep_ == "ccomp"), None)
    if clause is None:
        citing = _clause_after_citing(tok)
        clause = citing[0] if citing else None
        if clause is not None:
            units = [u for u in units if u.i not in {t.i for t in clause.ancestors}] + [clause]
            units.sort(key=lambda u: u.i)
    return units, clause


def spine_units(node: Token) -> list[Token]:
    """The dependents after ``node`` that may end the content below it."""
    return [c for c in node.rights if c.dep_ not in ("punct", "cc", "case")]


@dataclass(frozen=True, slots=True)
class CueContext:
    """What every unit of one cue's content is judged with: the cue, its lemma and frame, where its sentence
    ends (token index), the engine's occasion nouns ("in a statement", "during a visit") and the quotations."""

    cue: Token
    lemma: str
    frame: str
    sent_end: int
    occasions: frozenset[str]
    quoted: list[tuple[int, int]]
    subject: Token | None = None  # the cue's subject, when it has one


def cue_context(tok: Token, sent: Span, quoted: list[tuple[int, int]], v: Vocab) -> CueContext:
    subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return CueContext(tok, lemma_of(tok), frame_of(tok), sent.end, v.occasions, quoted, subject)


def _subject_relation(unit: Token, kids: list[Token], speaker: Token | None) -> str:
    """How a clause's subject stands to the cue's: none, the same words or a pronoun after a speaker (the
    speaker's own act, 'said X as he toured Y'), another pronoun, or another subject."""
    subj = next((c for c in kids if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return "none"
    if speaker is not None and (subj.lower_ == speaker.lower_ or (
            subj.pos_ == "PRON" and subj.lower_ not in ("it", "they", "we", "i", "you", "there", "this", "that")
            and speaker.pos_ != "PRON")):
        return "same"
    return "pron" if subj.pos_ == "PRON" else "other"


def unit_features(ctx: CueContext, unit: Token, depth: int, root: str) -> list[str]:
    """What the boundary model looks at for one unit: its dependency (at the cue or below, and the dependency
    at the cue of the unit it is under, ``root``), its word when it is a preposition, marker or adverb, what
    it governs (a date, an occasion, a clause with its own subject, and whether that subject is the
    speaker's: ``_subject_relation``), the punctuation before it, its siblings, where it stands, and the
    cue's lemma and frame."""
    cue, lemma, frame = ctx.cue, ctx.lemma, ctx.frame
    doc = cue.doc
    dep = unit.dep_
    d = f"{min(depth, 2)}|{dep}"
    head = unit.head
    low = unit.lower_
    feats = ["bias", f"D={d}", f"DT={d}|{unit.tag_}", f"LD={lemma}|{d}", f"FD={frame}|{d}",
             f"HD={head.dep_ if depth else '-'}|{d}", f"R={root}|{d}", f"RT={root}|{d}|{unit.tag_}"]
    if dep in ("prep", "agent", "mark", "advmod", "npadvmod", "dative", "acomp", "dobj", "attr", "pobj") or \
            unit.pos_ in ("ADP", "SCONJ"):
        feats += [f"W={d}|{low}", f"LW={lemma}|{low}", f"RW={root}|{d}|{low}"]
    if low in _TIME_WORDS or unit.ent_type_ in ("DATE", "TIME"):
        feats.append(f"TIME={d}")
    kids = list(unit.children)
    obj = next((c for c in kids if c.dep_ in ("pobj", "pcomp")), None)
    if obj is not None:
        occasion = obj.lemma_.lower() in ctx.occasions
        feats += [f"OE={d}|{obj.ent_type_ or '-'}", f"OW={low}|{obj.ent_type_ or '-'}", f"OO={low}|{occasion}",
                  f"OT={d}|{obj.lower_ in _TIME_WORDS}|{obj.tag_}"]
        if obj.dep_ == "pcomp":
            feats.append(f"PC={low}|{obj.tag_}")
    if dep in ("advcl", "conj", "relcl", "acl", "ccomp", "xcomp", "parataxis", "pcomp", "appos"):
        mark = next((c.lower_ for c in kids if c.dep_ in ("mark", "advmod") and c.i < unit.i), "-")
        subj = next((c.dep_ for c in kids if c.dep_ in ("nsubj", "nsubjpass", "expl")), "-")
        feats += [f"M={d}|{mark}", f"S={d}|{subj}", f"MS={d}|{mark}|{subj}", f"VT={d}|{unit.tag_}",
                  f"LM={lemma}|{dep}|{mark}", f"U={d}|{unit.lemma_.lower()}", f"RM={root}|{d}|{mark}|{subj}"]
        feats.append(f"SJ={d}|{mark}|{_subject_relation(unit, kids, ctx.subject)}")
        if dep == "conj":
            cc = next((c.lower_ for c in head.children if c.dep_ == "cc" and c.i < unit.i), "-")
            feats += [f"CC={d}|{cc}", f"CCS={d}|{cc}|{subj}", f"CCP={unit.pos_}|{cc}"]
    edge = unit.left_edge.i
    before = doc[edge - 1].text if edge > 0 else ""
    punct = "," if before in (",", ";") else "-" if before in ("—", "–", "―", "--", "-") else \
        "q" if before in ("“", '"', "‘") else "w"
    feats += [f"P={d}|{punct}", f"PD={d}|{punct}|{unit.tag_}", f"RP={root}|{d}|{punct}"]
    gap = edge - (head.i if depth else cue.i)
    feats.append(f"G={d}|{min(gap, 5)}")
    size = unit.right_edge.i - edge + 1
    feats.append(f"Z={d}|{min(size.bit_length(), 5)}")
    later = [c.dep_ for c in head.children if c.i > unit.i and c.dep_ not in ("punct", "cc")]
    earlier = [c.dep_ for c in head.children if head.i < c.i < unit.i and c.dep_ not in ("punct", "cc")]
    feats += [f"N={d}|{later[0] if later else '-'}", f"B={d}|{earlier[-1] if earlier else '-'}",
              f"K={d}|{min(len(earlier), 3)}"]
    feats.append(f"E={d}|{unit.right_edge.i >= ctx.sent_end - 2}")
    if in_quotation(unit.idx, ctx.quoted):
        feats.append(f"Q={d}")
    return feats


def content_walk(tok: Token, keep: Callable[[Token, int, str], bool]) -> tuple[int, int] | None:
    """The first and last token of the content after the cue ``tok``: the units at the cue that ``keep`` keeps
    (a "that" clause always), from the first to the last, and down the last one's right edge the dependents it
    keeps (``keep(unit, depth, root)``, ``root`` the dependency at the cue of the unit they are under; below
    ``_SPINE_DEPTH`` the rest is kept unasked). The one walk of both use (``keep`` asks the boundary model)
    and training (``scripts/train_content.py``: ``keep`` records the unit and answers from the annotation)."""
    units, clause = content_units(tok)
    if not units:
        return None
    kept = [u for u in units if u is clause or keep(u, 0, "-")]
    if not kept:
        return None
    first, last = kept[0].left_edge.i, kept[-1].i
    node, depth = kept[-1], 1
    root = node.dep_
    while True:
        nxt = None
        for child in reversed(spine_units(node)):
            if depth <= _SPINE_DEPTH and not keep(child, depth, root):
                continue
            nxt = child
            break
        if nxt is None:
            return first, max(last, node.i)
        if depth > _SPINE_DEPTH:
            return first, max(last, nxt.right_edge.i)
        last = max(last, nxt.i)
        node, depth = nxt, depth + 1


def _learned_content(tok: Token, sent: Span, bounds: CueTable, quoted: list[tuple[int, int]],
                     v: Vocab) -> tuple[int, int] | None:
    """The content after the cue as the boundary model keeps it (``content_walk``)."""
    ctx = cue_context(tok, sent, quoted, v)

    def keep(unit: Token, depth: int, root: str) -> bool:
        return bounds.score(unit_features(ctx, unit, depth, root)) >= bounds.threshold

    walked = content_walk(tok, keep)
    if walked is None:
        return None
    doc = tok.doc
    return _trim(sent, [doc[k] for k in range(walked[0], walked[1] + 1)])


def _clause_after_citing(tok: Token) -> list[Token]:
    """'said, citing X, that …': the parser often hangs the "that" clause on X; it is the cue's content."""
    for child in tok.rights:
        if child.lower_ in ACCORDING:
            for t in child.subtree:
                if t.dep_ in ("relcl", "ccomp", "acl") and any(
                        c.dep_ == "mark" and c.lower_ == "that" and c.pos_ == "SCONJ" for c in t.children):
                    return [t]
    return []


def _up_from(tok: Token) -> Iterator[int]:
    """Token indices of ``tok`` and its ancestors, nearest first (as ``tok.ancestors``, from the token table:
    no Token objects)."""
    head = tokens(tok.doc).head
    k, steps = tok.i, 0
    yield k
    while head[k] != k and steps < len(head):
        k = head[k]
        steps += 1
        yield k


_CONCESSIVE = frozenset({"although", "though", "whereas", "while"})


def _concessive(tok: Token, cue: Token) -> bool:
    """Inside a trailing "although …" / "while …" clause, which is the writer's, not the source's."""
    dep, doc = tokens(tok.doc).dep, tok.doc
    for k in _up_from(tok):
        if k == cue.i:
            return False
        if dep[k] == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONCESSIVE for c in doc[k].children) \
                and doc[k].left_edge.i > cue.i + 1:
            return True
    return False


def _clause_end(tok: Token, span: tuple[int, int] | None, text: str) -> tuple[int, int] | None:
    """Content after its cue ends at a semicolon outside quotation marks ("…; they only learned…")."""
    if span is None or span[0] < tok.idx:
        return span
    depth, stop = 0, span[1]
    for i in range(span[0], span[1]):
        ch = text[i]
        if ch in "“‘":
            depth += 1
        elif ch in "”’" and depth:
            depth -= 1
        elif ch == ";" and depth == 0 and text[span[0]:i].count('"') % 2 == 0:
            stop = i
            break
    return (span[0], stop) if stop > span[0] else span


def _trim(sent: Span, toks: list[Token]) -> tuple[int, int] | None:
    """The contiguous char span over ``toks`` within the sentence, without edge punctuation."""
    inside = sorted((t for t in toks if sent.start <= t.i < sent.end), key=lambda t: t.i)
    while inside and (inside[0].is_punct or inside[0].is_space) and inside[0].text not in ("“", '"'):
        inside.pop(0)
    while inside and (inside[-1].is_punct or inside[-1].is_space) and inside[-1].text not in ("”", '"'):
        inside.pop()
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    return first.idx, last.idx + len(last.text)


# -- 4. source --------------------------------------------------------------------------------
def _source_of(tok: Token) -> tuple[int, int] | None:
    """Char span of the source mention: subject, passive agent, or the governing verb's subject."""
    seen = 0
    cur: Token = tok
    while seen < 4:
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "csubj")), None)
        if subj is None and cur.dep_ not in ("relcl",):
            agent = next((c for c in cur.children if c.dep_ == "agent"), None)
            subj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        if subj is None:
            subj = next((c for c in cur.children if c.dep_ == "nsubjpass"), None) if cur is tok and \
                tok.lemma_.lower() in ("quote", "ask") else None
        if subj is not None:  # "the official who said": the relative pronoun stands for the noun it follows
            relative = subj.lower_ in ("who", "that", "which") and cur.dep_ == "relcl"
            return _np_span(cur.head) if relative else _subjects_span(cur, subj)
        if cur.dep_ == "relcl":
            return _np_span(cur.head)
        if cur.dep_ == "acl" and cur.head.pos_ in ("NOUN", "PROPN") and cur.i > cur.head.i:
            noun = cur.head  # "Smith, refusing to testify": the noun; "issued a statement saying": its issuer
            if noun.lemma_.lower() in _DOCUMENT_NOUNS and noun.head.pos_ in ("VERB", "AUX") and noun.head.i != noun.i:
                cur = noun.head
                seen += 1
                continue
            return _np_span(noun)
        if cur.dep_ == "advcl" and cur.i < cur.head.i and _expletive_subject(cur.head):
            return None  # "Considering that …, it is …": a framing clause, not what the main subject says
        if cur.dep_ in ("xcomp", "advcl", "conj", "ccomp", "acl", "acomp") and cur.head.i != cur.i:
            cur = _coordinated_with(cur)  # (a fronted clause without a subject of its own, "Promising that …, Bolton said",
            seen += 1  # is its main clause's subject's; "be unable to … accuse": the subject of "be")
            continue
        verb = _verb_over_phrase(cur) if cur.dep_ == "pcomp" else None
        if verb is not None and (verb.i < cur.i or not _expletive_subject(verb)):
            cur = verb  # "… by saying that", "…, before insisting": the verb the phrase hangs on; so does a
            seen += 1  # fronted one: "After blasting X, Beck doubled down", "In addition to stating …, she"
            continue
        if cur.dep_ == "ROOT" and not any(c.dep_ in _SUBJECTS for c in cur.children):
            return _subject_before(cur)
        return None
    return None


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _coordinated_with(verb: Token) -> Token:
    """The verb whose subject ``verb`` shares: its head. A finite verb the parser coordinated with the last
    verb of a reported clause whose tense it does not share ("X said that the country would declare … and
    suggested that …": "suggested" goes with "said", not with "would declare") shares the reporting verb's."""
    head = verb.head
    if verb.dep_ != "conj" or head.dep_ != "ccomp" or verb.tag_ not in _FINITE or head.head.i == head.i:
        return head
    outer = head.head
    if outer.tag_ == verb.tag_ and head.tag_ != verb.tag_ and outer.i < head.i:
        return outer
    return head


def _subjects_span(verb: Token, subj: Token) -> tuple[int, int]:
    """The subject's noun phrase; with the subjects the parser hung on the verb side by side after it, a
    list it did not coordinate ("The family, protesters and civic leaders have demanded"), the whole list."""
    first = _np_span(subj)
    later = [c for c in verb.children if c.dep_ == "nsubj" and subj.i < c.i < verb.i]
    if not later:
        return first
    between = verb.doc[subj.right_edge.i + 1:later[0].left_edge.i]
    if len(between) > 2 or any(t.text not in (",", "and", "or", "&") for t in between):
        return first
    last = _np_span(later[-1])
    return first[0], max(first[1], last[1])


def _expletive_subject(verb: Token) -> bool:
    """Is the verb's subject an empty "it" or "there" (or missing)? Then a fronted phrase is nobody's act."""
    subj = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    return subj is None or subj.dep_ == "expl" or subj.lower_ in ("it", "there")


def _verb_over_phrase(pcomp: Token) -> Token | None:
    """The verb a prepositional phrase holding ``pcomp`` hangs on ("after blasting", "in addition to
    stating"): up through prepositions and their objects, at most three steps."""
    cur = pcomp.head
    for _ in range(3):
        if cur.dep_ not in ("prep", "pobj", "pcomp") or cur.head.i == cur.i:
            return None
        cur = cur.head
        if cur.pos_ in ("VERB", "AUX"):
            return cur
    return None


_NP_INSIDE = frozenset({"compound", "amod", "appos", "conj", "cc", "poss", "nmod", "pobj", "prep", "det",
                        "nummod", "case", "punct", "quantmod"})
_NAMED_HEAD = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _subject_before(verb: Token) -> tuple[int, int] | None:
    """A finite verb the parser gave no subject, its subject taken for an apposition of a fronted phrase
    ("At Boca West, where …, Jay Roe, the club's president, suggested"): the noun phrase that ends right
    before the verb and starts after a comma (or opens the sentence), headed by a name or a people noun;
    an apposition to a name set off the same way is that name's ("Jay Roe, the club's president")."""
    doc, start = verb.doc, verb.sent.start
    i = verb.i - 1
    while i > start and doc[i].head.i == verb.i and doc[i].dep_ in ("aux", "auxpass", "neg", "advmod", "punct"):
        i -= 1
    t = doc[i]
    people = vocab().people_like
    for _ in range(8):
        if t.i < start or t.i >= verb.i:
            return None
        edge = t.left_edge.i
        opens = edge == start or doc[edge - 1].text in (",", "—", "–") or _openers_only(doc[start:edge])
        named = t.ent_type_ in _NAMED_HEAD or t.lemma_.lower() in people or (t.pos_ == "PROPN" and not t.is_sent_start)
        if opens and named and t.pos_ in ("NOUN", "PROPN"):
            head = t.head
            if t.dep_ == "appos" and head.ent_type_ == "PERSON" and (head.left_edge.i == start or
                                                                    doc[head.left_edge.i - 1].text in (",", "—", "–")):
                t = head
            return _np_span(t)
        if t.dep_ not in _NP_INSIDE or t.head.i >= t.i:
            return _name_before(doc[i], verb)
        t = t.head
    return _name_before(doc[i], verb)


def _openers_only(words: Span) -> bool:
    """Nothing but a sentence's opening conjunction or adverb ("But", "And yet", "Still,") before a phrase."""
    return all(t.pos_ in ("CCONJ", "ADV", "INTJ", "PUNCT") for t in words) and any(t.pos_ != "PUNCT" for t in words)


def _name_before(last: Token, verb: Token) -> tuple[int, int] | None:
    """A name that ends right before a finite verb the parser gave no subject, taken as the object of a
    fronted phrase ("In a meeting with the board of the Post Jane Roe said …"): the name is the subject."""
    if last.ent_type_ not in _NAMED_HEAD or verb.tag_ not in _FINITE:
        return None
    first = last
    while first.i > verb.sent.start and first.ent_iob_ == "I":
        first = first.doc[first.i - 1]
    if first.i == verb.sent.start or last.dep_ == "nsubj":
        return None  # (a name that opens the sentence is its subject already, where the parse says so)
    return first.idx, last.idx + len(last.text)


_DOCUMENT_NOUNS = frozenset({"statement", "report", "letter", "release", "ad", "advertisement", "video", "post",
                             "tweet", "message", "email", "memo", "note", "filing", "lawsuit", "suit", "complaint",
                             "ruling", "order", "op-ed", "column", "editorial", "speech", "interview", "remark",
                             "comment", "document", "study", "survey", "poll", "book", "article", "story"})


def _np_span(head: Token) -> tuple[int, int]:
    """The noun phrase of ``head`` without a trailing relative clause or appositive clause."""
    toks = [t for t in head.subtree]
    rights = list(head.rights)
    last_conj = max((c.i for c in rights if c.dep_ == "conj"), default=-1)  # "A, B and C": a list, whole
    cut = [c for c in rights if c.i > head.i and (c.dep_ in ("relcl", "acl") or (c.dep_ == "punct" and c.i > last_conj))]
    if cut:
        stop = max(head.i + 1, min(c.left_edge.i for c in cut))  # (a relative clause from its pronoun: "the groups that said")
        toks = [t for t in toks if t.i < stop]
    while len(toks) > 1 and toks[-1].text in (",", ";", ":", "—", "–"):
        toks.pop()
    first, last = toks[0], toks[-1]
    return first.idx, last.idx + len(last.text)
