"""The statement filter: is a finished relation an attribution worth keeping, judged as a whole?

Public function: ``keep_relations(sdoc, relations, model, v) -> (kept, dropped)``. It runs after
``statements.find_relations`` and before attribution (component ``statement_filter``). The cue model
judges one verb where it stands; this model judges the relation it became, from what only the whole
relation shows (``relation_features``):
1. what made it — verb cue, cue noun, "according to", transcript turn, signed quotation, headline label —
   and the cue's lemma, tense, modal, negation and place in the parse, with the cue model's score (bucketed);
2. its content — length in tokens, sentences and paragraphs; quotation marks (none, part, whole); before
   or after the cue; the first word ("that", "to", a wh-word); a question;
3. its source — none, a pronoun, a name (its entity type), a speaker noun, another noun; before or after
   the cue;
4. the relations around it — content inside another relation's content or holding another relation's
   cue, the same source mention as another relation;
5. where it stands — the first line (a headline), the first sentence, after a colon.
``data/statement_model.json`` (written by ``scripts/train_statements.py`` from PolNeAR's train split,
crosswire's own relations labelled by the project's eval rules) holds a logistic regression's weights
over these features and the cut chosen on the train split. A relation scoring under the cut is dropped
(as a verb under the cue model's cut is no cue) from the quote records: attribution still resolves it,
so a figure inside it keeps its source and chain (the filter never changes a claim's source). Transcript
turns and "citing Y" phrases are never judged (``judged``).
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from .parsed import text_of, tokens
from .statements import CITING, Relation, frame_of, lemma_of, quotations

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .cues import CueTable
    from .vocab import Vocab

VERSION = "statement-filter-1"
_WH = frozenset({"what", "why", "how", "whether", "if", "who", "when", "where", "which"})
_MODALS = frozenset({"will", "would", "could", "can", "may", "might", "should", "must", "shall"})
_FIRST_PERSON = frozenset({"i", "we", "my", "our", "me", "us"})
_TOKEN_BINS = (2, 4, 6, 9, 13, 20, 30, 45, 70)


def _bucket(n: int, bins: tuple[int, ...]) -> str:
    k = bisect.bisect_left(bins, n)
    return f"<={bins[k]}" if k < len(bins) else f">{bins[-1]}"


def origin(rel: Relation, sdoc: Doc) -> str:
    """What made the relation: verb, noun, according_to, transcript, signed, headline."""
    if rel.kind in ("according_to", "transcript"):
        return rel.kind
    if rel.head < 0:
        return "headline" if rel.cue == ":" else "signed"
    return "noun" if sdoc[rel.head].pos_ in ("NOUN", "PROPN") else "verb"


def _quote_share(text: str, start: int, end: int, quoted: list[tuple[int, int]]) -> str:
    """How much of the content is inside quotation marks: none, part, whole."""
    size = max(1, end - start)
    inside = 0
    k = max(0, bisect.bisect_left(quoted, (start, 0)) - 1)
    while k < len(quoted) and quoted[k][0] < end:
        a, b = quoted[k]
        inside += max(0, min(b, end) - max(a, start))
        k += 1
    if inside == 0:
        return "none"
    return "whole" if inside >= 0.9 * size else "part"


def _source_kind(rel: Relation, sdoc: Doc, v: Vocab) -> str:
    if rel.source_start < 0:
        return "none"
    span = sdoc.char_span(rel.source_start, rel.source_end, alignment_mode="expand")
    if span is None or not len(span):
        return "none"
    head = span.root
    if head.pos_ == "PRON":
        return "pron"
    if head.ent_type_:
        return "ent:" + head.ent_type_
    if head.pos_ == "PROPN":
        return "propn"
    lemma = head.lemma_.lower()
    if lemma in v.people_like or lemma in v.generic_sources or lemma in v.people:
        return "speaker_noun"
    return "noun"


def _cue_shape(tok: Token) -> list[str]:
    """Tense, modal and negation of a verb cue, and its dependency."""
    aux = [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
    modal = next((a for a in aux if a in _MODALS), None)
    out = [f"tag={tok.tag_}", f"dep={tok.dep_}"]
    if modal:
        out.append("modal")
    if any(c.dep_ == "neg" for c in tok.children):
        out.append("neg")
    return out


def relation_features(rel: Relation, sdoc: Doc, others: list[Relation], quoted: list[tuple[int, int]],
                      v: Vocab, sent_starts: list[int] | None = None) -> list[str]:
    """What the statement model looks at (see the module docstring); ``others``: every relation of the
    document; ``sent_starts``: the sentences' first characters (computed when None)."""
    text = text_of(sdoc)
    table = tokens(sdoc)
    starts = sent_starts if sent_starts is not None else [s.start_char for s in sdoc.sents]
    made = origin(rel, sdoc)
    lemma = lemma_of(sdoc[rel.head]) if rel.head >= 0 else rel.cue.lower()
    spans = rel.parts or [(rel.start, rel.end)]
    i, j = bisect.bisect_left(table.idx, rel.start), bisect.bisect_left(table.idx, rel.end)
    words = sum(1 for k in range(i, j) if table.pos[k] not in ("PUNCT", "SPACE"))
    size = _bucket(words, _TOKEN_BINS)
    content = " ".join(text[a:b] for a, b in spans)
    sents = bisect.bisect_right(starts, rel.end - 1) - bisect.bisect_right(starts, rel.start) + 1
    marks = _quote_share(text, rel.start, rel.end, quoted) if not rel.parts else "block"
    src = _source_kind(rel, sdoc, v)
    first = table.lower[i] if i < j else "-"
    first = first if first in _WH or first in ("that", "to") else ("cap" if content[:1].isupper() else "other")
    where = "before" if rel.end <= rel.cue_start else ("after" if rel.start >= rel.cue_end else "around")
    src_side = "-" if rel.source_start < 0 else ("after" if rel.source_start > rel.cue_start else "before")
    feats = ["bias", f"O={made}", f"L={lemma}", f"OL={made}|{lemma}", f"N={size}", f"ON={made}|{size}",
             f"Q={marks}", f"OQ={made}|{marks}", f"QN={marks}|{size}", f"S={src}", f"OS={made}|{src}",
             f"LS={lemma}|{src}", f"W={where}", f"OW={made}|{where}", f"SS={src_side}", f"F={first}",
             f"LF={lemma}|{first}", f"SN={min(sents, 3)}", f"P={len(spans)}", f"SQ={src}|{marks}"]
    if "?" in content:
        feats.append("question")
    if "\n" in text[rel.start:rel.end]:
        feats.append("paragraphs")
    if rel.head >= 0 and made == "verb":
        tok = sdoc[rel.head]
        shape = _cue_shape(tok)
        feats += shape + [f"L{lemma}|{s}" for s in shape]
        feats.append(f"CS={min(9, int(rel.score * 10))}")
    feats += _position(rel, starts, text)
    feats += _nesting(rel, others, text)
    feats += _shape(rel, sdoc, i, j, lemma, made, size)
    return feats


