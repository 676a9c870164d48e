"""Paginated, index-backed reads for the dashboard (the store's own listing reads everything).

Every query here uses an index and a LIMIT, so a page costs the same on eleven reports as on
a hundred thousand.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from ..errors import NotFound
from ..store.sqlite import JSON_COLUMNS, SNIPPET_SCAN_LIMIT, decode_row, fts_query, long_snippet

_DOC_COLS = ("id, key, version, source, input_kind, encoding, title, publisher, published, published_bounds,"
             " authors, language, url, external_id, text, segments, meta_sources, cleaner_version, ingested_at")


@dataclass(slots=True, frozen=True)
class DocFilter:
    since: str | None = None
    until: str | None = None
    publisher: str | None = None
    language: str | None = None

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        a = f"{alias}." if alias else ""
        clauses, args = ["1=1"], []
        if self.since:
            clauses.append(f"{a}published >= ?"); args.append(self.since)
        if self.until:  # '~' sorts after every character of an ISO date, so 2025-01-31 covers that whole day
            clauses.append(f"{a}published <= ?"); args.append(self.until + "~")
        if self.publisher:
            clauses.append(f"{a}publisher = ?"); args.append(self.publisher)
        if self.language:
            clauses.append(f"{a}language = ?"); args.append(self.language)
        return " AND ".join(clauses), args


def row(r: sqlite3.Row) -> dict[str, Any]:
    return decode_row(dict(r))


def list_documents(conn: sqlite3.Connection, flt: DocFilter, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """One page of reports, newest first (undated last), with record counts, and the total that match.

    The page is picked from the index first; record counts are computed for its rows only.
    """
    return {"total": count_documents(conn, flt), "limit": limit, "offset": offset,
            "items": page_documents(conn, flt, limit, offset)}


def count_documents(conn: sqlite3.Connection, flt: DocFilter) -> int:
    where, args = flt.where()
    return int(conn.execute(f"SELECT count(*) FROM documents WHERE {where}", args).fetchone()[0])  # noqa: S608


def page_documents(conn: sqlite3.Connection, flt: DocFilter, limit: int, offset: int) -> list[dict[str, Any]]:
    where, args = flt.where()
    sql = ("SELECT d.id, d.published, d.publisher, d.title, d.language, d.source, d.version,"
           " (SELECT count(*) FROM entities e WHERE e.doc_id = d.id) AS entities,"
           " (SELECT count(*) FROM quotes q WHERE q.doc_id = d.id) AS quotes,"
           " (SELECT count(*) FROM claims c WHERE c.doc_id = d.id) AS claims"
           f" FROM (SELECT rowid AS r FROM documents WHERE {where}"
           "       ORDER BY published DESC, rowid DESC LIMIT ? OFFSET ?) AS pick"
           " JOIN documents d ON d.rowid = pick.r ORDER BY d.published DESC, d.rowid DESC")
    return [row(r) for r in conn.execute(sql, [*args, limit, offset])]  # noqa: S608


def facets(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
    """Publishers and languages with their report counts (for the filter menus)."""
    out = {}
    for col in ("publisher", "language"):
        rows = conn.execute(f"SELECT {col}, count(*) FROM documents WHERE {col} IS NOT NULL"  # noqa: S608
                            f" GROUP BY {col} ORDER BY count(*) DESC LIMIT 200")
        out[col] = [{"value": r[0], "count": r[1]} for r in rows]
    return out


def resolve(conn: sqlite3.Connection, doc_id: str) -> str:
    rows = conn.execute("SELECT id FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                        (doc_id, doc_id + "\U0010ffff")).fetchall() if doc_id else []
    if len(rows) != 1:
        problem = "no report" if not rows else "more than one report"
        raise NotFound(f"{problem} with id {doc_id!r} (see /documents for the list)")
    return str(rows[0][0])


def document(conn: sqlite3.Connection, doc_id: str) -> dict[str, Any]:
    """A report with its removed lines and every record extracted from it (not the raw bytes)."""
    doc_id = resolve(conn, doc_id)
    out = row(conn.execute(f"SELECT {_DOC_COLS} FROM documents WHERE id = ?", (doc_id,)).fetchone())  # noqa: S608
    out["removed"] = rows(conn, "SELECT lineno, rule, text FROM removed_lines WHERE doc_id = ? ORDER BY lineno",
                          doc_id)
    out["entities"] = rows(conn, "SELECT name, type, kb_id, mentions, count FROM entities WHERE doc_id = ?"
                                 " ORDER BY count DESC, name", doc_id)
    out["mentions"] = rows(conn, 'SELECT rowid AS id, start, "end", text, label, canonical, kb_id FROM mentions'
                                 " WHERE doc_id = ? ORDER BY start", doc_id)
    out["quotes"] = rows(conn, "SELECT * FROM quotes WHERE doc_id = ? ORDER BY start", doc_id)
    out["claims"] = rows(conn, "SELECT * FROM claims WHERE doc_id = ? ORDER BY start", doc_id)
    out["times"] = rows(conn, 'SELECT rowid AS id, text, value, type, start, "end" FROM times WHERE doc_id = ?'
                              " ORDER BY start", doc_id)
    return out


def rows(conn: sqlite3.Connection, sql: str, *args: Any) -> list[dict[str, Any]]:
    """Every row of ``sql`` as a dict, JSON columns decoded; plain tuples from SQLite (thousands of records of
    one long report: building sqlite3.Row objects and checking every key of every row cost more)."""
    cur = conn.cursor()
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


def original(conn: sqlite3.Connection, doc_id: str) -> dict[str, Any]:
    """The report as received: its bytes, the encoding they were read with, and the decoded text."""
    doc_id = resolve(conn, doc_id)
    r = conn.execute("SELECT id, source, encoding, input_kind, raw, decoded FROM documents WHERE id = ?",
                     (doc_id,)).fetchone()
    return dict(r)


RANK_LIMIT = 2000


def search(conn: sqlite3.Connection, query: str, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Full-text search: the user's words only (quoted), never FTS5 operators or SQL.

    Up to RANK_LIMIT matching reports are ranked by relevance (bm25); beyond that ranking every match
    would cost too much, so the newest reports come first.
    """
    q = fts_query(query)
    out: dict[str, Any] = {"query": query, "items": [], "limit": limit, "offset": offset, "ranked": True,
                           "matches": 0}
    if not q:
        return out
    n = conn.execute("SELECT count(*) FROM (SELECT 1 FROM docs_fts WHERE docs_fts MATCH ? LIMIT ?)",
                     (q, RANK_LIMIT + 1)).fetchone()[0]
    out["ranked"], out["matches"] = n <= RANK_LIMIT, n
    order = "rank" if out["ranked"] else "docs_fts.rowid DESC"
    sql = ("SELECT d.id, d.published, d.publisher, d.title, d.rowid AS r,"
           f" CASE WHEN length(CAST(d.text AS BLOB)) <= {SNIPPET_SCAN_LIMIT}"
           "  THEN snippet(docs_fts, 1, char(2), char(3), ' … ', 16) END AS snippet"
           " FROM docs_fts JOIN documents d ON d.rowid = docs_fts.rowid"
           f" WHERE docs_fts MATCH ? ORDER BY {order} LIMIT ? OFFSET ?")
    out["items"] = [row(r) for r in conn.execute(sql, (q, limit, offset))]  # noqa: S608
    for it in out["items"]:
        rowid = it.pop("r")
        if it["snippet"] is None:
            it["snippet"] = long_snippet(conn, rowid, query)
        it["snippet_parts"] = snippet_parts(it.pop("snippet") or "")
        it["snippet"] = "".join(p["text"] for p in it["snippet_parts"])
    return out


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """Split an FTS snippet marked with control characters into plain and matched parts (escaped later)."""
    parts, hit, buf = [], False, ""
    for ch in snippet:
        if ch in "\x02\x03":
            if buf:
                parts.append({"text": buf, "hit": hit})
            buf, hit = "", ch == "\x02"
        else:
            buf += ch
    if buf:
        parts.append({"text": buf, "hit": hit})
    return parts


def quotes_between(conn: sqlite3.Connection, since: str | None, until: str | None,
                   limit: int = 200) -> list[dict[str, Any]]:
    """Quotes from reports published in the window (newest reports first)."""
    where, args = DocFilter(since=since, until=until).where("d")
    sql = ("SELECT q.id, q.doc_id, q.speaker, q.speaker_title, q.text, q.said_on, q.kind, q.start, q.\"end\","
           " d.publisher, d.published, d.title FROM documents d JOIN quotes q ON q.doc_id = d.id"
           f" WHERE {where}"
           " ORDER BY d.published DESC LIMIT ?")
    return [row(r) for r in conn.execute(sql, [*args, limit])]  # noqa: S608
