"""PostgreSQL knowledge base: the same Store, its statements rewritten for PostgreSQL (store/dialect.py).

    store = PgStore("postgresql://user:pw@host:5432/crosswire")     # or open_store(url) in store/__init__

``PgConnection`` stands where the SQLite store keeps its ``sqlite3.Connection``: ``execute``,
``executemany``, ``cursor()``, rows indexed by position or name (``PgRow``, like ``sqlite3.Row``),
``lastrowid``, ``in_transaction``, and the PRAGMAs the store asks (``data_version`` → a change counter
kept by statement triggers, ``table_info`` → information_schema, the checks → "ok"). Every psycopg error
becomes a :class:`~crosswire.errors.StoreError` naming the URL without its password.

One writer at a time, as with SQLite: ``BEGIN IMMEDIATE`` takes a transaction advisory lock, waited for
at most ``lock_timeout`` (then StoreBusy). Commits are asynchronous (``synchronous_commit = off``): a
server crash may lose the last fraction of a second of commits, never consistency — the same promise as
SQLite's WAL with ``synchronous=NORMAL``. Full-text search: a ``tsvector`` per document (migration 001's
PostgreSQL variant) searched with ``plainto_tsquery('simple', …)``, ranked by ``ts_rank``, snippets by
``ts_headline``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import (DamagedKnowledgeBase, NoKnowledgeBase, NotAKnowledgeBase, StoreBusy, StoreError, StoreFull,
                      StoreReadOnly)
from .dialect import WRITER_LOCK, Schema, to_postgres
from .health import COUNTED, CheckReport
from .reads import SNIPPET_SCAN_LIMIT
from .sqlite import Store, _internal, migrations, now

LOCK_TIMEOUT = "10s"  # how long a writer waits for another one (SQLite's busy_timeout) before StoreBusy


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """``url`` without its password (for messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the PostgreSQL URL"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def pg_error(exc: Exception, where: str) -> StoreError:
    """A psycopg error met while using the knowledge base at ``where`` as one StoreError."""
    from psycopg import errors as e

    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, (e.LockNotAvailable, e.DeadlockDetected, e.QueryCanceled, e.SerializationFailure)):
        return StoreBusy(f"{where} is locked by another process (an ingest still running?): try again when it "
                         f"has finished ({text})")
    if isinstance(exc, (e.DiskFull, e.InsufficientResources)):
        return StoreFull(f"{where}: the server's disk is full ({text}) — the input being written was rolled back, "
                         "what was stored before it is kept; free some space and run the same command again")
    if isinstance(exc, (e.ReadOnlySqlTransaction, e.InsufficientPrivilege)):
        return StoreReadOnly(f"{where} is read-only for this user or this command ({text})")
    if isinstance(exc, (e.DataCorrupted, e.IndexCorrupted)):
        return DamagedKnowledgeBase(f"{where} is damaged ({text}): ask the server's administrator (REINDEX, backups)")
    if isinstance(exc, e.UndefinedTable):
        return NotAKnowledgeBase(f"{where} is not a crosswire knowledge base ({text})")
    if isinstance(exc, e.OperationalError) and (exc.sqlstate is None or exc.sqlstate.startswith(("08", "57P"))):
        return StoreError(f"lost the connection to {where}: {text}")
    return StoreError(f"{where}: database error: {text}")