def _shape(rel: Relation, sdoc: Doc, i: int, j: int, lemma: str, made: str, size: str) -> list[str]:
    """How the content sits in its sentence and in the parse: the share of the sentence it covers, whether it
    starts or ends the sentence, the dependency that joins it to the rest, whether it has a verb."""
    if j <= i:
        return ["empty"]
    table = tokens(sdoc)
    sent = sdoc[i].sent
    words = [k for k in range(sent.start, sent.end) if table.pos[k] not in ("PUNCT", "SPACE")]
    inside = [k for k in words if i <= k < j]
    share = len(inside) / max(1, len(words))
    out = [f"share={min(4, int(share * 5))}", f"Lshare={lemma}|{min(4, int(share * 5))}",
           f"sentlen={_bucket(len(words), (8, 15, 25, 40))}", f"LN={lemma}|{size}"]
    if words and i <= words[0]:
        out.append("starts_sentence")
    if words and words[-1] < j:
        out.append("ends_sentence")
    roots = {table.dep[k] for k in range(i, j) if not i <= table.head[k] < j and table.pos[k] not in ("PUNCT", "SPACE")}
    out += [f"R={d}" for d in sorted(roots)[:3]] + [f"nroots={min(3, len(roots))}"]
    if any(table.lower[k] in _FIRST_PERSON for k in range(i, j)):
        out.append("first_person")
    if not any(table.pos[k] in ("VERB", "AUX") for k in range(i, j)):
        out.append("no_verb")
        out.append(f"Ono_verb={made}")
    last = text_of(sdoc)[max(rel.start, rel.end - 1):rel.end]
    out.append(f"last={last if last in '.,!?;:' else ('quote' if last in chr(34) + '”' else 'word')}")
    if rel.head >= 0 and made == "verb":
        out.append(f"frame={frame_of(sdoc[rel.head])}")
        out.append(f"Lframe={lemma}|{frame_of(sdoc[rel.head])}")
    return out


