"""Fusion's state saved by ingest (crosswire/fuse/snapshot.py, store/snapshots.py): a reader loads it instead of
building fusion, refreshes an older one incrementally to what a full build gives, and builds fusion itself (with
a message, never a crash) when the saved state was made by other code or is damaged."""
from __future__ import annotations

import logging
import pickle
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crosswire import Crosswire
from crosswire import engine as engine_mod
from crosswire.cli import cli
from crosswire.fuse import incremental, snapshot
from crosswire.store import open_store
from crosswire.store.snapshots import SnapshotDamaged, SnapshotHeader

from test_incremental import add, bench, everything


def _generated(db: str, reports: int, seed: int = 11) -> bench.Generator:
    gen = bench.Generator(seed)
    add(db, gen, 0, reports)
    return gen


def _no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a full build fail: a reader that answers must have loaded the saved state."""
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fusion was built although a usable saved state was there")

    monkeypatch.setattr(incremental, "build", refuse)


def _drop(db: str) -> None:
    store = open_store(db)
    with store.transaction() as conn:
        conn.execute("DELETE FROM fusion_snapshot_parts")
        conn.execute("DELETE FROM fusion_snapshot")
    store.close()


def _save(db: str) -> dict[str, Any]:
    cw = Crosswire(db=db)
    try:
        return cw.save_fusion()
    finally:
        cw.close()


def _full_build_answers(db: str) -> dict[str, Any]:
    """What a full build over the knowledge base answers (its saved state dropped first)."""
    _drop(db)
    cw = Crosswire(db=db)
    out = everything(cw)
    assert cw.fusion_status()["how"] == "full"
    cw.close()
    return out


def test_a_reader_loads_the_state_ingest_saved_instead_of_building_fusion(db: str,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _generated(db, 200)
    writer = Crosswire(db=db)
    done = writer.save_fusion()
    assert done["how"] == "full" and done["saved_bytes"] > 0 and done["reports"] == 200
    built = everything(writer)
    writer.close()
    with monkeypatch.context() as m:
        _no_build(m)
        reader = Crosswire(db=db, read_only=True)
        assert everything(reader) == built
        assert reader.fusion_status()["how"] == "loaded"
        assert reader.fusion.state().names is not None and reader.fusion.state().timeline is not None  # saved too
        reader.close()
    again = Crosswire(db=db)
    assert again.save_fusion("auto")["how"] == "up to date"  # nothing added since: nothing to do
    again.close()


@pytest.mark.parametrize("seed", [11, 12])
def test_an_older_saved_state_is_loaded_and_refreshed_to_what_a_full_build_gives(db: str, seed: int,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _generated(db, 300, seed)
    _save(db)
    for first, count in ((300, 40), (340, 25)):
        add(db, gen, first, count)  # another process's ingest that saved nothing (--no-fuse)
        with monkeypatch.context() as m:
            _no_build(m)
            reader = Crosswire(db=db, read_only=True)
            answers = everything(reader)
            status = reader.fusion_status()
            reader.close()
        assert status["how"] == "incremental" and status["reports"] == first + count
        assert _save(db)["how"] == "incremental"  # loaded and refreshed, then saved
        assert answers == _full_build_answers(db)
        _save(db)  # _full_build_answers dropped it


def test_ingest_saves_fusion_and_a_reader_after_it_builds_nothing(db: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Officials said 300 troops were killed in Kursk last week, according to the ministry.\n"
                      "The ministry said 120 soldiers were wounded.\n")
    cw = Crosswire(db=db)
    result = cw.ingest([str(report)], extract=False)
    assert result.fusion is not None and result.fusion["how"] == "full"
    assert result.as_dict()["fusion"]["saved_bytes"] > 0
    cw.close()
    with monkeypatch.context() as m:
        _no_build(m)
        reader = Crosswire(db=db, read_only=True)
        reader.figures()
        assert reader.fusion_status()["how"] == "loaded"
        reader.close()
    skipped = Crosswire(db=db)
    other = tmp_path / "s.txt"
    other.write_text("The agency said 40 people were killed in Gaza on Monday.\n")
    assert skipped.ingest([str(other)], extract=False, fuse="never").fusion is None
    header = skipped.store.fusion_snapshot_header()
    assert header is not None and header.mark != skipped.store.fusion_mark()  # left behind, as asked
    with pytest.raises(Exception, match="expected one of auto, always, never"):
        skipped.ingest([str(other)], fuse="sometimes")
    skipped.close()


def test_auto_leaves_a_large_saved_state_a_little_behind_and_catches_up_past_the_share(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _generated(db, 300)
    monkeypatch.setattr(engine_mod, "SAVE_SMALL", 0)  # every saved state counts as large
    cw = Crosswire(db=db)
    cw.save_fusion()
    add(db, gen, 300, 3)  # 1% of the 300 covered: under SAVE_BEHIND
    left = cw.save_fusion("auto")
    assert (left["how"], left["behind"]) == ("left", 3)
    add(db, gen, 303, 10)  # 13 behind: over 2%
    done = cw.save_fusion("auto")
    assert done["how"] == "incremental"
    header = cw.store.fusion_snapshot_header()
    assert header is not None and header.mark == cw.store.fusion_mark()
    cw.close()


def test_a_state_saved_by_other_fusion_code_or_rules_is_built_again_with_a_message(
        db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    _generated(db, 60)
    _save(db)
    monkeypatch.setattr(snapshot, "fingerprint", lambda settings: "other code")
    with caplog.at_level(logging.WARNING):
        reader = Crosswire(db=db, read_only=True)
        reader.figures()
        assert reader.fusion_status()["how"] == "full"
        reader.close()
    assert "another version of crosswire's fusion code" in caplog.text
    writer = Crosswire(db=db)
    done = writer.save_fusion("auto")  # replaced by this code's
    assert done["how"] == "full" and any("another version" in n for n in done["notes"])
    assert writer.store.fusion_snapshot_header().code == "other code"  # type: ignore[union-attr]
    writer.close()


def test_source_grades_and_the_rules_are_part_of_the_fingerprint() -> None:
    base = snapshot.fingerprint({})
    assert snapshot.fingerprint({}) == base
    assert snapshot.fingerprint({"source_grades": {"KBS": "B"}}) != base
    assert set(snapshot.RULES) == {"fusion.toml", "estimative.toml"}
    assert any(p.name == "incremental.py" for p in snapshot.CODE)


def test_an_edited_rules_file_or_fusion_module_changes_the_fingerprint(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The code-and-rules part is hashed once per process (``_code_hash``), from the files themselves."""
    base, bundled = snapshot.fingerprint({}), snapshot.DATA
    rules_dir = tmp_path / "data"
    rules_dir.mkdir()
    for name in snapshot.RULES:
        (rules_dir / name).write_bytes((snapshot.DATA / name).read_bytes())
    (rules_dir / "fusion.toml").write_bytes((snapshot.DATA / "fusion.toml").read_bytes() + b"\n# edited\n")
    code = tmp_path / "incremental.py"
    code.write_bytes(next(p for p in snapshot.CODE if p.name == "incremental.py").read_bytes() + b"\n# edited\n")
    try:
        monkeypatch.setattr(snapshot, "DATA", rules_dir)
        snapshot._code_hash.cache_clear()
        edited_rules = snapshot.fingerprint({})
        monkeypatch.setattr(snapshot, "DATA", bundled)
        monkeypatch.setattr(snapshot, "CODE", tuple(code if p.name == "incremental.py" else p for p in snapshot.CODE))
        snapshot._code_hash.cache_clear()
        edited_code = snapshot.fingerprint({})
    finally:
        monkeypatch.undo()
        snapshot._code_hash.cache_clear()
    assert len({base, edited_rules, edited_code}) == 3
    assert snapshot.fingerprint({}) == base