class PgRow:
    """A row like ``sqlite3.Row``: ``row[0]``, ``row["name"]``, ``row.keys()``, ``dict(row)``."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PgRow) and tuple(self._values) == tuple(other._values) and self._index == other._index

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values))!r})"


class _Rows:
    """The answer of a PRAGMA (computed here, not by the server)."""

    def __init__(self, names: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.description = [(n, None, None, None, None, None, None) for n in names]
        self.rows = rows


class PgCursor:
    """A cursor like ``sqlite3.Cursor`` over a psycopg one (``row_factory`` None gives tuples)."""

    def __init__(self, conn: PgConnection) -> None:
        self.connection = conn
        self._cur = conn.raw.cursor()
        self.row_factory: Any = conn.row_factory
        self.lastrowid: int | None = None
        self._keep: list[int] | None = None  # positions of the columns shown (None: all)
        self._names: list[str] = []
        self._fake: _Rows | None = None
        self._fake_at = 0
        self._sql = ""

    # -- running ------------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> PgCursor:
        head = sql.lstrip()[:16].upper()
        self._fake = None
        if head.startswith("PRAGMA"):
            self._fake = self.connection.pragma(sql)
            self._fake_at = 0
            self._describe_fake()
            return self
        conn = self.connection
        args = _adapt(params) if params else None
        self._sql = sql
        if head.startswith("BEGIN"):  # IMMEDIATE: the writer's lock, taken in the same round trip
            locks = "IMMEDIATE" in head or "EXCLUSIVE" in head
            self._run(f"BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})" if locks else "BEGIN", None)
            self._describe()
            return self
        insert = head.startswith("INSERT")
        if not head.startswith(("SELECT", "WITH")):
            conn.dirty = True  # this connection may have written: its next version() asks the server
        self._run(conn.translate(sql, args is not None, insert), args)
        self._describe()
        if insert:
            row = self._cur.fetchone() if self._cur.description else None
            self.lastrowid = int(row[0]) if row and row[0] is not None else self.lastrowid
        return self

    def executemany(self, sql: str, seq: Any) -> PgCursor:
        rows = [_adapt(p) for p in seq]
        if not rows:
            return self
        q = self.connection.translate(sql, True, False)
        self.connection.dirty = True
        self.connection.round_trips += 1  # psycopg sends every row in one pipeline: one wait for the server
        try:
            self._cur.executemany(q, rows)
        except Exception as exc:  # noqa: BLE001 - psycopg errors only (mapped); others re-raised
            raise self.connection.error(exc) from exc
        return self

    def _run(self, q: str, args: Sequence[Any] | None) -> None:
        self.connection.round_trips += 1
        try:
            self._cur.execute(q, args)
        except Exception as exc:  # noqa: BLE001
            raise self.connection.error(exc) from exc

    def _describe(self) -> None:
        desc = self._cur.description
        if desc is None:
            self._names, self._keep = [], None
            return
        names = [c.name for c in desc]
        keep = None
        if "rowid" in names and self.connection.hidden_rowid:
            res = self._cur.pgresult
            hidden = {i for i, n in enumerate(names) if n == "rowid" and res is not None
                      and res.ftable(i) in self.connection.hidden_rowid}
            if hidden and not self._mentions_rowid():
                keep = [i for i in range(len(names)) if i not in hidden]
                names = [names[i] for i in keep]
        self._names, self._keep = names, keep

    def _mentions_rowid(self) -> bool:
        return "rowid" in self._sql.lower()

    def _describe_fake(self) -> None:
        assert self._fake is not None
        self._names, self._keep = [d[0] for d in self._fake.description], None

    @property
    def description(self) -> list[tuple[Any, ...]] | None:
        if self._fake is not None:
            return self._fake.description
        if self._cur.description is None:
            return None
        return [(n, None, None, None, None, None, None) for n in self._names]

    @property
    def rowcount(self) -> int:
        return -1 if self._fake is not None else self._cur.rowcount

    # -- rows -------------------------------------------------------------------------------------
    def _make(self, values: Sequence[Any]) -> Any:
        if self._keep is not None:
            values = tuple(values[i] for i in self._keep)
        factory = self.row_factory
        if factory is None:
            return tuple(values)
        if factory is PgRow or getattr(factory, "__name__", "") == "Row":
            return PgRow({n: i for i, n in enumerate(self._names)}, values)
        return factory(self, tuple(values))

    def _raw_rows(self, n: int | None) -> list[Any]:
        if self._fake is not None:
            rows = self._fake.rows[self._fake_at:] if n is None else self._fake.rows[self._fake_at:self._fake_at + n]
            self._fake_at += len(rows)
            return rows
        if self._cur.description is None:
            return []
        try:
            return self._cur.fetchall() if n is None else self._cur.fetchmany(n)
        except Exception as exc:  # noqa: BLE001
            raise self.connection.error(exc) from exc

    def fetchone(self) -> Any:
        rows = self._raw_rows(1)
        return self._make(rows[0]) if rows else None

    def fetchmany(self, size: int = 1) -> list[Any]:
        return [self._make(r) for r in self._raw_rows(size)]

    def fetchall(self) -> list[Any]:
        if self.row_factory is None and self._keep is None and self._fake is None:
            return self._raw_rows(None)
        if self.row_factory is not None and self._keep is None and self._fake is None and \
                (self.row_factory is PgRow or getattr(self.row_factory, "__name__", "") == "Row"):
            index = {n: i for i, n in enumerate(self._names)}
            return [PgRow(index, r) for r in self._raw_rows(None)]
        return [self._make(r) for r in self._raw_rows(None)]

    def __iter__(self) -> Iterator[Any]:
        while True:
            rows = self._raw_rows(2000)
            if not rows:
                return
            if self.row_factory is None and self._keep is None:
                yield from rows
            else:
                for r in rows:
                    yield self._make(r)

    def close(self) -> None:
        self._cur.close()


def _adapt(params: Sequence[Any] | None) -> list[Any]:
    """SQLite's parameters for psycopg: booleans as integers (the columns are integers, as in SQLite)."""
    return [int(p) if isinstance(p, bool) else p for p in (params or ())]


