"""The gazetteer's phrase ruler: case-exact aliases, longest match first, EntityRuler-style ids."""
from __future__ import annotations

import pytest
import spacy

from crosswire.nlp.ruler import FACTORY, GazetteerRuler


@pytest.fixture()
def ruler_nlp():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe(FACTORY, name="gaz")
    ruler.add_patterns([
        {"label": "ORG", "pattern": [{"ORTH": "UN"}], "id": "un"},
        {"label": "PERSON", "pattern": "Kim Jong Un", "id": "kim-jong-un"},
        {"label": "ORG", "pattern": "Korea Herald", "id": "korea-herald"},
        {"label": "GPE", "pattern": "Korea", "id": "korea"},
    ])
    return nlp


def ents(doc) -> list[tuple[str, str, str]]:
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def test_case_exact_alias_matches_only_its_spelling(ruler_nlp) -> None:
    assert ents(ruler_nlp("The UN said so.")) == [("UN", "ORG", "un")]
    assert ents(ruler_nlp("The un said so.")) == []
    assert ents(ruler_nlp("He met Un in Pyongyang.")) == []


def test_phrase_alias_ignores_case_and_longest_match_wins(ruler_nlp) -> None:
    assert ents(ruler_nlp("KIM JONG UN spoke to the korea herald.")) == [
        ("KIM JONG UN", "PERSON", "kim-jong-un"), ("korea herald", "ORG", "korea-herald")]


def test_an_existing_entity_overlapping_a_match_is_replaced(ruler_nlp) -> None:
    doc = ruler_nlp.make_doc("Reporters from Korea Herald came.")
    doc.ents = [doc.char_span(0, 9, label="NORP"), doc.char_span(15, 20, label="LOC")]
    out = ruler_nlp.get_pipe("gaz")(doc)
    assert ents(out) == [("Reporters", "NORP", ""), ("Korea Herald", "ORG", "korea-herald")]


def test_a_token_pattern_other_than_exact_spelling_is_refused() -> None:
    ruler = GazetteerRuler(spacy.blank("en"))
    with pytest.raises(ValueError, match="ORTH"):
        ruler.add_patterns([{"label": "ORG", "pattern": [{"LOWER": "un"}], "id": "un"}])
    assert len(ruler) == 0
