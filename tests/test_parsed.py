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


def test_token_table_holds_each_tokens_attributes_and_heads_on_both_sides() -> None:
    from spacy.tokens import Doc

    from crosswire.extract.parsed import span_text, tokens

    words = ["The", "Ministry", "SAID", "1,200", "troops", "had", "arrived", "."]
    sdoc = Doc(spacy.blank("en").vocab, words=words, spaces=[True] * 6 + [False, False],
               heads=[1, 2, 2, 4, 6, 6, 2, 2],  # heads to the left, to the right, and the root (its own head)
               deps=["det", "nsubj", "ROOT", "nummod", "nsubj", "aux", "ccomp", "punct"],
               pos=["DET", "PROPN", "VERB", "NUM", "NOUN", "AUX", "VERB", "PUNCT"],
               lemmas=["the", "Ministry", "Say", "1,200", "troop", "have", "arrive", "."])
    table = tokens(sdoc)
    assert table.idx == [t.idx for t in sdoc]
    assert table.lower == [t.lower_ for t in sdoc] and table.lower[2] == "said"
    assert table.lemma == [t.lemma_.lower() for t in sdoc] and table.lemma[2] == "say"
    assert table.pos == [t.pos_ for t in sdoc] and table.dep == [t.dep_ for t in sdoc]
    assert table.head == [t.head.i for t in sdoc] == [1, 2, 2, 4, 6, 6, 2, 2]
    assert tokens(sdoc) is table  # built once per parse
    sent = sdoc[3:7]
    assert span_text(sent) == sent.text == "1,200 troops had arrived"
    empty = tokens(spacy.blank("en")(""))
    assert empty.idx == [] and empty.head == []