class PgConnection:
    """A psycopg connection behind the part of ``sqlite3.Connection`` the store uses."""

    def __init__(self, url: str, read_only: bool = False) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("a postgresql:// knowledge base needs psycopg: pip install 'crosswire[postgres]'") from exc

        self.url = url
        self.where = redact(url)
        try:
            self.raw = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            reason = (str(exc).strip().splitlines() or ["connection refused"])[0].strip()
            reason = reason.replace(url, self.where).removeprefix("connection failed: ")
            raise StoreError(f"cannot connect to {self.where}: {reason} (is the server running, and do the "
                             "database, user and password exist?)") from exc
        self.row_factory: Any = None
        self.total_changes = 0  # SQLite's own-connection counter; the change counter covers every writer
        self.schema = Schema()
        self.hidden_rowid: set[int] = set()
        self.dirty = True  # written (or not yet asked) since the change counter was last read
        self.round_trips = 0  # statements sent after opening, each one wait for the server (tests count them)
        self._sql: dict[tuple[str, bool, bool], str] = {}
        self.raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        self.raw.execute("SET synchronous_commit = off")
        if read_only:
            self.raw.execute("SET default_transaction_read_only = on")

    def error(self, exc: Exception) -> Exception:
        import psycopg

        if isinstance(exc, psycopg.Error):
            return pg_error(exc, self.where)
        return exc

    def translate(self, sql: str, has_params: bool, returning: bool) -> str:
        key = (sql, has_params, returning)
        q = self._sql.get(key)
        if q is None:
            q = self._sql[key] = to_postgres(sql, self.schema, has_params, returning)
        return q

    def load_schema(self) -> None:
        """Columns, keys and integer keys of the tables of the current schema (after migrations)."""
        schema = Schema()
        for table, column in self.raw.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
                " ORDER BY table_name, ordinal_position"):
            schema.columns.setdefault(table, []).append(column)
        for table, column in self.raw.execute(
                "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)"
                " WHERE i.indisprimary AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname, a.attnum"):
            schema.keys.setdefault(table, []).append(column)
        hidden: set[int] = set()
        for oid, table in self.raw.execute(
                "SELECT c.oid, c.relname FROM pg_class c WHERE c.relkind = 'r'"
                " AND c.relnamespace = current_schema()::regnamespace"):
            cols = schema.columns.get(table, [])
            if "rowid" in cols:
                schema.rowid[table] = "rowid"
                if schema.keys.get(table) != ["rowid"]:  # SQLite's implicit rowid: not part of SELECT *
                    hidden.add(int(oid))
                    cols.remove("rowid")
            elif schema.keys.get(table) == ["id"]:
                schema.rowid[table] = "id"
        self.schema, self.hidden_rowid = schema, hidden
        self._sql.clear()

    # -- sqlite3.Connection's surface ---------------------------------------------------------------
    def cursor(self) -> PgCursor:
        return PgCursor(self)

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> PgCursor:
        return PgCursor(self).execute(sql, params)

    def executemany(self, sql: str, seq: Any) -> PgCursor:
        return PgCursor(self).executemany(sql, seq)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def pragma(self, sql: str) -> _Rows:
        """What SQLite would answer to ``sql`` (a PRAGMA), from PostgreSQL."""
        m = re.match(r"\s*PRAGMA\s+(\w+)\s*(?:\(\s*['\"]?(\w+)['\"]?\s*\))?\s*(=.*)?;?\s*$", sql, re.I)
        if not m:
            return _Rows([], [])
        name, arg, assign = m.group(1).lower(), m.group(2), m.group(3)
        if assign:
            return _Rows([], [])  # journal_mode, synchronous, foreign_keys, busy_timeout: settings of SQLite
        if name == "data_version":
            row = self.execute("SELECT version FROM crosswire_changes").fetchone()
            return _Rows(["data_version"], [(int(row[0]) if row else 0,)])
        if name == "table_info" and arg:
            types = {"bigint": "INTEGER", "integer": "INTEGER", "double precision": "REAL", "bytea": "BLOB",
                     "text": "TEXT", "boolean": "INTEGER"}
            self.round_trips += 1
            rows = self.raw.execute(
                "SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position", (arg,)).fetchall()
            keys = self.schema.keys.get(arg, [])
            visible = self.schema.columns.get(arg)
            out = [(i, c, types.get(t, t.upper()), int(n == "NO"), d, int(c in keys))
                   for i, (c, t, n, d) in enumerate(r for r in rows if visible is None or r[0] in visible)]
            return _Rows(["cid", "name", "type", "notnull", "dflt_value", "pk"], out)
        if name in ("integrity_check", "quick_check"):
            return _Rows([name], [("ok",)])
        if name == "journal_mode":
            return _Rows(["journal_mode"], [("postgresql",)])
        return _Rows([], [])  # foreign_key_check and the rest: nothing to report