def _position(rel: Relation, sent_starts: list[int], text: str) -> list[str]:
    anchor = min(rel.cue_start, rel.start)
    line_end = text.find("\n")
    out = []
    if line_end < 0 or anchor < line_end:
        out.append("first_line")
    k = bisect.bisect_right(sent_starts, anchor) - 1
    if k <= 1:
        out.append(f"sent={k}")
    para = text.count("\n\n", 0, anchor)
    out.append(f"para={_bucket(para, (0, 1, 4, 9))}")
    before = text[max(0, rel.start - 3):rel.start].strip()
    if before.endswith(":"):
        out.append("after_colon")
    return out


def _nesting(rel: Relation, others: list[Relation], text: str) -> list[str]:
    near = sum(1 for o in others if abs(o.cue_start - rel.cue_start) < 200)
    out = [f"near={min(3, near)}"]
    mention = text[rel.source_start:rel.source_end].lower() if rel.source_start >= 0 else None
    for o in others:
        if o is rel:
            continue
        if o.start <= rel.cue_start < o.end and o.start <= rel.start and rel.end <= o.end:
            out.append("inside")
            out.append(f"inside={o.kind}")
            if mention is not None and o.source_start >= 0 and text[o.source_start:o.source_end].lower() == mention:
                out.append("inside_same_source")
        if rel.start <= o.cue_start < rel.end:
            out.append("holds_cue")
        if (o.start, o.end) != (rel.start, rel.end) and o.start < rel.end and rel.start < o.end and \
                not (o.start <= rel.start and rel.end <= o.end) and not (rel.start <= o.start and o.end <= rel.end):
            out.append("crosses")
        if (o.start, o.end) == (rel.start, rel.end):
            out.append("same_content")
        if mention is not None and o.source_start == rel.source_start and o.cue_start != rel.cue_start:
            out.append("shared_source")
    return sorted(set(out))


def judged(rel: Relation, sdoc: Doc) -> bool:
    """Is the relation the model's to judge? Not a transcript turn (a labelled turn is a statement by the
    layout, as a soundbite is), nor a "citing Y" / "quoting Y" phrase (attribution makes it a link of another
    statement's chain, not a statement: it has no quote record to be right or wrong)."""
    if rel.kind == "transcript":
        return False
    return not (rel.kind == "according_to" and rel.head >= 0 and sdoc[rel.head].lower_ in CITING)


def keep_relations(sdoc: Doc, relations: list[Relation], model: CueTable,
                   v: Vocab) -> tuple[list[Relation], list[Relation]]:
    """The relations the statement model keeps (score at or over its cut) and those it drops."""
    if not model.weights:
        return relations, []
    quoted = quotations(text_of(sdoc))
    starts = [s.start_char for s in sdoc.sents]
    kept: list[Relation] = []
    dropped: list[Relation] = []
    for rel in relations:
        if not judged(rel, sdoc):
            kept.append(rel)
            continue
        p = model.score(relation_features(rel, sdoc, relations, quoted, v, starts))
        (kept if p >= model.threshold else dropped).append(rel)
    return kept, dropped
