"""Reads of reports for the CLI, the dashboard, reports and exports (the store's ``Store`` mixes them in).

Every statement here takes qmark parameters and is standard SQL except in the small methods whose name
says what SQLite feature they use (``_fts_*``, ``_nocase``, ``_table_columns``). Errors SQLite raises
while reading become the StoreError of ``store/health.py`` naming the file (see ``mapped``).
"""
from __future__ import annotations

import functools
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ParamSpec, TypeVar, cast

from ..errors import NotFound
from .base import StoreMixin
from .health import store_error
from .rows import (DocFilter, DocumentPage, DocumentSummary, Facet, Original, QuoteInWindow, Record, SearchHit,
                   SearchPage)

P = ParamSpec("P")
T = TypeVar("T")

JSON_COLUMNS = frozenset({"authors", "segments", "meta_sources", "published_bounds", "attribution", "flags", "extracted",
                          "mentions", "pipeline", "chain", "parts"})
DOC_COLUMNS = ("id, key, version, raw_id, locator, source, input_kind, encoding, title, publisher, published,"
               " published_bounds, authors, language, url, external_id, text, segments, meta_sources,"
               " cleaner_version, ingested_at")
# FTS5's snippet() tokenizes the whole text of each result: 1.4 s for a 5 MB report. Above this many bytes
# the snippet is cut around the first occurrence of a query word instead (found by instr, in C).
SNIPPET_SCAN_LIMIT = 200_000
RANK_LIMIT = 2000  # above this many matches a search lists the newest reports first instead of ranking all
# record type -> (table, columns) for exports; raw bytes stay out (see `crosswire show --raw`)
EXPORT_RECORDS: dict[str, tuple[str, str]] = {
    "documents": ("documents", "id, key, version, source, input_kind, encoding, title, publisher, published,"
                               " published_bounds, authors, language, url, external_id, text, segments,"
                               " meta_sources, cleaner_version, ingested_at"),
    "removed_lines": ("removed_lines", "rowid AS id, doc_id, lineno, rule, text"),
    "entities": ("entities", "rowid AS id, doc_id, name, type, kb_id, mentions, count, version"),
    "mentions": ("mentions", 'rowid AS id, doc_id, start, "end", text, label, canonical, kb_id, source'),
    "quotes": ("quotes", "*"),
    "claims": ("claims", "*"),
    "times": ("times", 'rowid AS id, doc_id, text, value, type, start, "end", version'),
    "rejections": ("rejections", "id, source, reason, raw_id, at"),
}


def mapped(method: Callable[P, T]) -> Callable[P, T]:
    """A read whose SQLite errors (locked, damaged, ...) are raised as the StoreError naming the file."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(exc, str(getattr(args[0], "path", "the knowledge base"))) from exc
    return wrapper


def mapped_stream(method: Callable[P, Iterator[T]]) -> Callable[P, Iterator[T]]:
    """``mapped`` for a read that yields its rows."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        try:
            yield from method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise store_error(exc, str(getattr(args[0], "path", "the knowledge base"))) from exc
    return wrapper


def fts_query(text: str) -> str:
    """A user's words as a safe FTS5 query: each word quoted, so no operator or column syntax leaks."""
    words = re.findall(r"\w[\w'-]*", text)
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def decode_row(out: dict[str, Any]) -> dict[str, Any]:
    """A row as a dict with its JSON columns decoded (a value that is not JSON is left as text)."""
    for k in JSON_COLUMNS & out.keys():
        if isinstance(out[k], str):
            try:
                out[k] = json.loads(out[k])
            except ValueError:
                pass
    return out


def window(since: str | None, until: str | None, column: str = "published") -> tuple[str, list[Any]]:
    """SQL (and its parameters) keeping the ``column`` dates that overlap [since, until] (see store/rows.py)."""
    clauses: list[str] = []
    args: list[Any] = []
    if since:  # the first clause lets an index be used; the second is the overlap at the stored precision
        clauses.append(f"{column} >= ? AND {column} >= substr(?, 1, length({column}))")
        args += [since[:4], since]
    if until:
        clauses.append(f"{column} <= ?")
        args.append(until + "~")
    return " AND ".join(clauses) or "1=1", args


