"""Per-parse lookups that spaCy recomputes on every access, computed once per parsed document.

``Doc.text`` joins every token's text on each access, and ``Doc.char_span`` walks the tokens; the
extractors ask for both many times per report (they were about a fifth of extraction's own time,
benchmarks/extract.py). The results are kept in the parse's ``user_data`` under ``crosswire.*`` keys.
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_TEXT = "crosswire.text"
_ENDS = "crosswire.token_ends"


def text_of(sdoc: Doc) -> str:
    """``sdoc.text``, built once."""
    text = sdoc.user_data.get(_TEXT)
    if not isinstance(text, str):
        text = sdoc.text
        sdoc.user_data[_TEXT] = text
    return text


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
