"""Bad input never crashes a run and never loses data: one clear line per problem, the batch goes on."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crosswire import Crosswire
from crosswire.store import open_store
from crosswire.store.writes import BatchWrites

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
    real_add = BatchWrites.add_document
    calls = {"n": 0}

    def crashing_add(self, doc, raw_id, key, cleaner):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated crash")
        return real_add(self, doc, raw_id, key, cleaner)

    monkeypatch.setattr(BatchWrites, "add_document", crashing_add)
    cw = Crosswire(db=db, batch_size=2)  # one transaction per batch of two inputs
    with pytest.raises(KeyboardInterrupt):
        cw.ingest([str(folder)], extract=False)
    cw.close()
    store = open_store(db, read_only=True)  # SQLite or PostgreSQL (CROSSWIRE_TEST_DB)
    assert store.check().ok
    n_docs, n_raw = store.count("documents"), store.count("raw_inputs")
    assert n_docs == n_raw == 2  # the second batch (third and fourth inputs) was rolled back whole
    store.close()
    monkeypatch.setattr(BatchWrites, "add_document", real_add)
    cw = Crosswire(db=db)
    report = cw.ingest([str(folder)], extract=False)
    assert (report.added, report.unchanged) == (4, 2)
    assert cw.store.count("documents") == 6
    cw.close()


def test_an_extraction_failure_is_recorded_and_the_batch_goes_on(tmp_path: Path, engine: Crosswire,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import crosswire.nlp.pipeline as pipeline

    real = pipeline.extract_document

    def flaky(doc, sdoc, *rest):  # type: ignore[no-untyped-def]
        if "BOOM" in doc.text:
            raise ValueError("simulated extractor bug")
        return real(doc, sdoc, *rest)

    monkeypatch.setattr(pipeline, "extract_document", flaky)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD.replace("officials said", "officials said BOOM"), encoding="utf-8")
    report = engine.ingest([str(tmp_path)])
    assert report.added == 2  # the text of both reports is stored
    reasons = [r["reason"] for r in engine.store.rejections()]
    assert any("extract failed: ValueError: simulated extractor bug" in r for r in reasons)
    assert engine.store.count("claims") >= 1  # the good report's claims are there


# -- issue 13: explicit outcomes and bounded reading -------------------------------------------------

def test_size_limit_message_is_exact(tmp_path: Path, run_cli) -> None:
    (tmp_path / "big.txt").write_bytes(b"word " * 201)  # 1,005 bytes
    result = run_cli("ingest", "--no-extract", "--max-bytes", "1000", str(tmp_path / "big.txt"))
    assert result.exit_code == 1
    assert "1,005 bytes is larger than the limit of 1,000 bytes" in result.stderr


def test_devices_are_refused_without_reading(tmp_path: Path, run_cli) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    result = run_cli("ingest", "--no-extract", "/dev/zero")
    assert result.exit_code == 1
    assert "/dev/zero: a character device, not a file" in result.stderr


def test_a_fifo_in_a_folder_is_refused_and_does_not_hang(tmp_path: Path, run_cli) -> None:
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "ok.txt").write_text(GOOD, encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(folder))
    assert result.exit_code == 1
    assert "pipe.txt: a named pipe (FIFO), not a file" in result.stderr
    assert "1 added" in result.stderr


def test_a_rejected_input_is_rejected_again_when_ingested_again(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "in"
    files = make_batch(folder)
    first = run_cli("ingest", "--no-extract", str(folder))
    again = run_cli("ingest", "--no-extract", str(folder))
    assert first.exit_code == again.exit_code == 1
    assert "4 rejected" in first.stderr and "4 rejected" in again.stderr  # binary, empty, bad line, bad feed
    assert "unchanged" in again.stderr and "0 added" in again.stderr
    assert str(files["empty"]) in again.stderr and str(files["binary"]) in again.stderr


def test_rejections_are_stored_once_across_reruns(tmp_path: Path, engine: Crosswire) -> None:
    make_batch(tmp_path / "in")
    engine.ingest([str(tmp_path / "in")], extract=False)
    n = len(engine.store.rejections())
    again = engine.ingest([str(tmp_path / "in")], extract=False)
    assert len(again.rejected) == n == 4  # binary, empty, a bad JSONL line, a feed that is not XML
    assert len(engine.store.rejections()) == n


def test_every_empty_file_is_rejected_by_reason(tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CROSSWIRE_BATCH_SIZE", "1")  # each input stored before the next is read
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_bytes(b"")
    (folder / "d.txt").write_bytes(b"   \n\n")
    result = run_cli("ingest", "--no-extract", str(folder))
    assert result.exit_code == 1
    assert result.stderr.count("the file is empty") == 4 and "4 rejected" in result.stderr and "0 unchanged" in result.stderr


def test_jsonl_fields_of_the_wrong_type_are_named_not_stored_as_reprs(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "t.jsonl"
    src.write_text('{"id": "a", "title": ["a", "b"], "publisher": {"x": 1}, "text": "Seoul said 1,000 troops moved."}\n'
                   '{"id": "b", "authors": [1, 2], "text": "Kyiv said 2,000 troops moved."}\n', encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(src))
    assert "line 1" in result.stderr and "field 'title' expected a string, got a list" in result.stderr
    assert "field 'publisher' expected a string, got an object" in result.stderr
    assert "line 2" in result.stderr and "field 'authors'" in result.stderr
    docs = json.loads(run_cli("docs", "--json").output)
    assert len(docs) == 2
    assert not any("[" in str(d["title"]) or "{" in str(d["publisher"]) for d in docs)


@pytest.mark.parametrize("given", ['"yesterday"', '"2024-13-45"', "12345", "true"])
def test_unreadable_published_is_kept_as_given_with_a_warning(tmp_path: Path, run_cli, given: str) -> None:
    src = tmp_path / "t.jsonl"
    src.write_text('{"id": "a", "published": %s, "text": "Seoul said 1,000 troops moved."}\n' % given, encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(src))
    assert "warning:" in result.stderr and "line 1" in result.stderr and "field 'published'" in result.stderr
    (doc,) = json.loads(run_cli("docs", "--json").output)
    shown = json.loads(run_cli("show", doc["id"], "--json").output)
    assert shown["published"] is None
    assert shown["meta_sources"]["published_as_given"] == given.strip('"')


def test_html_without_a_body_falls_back_to_visible_text_and_says_so(tmp_path: Path, run_cli) -> None:
    page = ("<html><body>" + "<div>" * 10_000 + "<p>Seoul said 1,000 troops moved across the border on Monday, "
            "officials said.</p>" + "</div>" * 10_000 + "</body></html>")
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    (tmp_path / "blank.html").write_text("<html><body><script>alert(1)</script></body></html>", encoding="utf-8")
    result = run_cli("ingest", "--no-extract", str(tmp_path))
    assert "deep.html" in result.stderr and "visible-text" in result.stderr
    assert "blank.html: the page has no readable text" in result.stderr
    (doc,) = json.loads(run_cli("docs", "--json").output)
    shown = json.loads(run_cli("show", doc["id"], "--json").output)
    assert "1,000 troops" in shown["text"] and shown["meta_sources"]["body_from"] == "visible-text"


def test_a_nul_byte_in_valid_text_is_removed_and_flagged(tmp_path: Path, run_cli) -> None:
    (tmp_path / "n.txt").write_bytes(GOOD.replace("troops", "tr\x00oops").encode())
    result = run_cli("ingest", "--no-extract", str(tmp_path / "n.txt"))
    assert result.exit_code == 0 and "removed 1 NUL byte" in result.stderr
    (doc,) = json.loads(run_cli("docs", "--json").output)
    shown = json.loads(run_cli("show", doc["id"], "--json").output)
    assert "3,000 more troops" in shown["text"] and "NUL" in shown["meta_sources"]["repairs"]
