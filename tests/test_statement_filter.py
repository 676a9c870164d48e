"""The statement filter: a learned keep/drop judgement over finished relations (project-written text)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosswire.engine import Crosswire
from crosswire.extract.cues import CueTable, load_cues
from crosswire.extract.statement_filter import keep_relations, relation_features
from crosswire.extract.statements import find_relations, quotations
from crosswire.nlp import pipeline
from crosswire.resources import BUNDLED


@pytest.fixture(scope="module")
def cw() -> Crosswire:
    return Crosswire(db=":memory:")


TEXT = ("Harbour board to raise fees\n\n"
        "The harbour board said on Tuesday that berth fees would rise by a fifth in May. "
        "\"We have no other way to pay for the new cranes,\" the board's chair, Ines Varga, told reporters.\n")


def _features(cw: Crosswire, text: str) -> dict[str, list[str]]:
    res = cw.resources
    sdoc = cw.extractor.nlp(text)
    rels = find_relations(sdoc, res.cues, res.boundaries)
    quoted = quotations(text)
    return {r.cue: relation_features(r, sdoc, rels, quoted, res.claims_vocab) for r in rels}


def test_features_describe_the_whole_relation(cw: Crosswire) -> None:
    feats = _features(cw, TEXT)
    said, told = feats["said"], feats["told"]
    assert {"O=verb", "L=say", "Q=none", "W=after", "F=that", "SS=before"} <= set(said)
    assert [f for f in said if f.startswith("S=")] == ["S=noun"]  # "The harbour board": a plain noun
    assert [f for f in feats["told"] if f.startswith("S=")] == ["S=speaker_noun"]  # "the board's chair, …"
    assert {"O=verb", "L=tell", "Q=whole", "W=before"} <= set(told)
    assert any(f.startswith("CS=") for f in said)  # the cue model's score, bucketed


def test_the_component_sits_between_statements_and_attribution(cw: Crosswire) -> None:
    names = [c.name for c in pipeline.COMPONENTS]
    assert names.index("statements") < names.index("statement_filter") < names.index("attribution")
    model = cw.resources.statement_model
    assert model.version in cw.extractor.versions["statement_filter"]


def test_the_shipped_model_says_where_it_comes_from() -> None:
    """A data file says where its facts come from (what it does is checked on reports below)."""
    raw = json.loads((BUNDLED / "statement_model.json").read_text(encoding="utf-8"))
    assert "PolNeAR" in raw["about"] and "scripts/train_statements.py" in raw["about"]
    assert load_cues(BUNDLED / "statement_model.json", kind="filter").threshold == raw["threshold"]


def _statements(cw: Crosswire, tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return [r for r in cw.extract_records([str(path)]) if r["record"] == "quote"]


def test_a_data_folder_model_is_the_one_read(tmp_path: Path) -> None:
    """A model that drops everything leaves only what the quote finder makes (the direct quotation with its
    speech verb), a model that keeps everything leaves the indirect statement too."""
    for bias, indirect in ((-9.0, False), (9.0, True)):
        folder = tmp_path / f"bias{bias}"
        folder.mkdir()
        (folder / "statement_model.json").write_text(json.dumps(
            {"about": "test model", "threshold": 0.5, "weights": {"bias": bias}}), encoding="utf-8")
        quotes = _statements(Crosswire(db=":memory:", data=str(folder)), tmp_path, TEXT)
        assert any(q["kind"] == "indirect" and "berth fees" in q["text"] for q in quotes) is indirect
        assert any("new cranes" in q["text"] for q in quotes)  # a verbatim quotation is never lost


def test_keep_relations_returns_what_it_drops(cw: Crosswire) -> None:
    res = cw.resources
    sdoc = cw.extractor.nlp(TEXT)
    rels = find_relations(sdoc, res.cues, res.boundaries)
    kept, dropped = keep_relations(sdoc, rels, CueTable(weights={"bias": -9.0}), res.claims_vocab)
    assert not kept and len(dropped) == len(rels) > 0
    kept, dropped = keep_relations(sdoc, rels, CueTable(weights={}), res.claims_vocab)  # untrained: all kept
    assert kept == rels and not dropped


ORDERS = ("Depot to close\n\nThe harbour board said on Tuesday that the depot would close in May. "
          "Workers were told to leave.\n")


def test_the_shipped_model_drops_a_sourceless_passive_and_keeps_a_named_one(cw: Crosswire, tmp_path: Path) -> None:
    """'were told to leave' names nobody and says little: the cue model takes 'told' as a cue, the statement
    model drops the statement; with the filter keeping everything it is there. (A retrained model that keeps
    it fails here: look at the new weights before changing the text.)"""
    shipped = _statements(cw, tmp_path, ORDERS)
    assert any(q["text"] == "that the depot would close in May" and q["speaker_text"] == "The harbour board"
               for q in shipped)
    assert not any("to leave" in q["text"] for q in shipped)
    folder = tmp_path / "keep_all"
    folder.mkdir()
    (folder / "statement_model.json").write_text(json.dumps(
        {"about": "test model: keeps every statement", "threshold": 0.5, "weights": {}}), encoding="utf-8")
    everything = _statements(Crosswire(db=":memory:", data=str(folder)), tmp_path, ORDERS)
    assert any(q["text"] == "to leave" and q["cue"] == "were told" for q in everything)


def test_a_citing_phrase_is_never_judged(cw: Crosswire) -> None:
    """'X, citing Y, said' makes Y a link of X's chain, not a statement: even a model that drops everything
    keeps it (dropping it would change the origin of every figure X gives)."""
    res = cw.resources
    text = ("Toll rises\n\nMara Quist, a member of the regional assembly, said on Friday, citing the Coastal Survey "
            "Office, that about 240 homes had been flooded in the delta.\n")
    sdoc = cw.extractor.nlp(text)
    rels = find_relations(sdoc, res.cues, res.boundaries)
    kept, dropped = keep_relations(sdoc, rels, CueTable(weights={"bias": -9.0}), res.claims_vocab)
    assert [r.cue for r in kept] == ["citing"] and dropped


def test_a_withheld_statement_is_stored_apart_and_shown(tmp_path: Path) -> None:
    """Nothing dropped silently: a statement the filter withholds is no quote record, but a
    "withheld_statement" record with the same fields, stored in its own table, and `crosswire show` lists it
    under its own heading (a model that drops every statement, so the test does not lean on the shipped
    weights)."""
    from click.testing import CliRunner

    from crosswire.cli import WITHHELD_HEADING, cli

    folder = tmp_path / "drop_all"
    folder.mkdir()
    (folder / "statement_model.json").write_text(json.dumps(
        {"about": "test model: drops every statement", "threshold": 0.5, "weights": {"bias": -9.0}}),
        encoding="utf-8")
    report = tmp_path / "report.txt"
    report.write_text(ORDERS, encoding="utf-8")
    db = tmp_path / "kb.db"
    cw = Crosswire(db=str(db), data=str(folder))
    records = cw.extract_records([str(report)])
    withheld = [r for r in records if r["record"] == "withheld_statement"]
    assert any(r["text"] == "that the depot would close in May" and r["speaker_text"] == "The harbour board"
               and r["cue"] == "said" for r in withheld)
    assert not any(r["record"] == "quote" and r["text"] == "that the depot would close in May" for r in records)
    cw.ingest([str(report)])
    doc_id = cw.store.conn.execute("SELECT id FROM documents").fetchone()[0]
    page = cw.document(doc_id)
    assert [q["text"] for q in page["withheld"]] == [r["text"] for r in withheld]
    assert all(q["chain"] == r["chain"] for q, r in zip(page["withheld"], withheld))
    cw.close()
    shown = CliRunner().invoke(cli, ["--db", str(db), "--data", str(folder), "show", doc_id])
    assert shown.exit_code == 0, shown.output
    heading = shown.output.index(WITHHELD_HEADING)
    assert "that the depot would close in May" in shown.output[heading:]
