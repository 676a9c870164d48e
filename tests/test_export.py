"""Exports of the example corpus: CSV, JSONL, Parquet, GraphML (Gephi) and FollowTheMoney (Aleph)."""
from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from crosswire import Crosswire, CrosswireError
from crosswire.report.export import RECORDS, export

EXAMPLES = Path(__file__).parent.parent / "examples"
G = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def cw(tmp_path_factory: pytest.TempPathFactory) -> Crosswire:
    engine = Crosswire(db=str(tmp_path_factory.mktemp("export") / "kb.db"))
    engine.ingest([str(EXAMPLES)])
    yield engine
    engine.close()


def counts(cw: Crosswire) -> dict[str, int]:
    return {name: cw.store.count(table) for name, (table, _) in RECORDS.items()}


def run(cw: Crosswire, *args: str):
    from crosswire.cli import cli
    from crosswire.cli_view import register

    register(cli)
    return CliRunner().invoke(cli, ["--db", cw.settings["db"], *args], obj={}, catch_exceptions=False)


def test_csv_has_every_record_type(cw: Crosswire, tmp_path: Path) -> None:
    r = run(cw, "export", "--format", "csv", "--out", str(tmp_path))
    assert r.exit_code == 0, r.output
    for name, n in counts(cw).items():
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == n, name
    claims = list(csv.DictReader((tmp_path / "claims.csv").open(encoding="utf-8", newline="")))
    assert claims and {"doc_id", "value", "sentence", "start", "end", "source"} <= set(claims[0])
    assert counts(cw)["claims"] > 50 and counts(cw)["documents"] == 11


def test_jsonl_decodes_json_columns(cw: Crosswire, tmp_path: Path) -> None:
    export(cw, "jsonl", tmp_path)
    for name, n in counts(cw).items():
        lines = (tmp_path / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n
    claim = json.loads((tmp_path / "claims.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert claim["record"] == "claim" and isinstance(claim["attribution"], list)
    doc = json.loads((tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(doc["authors"], list) and "raw" not in doc


def test_parquet(cw: Crosswire, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    export(cw, "parquet", tmp_path)
    for name, n in counts(cw).items():
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.num_rows == n, name
    schema = pq.read_schema(tmp_path / "claims.parquet")
    assert str(schema.field("value").type) == "double" and str(schema.field("start").type) == "int64"


def test_graphml_entity_network(cw: Crosswire, tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    assert run(cw, "export", "--format", "graphml", "--out", str(out)).exit_code == 0
    root = ET.parse(out).getroot()
    nodes = root.findall(f"{G}graph/{G}node")
    edges = root.findall(f"{G}graph/{G}edge")
    assert len(nodes) > 20 and len(edges) > len(nodes)
    labels = {n.find(f"{G}data[@key='label']").text for n in nodes}
    assert {"Russia", "North Korea"} <= labels
    ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    assert all(float(e.find(f"{G}data[@key='weight']").text) >= 1 for e in edges)


def test_followthemoney_entities(cw: Crosswire, tmp_path: Path) -> None:
    from followthemoney import model

    out = tmp_path / "kb.ftm.json"
    assert run(cw, "export", "--format", "ftm", "--out", str(out)).exit_code == 0
    proxies = [model.get_proxy(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]
    schemata = {p.schema.name for p in proxies}
    assert {"Article", "Person", "Organization", "Documentation", "Note"} <= schemata
    by_id = {p.id: p for p in proxies}
    assert len(by_id) == len(proxies)  # ids are unique
    articles = [p for p in proxies if p.schema.name == "Article"]
    assert len(articles) == 11 and all(a.get("bodyText") for a in articles)
    for p in proxies:  # every reference points to an entity in the export
        for prop in ("document", "entity", "proof"):
            if prop in p.schema.properties:
                assert all(ref in by_id for ref in p.get(prop)), (p.schema.name, prop)
    notes = [p for p in proxies if p.schema.name == "Note"]
    assert len(notes) == cw.store.count("claims") + cw.store.count("quotes")


def test_unknown_format(cw: Crosswire, tmp_path: Path) -> None:
    with pytest.raises(CrosswireError, match="csv, jsonl, parquet, graphml, ftm"):
        export(cw, "xlsx", tmp_path)
    assert run(cw, "export", "--format", "xlsx", "--out", str(tmp_path)).exit_code == 2
