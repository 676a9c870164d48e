"""Per-parse lookups that spaCy recomputes on every access, computed once per parsed document.

``Doc.text`` joins every token's text on each access, and ``Doc.char_span`` walks the tokens; the
extractors ask for both many times per report (they were about a fifth of extraction's own time,
benchmarks/extract.py). The results are kept in the parse's ``user_data`` under ``crosswire.*`` keys.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

_TEXT = "crosswire.text"
_ENDS = "crosswire.token_ends"


def text_of(sdoc: Doc) -> str:
    """``sdoc.text``, built once."""
    text = sdoc.user_data.get(_TEXT)
    if not isinstance(text, str):
        text = sdoc.text
        sdoc.user_data[_TEXT] = text
    return text


def span_text(span: Span) -> str:
    """``span.text`` (a sentence's, say), sliced from :func:`text_of` instead of joined token by token."""
    return text_of(span.doc)[span.start_char:span.end_char]


def remember_text(sdoc: Doc, text: str) -> None:
    """Record that ``sdoc`` was parsed from ``text`` (so :func:`text_of` need not rebuild it); ignored
    when the lengths disagree, since then it was not."""
    last = sdoc[-1] if len(sdoc) else None
    if last is not None and last.idx + len(last.text_with_ws) == len(text):
        sdoc.user_data[_TEXT] = text


def token_at(sdoc: Doc, char: int) -> int:
    """Index of the token at character ``char`` (whitespace belongs to the token after it), as
    ``sdoc.char_span(char, char + 1, alignment_mode="expand").start``; 0 outside the text."""
    ends = sdoc.user_data.get(_ENDS)
    if not isinstance(ends, list):
        if len(sdoc):
            arr = sdoc.to_array(["IDX", "LENGTH"])
            ends = (arr[:, 0] + arr[:, 1]).tolist()  # whole-array sum: iterating numpy rows was the cost
        else:
            ends = []
        sdoc.user_data[_ENDS] = ends
    if not 0 <= char < len(text_of(sdoc)):
        return 0
    i = bisect.bisect_right(ends, char)
    return i if i < len(ends) else 0


_TOKENS = "crosswire.tokens"


@dataclass(frozen=True, slots=True)
class Tokens:
    """Plain attributes of every token of one parse, as lists indexed by token index. Reading them creates
    no spaCy ``Token`` objects (each ``doc[i]`` and ``tok.head`` makes one, and the sentence walks of
    statements, attribution and claims made hundreds of thousands per batch): a walk scans these lists and
    builds a ``Token`` only for the words it keeps."""

    idx: list[int]  # tok.idx
    lower: list[str]  # tok.lower_
    lemma: list[str]  # tok.lemma_.lower()
    pos: list[str]  # tok.pos_
    dep: list[str]  # tok.dep_
    head: list[int]  # tok.head.i (a root is its own head)


_NAMES: dict[int, str] = {}  # string hash -> string (fixed by spaCy's hash function, so shared by every parse)
_LOWERED: dict[int, str] = {}  # lemma hash -> the lemma lower-cased
_NAMES_MAX = 1 << 20  # emptied when it grows past this many strings


def tokens(sdoc: Doc) -> Tokens:
    """The token table of ``sdoc``, built once (one array read; a string is looked up once per process)."""
    table = sdoc.user_data.get(_TOKENS)
    if isinstance(table, Tokens):
        return table
    n = len(sdoc)
    cols = sdoc.to_array(["IDX", "LOWER", "LEMMA", "POS", "DEP", "HEAD"]).T.tolist() if n else [[]] * 6
    if len(_NAMES) > _NAMES_MAX:
        _NAMES.clear()
        _LOWERED.clear()
    strings = sdoc.vocab.strings
    for h in set(cols[1]).union(cols[2], cols[3], cols[4]).difference(_NAMES):
        _NAMES[h] = strings[h]
    for h in set(cols[2]).difference(_LOWERED):
        _LOWERED[h] = _NAMES[h].lower()
    name, low = _NAMES, _LOWERED
    table = Tokens(idx=cols[0], lower=[name[h] for h in cols[1]], lemma=[low[h] for h in cols[2]],
                   pos=[name[h] for h in cols[3]], dep=[name[h] for h in cols[4]],
                   head=[i + (off - (1 << 64) if off >> 63 else off) for i, off in enumerate(cols[5])])
    # (HEAD is the offset to the head, read back as unsigned: a head to the left wraps round)
    sdoc.user_data[_TOKENS] = table
    return table