class Reads(StoreMixin):
    """Report reads; mixed into ``Store`` (store/base.py: what it uses of it)."""

    # -- SQLite-only pieces (a PostgreSQL store overrides these) ---------------------------------
    def _nocase(self, column: str) -> str:
        return f"{column} = ? COLLATE NOCASE"

    def _table_columns(self, table: str) -> list[tuple[str, str]]:
        """(name, declared type) of each column of ``table``."""
        return [(r[1], (r[2] or "").upper()) for r in self.conn.execute(f"PRAGMA table_info({table})")]

    def _fts_count(self, q: str, cap: int) -> int:
        return int(self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM docs_fts WHERE docs_fts MATCH ? LIMIT ?)",
                                     (q, cap)).fetchone()[0])

    def _fts_page(self, q: str, ranked: bool, limit: int, offset: int, mark: str, tokens: int) -> list[dict[str, Any]]:
        order = "rank" if ranked else "docs_fts.rowid DESC"
        sql = ("SELECT d.id, d.published, d.publisher, d.title, d.rowid AS r,"
               f" CASE WHEN length(CAST(d.text AS BLOB)) <= {SNIPPET_SCAN_LIMIT}"
               f"  THEN snippet(docs_fts, 1, ?, ?, ' … ', {int(tokens)}) END AS snippet"
               " FROM docs_fts JOIN documents d ON d.rowid = docs_fts.rowid"
               f" WHERE docs_fts MATCH ? ORDER BY {order} LIMIT ? OFFSET ?")
        return [dict(r) for r in self.conn.execute(sql, (mark[0], mark[1], q, limit, offset))]

    def _long_snippet(self, rowid: int, query: str, width: int = 90, mark: str = "\x02\x03") -> str:
        """A snippet of a long report: the text around the first query word found (ASCII case folded), with
        every query word in it marked like FTS5's snippet (``mark``: the character before and the one after)."""
        words = [w for w in re.findall(r"\w[\w'-]*", query) if len(w) > 1][:8]
        for word in words:
            at = self.conn.execute("SELECT instr(lower(text), lower(?)) FROM documents WHERE rowid = ?",
                                   (word, rowid)).fetchone()[0]
            if at:
                start = max(int(at) - width, 1)
                piece = self.conn.execute("SELECT substr(text, ?, ?) FROM documents WHERE rowid = ?",
                                          (start, 2 * width + len(word), rowid)).fetchone()[0] or ""
                pattern = "|".join(re.escape(w) for w in words)
                marked = re.sub(pattern, lambda m: f"{mark[0]}{m.group()}{mark[1]}", piece, flags=re.IGNORECASE)
                return ("… " if start > 1 else "") + marked + " …"
        return ""

    # -- listing --------------------------------------------------------------------------------
    def _where(self, flt: DocFilter, alias: str = "") -> tuple[str, list[Any]]:
        a = f"{alias}." if alias else ""
        sql, args = window(flt.since, flt.until, f"{a}published")
        clauses = [sql]
        if flt.publisher:
            clauses.append(self._nocase(f"{a}publisher")); args.append(flt.publisher)
        if flt.language:
            clauses.append(f"{a}language = ?"); args.append(flt.language)
        return " AND ".join(clauses), args

    @mapped
    def documents(self, flt: DocFilter = DocFilter(), limit: int | None = None) -> list[DocumentSummary]:
        """Reports in date order (undated last), with their record counts."""
        where, args = self._where(flt)
        sql = ("SELECT d.id, d.published, d.publisher, d.title, d.language, d.source, d.version, d.authors,"
               " length(d.text) AS chars,"
               " (SELECT count(*) FROM removed_lines r WHERE r.doc_id = d.id) AS removed,"
               " (SELECT count(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
               " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.id) AS quotes,"
               " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims"
               f" FROM documents d WHERE {where} ORDER BY d.published IS NULL, d.published, d.rowid")
        if limit:
            sql += " LIMIT ?"
            args.append(int(limit))
        return [cast(DocumentSummary, decode_row(dict(r))) for r in self.conn.execute(sql, args)]

    @mapped
    def count_documents(self, flt: DocFilter = DocFilter()) -> int:
        where, args = self._where(flt)
        return int(self.conn.execute(f"SELECT count(*) FROM documents WHERE {where}", args).fetchone()[0])  # noqa: S608

    @mapped
    def page_documents(self, flt: DocFilter, limit: int, offset: int) -> list[DocumentSummary]:
        """One page of reports, newest first (undated last); the page is picked from the index first,
        record counts are computed for its rows only."""
        where, args = self._where(flt)
        sql = ("SELECT d.id, d.published, d.publisher, d.title, d.language, d.source, d.version,"
               " (SELECT count(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
               " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.id) AS quotes,"
               " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims"
               f" FROM (SELECT rowid AS r FROM documents WHERE {where}"
               "       ORDER BY published DESC, rowid DESC LIMIT ? OFFSET ?) AS pick"
               " JOIN documents d ON d.rowid = pick.r ORDER BY d.published DESC, d.rowid DESC")
        return [cast(DocumentSummary, decode_row(dict(r))) for r in self.conn.execute(sql, [*args, limit, offset])]

    @mapped
    def facets(self) -> dict[str, list[Facet]]:
        """Publishers and languages with their report counts (for the filter menus)."""
        out = {}
        for col in ("publisher", "language"):
            rows = self.conn.execute(f"SELECT {col}, count(*) FROM documents WHERE {col} IS NOT NULL"  # noqa: S608
                                     f" GROUP BY {col} ORDER BY count(*) DESC LIMIT 200")
            out[col] = [Facet(value=r[0], count=r[1]) for r in rows]
        return out

    @mapped
    def published_range(self) -> tuple[str | None, str | None]:
        """The earliest and the latest publication date stored."""
        row = self.conn.execute("SELECT min(published), max(published) FROM documents").fetchone()
        return row[0], row[1]

    # -- one report -----------------------------------------------------------------------------
    @mapped
    def resolve_id(self, prefix: str) -> str:
        """The one report whose id starts with ``prefix`` (ids are lowercase hex; case and spaces ignored)."""
        prefix = prefix.strip().lower()
        rows = self.conn.execute("SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                                 (prefix, prefix + "\U0010ffff")).fetchall() if prefix else []
        if len(rows) != 1:
            problem = "no document" if not rows else "more than one document"
            raise NotFound(f"{problem} with id {prefix!r} (see `crosswire docs` or /documents for ids)")
        return str(rows[0][0])

    @mapped
    def document(self, doc_id: str) -> DocumentPage:
        """A report (id or unique prefix) with its removed lines and every record extracted from it, each
        list in text order (entities by count); not the raw bytes (see ``original``)."""
        doc_id = self.resolve_id(doc_id)
        out = decode_row(dict(self.conn.execute(f"SELECT {DOC_COLUMNS} FROM documents WHERE id = ?",  # noqa: S608
                                                (doc_id,)).fetchone()))
        out["removed"] = self._records("SELECT lineno, rule, text FROM removed_lines WHERE doc_id = ? ORDER BY lineno",
                                       doc_id)
        out["entities"] = self._records("SELECT name, type, kb_id, mentions, count FROM entities WHERE doc_id = ?"
                                        " ORDER BY count DESC, name", doc_id)
        out["mentions"] = self._records('SELECT rowid AS id, start, "end", text, label, canonical, kb_id'
                                        " FROM mentions WHERE doc_id = ? ORDER BY start", doc_id)
        out["quotes"] = self._records("SELECT * FROM quotes WHERE doc_id = ? ORDER BY start", doc_id)
        out["withheld"] = self._records("SELECT * FROM withheld_statements WHERE doc_id = ? ORDER BY start", doc_id)
        out["claims"] = self._records("SELECT * FROM claims WHERE doc_id = ? ORDER BY start", doc_id)
        out["times"] = self._records('SELECT rowid AS id, text, value, type, start, "end" FROM times'
                                     " WHERE doc_id = ? ORDER BY start", doc_id)
        return out

    def _records(self, sql: str, *args: Any) -> list[Record]:
        """Every row of ``sql`` as a dict, JSON columns decoded; plain tuples from SQLite (thousands of records of
        one long report: building sqlite3.Row objects and checking every key of every row cost more)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        cur.execute(sql, args)
        cols = [d[0] for d in cur.description]
        json_at = [i for i, c in enumerate(cols) if c in JSON_COLUMNS]
        out = [dict(zip(cols, r)) for r in cur]
        for rec in out if json_at else ():
            for i in json_at:
                value = rec[cols[i]]
                if isinstance(value, str):
                    try:
                        rec[cols[i]] = json.loads(value)
                    except ValueError:
                        pass  # not JSON: kept as text, like decode_row
        return out

    @mapped
    def original(self, doc_id: str) -> Original:
        """The report as received: its bytes, the encoding they were read with, and the decoded text."""
        doc_id = self.resolve_id(doc_id)
        r = self.conn.execute("SELECT id, source, encoding, input_kind, raw, decoded FROM documents WHERE id = ?",
                              (doc_id,)).fetchone()
        return cast(Original, dict(r))

    @mapped
    def versions(self, key: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(
            "SELECT id, version, ingested_at FROM documents WHERE key = ? ORDER BY version", (key,))]

    # -- search ---------------------------------------------------------------------------------
    @mapped
    def search_page(self, query: str, limit: int = 20, offset: int = 0, mark: str = "\x02\x03",
                    tokens: int = 16) -> SearchPage:
        """Full-text search: the user's words only (quoted), never FTS operators or SQL.

        Up to RANK_LIMIT matching reports are ranked by relevance; beyond that ranking every match would
        cost too much, so the newest reports come first. Each hit's snippet marks the query words with the
        two characters of ``mark``.
        """
        q = fts_query(query)
        out = SearchPage(query=query, items=[], limit=limit, offset=offset, ranked=True, matches=0)
        if not q:
            return out
        n = self._fts_count(q, RANK_LIMIT + 1)
        out["ranked"], out["matches"] = n <= RANK_LIMIT, n
        for it in self._fts_page(q, out["ranked"], limit, offset, mark, tokens):
            rowid = it.pop("r")
            if it["snippet"] is None:
                it["snippet"] = self._long_snippet(rowid, query, mark=mark)
            out["items"].append(cast(SearchHit, it))
        return out

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """The first ``limit`` hits of ``search_page``, query words in [brackets] (for a terminal)."""
        return self.search_page(query, limit, 0, mark="[]", tokens=12)["items"]

    # -- other reads ----------------------------------------------------------------------------
    @mapped
    def quotes_between(self, since: str | None, until: str | None, limit: int = 200) -> list[QuoteInWindow]:
        """Quotes from reports published in the window (newest reports first)."""
        where, args = self._where(DocFilter(since=since, until=until), "d")
        sql = ("SELECT q.id, q.doc_id, q.speaker, q.speaker_title, q.text, q.said_on, q.kind, q.start, q.\"end\","
               " d.publisher, d.published, d.title FROM documents d JOIN quotes q ON q.doc_id = d.id"
               f" WHERE {where} ORDER BY d.published DESC LIMIT ?")
        return [cast(QuoteInWindow, dict(r)) for r in self.conn.execute(sql, [*args, limit])]  # noqa: S608

    @mapped
    def document_refs(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Title, publisher, date, URL and file of these reports, by id (source lists and citations)."""
        ids = sorted(set(doc_ids))
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            sql = ("SELECT id, title, publisher, published, url, source FROM documents"
                   f" WHERE id IN ({', '.join('?' * len(chunk))})")
            out.update((r["id"], dict(r)) for r in self.conn.execute(sql, chunk))  # noqa: S608 - placeholders only
        return out

    @mapped
    def rejections(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute("SELECT id, source, reason, at FROM rejections ORDER BY id")]

    @mapped
    def count(self, table: str) -> int:
        if table not in {t for t, _ in EXPORT_RECORDS.values()} | {"raw_inputs", "extractions", "entity_edits"}:
            raise NotFound(f"no table {table!r}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

    # -- exports (streamed) ---------------------------------------------------------------------
    @mapped
    def export_rows(self, name: str) -> tuple[list[str], Iterator[tuple[Any, ...]]]:
        """Column names and a stream of plain rows of one record type (EXPORT_RECORDS), in stored order."""
        table, cols = EXPORT_RECORDS[name]
        cur = self.conn.cursor()
        cur.row_factory = None
        cur.execute(f"SELECT {cols} FROM {table} ORDER BY rowid")  # noqa: S608 - fixed names
        return [d[0] for d in cur.description], self._stream(cur)

    @mapped_stream
    def _stream(self, cur: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
        yield from cur

    @mapped
    def export_types(self, name: str) -> dict[str, str]:
        """Declared SQL type (INTEGER, REAL, TEXT, ...) of each exported column of a record type."""
        table, cols = EXPORT_RECORDS[name]
        declared = dict(self._table_columns(table))
        if "rowid AS id" in cols:
            declared["id"] = "INTEGER"
        return declared

    @mapped_stream
    def entity_rows_by_doc(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(doc_id, name, type, kb_id) of every entity row but type OTHER, by report (for the network)."""
        cur = self.conn.cursor()
        cur.row_factory = None
        yield from cur.execute("SELECT doc_id, name, type, kb_id FROM entities WHERE type != 'OTHER' ORDER BY doc_id")

    @mapped_stream
    def ftm_documents(self) -> Iterator[dict[str, Any]]:
        for r in self.conn.execute("SELECT id, title, source, text, publisher, published, authors, url"
                                   " FROM documents"):
            yield dict(r)

    @mapped_stream
    def ftm_names(self) -> Iterator[tuple[str, str, str | None]]:
        """(name, type, a kb id) of each distinct entity name and type, by name."""
        cur = self.conn.cursor()
        cur.row_factory = None
        yield from cur.execute("SELECT name, type, max(kb_id) FROM entities GROUP BY name, type ORDER BY name")

    @mapped_stream
    def ftm_entity_rows(self) -> Iterator[tuple[str, str, str, list[str]]]:
        """(doc_id, name, type, surface forms) of every entity row."""
        for doc_id, name, type_, mentions in self.conn.execute("SELECT doc_id, name, type, mentions FROM entities"):
            yield doc_id, name, type_, json.loads(mentions or "[]")

    @mapped_stream
    def ftm_quotes(self) -> Iterator[dict[str, Any]]:
        for q in self.conn.execute("SELECT id, doc_id, speaker, speaker_title, text, said_on FROM quotes"):
            yield dict(q)

    @mapped_stream
    def ftm_claims(self) -> Iterator[dict[str, Any]]:
        for c in self.conn.execute("SELECT id, doc_id, measure, subject, source, value, low, high, qualifier, unit,"
                                   " hedge, as_of, span, sentence FROM claims"):
            yield dict(c)
