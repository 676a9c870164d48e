"""Storage failures are one line with their own exit status; read commands open the knowledge base read-only.

Each test builds its own small knowledge base (project-written reports, --no-extract) and breaks it
the way the adversarial run did: missing, 0 bytes, not SQLite, another program's database, truncated,
overwritten, read-only, disk full, locked.
"""
from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crosswire import Crosswire
from crosswire.cli import cli
from crosswire.errors import (DamagedKnowledgeBase, NoKnowledgeBase, NotAKnowledgeBase, StoreBusy, StoreFull,
                              StoreReadOnly)
from crosswire.store import Store
from crosswire.store import health
from crosswire.store import sqlite as store_sqlite

REPORTS = {
    f"r{i}.txt": (f"Harbour Wire, 2025-03-{i + 1:02d}\n\nPort officials said about {1000 + i} containers were "
                  f"unloaded at the northern terminal on day {i}, the authority said.\n" + "Cargo kept moving. " * 400)
    for i in range(6)
}
READ_COMMANDS = (["docs"], ["search", "containers"], ["figures"], ["conflicts"], ["timeline"], ["entities", "list"],
                 ["export", "--format", "jsonl", "--out", "OUT"], ["report"])


def run(db: str | Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], obj={}, catch_exceptions=False)


def one_line(result: Result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def build(folder: Path, names: list[str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    inputs = folder / "inputs"
    inputs.mkdir(exist_ok=True)
    for name in names or list(REPORTS):
        (inputs / name).write_text(REPORTS[name], encoding="utf-8")
    db = folder / "kb.db"
    cw = Crosswire(db=str(db))
    report = cw.ingest([str(inputs)], extract=False)
    cw.close()
    assert report.added == len(names or REPORTS) and report.ok, report.as_dict()
    return db


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return build(tmp_path / "kb")


# -- what is at --db ---------------------------------------------------------------------------
@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_read_commands_refuse_a_missing_knowledge_base(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "nothing.db"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    result = run(db, *args)
    assert result.exit_code == NoKnowledgeBase.exit_code == 4
    assert f"no knowledge base at {db}" in one_line(result) and "crosswire ingest" in result.output
    assert not db.exists()  # not created empty


def test_a_file_that_is_not_sqlite(tmp_path: Path) -> None:
    text = tmp_path / "passwd"
    text.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    for args in (["docs"], ["ingest", "--no-extract", str(text)], ["check"]):
        result = run(text, *args)
        assert result.exit_code == NotAKnowledgeBase.exit_code == 5
        assert "is not a crosswire knowledge base" in one_line(result)
    assert text.read_text(encoding="utf-8").startswith("root:x:0:0")


def test_another_programs_database_is_not_touched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = other.read_bytes()
    (tmp_path / "r.txt").write_text(REPORTS["r0.txt"], encoding="utf-8")
    for args in (["docs"], ["ingest", "--no-extract", str(tmp_path / "r.txt")]):
        result = run(other, *args)
        assert result.exit_code == 5 and "another program" in one_line(result) and "invoices" in result.output
    assert other.read_bytes() == before


def test_a_zero_byte_file_is_named_and_not_recreated(tmp_path: Path) -> None:
    empty = tmp_path / "kb.db"
    empty.write_bytes(b"")
    (tmp_path / "r.txt").write_text(REPORTS["r0.txt"], encoding="utf-8")
    for args in (["ingest", "--no-extract", str(tmp_path / "r.txt")], ["docs"]):
        result = run(empty, *args)
        assert result.exit_code == 5
        assert "empty file (0 bytes)" in one_line(result) and "truncated" in result.output
    assert empty.stat().st_size == 0


def test_a_folder_as_db(tmp_path: Path) -> None:
    result = run(tmp_path, "docs")
    assert result.exit_code == 5 and "a folder" in one_line(result)


# -- damaged files -----------------------------------------------------------------------------
def test_a_truncated_knowledge_base_is_damaged_and_check_says_how_to_recover(kb: Path) -> None:
    data = kb.read_bytes()
    kb.write_bytes(data[: len(data) // 3])
    for args in (["docs"], ["search", "containers"], ["figures"], ["show", "abc"]):
        result = run(kb, *args)
        assert result.exit_code == DamagedKnowledgeBase.exit_code == 6, result.output
        assert f"{kb} is damaged" in one_line(result) and "crosswire --db" in result.output and "check" in result.output
    checked = run(kb, "check")
    assert checked.exit_code == 6 and "Traceback" not in checked.output
    assert "problem" in checked.output and ".recover" in checked.output and "ingest" in checked.output


def test_overwritten_pages_are_damage_not_a_traceback(kb: Path) -> None:
    data = bytearray(kb.read_bytes())
    page = 4096
    for i in range(page, len(data) - page):  # keep page 1 (the header and schema), garble the rest
        data[i] = (i * 7919) % 251
    kb.write_bytes(bytes(data))
    for args in (["docs"], ["search", "containers"], ["timeline"]):
        result = run(kb, *args)
        assert result.exit_code in (5, 6), result.output
        assert "damaged" in one_line(result) or "not a crosswire knowledge base" in result.output
    assert run(kb, "check").exit_code == 6


def test_check_on_a_sound_knowledge_base(kb: Path) -> None:
    result = run(kb, "check")
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "6 documents" in result.output
    assert '"ok": true' in run(kb, "check", "--json").output


def test_serve_refuses_a_damaged_file(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    data = bytearray(kb.read_bytes())
    data[8192:16384] = b"\x00\xff" * 4096
    kb.write_bytes(bytes(data))
    result = run(kb, "serve")
    assert result.exit_code == 6 and "damaged" in one_line(result) and not calls


def test_the_web_app_answers_one_line_on_a_damaged_file(kb: Path) -> None:
    from fastapi.testclient import TestClient

    from crosswire.web.app import create_app

    data = bytearray(kb.read_bytes())
    data[4096:] = b"\x5a" * (len(data) - 4096)
    kb.write_bytes(bytes(data))
    engine = Crosswire(db=str(kb), read_only=True)
    client = TestClient(create_app(engine), raise_server_exceptions=False)
    r = client.get("/api/documents")
    assert r.status_code == 503, r.text
    assert "damaged" in r.json()["detail"] and "Traceback" not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    engine.close()


# -- read-only ---------------------------------------------------------------------------------
@pytest.fixture
def read_only_kb(tmp_path: Path) -> Iterator[Path]:
    """A knowledge base in a folder nobody may write: chmod for a normal user; as root (who ignores
    permissions) a tmpfs mounted read-only, if this machine allows mounting."""
    db = build(tmp_path / "src", ["r0.txt", "r1.txt"])
    target = tmp_path / "ro"
    target.mkdir()
    if os.geteuid() != 0:
        shutil.copy(db, target / "kb.db")
        (target / "kb.db").chmod(0o444)
        target.chmod(0o555)
        yield target / "kb.db"
        target.chmod(0o755)
        return
    if not shutil.which("mount") or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(target)],
                                                   capture_output=True).returncode != 0:
        pytest.skip("running as root without permission to mount a read-only filesystem")
    try:
        shutil.copy(db, target / "kb.db")
        subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True, capture_output=True)
        yield target / "kb.db"
    finally:
        gc.collect()  # connections of failed commands
        if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_read_commands_work_on_a_read_only_knowledge_base(read_only_kb: Path) -> None:
    docs = run(read_only_kb, "docs")
    assert docs.exit_code == 0, docs.output
    assert "2 report(s)" in docs.output and "2025-03-02" in docs.output
    found = run(read_only_kb, "search", "containers")
    assert found.exit_code == 0 and "2 match(es)" in found.output
    assert run(read_only_kb, "figures").exit_code == 0
    assert run(read_only_kb, "check").exit_code == 0
    ingest = run(read_only_kb, "ingest", "--no-extract", str(read_only_kb))
    assert ingest.exit_code in (3, 9) and "Traceback" not in ingest.output


def test_a_read_only_store_never_writes(kb: Path) -> None:
    before = kb.read_bytes()
    store = Store(kb, read_only=True)
    assert store.count("documents") == 6
    with pytest.raises(StoreReadOnly):
        with store.transaction() as conn:
            conn.execute("DELETE FROM documents")
    store.close()
    for args in (["docs"], ["search", "cargo"], ["timeline"], ["check"]):
        assert run(kb, *args).exit_code == 0
    assert kb.read_bytes() == before


# -- disk full, locked -------------------------------------------------------------------------
def test_disk_full_is_one_line_the_store_stays_consistent_and_the_rerun_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = build(tmp_path / "kb", ["r0.txt"])
    store = Store(db, read_only=True)
    size_pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.close()
    big = tmp_path / "big"
    big.mkdir()
    for i in range(3):
        (big / f"big{i}.txt").write_text(f"Harbour Wire, 2025-04-0{i + 1}\n\n" + f"Shipment {i} arrived. " * 30000,
                                          encoding="utf-8")
    real_connect = health.connect

    def tiny_disk(path: str, read_only: bool = False, as_found: bool = False) -> sqlite3.Connection:
        conn = real_connect(path, read_only, as_found)
        conn.execute(f"PRAGMA max_page_count = {size_pages + 40}")  # SQLite answers SQLITE_FULL beyond this
        return conn

    monkeypatch.setattr(store_sqlite, "connect", tiny_disk)
    full = run(db, "ingest", "--no-extract", str(big))
    assert full.exit_code == StoreFull.exit_code == 7, full.output
    assert "disk is full" in one_line(full) and "run the same command again" in full.output
    monkeypatch.setattr(store_sqlite, "connect", real_connect)
    assert run(db, "check").exit_code == 0
    assert run(db, "check", "--json").output.count('"ok": true') == 1
    rerun = run(db, "ingest", "--no-extract", str(big))
    assert rerun.exit_code == 0, rerun.output
    store = Store(db, read_only=True)
    assert store.count("documents") == 4  # each stored once: nothing half-written by the failed run
    store.close()


def test_a_locked_knowledge_base_is_one_line(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_sqlite, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(kb, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer in the middle of its transaction
    try:
        (kb.parent / "new.txt").write_text(REPORTS["r0.txt"].replace("Harbour", "Dock"), encoding="utf-8")
        result = run(kb, "ingest", "--no-extract", str(kb.parent / "new.txt"))
        assert result.exit_code == StoreBusy.exit_code == 8
        assert "locked by another process" in one_line(result)
        assert run(kb, "docs").exit_code == 0  # readers are not blocked by a writer (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_exit_statuses_are_documented() -> None:
    help_text = CliRunner().invoke(cli, ["--help"], obj={}).output
    for code in range(10):
        assert f"  {code}  " in help_text, code
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "When things go wrong" in readme and "crosswire check" in readme


def test_salvage_writes_the_inputs_and_they_rebuild_the_knowledge_base(kb: Path, tmp_path: Path) -> None:
    before = sorted(d["id"] for d in Crosswire(db=str(kb), read_only=True).documents())
    out = tmp_path / "salvaged"
    result = run(kb, "check", "--salvage", str(out))
    assert result.exit_code == 0 and "6 input(s) written" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORTS)
    rebuilt = tmp_path / "new.db"
    assert run(rebuilt, "ingest", "--no-extract", str(out)).exit_code == 0
    assert sorted(d["id"] for d in Crosswire(db=str(rebuilt), read_only=True).documents()) == before


def test_salvage_from_a_damaged_knowledge_base_keeps_what_it_can(kb: Path, tmp_path: Path) -> None:
    data = bytearray(kb.read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\x00\xff" * 4096
    kb.write_bytes(bytes(data))
    out = tmp_path / "salvaged"
    result = run(kb, "check", "--salvage", str(out))
    assert result.exit_code == 6 and "Traceback" not in result.output, result.output
    assert "input(s) written" in result.output and "check --salvage DIR" in result.output  # the hint names it
    assert all(p.read_bytes() == REPORTS[p.name].encode() for p in out.iterdir())  # what is written is whole
