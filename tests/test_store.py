"""Storage, on both backends (SQLite file and PostgreSQL database, the `store_url` fixture): idempotent ingest,
versions, migrations, full-text search safety; WAL on SQLite."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crosswire import Crosswire
from crosswire.store import open_store
from crosswire.store.sqlite import fts_query, migrations



@pytest.fixture
def engine(store_url: str) -> Iterator[Crosswire]:
    cw = Crosswire(db=store_url)
    yield cw
    cw.close()


TEXT = "[Anchor]\nNorth Korea sent about 3,000 more troops to Kursk, officials said.\nI'm YTN's Park Ji-won.\n"


def test_ingesting_the_same_input_twice_adds_nothing(tmp_path: Path, engine: Crosswire) -> None:
    f = tmp_path / "r.txt"
    f.write_text(TEXT, encoding="utf-8")
    first = engine.ingest([str(f)], extract=False)
    second = engine.ingest([str(f)], extract=False)
    assert (first.added, second.added, second.unchanged) == (1, 0, 1)
    assert engine.store.count("documents") == 1


def test_same_text_in_another_encoding_is_the_same_document(tmp_path: Path, engine: Crosswire) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(TEXT.encode("utf-16"))
    report = engine.ingest([str(tmp_path)], extract=False)
    assert report.added == 1 and report.unchanged == 1


def test_changed_text_under_the_same_id_keeps_both_versions(tmp_path: Path, engine: Crosswire) -> None:
    f = tmp_path / "feed.jsonl"
    f.write_text(json.dumps({"id": "n1", "text": TEXT, "url": "https://example.org/n1"}) + "\n", encoding="utf-8")
    engine.ingest([str(f)], extract=False)
    f.write_text(json.dumps({"id": "n1", "text": TEXT.replace("3,000", "3,500"), "url": "https://example.org/n1"})
                 + "\n", encoding="utf-8")
    report = engine.ingest([str(f)], extract=False)
    assert report.added == 1 and report.new_versions == 1
    versions = engine.store.versions("https://example.org/n1")
    assert [v["version"] for v in versions] == [1, 2]


def test_migrations_are_numbered_and_recorded(store_url: str) -> None:
    numbers = [m[0] for m in migrations()]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert [m[:2] for m in migrations("postgresql")] == [m[:2] for m in migrations()]  # the same, numbered alike
    store = open_store(store_url)
    applied = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert applied == numbers
    assert store.migrate() == []  # idempotent
    if store.dialect == "sqlite":
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_search_with_sql_and_fts_metacharacters_is_safe(tmp_path: Path, engine: Crosswire) -> None:
    (tmp_path / "r.txt").write_text(TEXT, encoding="utf-8")
    engine.ingest([str(tmp_path)], extract=False)
    for nasty in ['"', "Kursk' OR 1=1 --", "NEAR(", "title:Kursk*", "); DROP TABLE documents; --", "^", ""]:
        engine.search(nasty)  # must not raise
    assert engine.store.count("documents") == 1
    assert [r["publisher"] for r in engine.search("kursk troops")] == ["YTN"]
    assert fts_query('a"b') == '"a" "b"'


@pytest.mark.sqlite_only
def test_db_location_from_environment(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "env.db"
    monkeypatch.setenv("CROSSWIRE_DB", str(target))
    cw = Crosswire()
    cw.store
    cw.close()
    assert target.exists()
