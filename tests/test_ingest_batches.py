"""One transaction per batch of inputs (store/writes.py): the same rows, in the same order, as writing each
input by itself, on SQLite and on PostgreSQL — new versions, duplicates and rejections included."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crosswire import Crosswire
from crosswire.models import Document
from crosswire.store import open_store

TABLES = ("raw_inputs", "documents", "removed_lines", "rejections", "extractions", "mentions", "entities", "quotes",
          "claims", "times")


def text(i: int) -> str:
    return (f"Harbour Wire 2025-0{1 + i % 9}-1{i % 10}\n\n"
            f"Port officials said about {1200 + 31 * i:,} containers were unloaded at the northern terminal.\n\n"
            f"\"We expect {2 + i % 7} more ships,\" harbour master Lee Min-jun told reporters.\n"
            "Subscribe to our newsletter\n")


def corpus(folder: Path) -> Path:
    """Reports, a copy of one (same bytes), one with other line ends (other bytes, same report), a JSONL
    file whose item is given twice (two texts: a new version), a bad line, an empty file."""
    folder.mkdir()
    for i in range(7):
        (folder / f"r{i}.txt").write_text(text(i), encoding="utf-8")
    (folder / "r3_copy.txt").write_text(text(3), encoding="utf-8")
    (folder / "r5_crlf.txt").write_bytes(text(5).replace("\n", "\r\n").encode("utf-8"))  # other bytes, same text
    lines = [json.dumps({"id": "w1", "text": text(20), "publisher": "Wire"}), "{not json",
             json.dumps({"id": "w2", "text": text(21), "publisher": "Wire"}),
             json.dumps({"id": "w1", "text": text(22), "publisher": "Wire"})]
    (folder / "wire.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "zz_empty.txt").write_bytes(b"")
    return folder


def ingest(db: str, folder: Path, batch_size: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """What two runs report, and what the knowledge base holds after them (hashes, and the order of rows)."""
    cw = Crosswire(db=db, batch_size=batch_size)
    runs = []
    for _ in range(2):
        r = cw.ingest([str(folder)])
        runs.append((r.added, r.unchanged, r.new_versions, sorted((x.source, x.reason) for x in r.rejected)))
    cw.close()
    store = open_store(db, read_only=True)
    held: dict[str, Any] = {t: store.content_hash(t) for t in TABLES}
    held["claims in order"] = [tuple(r) for r in store.conn.execute("SELECT doc_id, span FROM claims ORDER BY id")]
    held["reports in order"] = [tuple(r) for r in store.conn.execute(
        "SELECT id, key, version FROM documents ORDER BY rowid")]
    held["rejections in order"] = [tuple(r) for r in store.conn.execute(
        "SELECT source, reason FROM rejections ORDER BY id")]
    store.close()
    return {"runs": runs}, held


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus(tmp_path_factory.mktemp("corpus") / "in")  # one place: the source paths are stored


@pytest.fixture(scope="module")
def one_by_one(inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """Each input in its own transaction (batch_size 1), on SQLite."""
    return ingest(str(tmp_path_factory.mktemp("one") / "kb.db"), inputs, 1)


@pytest.mark.parametrize("batch_size", [4, 64])
def test_batches_store_what_one_input_at_a_time_stores_on_both_backends(
        inputs: Path, one_by_one: tuple[dict[str, Any], dict[str, Any]], store_url: str, batch_size: int) -> None:
    runs, held = ingest(store_url, inputs, batch_size)
    assert held["claims"][0] > 5 and held["rejections"][0] == 2 and held["documents"][0] == 10
    first, second = runs["runs"]
    assert first[:3] == (10, 2, 1)  # the copy and the CRLF file unchanged; w1's second text a new version
    assert second[:2] == (0, 12) and second[3] == first[3]  # JSONL read again (a bad line): said again, stored once
    assert (runs, held) == one_by_one


def test_unstored_gives_each_new_report_once_in_order(tmp_path: Path, db: str) -> None:
    """What an ingest batch still has to extract (both the one-process and the parallel path use it)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"r{i}.txt").write_text(text(i), encoding="utf-8")
    cw = Crosswire(db)
    try:
        docs = [d for _, items in cw.read([str(folder)]) for d in items if isinstance(d, Document)]
        assert len(docs) == 3
        assert [d.id for d in cw.store.unstored([docs[2], docs[0], docs[2]])] == [docs[2].id, docs[0].id]
        cw.ingest([str(folder / "r0.txt")], extract=False)
        assert [d.id for d in cw.store.unstored(docs)] == [docs[1].id, docs[2].id]
    finally:
        cw.close()