def _damage(db: str, how: str) -> None:
    store = open_store(db)
    if how == "truncated":
        with store.transaction() as conn:
            conn.execute("UPDATE fusion_snapshot_parts SET data = ?", (b"\x78\x01",))
    elif how == "header":
        with store.transaction() as conn:
            conn.execute("UPDATE fusion_snapshot SET mark = ?", ("{not json",))
    else:  # bytes that pass the size and SHA-256 checks but are no state of ours
        header = store.fusion_snapshot_header()
        assert header is not None
        payload = {"garbage": zlib.compress(b"\x80\x05 this is not a pickle", 1),
                   "foreign": zlib.compress(pickle.dumps(_Evil(), protocol=5), 1),
                   "other type": zlib.compress(pickle.dumps({"a": 1}, protocol=5), 1)}[how]
        store.write_fusion_snapshot(SnapshotHeader(header.code, header.mark, header.format), payload)
    store.close()


class _Evil:
    """A pickle that would run a command on load (``os.system``): a snapshot must never do that."""

    def __reduce__(self) -> tuple[Any, ...]:
        import os

        return os.system, ("touch /tmp/crosswire-snapshot-ran-code",)


@pytest.mark.parametrize("how", ["truncated", "header", "garbage", "foreign", "other type"])
def test_a_damaged_saved_state_is_a_message_and_a_build_never_a_crash(db: str, how: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    marker = Path("/tmp/crosswire-snapshot-ran-code")
    marker.unlink(missing_ok=True)
    _generated(db, 40)
    writer = Crosswire(db=db)
    writer.save_fusion()
    expected = everything(writer)
    writer.close()
    _damage(db, how)
    with caplog.at_level(logging.WARNING):
        reader = Crosswire(db=db, read_only=True)
        assert everything(reader) == expected
        assert reader.fusion_status()["how"] == "full"
        reader.close()
    assert "building fusion again" in caplog.text
    assert not marker.exists()
    writer = Crosswire(db=db)
    # a damaged size or SHA-256 is seen by the cheap check of "auto"; bytes that check but do not load, on loading
    done = writer.save_fusion("auto" if how in ("truncated", "header") else "always")
    assert done["how"] == "full" and "notes" in done
    writer.close()
    reader = Crosswire(db=db, read_only=True)
    reader.figures()
    assert reader.fusion_status()["how"] == "loaded"  # saved whole again
    reader.close()


def test_the_store_checks_size_and_sha256_of_what_it_reads_back(db: str) -> None:
    store = open_store(db)
    mark = store.fusion_mark()
    data = bytes(range(256)) * 1000
    header = store.write_fusion_snapshot(SnapshotHeader("c", mark, "f"), data)
    assert (header.size, header.parts) == (len(data), 1)
    got = store.read_fusion_snapshot()
    assert got is not None and got[1] == data and got[0].mark == mark
    with store.transaction() as conn:
        conn.execute("UPDATE fusion_snapshot SET sha256 = ?", ("0" * 64,))
    with pytest.raises(SnapshotDamaged, match="SHA-256"):
        store.read_fusion_snapshot()
    store.close()
    _drop(db)
    store = open_store(db)
    assert store.read_fusion_snapshot() is None and store.fusion_snapshot_header() is None
    store.close()


def test_the_cli_says_what_ingest_did_to_fusion_and_no_fuse_skips_it(db: str, tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text("Officials said 300 troops were killed in Kursk last week, according to the ministry.\n")
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", str(report)])
    assert first.exit_code == 0, first.output
    assert "fusion: built in" in first.output and "MB in" in first.output
    other = tmp_path / "s.txt"
    other.write_text("The agency said 40 people were killed in Gaza on Monday.\n")
    second = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", "--no-fuse", str(other)])
    assert second.exit_code == 0 and "fusion: not saved (--no-fuse)" in second.output
    third = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", "--fuse-always", str(other)])
    assert third.exit_code == 0 and "fusion: refreshed in" in third.output  # nothing added, yet brought up to date
    both = runner.invoke(cli, ["--db", db, "ingest", "--no-fuse", "--fuse-always", str(other)])
    assert both.exit_code == 2 and "contradict" in both.output
    as_json = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", "--json", "--fuse-always", str(report)])
    assert '"how": "loaded"' in as_json.output  # current, yet loaded and saved again, as asked
    plain = runner.invoke(cli, ["--db", db, "ingest", "--no-extract", "--json", str(report)])
    assert plain.exit_code == 0 and '"fusion"' not in plain.output  # nothing added: nothing to bring up to date


def test_a_pickle_naming_a_function_of_crosswire_is_refused() -> None:
    data = zlib.compress(pickle.dumps(snapshot.fingerprint, protocol=5), 1)
    from crosswire.resources import Resources

    with pytest.raises(snapshot.SnapshotUnreadable, match="never holds"):
        snapshot.loads(data, Resources().gazetteer)


def test_records_added_to_a_report_the_saved_state_covers_make_a_full_build_not_a_refresh(db: str,
                                                                                          tmp_path: Path) -> None:
    _generated(db, 30)
    report = tmp_path / "r.txt"
    report.write_text("The agency said 40 people were killed in Gaza on Monday.\n")
    cw = Crosswire(db=db)
    assert cw.ingest([str(report)], extract=False).fusion["how"] == "full"  # type: ignore[index]
    doc_id = cw.documents()[-1]["id"]  # covered by the saved state, with no records yet
    with cw.store.transaction():  # its records written later: no new report's (a refresh would miss them)
        cw.store.save_extraction(doc_id, [{"record": "entity", "name": "Zyxland Defence Bureau", "type": "ORG",
                                           "kb_id": None, "mentions": ["Zyxland Defence Bureau"], "count": 1}], {})
    cw.close()
    reader = Crosswire(db=db, read_only=True)
    assert reader.entity("Zyxland Defence Bureau")["doc_ids"] == [doc_id]
    assert reader.fusion_status()["how"] == "full"
    reader.close()
