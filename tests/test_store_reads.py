"""The store's read API: one since/until rule, one id resolution, errors named after the file."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crosswire.errors import NotFound, StoreBusy, StoreError
from crosswire.fuse.rules import in_window
from crosswire.store import DocFilter, Store

PUBLISHED = {"a1": "2024-12-31", "a2": "2025-01", "a3": "2025-01-15", "a4": "2025-01-31T23:10:00",
             "b1": "2025-02-01", "b2": "2025", "c1": None}


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "kb.db")
    with s.transaction() as conn:
        for i, (name, published) in enumerate(PUBLISHED.items()):
            doc_id = f"{name}{i:02d}" + "0" * 30
            conn.execute("INSERT INTO documents (id, key, source, input_kind, text, publisher, published, ingested_at)"
                         " VALUES (?, ?, ?, 'text', ?, ?, ?, '2026-01-01')",
                         (doc_id, name, f"{name}.txt", f"text of {name}", "KBS" if name < "b" else "YTN", published))
    return s


def names(rows: list) -> set[str]:  # type: ignore[type-arg]
    return {r["id"][:2] for r in rows}


@pytest.mark.parametrize(("since", "until"), [(None, "2025-01"), ("2025-01-15", None), ("2025-01", "2025-01"),
                                              ("2025-01-20", "2025-01-31"), ("2025", None), (None, "2024")])
def test_documents_in_a_window_are_those_whose_date_overlaps_it_like_fusion_points(
        store: Store, since: str | None, until: str | None) -> None:
    expected = {n for n, p in PUBLISHED.items() if p is not None and in_window(p, since, until)}
    flt = DocFilter(since=since, until=until)
    assert names(store.documents(flt)) == expected
    assert names(store.page_documents(flt, 50, 0)) == expected
    assert store.count_documents(flt) == len(expected)


def test_until_a_month_covers_its_last_day_and_a_partial_date_is_kept_whole(store: Store) -> None:
    january = names(store.documents(DocFilter(until="2025-01")))
    assert {"a3", "a4", "a2"} <= january and "b1" not in january
    assert "a2" in names(store.documents(DocFilter(since="2025-01-15")))  # "2025-01" may be the 20th
    assert "b2" in names(store.documents(DocFilter(since="2025-03", until="2025-04")))  # "2025" overlaps


def test_publisher_filter_ignores_case(store: Store) -> None:
    assert names(store.documents(DocFilter(publisher="kbs"))) == {"a1", "a2", "a3", "a4"}


def test_an_id_resolves_by_its_unique_prefix_whatever_the_case(store: Store) -> None:
    full = store.documents(DocFilter(publisher="YTN"))[0]["id"]
    assert store.resolve_id(full[:3]) == full
    assert store.resolve_id(" " + full[:3].upper()) == full
    assert store.document(full[:3])["id"] == full
    with pytest.raises(NotFound, match="more than one document"):
        store.resolve_id("a")
    with pytest.raises(NotFound, match="no document with id 'zz'"):
        store.resolve_id("zz")
    with pytest.raises(NotFound, match="no document"):
        store.resolve_id("a_")  # not a LIKE pattern: '_' is no wildcard
    with pytest.raises(NotFound):
        store.resolve_id("")


class _Locked:
    """A connection on which every statement finds the database locked (another process holds it)."""

    total_changes = 0

    def execute(self, *args: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    def cursor(self) -> _Locked:
        return self

    row_factory = None


def test_a_database_error_while_reading_is_a_store_error_naming_the_file(store: Store) -> None:
    store.conn, real = _Locked(), store.conn  # type: ignore[assignment]
    try:
        for read in (lambda: store.documents(), lambda: store.version(), lambda: list(store.series_claims()),
                     lambda: store.search_page("troops"), lambda: store.entity_edits()):
            with pytest.raises(StoreBusy) as err:
                read()
            assert store.path in str(err.value) and "locked by another process" in str(err.value)
            assert "\n" not in str(err.value) and isinstance(err.value, StoreError)
    finally:
        store.conn = real


# -- writing extraction records: nothing skipped ------------------------------------------------
def _doc(store: Store) -> str:
    return store.documents(DocFilter(publisher="YTN"))[0]["id"]


def test_an_unknown_record_kind_is_an_error_and_nothing_is_written(store: Store) -> None:
    doc_id = _doc(store)
    with pytest.raises(StoreError, match="kind 'statement'.*claim, entity, mention, quote, time"):
        with store.transaction():
            store.save_extraction(doc_id, [{"record": "time", "text": "today", "value": "2025-01-02", "start": 0,
                                            "end": 5}, {"record": "statement", "text": "x"}], {"test": "1"})
    assert store.document(doc_id)["times"] == []  # rolled back with the rest


def test_a_field_without_a_column_is_an_error(store: Store) -> None:
    quote = {"record": "quote", "text": "We will respond.", "speaker": "NIS", "speaker_surface": "the agency",
             "start": 0, "end": 16}
    with store.transaction():  # the eval contract's name for speaker_surface, with the same value: stored once
        store.save_extraction(_doc(store), [{**quote, "speaker_text": "the agency"}], {"test": "1"})
    assert store.document(_doc(store))["quotes"][0]["speaker_surface"] == "the agency"
    for extra in ({"speaker_text": "someone else"}, {"mood": "angry"}):
        with pytest.raises(StoreError, match="cannot store field.*quote record.*quotes table has no column"):
            with store.transaction():
                store.save_extraction(_doc(store), [{**quote, **extra}], {"test": "1"})
