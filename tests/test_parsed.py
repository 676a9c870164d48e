"""Per-parse lookups computed once: same answers as spaCy's own, for every character."""
from __future__ import annotations

import spacy

from crosswire.extract.parsed import remember_text, text_of, token_at

TEXT = ("  The ministry said on Tuesday that 1,200 troops\u2014about two brigades\u2014had arrived.\n\n"
        "\u201cWe saw them,\u201d a resident told reporters.  ")


def test_token_at_is_char_span_expand_for_every_character() -> None:
    sdoc = spacy.blank("en")(TEXT)
    for char in range(-2, len(TEXT) + 2):
        span = sdoc.char_span(char, char + 1, alignment_mode="expand") if char >= 0 else None
        assert token_at(sdoc, char) == (span.start if span is not None else 0), char


def test_text_is_built_once_and_a_wrong_text_is_not_remembered() -> None:
    sdoc = spacy.blank("en")(TEXT)
    assert text_of(sdoc) == TEXT
    other = spacy.blank("en")(TEXT)
    remember_text(other, TEXT + "more")  # not what it was parsed from: ignored
    assert text_of(other) == TEXT
    same = spacy.blank("en")(TEXT)
    remember_text(same, TEXT)
    assert same.user_data["crosswire.text"] is TEXT


def test_an_empty_parse_has_no_token_at_any_character() -> None:
    sdoc = spacy.blank("en")("")
    assert text_of(sdoc) == "" and token_at(sdoc, 0) == 0