CHANGES = """
CREATE TABLE IF NOT EXISTS crosswire_changes (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version BIGINT NOT NULL);
INSERT INTO crosswire_changes (version) VALUES (0) ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION crosswire_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('crosswire.bumped_in', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE crosswire_changes SET version = version + 1;
        PERFORM pg_notify('crosswire_changes', '');
        PERFORM set_config('crosswire.bumped_in', txid_current()::text, true);
    END IF;
    RETURN NULL;
END $$;
"""


class PgStore(Store):
    """The knowledge base in a PostgreSQL database (``postgresql://user:password@host:port/dbname``).

    The database must exist (crosswire creates its tables, not databases). A read-only opening needs the
    knowledge base to be there (NoKnowledgeBase otherwise) and runs every transaction read-only; pending
    migrations are applied through a short writing connection, as for SQLite. ``as_found`` (``crosswire
    check``) opens it with no migration.
    """

    dialect = "postgresql"

    def __init__(self, url: str, read_only: bool = False, as_found: bool = False) -> None:
        self.url = url
        self.path = redact(url)
        self.read_only = read_only or as_found
        self.conn = PgConnection(url, self.read_only)  # type: ignore[assignment]
        try:
            self.pg.row_factory = PgRow
            tables = self._tables()
            if tables and "schema_migrations" not in tables:
                raise NotAKnowledgeBase(f"{self.path} is not a crosswire knowledge base: its schema holds the tables "
                                        f"of another program ({', '.join(sorted(tables)[:5])}"
                                        f"{' …' if len(tables) > 5 else ''})")
            if self.read_only and not tables:
                raise NoKnowledgeBase(f"no knowledge base at {self.path} — run `crosswire --db URL ingest` first "
                                      "(or pass --db / set CROSSWIRE_DB to the one you mean)")
            if as_found:
                pass
            elif self.read_only:
                self._migrate_read_only()
            else:
                self.migrate()
            self.pg.load_schema()
        except BaseException:
            self.conn.close()
            raise

    def reader(self) -> PgStore:
        """Another connection, read-only, for a reader in another thread: opened from the URL itself (``path``
        is the URL without its password, which a server asking for one refuses)."""
        return PgStore(self.url, read_only=True)

    @property
    def pg(self) -> PgConnection:
        return self.conn  # type: ignore[return-value]

    def _tables(self) -> set[str]:
        rows = self.pg.raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
        return {r[0] for r in rows}

    def tables(self) -> list[str]:
        return sorted(t for t in self._tables() if not _internal(t))

    def bulk_insert(self, table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> int:
        """COPY ``rows`` into ``table`` (inside a transaction), then move its identity past the keys copied."""
        cols = ", ".join(f'"{c}"' for c in columns)
        n = 0
        try:
            with self.pg.raw.cursor() as cur:
                with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                for key in ("rowid", "id"):
                    if self.pg.schema.rowid.get(table) == key:
                        cur.execute(f'SELECT setval(pg_get_serial_sequence(%s, %s), m) FROM (SELECT max("{key}") AS m'
                                    f' FROM "{table}") AS top WHERE m IS NOT NULL', (f'"{table}"', key))
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - psycopg errors become StoreErrors
            raise self.pg.error(exc) from exc
        return n

    def _migrate_read_only(self) -> None:
        done = {r[0] for r in self.pg.raw.execute("SELECT version FROM schema_migrations")}
        if [n for n, _, _ in migrations("postgresql") if n not in done]:
            PgStore(self.url).close()

    def migrate(self) -> list[int]:
        raw = self.pg.raw
        try:
            raw.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT,"
                        " applied_at TEXT)")
            applied: list[int] = []
            with raw.transaction():
                raw.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")  # one migrating process at a time
                raw.execute(CHANGES)
                done = {r[0] for r in raw.execute("SELECT version FROM schema_migrations")}
                for number, name, sql in migrations("postgresql"):
                    if number in done:
                        continue
                    raw.execute(sql.encode("utf-8"))
                    raw.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)", (number, name, now()))
                    applied.append(number)
                if applied:  # every table counts its writes in crosswire_changes (the caches' version)
                    for table in self._tables() - {"crosswire_changes", "schema_migrations"}:
                        raw.execute(f'CREATE OR REPLACE TRIGGER crosswire_changed AFTER INSERT OR UPDATE OR DELETE'
                                    f' OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION crosswire_bump()')
        except StoreError:
            raise
        except Exception as exc:  # noqa: BLE001 - psycopg errors become StoreErrors
            raise self.pg.error(exc) from exc
        self.pg.load_schema()
        return applied

    def check(self) -> CheckReport:
        """Applied migrations, expected tables and row counts (PostgreSQL checks its own pages)."""
        report = CheckReport(self.path)
        tables = self._tables()
        if "schema_migrations" in tables:
            done = {r[0] for r in self.pg.raw.execute("SELECT version FROM schema_migrations")}
            missing = [f"{n:03d}_{name}" for n, name, _ in migrations("postgresql") if n not in done]
            if missing:
                report.problems.append(f"migrations not applied: {', '.join(missing)} (any writing command applies "
                                       "them)")
        absent = [t for t in COUNTED if t not in tables]
        if absent:
            report.problems.append(f"tables missing: {', '.join(absent)}")
        for t in COUNTED:
            if t in tables:
                report.facts[t] = self.count(t)
        return report

    def quick_check(self) -> list[str]:
        return []

    # -- full-text search: a tsvector per report instead of FTS5 -------------------------------------
    @staticmethod
    def _words(q: str) -> str:
        """The words of an FTS5 query made by ``fts_query`` ("a" "b"), for plainto_tsquery."""
        return " ".join(w.replace('""', '"') for w in re.findall(r'"((?:[^"]|"")*)"', q))

    def _fts_count(self, q: str, cap: int) -> int:
        row = self._pg_rows("SELECT count(*) FROM (SELECT 1 FROM docs_fts f WHERE f.tsv @@ plainto_tsquery('simple', %s)"
                            " LIMIT %s) AS hits", (self._words(q), cap))
        return int(row[0][0])

    def _fts_page(self, q: str, ranked: bool, limit: int, offset: int, mark: str, tokens: int) -> list[dict[str, Any]]:
        order = "ts_rank(f.tsv, q) DESC, d.rowid" if ranked else "d.rowid DESC"
        sql = ("SELECT d.id, d.published, d.publisher, d.title, d.rowid AS r, left(d.text, 300) AS head,"
               f" CASE WHEN octet_length(d.text) <= {SNIPPET_SCAN_LIMIT} THEN"
               f" ts_headline('simple', d.text, q, 'StartSel=\ue000, StopSel=\ue001, MaxWords={max(int(tokens), 2)},"
               f" MinWords={max(int(tokens) // 3, 1)},"
               " MaxFragments=1, FragmentDelimiter=\" … \"') END AS snippet"
               " FROM docs_fts f JOIN documents d ON d.rowid = f.rowid, plainto_tsquery('simple', %s) AS q"
               f" WHERE f.tsv @@ q ORDER BY {order} LIMIT %s OFFSET %s")
        rows = self._pg_rows(sql, (self._words(q), limit, offset))
        out = []
        for doc_id, published, publisher, title, rowid, head, snippet in rows:
            if snippet is not None:
                snippet = fts5_like(snippet, head).replace("\ue000", mark[0]).replace("\ue001", mark[1])
            out.append({"id": doc_id, "published": published, "publisher": publisher, "title": title, "r": rowid,
                        "snippet": snippet})
        return out

    def _pg_rows(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        self.pg.round_trips += 1
        try:
            return self.pg.raw.execute(sql.encode("utf-8"), args).fetchall()
        except Exception as exc:  # noqa: BLE001 - psycopg errors become StoreErrors
            raise self.pg.error(exc) from exc


def fts5_like(headline: str, head: str) -> str:
    """A ts_headline fragment written like FTS5's snippet: one line, `` … `` where the text goes on."""
    one = " ".join(headline.split())
    plain = one.replace("\ue000", "").replace("\ue001", "")
    starts = " ".join(head.split()).startswith(plain[:40])
    return ("" if starts else " … ") + one + " … "
