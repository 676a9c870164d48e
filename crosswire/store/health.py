"""Opening a knowledge base safely, naming what is wrong with it, and checking it.

    conn = connect("kb.db", read_only=True)     # refuses a missing, empty, foreign or damaged file
    raise store_error(exc, "kb.db")             # any sqlite3.Error as one crosswire StoreError
    report = check(conn, "kb.db", migrations)   # `crosswire check`: integrity, schema, how to recover
    n, lost = salvage(conn, Path("inputs/"))    # `crosswire check --salvage DIR`: raw inputs still readable

``connect`` in order:
1. what is at the path: nothing (a read is refused: there is nothing to read, and creating an empty
   knowledge base would hide a wrong --db), a folder or device, a 0-byte file (never re-created in
   silence: a truncated knowledge base looks like this), a file without the SQLite header;
2. open: read-write, or read-only with ``mode=ro`` (a read never writes; on a read-only folder, where
   SQLite cannot create the WAL index, ``immutable=1``);
3. probe ``sqlite_master``: "file is not a database" and "malformed" become
   :class:`NotAKnowledgeBase` and :class:`DamagedKnowledgeBase`; a database with tables but no
   ``schema_migrations`` belongs to another program and is not touched.

``store_error`` maps SQLite's primary result codes (https://www.sqlite.org/rescode.html) to the
error tree of ``crosswire/errors.py``; each message names the file and says what to do.
"""
from __future__ import annotations

import hashlib

import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..errors import (DamagedKnowledgeBase, NoKnowledgeBase, NotAKnowledgeBase, StoreBusy, StoreError, StoreFull,
                      StoreReadOnly)

SQLITE_HEADER = b"SQLite format 3\x00"
# primary result codes (the low byte of an extended code)
PERM, BUSY, LOCKED, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB = 3, 5, 6, 8, 10, 11, 13, 14, 26


def recovery_hint(path: str) -> str:
    return (f"to recover: `crosswire --db {path} check --salvage DIR` writes every input still readable (the "
            f"knowledge base keeps each input as received) and `crosswire --db new.db ingest DIR` rebuilds from "
            f"them; or `sqlite3 {path} .recover | sqlite3 recovered.db` keeps the rows still readable (then "
            "`crosswire --db recovered.db check`); or ingest your original input files again into a new "
            "knowledge base (reports are content-addressed, so nothing is counted twice)")


def store_error(exc: sqlite3.Error, path: str) -> StoreError:
    """``exc`` (raised by SQLite while using the knowledge base at ``path``) as one StoreError."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(exc)
    if code == FULL or "disk is full" in text:
        return StoreFull(f"{path}: the disk is full (or the database reached its size limit) — the input being "
                         "written was rolled back, what was stored before it is kept; free some space and run the "
                         "same command again to complete it")
    if code == CORRUPT or "malformed" in text:
        return DamagedKnowledgeBase(f"{path} is damaged ({text}): run `crosswire --db {path} check`")
    if code == NOTADB or "not a database" in text:
        return NotAKnowledgeBase(f"{path} is not a crosswire knowledge base ({text})")
    if code in (BUSY, LOCKED) or "locked" in text:
        return StoreBusy(f"{path} is locked by another process (an ingest still running?): try again when it "
                         "has finished")
    if code in (READONLY, PERM) or "readonly" in text:
        return StoreReadOnly(f"{path} is read-only: this command writes to the knowledge base (check the "
                             "permissions of the file and of its folder)")
    if code == CANTOPEN:
        return StoreError(f"cannot open {path}: {text} (does its folder exist, and may you read it?)")
    if code == IOERR:
        return StoreError(f"{path}: input/output error ({text}); the disk may be full or failing — "
                          f"run `crosswire --db {path} check`")
    return StoreError(f"{path}: database error: {text}")


def _what_is(path: Path) -> str | None:
    """Why ``path`` (which exists) cannot be a knowledge base file, or None if it may be one."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return "a folder"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device, FIFO or socket)"
    if path.stat().st_size == 0:
        return ("an empty file (0 bytes); if it was a knowledge base it has been truncated — restore it from a "
                "backup, or delete it and run `crosswire ingest` to start afresh")
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if head != SQLITE_HEADER:
        return "not an SQLite database"
    return None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _open(path: str, read_only: bool, immutable: bool = False) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    uri = "file:" + quote(os.path.abspath(path)) + ("?immutable=1" if immutable else "?mode=ro")
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def connect(path: str, read_only: bool = False, as_found: bool = False) -> sqlite3.Connection:
    """A connection to the knowledge base at ``path``, or a StoreError saying what is there instead.

    ``as_found`` (for ``crosswire check``) lets a truncated file through, so its damage can be listed.
    """
    if path == ":memory:" or path.startswith("file:"):
        return sqlite3.connect(path, isolation_level=None, check_same_thread=False, uri=path.startswith("file:"))
    p = Path(path)
    if not p.exists():
        if read_only:
            raise NoKnowledgeBase(f"no knowledge base at {path} — run `crosswire ingest` first "
                                  "(or pass --db / set CROSSWIRE_DB to the one you mean)")
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {path}: {exc.strerror or exc}") from exc
    else:
        problem = _what_is(p)
        if problem:
            raise NotAKnowledgeBase(f"{path} is not a crosswire knowledge base: it is {problem}")
        if not read_only and not _writable(p):
            raise StoreReadOnly(f"{path} is read-only (the file or its folder): this command writes to the "
                                "knowledge base; make both writable, or use a read command")
    conn: sqlite3.Connection | None = None
    try:
        conn = _open(path, read_only)
        try:
            tables = _tables(conn)
        except sqlite3.OperationalError as exc:
            if not (read_only and (exc.sqlite_errorcode & 0xFF) == CANTOPEN):
                raise
            conn.close()  # a WAL database in a read-only folder: SQLite cannot make its -shm index
            conn = _open(path, read_only, immutable=True)
            tables = _tables(conn)
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise store_error(exc, path) from exc
    if tables and "schema_migrations" not in tables:
        conn.close()
        raise NotAKnowledgeBase(f"{path} is not a crosswire knowledge base: it is an SQLite database of another "
                                f"program (tables: {', '.join(sorted(tables)[:5])}{' …' if len(tables) > 5 else ''})")
    if not tables and read_only:
        conn.close()
        raise NoKnowledgeBase(f"{path} is an empty SQLite database, not yet a knowledge base — run "
                              "`crosswire ingest` first")
    short = None if as_found else _truncated(conn, p)
    if short:
        conn.close()
        raise DamagedKnowledgeBase(f"{path} is damaged ({short}): run `crosswire --db {path} check`")
    return conn


