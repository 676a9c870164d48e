"""The component table of crosswire/nlp/pipeline.py is what runs: order, start-up check, versions."""
from __future__ import annotations

import dataclasses
from typing import Any

import pytest

import crosswire.nlp.pipeline as pipeline
from crosswire import Crosswire
from crosswire.clean import clean_document
from crosswire.errors import ComponentError
from crosswire.ingest.readers import Input, read_items
from crosswire.models import Document
from crosswire.resources import Resources
from crosswire.nlp.pipeline import COMPONENTS, Annotations, Component, check_components, extract_document

REPORT = """Seoul, Jan. 14 (Wire) -- South Korea's spy agency said on Monday that about 300 North Korean
soldiers had been killed in Russia's Kursk region.

"They are taking heavy losses," said John Kirby, a White House spokesman, according to officials.
"""


@pytest.fixture(scope="module")
def parsed(cw: Crosswire) -> tuple[Document, Any]:
    doc = clean_document(read_items(Input("r.txt", REPORT.encode("utf-8")))[0])
    return doc, cw.extractor.nlp(doc.text)


def run(cw: Crosswire, parsed: tuple[Document, Any], table: tuple[Component, ...]) -> list[dict[str, Any]]:
    doc, sdoc = parsed
    return extract_document(dataclasses.replace(doc), sdoc, cw.extractor.resources, table)


def by_name(name: str) -> Component:
    return next(c for c in COMPONENTS if c.name == name)


# ---------------------------------------------------------------- the start-up check

def test_the_table_passes_its_own_check() -> None:
    check_components(COMPONENTS)
    assert [c.name for c in COMPONENTS if c.install] == ["paragraph_breaks", "gazetteer_ruler"]


def test_a_requirement_nobody_assigned_before_is_named() -> None:
    table = tuple(c for c in COMPONENTS if c.name != "quantities") + (by_name("quantities"),)
    with pytest.raises(ComponentError, match=r"component 'claims' requires 'quantities', which no component before it"):
        check_components(table)


def test_an_unknown_attribute_lists_the_valid_ones() -> None:
    bad = dataclasses.replace(by_name("timex"), assigns=("timexes",))
    with pytest.raises(ComponentError, match=r"'timex' names 'timexes'.*valid: .*times"):
        check_components((*COMPONENTS[:3], bad))


def test_a_spacy_component_after_a_document_component_is_refused() -> None:
    with pytest.raises(ComponentError, match="gazetteer_ruler"):
        check_components((COMPONENTS[0], by_name("entities"), by_name("gazetteer_ruler")))


def test_the_extractor_checks_its_table_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tuple(c for c in COMPONENTS if c.name != "attribution")
    monkeypatch.setattr(pipeline, "COMPONENTS", broken)
    monkeypatch.setattr(pipeline, "load_model", lambda name: object())
    with pytest.raises(ComponentError, match=r"'claims' requires 'attributor'"):
        pipeline.Extractor("any-model", Resources())


# ---------------------------------------------------------------- what runs, in which order

def test_document_components_run_in_table_order(cw: Crosswire, parsed: tuple[Document, Any]) -> None:
    seen: list[str] = []

    def spy(c: Component) -> Component:
        assert c.run is not None
        inner = c.run

        def wrapped(a: Annotations) -> None:
            seen.append(c.name)
            inner(a)
        return dataclasses.replace(c, run=wrapped)

    table = tuple(spy(c) if c.run else c for c in COMPONENTS)
    run(cw, parsed, table)
    assert seen == [c.name for c in COMPONENTS if c.run]
    # quantities needs only the text: moved to the front, it runs first
    moved = (table[0], table[1], next(c for c in table if c.name == "quantities"),
             *(c for c in table[2:] if c.name != "quantities"))
    check_components(moved)
    seen.clear()
    run(cw, parsed, moved)
    assert seen[0] == "quantities" and len(seen) == len([c for c in COMPONENTS if c.run])


def test_a_component_left_out_of_the_table_does_not_run(cw: Crosswire, parsed: tuple[Document, Any]) -> None:
    table = tuple(c for c in COMPONENTS if c.name not in ("quantities", "claims"))
    recs = run(cw, parsed, table)
    assert not [r for r in recs if r["record"] == "claim"]
    assert [r for r in recs if r["record"] == "quote"]


# ---------------------------------------------------------------- each record, its own component's version

def test_each_record_carries_its_own_components_version(cw: Crosswire, parsed: tuple[Document, Any]) -> None:
    table = tuple(dataclasses.replace(c, version=f"{c.name}-test") for c in COMPONENTS)
    recs = run(cw, parsed, table)
    kinds: dict[str, set[str]] = {r["record"]: set() for r in recs}
    for r in recs:
        if r["record"] != "mention":
            kinds[r["record"]].add(r["version"])
    assert all("version" not in r for r in recs if r["record"] == "mention")  # the entity carries it
    assert kinds["entity"] <= {"entities-test", "speaker_entities-test"} and "entities-test" in kinds["entity"]
    assert kinds["time"] == {"timex-test"}
    assert kinds["claim"] == {"claims-test"}
    assert kinds["quote"] and kinds["quote"] <= {"quotes-test", "attribution-test"}


def test_stored_versions_keep_each_component_apart(cw: Crosswire) -> None:
    versions = cw.extractor.versions
    assert versions["entities"] == by_name("entities").version
    assert versions["gazetteer_ruler"] == by_name("gazetteer_ruler").version
    assert versions["statements"].startswith(by_name("statements").version + "+cues-")
    assert set(c.name for c in COMPONENTS) <= set(versions)
