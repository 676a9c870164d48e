"""SQLite knowledge base: numbered migrations, WAL, one writer, content-hash ids, FTS5 search.

Only this package writes. Each input is written together with its ``raw_inputs`` row, in one
transaction per batch of inputs (``batch_writes``, store/writes.py), so a crash in the middle of a
batch leaves the database consistent and a rerun completes it (inputs already marked done are skipped).
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import NotFound, StoreError, StoreReadOnly
from ..models import Document
from .fusion_reads import FusionReads
from .health import CheckReport, check, connect, quick_check, store_error, writable
from .reads import JSON_COLUMNS, Reads, decode_row, fts_query, mapped
from .review import ReviewStore
from .snapshots import SnapshotStore
from .writes import (DOCUMENT_SQL, EXTRACTION_SQL, REMOVED_SQL, BatchWrites, chunks, document_row, marks,
                     record_rows)

__all__ = ["JSON_COLUMNS", "Store", "decode_row", "fts_query", "migrations", "now"]


# record kind -> its table (an "error" record becomes a rejection)
RECORD_TABLES = {"mention": "mentions", "entity": "entities", "quote": "quotes", "claim": "claims", "time": "times",
                 "withheld_statement": "withheld_statements"}
# fields a record also carries under the eval contract's name for a stored column: kind -> {field: column}
_STATEMENT_SAME_AS = {"speaker_text": "speaker_surface"}
SAME_AS = {"quote": _STATEMENT_SAME_AS, "withheld_statement": _STATEMENT_SAME_AS}
WRITTEN_AT = frozenset({"received_at", "ingested_at", "at"})  # columns saying when a row was written
BUSY_TIMEOUT_MS = 10_000  # how long a writer waits for another one before "locked" (StoreBusy)


@dataclass(slots=True)
class RawState:
    """A raw input as stored: whether it was read whole or in part ("done"), the rejections kept for it."""
    done: bool
    rejections: set[tuple[str, str]] = field(default_factory=set)

    @property
    def whole(self) -> bool:
        """Stored whole before: nothing of it rejected (a rerun skips it)."""
        return self.done and not self.rejections


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def migrations(dialect: str = "sqlite") -> list[tuple[int, str, str]]:
    """(number, name, sql) of every migration in store/migrations, in order, for ``dialect``.

    ``NNN_name.sql`` is written for SQLite; for PostgreSQL ``NNN_name.postgresql.sql`` replaces it where
    the SQL differs (full-text search, triggers), and the others are translated (``dialect.ddl_to_postgres``:
    types and rowids)."""
    files: dict[tuple[int, str], dict[str, str]] = {}
    for entry in resources.files("crosswire.store").joinpath("migrations").iterdir():
        m = re.match(r"(\d+)_([a-z0-9_]+)(?:\.(postgresql))?\.sql$", entry.name)
        if m:
            files.setdefault((int(m.group(1)), m.group(2)), {})[m.group(3) or "sqlite"] = entry.read_text(
                encoding="utf-8")
    out = []
    for (number, name), texts in sorted(files.items()):
        if dialect == "sqlite" or dialect in texts:
            out.append((number, name, texts[dialect]))
        else:
            from .dialect import ddl_to_postgres

            out.append((number, name, ddl_to_postgres(texts["sqlite"])))
    return out


class Store(Reads, FusionReads, ReviewStore, SnapshotStore):
    """The knowledge base at ``path``; ``read_only`` opens it with SQLite's ``mode=ro`` (it must exist).

    Opening refuses, with a :class:`~crosswire.errors.StoreError` naming the file, what is not a
    knowledge base (see ``store/health.py``); a read-only opening never creates a knowledge base or
    changes its content, except to apply pending migrations when the file is writable (SQLite may still
    create the ``-wal``/``-shm`` side files of a WAL database beside it). ``as_found`` opens it
    read-only with no migration and no guard, for ``crosswire check``.
    """

    dialect = "sqlite"

    def __init__(self, path: str | Path, read_only: bool = False, as_found: bool = False) -> None:
        self.path = str(path)
        if "://" in self.path and not self.path.startswith("file:"):
            raise StoreError(f"{self.path} is a URL, not a SQLite file: open it with crosswire.store.open_store "
                             "(as the engine does), which picks the backend by the URL's scheme")
        self.read_only = read_only or as_found
        self.conn = connect(self.path, self.read_only, as_found)
        try:
            self.conn.row_factory = sqlite3.Row
            if not self.read_only:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
            if as_found:
                pass  # `crosswire check` looks at the file as it is: no migration, no guard
            elif self.read_only:
                self._migrate_read_only()
            else:
                self.migrate()
        except BaseException as exc:
            self.conn.close()
            if isinstance(exc, sqlite3.Error):
                raise store_error(exc, self.path) from exc
            raise

    def _migrate_read_only(self) -> None:
        """Pending migrations are applied through a short writing connection, if the file may be written."""
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        pending = [n for n, _, _ in migrations() if n not in done]
        if not pending:
            return
        if not writable(self.path):
            raise StoreReadOnly(f"{self.path} needs schema migrations {pending} of this crosswire version, but it "
                                "is read-only: make it writable and run any crosswire command once")
        Store(self.path).close()

    def check(self) -> CheckReport:
        """``PRAGMA integrity_check``, applied migrations, expected tables and row counts."""
        return check(self.conn, self.path, migrations())

    def quick_check(self) -> list[str]:
        """Problems found by ``PRAGMA quick_check`` ([] when the file is sound)."""
        return quick_check(self.conn)

    # -- schema -------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                          " name TEXT, applied_at TEXT)")
        done = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        applied = []
        for number, name, sql in migrations():
            if number in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (number, name, now()))
            applied.append(number)
        return applied

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction; an SQLite error inside it (disk full, locked, damaged) rolls back and is
        raised as a StoreError naming the file, so the knowledge base stays as it was before."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # SQLite may already have rolled back (e.g. on SQLITE_FULL)
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the error being raised says more than a failed rollback

    def close(self) -> None:
        self.conn.close()

    def reader(self) -> Store:
        """Another connection to this knowledge base, for a reader in another thread (a background fusion
        build): WAL lets it read while this one writes. An in-memory database has no other connection:
        this store itself is returned."""
        if self.path in ("", ":memory:") or self.path.startswith("file::memory:"):
            return self
        return type(self)(self.path, read_only=True)

    # -- writing ------------------------------------------------------------------------------
    @mapped
    def raw_states(self, shas: Sequence[str]) -> dict[str, RawState]:
        """What is stored of each of these raw inputs (those never stored are left out): one query per
        ``IN_CHUNK`` of them."""
        out: dict[str, RawState] = {}
        for part in chunks(list(dict.fromkeys(shas))):
            for sha, status, source, reason in self.conn.execute(
                    "SELECT r.id, r.status, j.source, j.reason FROM raw_inputs r LEFT JOIN rejections j"  # noqa: S608
                    f" ON j.raw_id = r.id WHERE r.id IN ({marks(len(part))})", list(part)):
                state = out.setdefault(sha, RawState(status == "done"))
                if reason is not None:
                    state.rejections.add((source, reason))
        return out

    @mapped
    def documents_and_versions(self, doc_ids: Sequence[str], keys: Sequence[str]) -> tuple[set[str], dict[str, int]]:
        """Which of these reports are stored, and the latest version stored under each of these keys (keys
        with none left out)."""
        stored: set[str] = set()
        latest: dict[str, int] = {}
        for part in chunks(list(doc_ids)):
            stored.update(r[0] for r in self.conn.execute(
                f"SELECT id FROM documents WHERE id IN ({marks(len(part))})", list(part)))  # noqa: S608
        for part in chunks(list(keys)):
            latest.update((r[0], int(r[1])) for r in self.conn.execute(
                f"SELECT key, MAX(version) FROM documents WHERE key IN ({marks(len(part))}) GROUP BY key",  # noqa: S608
                list(part)))
        return stored, latest

    def unstored(self, docs: Sequence[Document]) -> list[Document]:
        """The reports of ``docs`` not stored yet, each id once, in their order (one query per chunk): what an
        ingest batch still has to extract."""
        stored, _ = self.documents_and_versions([d.id for d in docs], [])
        return list({d.id: d for d in docs if d.id not in stored}.values())

    @contextmanager
    def batch_writes(self, known: dict[str, set[tuple[str, str]]],
                     docs: Iterable[tuple[str, str]]) -> Iterator[BatchWrites]:
        """One transaction writing a batch of inputs (store/writes.py): ``known`` the rejections stored for
        each raw input of the batch stored before (``raw_states``), ``docs`` (id, key) of its reports. The
        rows queued are written when the block ends; an error rolls the whole batch back."""
        with self.transaction():
            writes = BatchWrites(self, known, docs, now())
            yield writes
            writes.write()

    @mapped
    def has_document(self, doc_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: Document, raw_id: str | None, key: str, cleaner: str) -> bool:
        """Insert ``doc`` unless its content id is stored; a new text under a known key is a new version
        (the rows ``BatchWrites.add_document`` queues, written now)."""
        if self.has_document(doc.id):
            return False
        row = self.conn.execute("SELECT MAX(version) FROM documents WHERE key = ?", (key,)).fetchone()
        self.conn.execute(DOCUMENT_SQL, document_row(doc, raw_id, key, (row[0] or 0) + 1, cleaner, now()))
        self.conn.executemany(REMOVED_SQL, [(doc.id, r.lineno, r.rule, r.text) for r in doc.removed])
        return True

    def save_extraction(self, doc_id: str, records: list[dict[str, Any]], pipeline: dict[str, str]) -> None:
        """Replace the extraction records of one document (call inside a transaction).

        Every field of every record is stored: a record of a kind with no table, or a field with no column
        (other than the eval contract's names in SAME_AS, which must equal their column's value), raises a
        StoreError naming them, and the transaction rolls back.
        """
        for table in RECORD_TABLES.values():
            self.conn.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))  # noqa: S608 - fixed names
        at = now()
        for _, sql, values in record_rows(self, doc_id, records, at):
            self.conn.execute(sql, values)
        self.conn.execute(EXTRACTION_SQL, (doc_id, json.dumps(pipeline), at))
        self.apply_claim_reviews([doc_id])  # the analyst's corrections outlive re-extraction

    def _record_columns(self, doc_id: str, rec: dict[str, Any]) -> tuple[str, list[str]]:
        """The table of a record and the columns its fields go to; a StoreError for what has no place."""
        kind = rec.get("record")
        table = RECORD_TABLES.get(str(kind))
        if table is None:
            raise StoreError(f"cannot store a record of kind {kind!r} (document {doc_id}): the kinds stored are "
                             f"{', '.join(sorted(RECORD_TABLES))} and error")
        columns = self._columns(table)
        same_as = SAME_AS.get(str(kind), {})
        unknown = sorted(k for k in rec if k != "record" and k not in columns
                         and not (k in same_as and rec[k] == rec.get(same_as[k])))
        if unknown:
            raise StoreError(f"cannot store field(s) {', '.join(unknown)} of a {kind} record (document {doc_id}): "
                             f"the {table} table has no column for them (its columns: {', '.join(columns)})")
        return table, [c for c in columns if c not in ("id", "doc_id") and c in rec]

    def _columns(self, table: str) -> list[str]:
        cache: dict[str, list[str]] = self.__dict__.setdefault("_colcache", {})
        if table not in cache:
            cache[table] = [name for name, _ in self._table_columns(table)]
        return cache[table]

    def content_hash(self, table: str) -> tuple[int, str]:
        """(rows, SHA-256 of their content) of one table, whatever order and time the rows were written:
        the row number (an INTEGER PRIMARY KEY) and the write times (``WRITTEN_AT``) are left out, the rows
        sorted (a content-hash ``id`` is content, and kept). Two knowledge bases built from the same inputs
        (in one process or on several workers) give the same pair."""
        if table not in self.tables():
            raise NotFound(f"no table {table!r} in {self.path}")
        cols = [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")  # noqa: S608 - checked name
                if not (r[5] and str(r[2]).upper() == "INTEGER") and r[1] not in WRITTEN_AT]  # not the row number
        quoted = ", ".join(f'"{c}"' for c in cols)
        rows = sorted(json.dumps([v.hex() if isinstance(v, bytes) else v for v in r], ensure_ascii=False)
                      for r in self.conn.execute(f"SELECT {quoted} FROM {table}"))  # noqa: S608 - checked name
        digest = hashlib.sha256()
        for line in rows:
            digest.update(line.encode("utf-8", "surrogatepass") + b"\n")
        return len(rows), digest.hexdigest()

    def tables(self) -> list[str]:
        """The tables holding knowledge (not the migrations' record, not the full-text index)."""
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return sorted(str(r[0]) for r in rows if not _internal(str(r[0])))

    def bulk_insert(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert ``rows`` (values of ``columns``, keys included) into ``table``; call inside a transaction."""
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{table}" ({cols}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608 - schema names
        n = 0
        for batch in _batches(rows, 5000):
            self.conn.executemany(sql, batch)
            n += len(batch)
        return n



INTERNAL_TABLES = frozenset({"schema_migrations", "crosswire_changes", "docs_fts"})


def _internal(table: str) -> bool:
    """Machinery, not knowledge: the migrations' record, PostgreSQL's change counter, the full-text index."""
    return table in INTERNAL_TABLES or table.startswith(("docs_fts_", "sqlite_"))


def _batches(rows: Iterable[Sequence[Any]], size: int) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _statements(sql: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    out: list[str] = []
    buf: list[str] = []
    for line in sql.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        text = "\n".join(buf).strip()
        in_trigger = re.search(r"\bCREATE TRIGGER\b", text, re.I) and not re.search(r"\bEND;\s*$", text)
        if text.endswith(";") and not in_trigger:
            out.append(text)
            buf = []
    if "\n".join(buf).strip():
        out.append("\n".join(buf))
    return out
