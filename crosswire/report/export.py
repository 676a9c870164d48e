"""Exports of the knowledge base for other tools.

    export(engine, "csv", "out/")       # one CSV per record type
    export(engine, "jsonl", "out/")     # one JSONL per record type (JSON columns decoded)
    export(engine, "parquet", "out/")   # one Parquet file per record type (pyarrow)
    export(engine, "graphml", "net.graphml")   # entity co-occurrence network (opens in Gephi)
    export(engine, "ftm", "kb.ftm.json")       # FollowTheMoney entities, one JSON object per line (Aleph)
    export(engine, "xlsx", "ledger.xlsx")      # the reviewed ledger: claims, series, conflicts, reviews

The CSV folder also holds the reviewed ledger (``ledger.csv``, ``series.csv``, ``conflicts.csv``,
``reviews.csv``: the analyst's corrections applied; see ``report/ledger.py``), and so does the XLSX workbook.

Every export streams rows from the store, so a million claims never sit in memory at once.

CSV is opened by spreadsheets, which run a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return as a formula (CSV injection: a report title such as ``=HYPERLINK("http://…")`` would
become a live link or worse). Following OWASP's guidance
(https://owasp.org/www-community/attacks/CSV_Injection), such text cells are written with a leading
single quote, which spreadsheets show as text. Numbers stay numbers: SQLite's integers and reals are
written as they are, and so is text that is nothing but a plain number (``-12``, ``+3.5``), which a
spreadsheet reads as that number and cannot run. JSONL, Parquet, GraphML and FollowTheMoney are not
opened as spreadsheets and keep every text exactly as stored. XLSX cells are text cells, never formulas
(``report/ledger.py``).
"""
from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..errors import CrosswireError
from ..store.reads import EXPORT_RECORDS, decode_row
from ..store.sqlite import Store
from .cells import spreadsheet_safe

FORMATS = ("csv", "jsonl", "parquet", "graphml", "ftm", "xlsx")
RECORDS = EXPORT_RECORDS  # record type -> (table, columns); raw bytes stay out (see `crosswire show --raw`)
BATCH = 20_000


