"""The gazetteer's entity ruler: every alias is matched as a phrase, never by spaCy's token Matcher.

spaCy's EntityRuler sends a pattern that is a list of token attributes to its token ``Matcher``,
which tries every such pattern at every token. The gazetteer's case-exact aliases ("UN", "AP",
"KBS": a lower-case match would swallow the "Un" of "Kim Jong Un") were such patterns, and
matching them was most of the ruler's time (about 6 ms of 7 per report, benchmarks/extract.py).
Here they go to a second ``PhraseMatcher`` on ``ORTH`` (exact spelling) and everything else to one
on ``LOWER``; matches are then chosen and written as the EntityRuler does with ``overwrite_ents``:
longest first, then earliest, a span never overlapping one already taken, any entity it overlaps
replaced. Pattern dicts are the EntityRuler's (``label``, ``pattern``, ``id``), so the gazetteer's
:meth:`~crosswire.nlp.gazetteer.Gazetteer.ruler_patterns` feeds either.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

FACTORY = "crosswire_gazetteer_ruler"
ID_SEP = "||"  # the key of a match is "LABEL||id", as in spaCy's EntityRuler


class GazetteerRuler:
    """Phrase-only entity ruler: ``LOWER`` for ordinary aliases, ``ORTH`` for case-exact ones."""

    def __init__(self, nlp: Language, name: str = FACTORY) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.tokenizer = nlp.tokenizer
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.keys: dict[int, tuple[str, str]] = {}  # match id -> (label, entity id)
        self.n_patterns = 0

    def add_patterns(self, patterns: Iterable[dict[str, Any]]) -> None:
        """Add EntityRuler-style patterns: a string is matched case-insensitively; a list of
        ``{"ORTH": word}`` token dicts is matched with exactly that spelling."""
        for p in patterns:
            label, ent_id, pattern = str(p["label"]), str(p.get("id", "")), p["pattern"]
            key = f"{label}{ID_SEP}{ent_id}" if ent_id else label
            self.keys[self.vocab.strings.add(key)] = (label, ent_id)
            if isinstance(pattern, str):
                self.lower.add(key, [self.tokenizer(pattern)])
            elif all(isinstance(t, dict) and set(t) == {"ORTH"} for t in pattern):
                self.exact.add(key, [Doc(self.vocab, words=[str(t["ORTH"]) for t in pattern])])
            else:
                raise ValueError(f"gazetteer ruler pattern for {key!r}: expected a phrase string or a "
                                 f"list of {{'ORTH': word}} tokens, got {pattern!r}")
            self.n_patterns += 1

    def __len__(self) -> int:
        return self.n_patterns

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """Matches as (match id, start, end), longest first, then earliest."""
        found = {(m, s, e) for m, s, e in (*self.exact(doc), *self.lower(doc)) if s != e}
        return sorted(found, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    def __call__(self, doc: Doc) -> Doc:
        entities = list(doc.ents)
        new: list[Span] = []
        taken: set[int] = set()
        for match_id, start, end in self.match(doc):
            if start in taken or end - 1 in taken:
                continue
            label, ent_id = self.keys[match_id]
            new.append(Span(doc, start, end, label=label, span_id=ent_id))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
            taken.update(range(start, end))
        doc.ents = entities + new
        return doc


@Language.factory(FACTORY)
def make_gazetteer_ruler(nlp: Language, name: str) -> GazetteerRuler:
    """spaCy factory; the patterns are added afterwards (:func:`crosswire.nlp.entities.make_ruler`)."""
    return GazetteerRuler(nlp, name)
