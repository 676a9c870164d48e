"""Bad input never crashes a run and never loses data: one clear line per problem, the batch goes on."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crosswire import Crosswire
from crosswire.store.sqlite import Store

GOOD = "[Anchor]\nNorth Korea sent about 3,000 more troops, officials said.\nThis is KBS News, Park Ji-won.\n"


def make_batch(folder: Path) -> dict[str, Path]:
    folder.mkdir(exist_ok=True)
    files = {
        "good1": folder / "a_good.txt",
        "binary": folder / "b_image.txt",
        "empty": folder / "c_empty.txt",
        "badjson": folder / "d_lines.jsonl",
        "notxml": folder / "e_feed.rss",
        "good2": folder / "f_good.txt",
    }
    files["good1"].write_text(GOOD, encoding="utf-8")
    files["binary"].write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    files["empty"].write_bytes(b"")
    files["badjson"].write_text('{"id": "j1", "text": "Seoul said 1,000 troops moved."}\n{"id": "j2", "text": \n'
                                '{"id": "j3", "text": "Kyiv said 2,000 troops moved."}\n', encoding="utf-8")
    files["notxml"].write_text("this is not a feed at all", encoding="utf-8")
    files["good2"].write_text(GOOD.replace("3,000", "4,000"), encoding="utf-8")
    return files


def test_each_bad_input_gives_one_line_and_the_batch_goes_on(tmp_path: Path, run_cli) -> None:
    files = make_batch(tmp_path / "in")
    result = run_cli("ingest", "--no-extract", str(tmp_path / "in"), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("crosswire:")]
    assert any(str(files["binary"]) in e and "binary" in e for e in errors)
    assert any(str(files["empty"]) in e and "empty" in e for e in errors)
    assert any(str(files["badjson"]) in e and "line 2" in e and "invalid JSON" in e for e in errors)
    assert any(str(files["notxml"]) in e and "not a valid RSS/Atom feed" in e for e in errors)
    assert any("missing.txt" in e and "no such file" in e for e in errors)
    assert len(errors) == 5
    docs = run_cli("docs", "--json")
    assert docs.exit_code == 0
    assert '"j1"' not in docs.output  # ids are content hashes; check counts instead
    assert docs.output.count('"id"') == 4  # two good texts + two good JSONL lines


def test_rejected_raw_input_is_kept(tmp_path: Path, engine: Crosswire) -> None:
    files = make_batch(tmp_path / "in")
    report = engine.ingest([str(tmp_path / "in")], extract=False)
    assert not report.ok
    raw = engine.store.conn.execute("SELECT bytes FROM raw_inputs WHERE source = ?", (str(files["binary"]),)).fetchone()
    assert raw is not None and raw[0].startswith(b"\x89PNG")
    reasons = {r["source"]: r["reason"] for r in engine.store.rejections()}
    assert any("line 2" in s for s in reasons)


def test_huge_file_is_rejected_without_reading(tmp_path: Path, run_cli) -> None:
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(big), str(tmp_path / "ok.txt"))
    assert result.exit_code == 1
    assert "huge.txt" in result.stderr and "larger than the limit" in result.stderr
    assert "1 added" in result.stderr


def test_unreadable_path_in_folder(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text(GOOD, encoding="utf-8")
    (folder / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    result = run_cli("ingest", "--no-extract", str(folder))
    assert result.exit_code == 1
    assert "broken.txt" in result.stderr and "cannot read" in result.stderr


def test_crash_mid_batch_leaves_db_consistent_and_rerun_completes(tmp_path: Path, db: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"r{i}.txt").write_text(GOOD.replace("3,000", f"{i + 1},000"), encoding="utf-8")
    real_add = Store.add_document
    calls = {"n": 0}

    def crashing_add(self, doc, raw_id, key, cleaner):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated crash")
        return real_add(self, doc, raw_id, key, cleaner)

    monkeypatch.setattr(Store, "add_document", crashing_add)
    cw = Crosswire(db=db, batch_size=2)
    with pytest.raises(KeyboardInterrupt):
        cw.ingest([str(folder)], extract=False)
    cw.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    n_docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    n_raw = conn.execute("SELECT count(*) FROM raw_inputs").fetchone()[0]
    assert n_docs == n_raw == 3  # the fourth input's transaction was rolled back whole
    conn.close()
    monkeypatch.setattr(Store, "add_document", real_add)
    cw = Crosswire(db=db)
    report = cw.ingest([str(folder)], extract=False)
    assert (report.added, report.unchanged) == (3, 3)
    assert cw.store.count("documents") == 6
    cw.close()


def test_an_extraction_failure_is_recorded_and_the_batch_goes_on(tmp_path: Path, engine: Crosswire,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import crosswire.nlp.pipeline as pipeline

    real = pipeline.extract_document

    def flaky(doc, sdoc, gaz):  # type: ignore[no-untyped-def]
        if "BOOM" in doc.text:
            raise ValueError("simulated extractor bug")
        return real(doc, sdoc, gaz)

    monkeypatch.setattr(pipeline, "extract_document", flaky)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD.replace("officials said", "officials said BOOM"), encoding="utf-8")
    report = engine.ingest([str(tmp_path)])
    assert report.added == 2  # the text of both reports is stored
    reasons = [r["reason"] for r in engine.store.rejections()]
    assert any("extract failed: ValueError: simulated extractor bug" in r for r in reasons)
    assert engine.store.count("claims") >= 1  # the good report's claims are there