def _truncated(conn: sqlite3.Connection, path: Path) -> str | None:
    """'truncated: …' if the file is shorter than its own page count says (only when no WAL holds pages)."""
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None
    try:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.DatabaseError:
        return None  # the first query on a table will say what is wrong
    have = path.stat().st_size
    return f"truncated: {have:,} bytes of {pages * size:,}" if have < pages * size else None


def writable(path: str) -> bool:
    """True if a read-only opening may migrate ``path`` itself (the file and its folder are writable)."""
    return path != ":memory:" and _writable(Path(path))


# -- crosswire check -----------------------------------------------------------------------------------
@dataclass(slots=True)
class CheckReport:
    path: str
    problems: list[str] = field(default_factory=list)
    facts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "ok": self.ok, "problems": self.problems, "counts": self.facts,
                "recovery": None if self.ok else recovery_hint(self.path)}


COUNTED = ("documents", "raw_inputs", "rejections", "entities", "quotes", "claims", "times")


def check(conn: sqlite3.Connection, path: str, migrations: list[tuple[int, str, str]],
          max_problems: int = 20) -> CheckReport:
    """Integrity check, applied migrations and expected tables of an open knowledge base."""
    report = CheckReport(path)
    if path != ":memory:" and Path(path).exists():
        short = _truncated(conn, Path(path))
        if short:
            report.problems.append(f"the file is {short}")
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(max_problems)})")]
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"integrity check could not run: {exc}")
        return report
    if rows != ["ok"]:
        report.problems += [f"integrity: {r}" for r in _lines(rows)]
    try:
        done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
        missing = [f"{n:03d}_{name}" for n, name, _ in migrations if n not in done]
        if missing:
            report.problems.append(f"migrations not applied: {', '.join(missing)} (any writing command applies "
                                   "them)")
        tables = _tables(conn)
        absent = [t for t in COUNTED if t not in tables]
        if absent:
            report.problems.append(f"tables missing: {', '.join(absent)}")
        for t in COUNTED:
            if t in tables:
                report.facts[t] = int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # noqa: S608
        bad_fk = conn.execute("PRAGMA foreign_key_check").fetchmany(max_problems)
        report.problems += [f"foreign key: row {r[1]} of {r[0]} points to a missing {r[2]}" for r in bad_fk]
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"reading the schema failed: {exc}")
    return report


def quick_check(conn: sqlite3.Connection, max_problems: int = 5) -> list[str]:
    """``PRAGMA quick_check`` (integrity without index contents, O(N)): the problems, or [] if sound."""
    try:
        rows = [str(r[0]) for r in conn.execute(f"PRAGMA quick_check({int(max_problems)})")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else _lines(rows)


def _lines(rows: list[str]) -> list[str]:
    """SQLite's check messages, one problem a line (its rows may hold several, and a banner)."""
    return [line.strip() for r in rows for line in str(r).splitlines()
            if line.strip() and not line.startswith("*** in database")]


def salvage(conn: sqlite3.Connection, out: Path, max_misses: int = 10_000) -> tuple[int, bool]:
    """Write each raw input still readable to ``out`` under its own file name (so the readers see the same
    kind: .txt, .html, .jsonl, .rss ...); (how many were written, whether some of the table could not be
    read). Rows are read one at a time by rowid, so a damaged page loses the rows on it, not the rest;
    at most ``max_misses`` rowids are skipped. An input is written only if its bytes still hash to its id
    (the SHA-256 of the bytes as received): damage inside a stored input loses that input, it is never
    written half-overwritten."""
    out.mkdir(parents=True, exist_ok=True)
    written = misses = 0
    last = 0
    while misses < max_misses:
        try:
            row = conn.execute("SELECT rowid, source, bytes, id FROM raw_inputs WHERE rowid > ? ORDER BY rowid LIMIT 1",
                               (last,)).fetchone()
        except sqlite3.DatabaseError:
            last, misses = last + 1, misses + 1
            continue
        if row is None:
            break
        last = int(row[0])
        if row[2] is None:
            continue
        if hashlib.sha256(bytes(row[2])).hexdigest() != row[3]:
            misses += 1  # the page holding it was damaged: its bytes are not the input any more
            continue
        _free_name(out, str(row[1])).write_bytes(row[2])
        written += 1
    return written, misses > 0


def _free_name(out: Path, source: str) -> Path:
    """A new file in ``out`` named like ``source`` (its base name, same extension; _2, _3 ... if taken)."""
    name = Path(source.split(" (")[0]).name
    name = "".join(ch if ch.isprintable() and ch not in "/\\" else "_" for ch in name).lstrip(".")
    if not name or name in ("-", "<stdin>"):
        name = "stdin.txt"
    target, n = out / name, 1
    while target.exists():
        n += 1
        target = out / f"{Path(name).stem}_{n}{Path(name).suffix}"
    return target
