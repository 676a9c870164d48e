"""Writing a batch of inputs in one transaction with few statements (``Store.batch_writes``).

Storing one report used to cost about eleven statements, each one a round trip to a PostgreSQL
server (the state of its raw input, its rejections, whether its text is stored, the versions of its
key, then one INSERT per row). Now the raw inputs' states come in one query per batch before reading
(``Store.raw_states``: stored whole, or with which rejections); a ``BatchWrites`` asks, after the
writer's lock, which reports and keys of the batch are stored (one query each) and queues the rows.
They are written when the batch ends, table after table, each table's rows in the order queued with
one ``executemany`` per run of one statement — so the rows, their row numbers and the content stored
are those of writing each input by itself (tests/test_ingest_batches.py). What the batch adds is
remembered: a report given twice in one batch is stored once (the second is "unchanged"), as before.

    states = store.raw_states(shas)                  # before reading: which inputs are stored, their rejections
    with store.batch_writes({sha: states[sha].rejections ...}, [(doc.id, key) ...]) as w:  # BEGIN ... COMMIT
        known = w.rejections_of(sha); w.add_raw(...); w.add_rejection(...)
        if w.add_document(doc, sha, key, cleaner): w.save_extraction(doc.id, records, pipeline)
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from typing import Any, Protocol, TypeVar

from ..models import Document, Rejection

IN_CHUNK = 500  # values per IN (...) list (SQLite allows 32,766 parameters; PostgreSQL 65,535)
T = TypeVar("T")

RAW_SQL = "INSERT OR IGNORE INTO raw_inputs (id, source, size, bytes, received_at) VALUES (?, ?, ?, ?, ?)"
REJECTION_SQL = "INSERT INTO rejections (source, reason, raw_id, raw, at) VALUES (?, ?, ?, ?, ?)"
DOCUMENT_SQL = ("INSERT INTO documents (id, key, version, raw_id, locator, source, input_kind, encoding, raw,"
                " decoded, title, publisher, published, published_bounds, authors, language, url, external_id,"
                " text, segments, meta_sources, cleaner_version, ingested_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
REMOVED_SQL = "INSERT INTO removed_lines (doc_id, lineno, rule, text) VALUES (?, ?, ?, ?)"
EXTRACTION_SQL = "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?)"
# the tables a batch writes, each after those its rows refer to (documents → raw_inputs, records → documents)
WRITE_ORDER = ("raw_inputs", "documents", "removed_lines", "mentions", "entities", "quotes", "withheld_statements",
               "claims", "times", "extractions", "rejections")


class Connection(Protocol):
    def executemany(self, sql: str, seq: Any) -> Any: ...


class Store(Protocol):
    """What a batch needs of the store (store/sqlite.py's Store, which imports this module)."""

    @property
    def conn(self) -> Connection: ...

    def documents_and_versions(self, doc_ids: Sequence[str], keys: Sequence[str]) -> tuple[set[str], dict[str, int]]:
        ...

    def _record_columns(self, doc_id: str, rec: dict[str, Any]) -> tuple[str, list[str]]: ...

    def apply_claim_reviews_if_any(self, doc_ids: list[str]) -> int: ...


def sql_value(v: Any) -> Any:
    """A record's field as stored: lists and dicts as JSON text, booleans as 0/1."""
    if isinstance(v, (list, dict, tuple)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return int(v)
    return v


def chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices of ``size``: the values of one IN (...) list each (every IN-list read of the store)."""
    for at in range(0, len(values), size):
        yield values[at:at + size]


def marks(n: int) -> str:
    return ", ".join("?" * n)


def document_row(doc: Document, raw_id: str | None, key: str, version: int, cleaner: str, at: str) -> tuple[Any, ...]:
    """The values of DOCUMENT_SQL for one report."""
    return (doc.id, key, version, raw_id, None, doc.source, doc.input_kind, doc.encoding, doc.raw,
            doc.decoded, doc.title, doc.publisher, doc.published,
            json.dumps(doc.published_bounds) if doc.published_bounds else None,
            json.dumps(doc.authors, ensure_ascii=False), doc.language, doc.url, doc.external_id, doc.text,
            json.dumps([asdict(s) for s in doc.segments]), json.dumps(doc.meta_sources), cleaner, at)


def record_rows(store: Store, doc_id: str, records: list[dict[str, Any]],
                at: str) -> Iterator[tuple[str, str, Sequence[Any]]]:
    """(table, statement, values) of each record of one report, in order: a failed stage (an error record)
    as a rejection naming the report; a record that has no place raises a StoreError (``_record_columns``)."""
    for rec in records:
        if rec.get("record") == "error":
            reason = f"{rec.get('stage')} failed: {rec.get('reason')}"
            yield "rejections", REJECTION_SQL, (f"document {doc_id}", reason, None, None, at)
            continue
        table, cols = store._record_columns(doc_id, rec)
        quoted = ", ".join(f'"{c}"' for c in cols)
        yield (table, f"INSERT INTO {table} (doc_id, {quoted}) VALUES (?{', ?' * len(cols)})",  # noqa: S608
               [doc_id, *(sql_value(rec[c]) for c in cols)])


class BatchWrites:
    """The rows of a batch of inputs, queued in order; made by ``Store.batch_writes`` inside its transaction."""

    def __init__(self, store: Store, known: dict[str, set[tuple[str, str]]], docs: Iterable[tuple[str, str]],
                 at: str) -> None:
        self.store = store
        self.at = at  # the time written on every row of the batch
        # per table, in WRITE_ORDER: (statement, rows) runs of one statement, in the order queued
        self.queue: dict[str, list[tuple[str, list[Sequence[Any]]]]] = {}
        self.extracted: list[str] = []  # reports whose claims the analyst's reviews may change
        wanted = list(dict.fromkeys(docs))
        self.rejections = {sha: set(found) for sha, found in known.items()}
        self.stored, self.latest = store.documents_and_versions([d for d, _ in wanted],
                                                                list(dict.fromkeys(k for _, k in wanted)))

    def _queue(self, table: str, sql: str, row: Sequence[Any]) -> None:
        runs = self.queue.setdefault(table, [])
        if runs and runs[-1][0] == sql:
            runs[-1][1].append(row)
        else:
            runs.append((sql, [row]))

    # -- what is stored ---------------------------------------------------------------------------------
    def rejections_of(self, sha: str) -> set[tuple[str, str]]:
        """(source, reason) of each rejection stored (or queued) for one raw input."""
        return set(self.rejections.get(sha, ()))

    def has_key(self, key: str) -> bool:
        """Whether a report with this key is stored (or queued): a new text under it is a new version."""
        return key in self.latest

    # -- rows ---------------------------------------------------------------------------------------------
    def add_raw(self, sha: str, source: str, raw: bytes | None, size: int) -> None:
        self._queue("raw_inputs", RAW_SQL, (sha, source, size, raw, self.at))

    def add_rejection(self, rej: Rejection, raw_id: str | None = None) -> None:
        raw = rej.raw if raw_id is None else None  # the bytes of an input with no raw_inputs row
        self._queue("rejections", REJECTION_SQL, (rej.source, rej.reason, raw_id, raw, self.at))
        if raw_id is not None:
            self.rejections.setdefault(raw_id, set()).add((rej.source, rej.reason))

    def add_document(self, doc: Document, raw_id: str | None, key: str, cleaner: str) -> bool:
        """Queue ``doc`` unless its content id is stored; a new text under a known key is a new version."""
        if doc.id in self.stored:
            return False
        version = self.latest.get(key, 0) + 1
        self.stored.add(doc.id)
        self.latest[key] = version
        self._queue("documents", DOCUMENT_SQL, document_row(doc, raw_id, key, version, cleaner, self.at))
        for r in doc.removed:
            self._queue("removed_lines", REMOVED_SQL, (doc.id, r.lineno, r.rule, r.text))
        return True

    def save_extraction(self, doc_id: str, records: list[dict[str, Any]], pipeline: dict[str, str]) -> None:
        """The extraction records of a report queued here (``Store.save_extraction`` for a report new in
        this batch: it has no records to replace). A record that has no place raises a StoreError now."""
        for table, sql, row in record_rows(self.store, doc_id, records, self.at):
            self._queue(table, sql, row)
        self._queue("extractions", EXTRACTION_SQL, (doc_id, json.dumps(pipeline), self.at))
        self.extracted.append(doc_id)

    def write(self) -> None:
        """Every queued row: table after table (WRITE_ORDER: a row's references first), each table's rows in
        the order queued, one executemany per run of one statement."""
        for table in sorted(self.queue, key=WRITE_ORDER.index):
            for sql, rows in self.queue[table]:
                self.store.conn.executemany(sql, rows)
        self.queue = {}
        if self.extracted:
            self.store.apply_claim_reviews_if_any(self.extracted)
            self.extracted = []