def export(engine: Any, fmt: str, out: str | Path) -> list[Path]:
    """Write the export ``fmt`` to ``out`` (a folder for csv/jsonl/parquet, a file otherwise)."""
    if fmt not in FORMATS:
        raise CrosswireError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    store: Store = engine.store
    folder = str(out).endswith(("/", "\\"))
    out = Path(out)
    if fmt == "xlsx":
        from .ledger import write_xlsx

        if out.is_dir() or folder:
            out = out / "ledger.xlsx"
        out.parent.mkdir(parents=True, exist_ok=True)
        return [write_xlsx(engine, out)]
    if fmt in ("graphml", "ftm"):
        if out.is_dir() or folder:
            out = out / ("entities.graphml" if fmt == "graphml" else "crosswire.ftm.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        (write_graphml if fmt == "graphml" else write_ftm)(store, out)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    writer = {"csv": write_csv, "jsonl": write_jsonl, "parquet": write_parquet}[fmt]
    paths = [writer(store, name, out / f"{name}.{fmt}") for name in RECORDS]
    if fmt == "csv":  # the reviewed ledger beside the record tables
        from .ledger import write_ledger_csv

        paths += write_ledger_csv(engine, out)
    return paths


def rows(store: Store, name: str) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
    return store.export_rows(name)


def write_csv(store: Store, name: str, path: Path) -> Path:
    columns, it = rows(store, name)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows([spreadsheet_safe(v) for v in row] for row in it)
    return path


def _decoded(columns: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    return decode_row(dict(zip(columns, row)))


def write_jsonl(store: Store, name: str, path: Path) -> Path:
    columns, it = rows(store, name)
    with path.open("w", encoding="utf-8") as f:
        for row in it:
            f.write(json.dumps({"record": name.rstrip("s"), **_decoded(columns, row)}, ensure_ascii=False) + "\n")
    return path


def _arrow_schema(store: Store, name: str, columns: list[str]) -> Any:
    import pyarrow as pa

    declared = store.export_types(name)
    kinds = {"INTEGER": pa.int64(), "REAL": pa.float64()}
    return pa.schema([(c, kinds.get(declared.get(c, ""), pa.string())) for c in columns])


def write_parquet(store: Store, name: str, path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns, it = rows(store, name)
    schema = _arrow_schema(store, name, columns)
    with pq.ParquetWriter(path, schema) as writer:
        while True:  # an empty table still gets one (empty) batch, so the file has its schema
            batch = [r for _, r in zip(range(BATCH), it)]
            writer.write_table(pa.Table.from_pydict({c: [r[i] for r in batch] for i, c in enumerate(columns)},
                                                    schema=schema))
            if len(batch) < BATCH:
                break
    return path


# -- entity network ----------------------------------------------------------------------------
def entity_network(store: Store) -> tuple[dict[str, dict[str, Any]], Counter[tuple[str, str]]]:
    """Nodes (entity name -> type, kb id, report count) and edges (pair -> reports they share)."""
    nodes: dict[str, dict[str, Any]] = {}
    types: dict[str, Counter[str]] = defaultdict(Counter)
    by_doc: dict[str, set[str]] = defaultdict(set)
    for doc_id, name, type_, kb_id in store.entity_rows_by_doc():
        node = nodes.setdefault(name, {"kb_id": kb_id, "docs": 0})
        node["kb_id"] = node["kb_id"] or kb_id
        types[name][type_] += 1
        if name not in by_doc[doc_id]:
            node["docs"] += 1
            by_doc[doc_id].add(name)
    for name, node in nodes.items():
        node["type"] = types[name].most_common(1)[0][0]
    edges: Counter[tuple[str, str]] = Counter()
    for names in by_doc.values():
        edges.update(combinations(sorted(names), 2))
    return nodes, edges


def write_graphml(store: Store, path: Path) -> None:
    """GraphML of entity co-occurrence: nodes carry label, type, kb_id and reports; edges their weight."""
    nodes, edges = entity_network(store)
    ids = {name: f"n{i}" for i, name in enumerate(sorted(nodes))}
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
                '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n'
                '  <key id="type" for="node" attr.name="type" attr.type="string"/>\n'
                '  <key id="kb_id" for="node" attr.name="kb_id" attr.type="string"/>\n'
                '  <key id="docs" for="node" attr.name="docs" attr.type="int"/>\n'
                '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>\n'
                '  <graph id="crosswire" edgedefault="undirected">\n')
        for name in sorted(nodes):
            n = nodes[name]
            f.write(f'    <node id="{ids[name]}"><data key="label">{escape(_xml(name))}</data>'
                    f'<data key="type">{escape(_xml(n["type"]))}</data>'
                    + (f'<data key="kb_id">{escape(_xml(n["kb_id"]))}</data>' if n["kb_id"] else "")
                    + f'<data key="docs">{n["docs"]}</data></node>\n')
        for i, ((a, b), weight) in enumerate(sorted(edges.items())):
            f.write(f'    <edge id="e{i}" source={quoteattr(ids[a])} target={quoteattr(ids[b])}>'
                    f'<data key="weight">{float(weight)}</data></edge>\n')
        f.write("  </graph>\n</graphml>\n")


def _xml(text: Any) -> str:
    """Text without the control characters XML 1.0 forbids."""
    return "".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20)


def write_ftm(store: Store, path: Path) -> None:
    """FollowTheMoney entities, one JSON object per line (see ``report/ftm.py``)."""
    from .ftm import ftm_entities

    with path.open("w", encoding="utf-8") as f:
        for proxy in ftm_entities(store):
            f.write(json.dumps(proxy, ensure_ascii=False, sort_keys=True) + "\n")
