"""What fusion (series, entities, timeline) reads from the knowledge base, and the entity edits it writes.

Only the latest version of each report counts (``LATEST_DOCS``). The bulk reads yield plain tuples
typed in ``store/rows.py``. SQLite-only: ``instr`` in the series read (``_around_span``) and
``PRAGMA data_version`` in ``version``.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any, cast

from .base import StoreMixin
from .reads import mapped, mapped_stream
from .writes import chunks
from .rows import (ClaimNamesRow, ClaimText, DocWindow, EntityClaim, EntityEdit, EntityRow, FusionMark,
                   SeriesClaimRow, SpeakerQuote, TimelineClaimRow, TimelineQuoteRow, TimelineTimeRow)

LATEST_DOCS = ("SELECT d.id FROM documents d JOIN (SELECT key, MAX(version) AS v FROM documents GROUP BY key) lv"
               " ON lv.key = d.key AND lv.v = d.version")
# the latest versions among the reports of a rowid window (after, upto]
WINDOW_DOCS = ("SELECT w.id FROM documents w WHERE w.rowid > ? AND w.rowid <= ? AND NOT EXISTS"
               " (SELECT 1 FROM documents w2 WHERE w2.key = w.key AND w2.version > w.version)")
MARKED = ("documents", "claims", "entities", "quotes", "times")  # tables fusion reads, appended to by ingest
REVIEWS = ("claim_reviews", "conflict_reviews")  # an analyst's review changes claims in place: a new build
_CTX = 200  # characters of clean text read around a time expression for its sentence


class FusionReads(StoreMixin):
    """Fusion's reads; mixed into ``Store`` (store/base.py: what it uses of it)."""

    # -- SQLite-only pieces ---------------------------------------------------------------------
    @mapped
    def version(self) -> tuple[int, int]:
        """Changes whenever the knowledge base does: written by another connection (``data_version``) or by
        this one (its change count). Caches of anything read from the store are keyed by it."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0]), self.conn.total_changes

    def _around_span(self) -> str:
        """SQL for the 40 characters before a claim's span in its sentence and the 60 after."""
        return (" CASE WHEN instr(c.sentence, c.span) > 0 THEN substr(c.sentence,"
                " max(1, instr(c.sentence, c.span) - 40), min(40, instr(c.sentence, c.span) - 1)) ELSE '' END AS pre,"
                " CASE WHEN instr(c.sentence, c.span) > 0 THEN substr(c.sentence,"
                " instr(c.sentence, c.span) + length(c.span), 60) ELSE '' END AS post")

    def _plain(self) -> sqlite3.Cursor:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: faster than sqlite3.Row for 100,000s of rows
        return cur

    @staticmethod
    def _latest(column: str, docs: DocWindow | None) -> tuple[str, list[int]]:
        """SQL: ``column`` (a report id) is the latest version of its report (and in the window ``docs``)."""
        if docs is None:
            return f"{column} IN ({LATEST_DOCS})", []
        return f"{column} IN ({WINDOW_DOCS})", [docs[0], docs[1]]

    # -- what a build reflects (incremental fusion) ---------------------------------------------
    @mapped
    def fusion_mark(self) -> FusionMark:
        """Largest rowid and row count of each table fusion reads; fingerprints of entity edits and reviews."""
        tables = []
        for table in MARKED:
            top, count = self.conn.execute(f"SELECT max(rowid), count(*) FROM {table}").fetchone()  # noqa: S608
            tables.append((table, int(top or 0), int(count)))
        edits = self.conn.execute("SELECT count(*), count(undone_at) FROM entity_edits").fetchone()
        reviews = tuple(int(x or 0) for table in REVIEWS  # reviews are only ever added (store/review.py)
                        for x in self.conn.execute(f"SELECT max(rowid), count(*) FROM {table}").fetchone())  # noqa: S608
        return FusionMark(tuple(tables), (int(edits[0]), int(edits[1])), reviews)

    @mapped
    def appended_since(self, old: FusionMark, new: FusionMark) -> bool:
        """Whether everything written between ``old`` and ``new`` is new reports with their records: no row
        deleted or replaced (a re-extraction), no record added to a report ``old`` covers (a refresh reads the
        records of the new reports only), no new version of a known report, no entity edit, no review."""
        if (old.edits, old.reviews) != (new.edits, new.reviews) or [t[0] for t in old.tables] != [t[0] for t in new.tables]:
            return False
        for (table, top, count), (_, new_top, new_count) in zip(old.tables, new.tables):
            added = self.conn.execute(f"SELECT count(*) FROM {table} WHERE rowid > ? AND rowid <= ?",  # noqa: S608
                                      (top, new_top)).fetchone()[0]
            if new_count - count != added:
                return False
            if table != "documents" and added and self.conn.execute(
                    f"SELECT count(*) FROM {table} t JOIN documents d ON d.id = t.doc_id"  # noqa: S608
                    " WHERE t.rowid > ? AND t.rowid <= ? AND d.rowid <= ?", (top, new_top, old.docs)).fetchone()[0]:
                return False
        newer = self.conn.execute("SELECT count(*) FROM documents WHERE rowid > ? AND rowid <= ? AND version > 1",
                                  (old.docs, new.docs)).fetchone()[0]
        return not newer

    # -- series ---------------------------------------------------------------------------------
    @mapped_stream
    def series_claims(self, include_conditional: bool = False,
                      docs: DocWindow | None = None) -> Iterator[SeriesClaimRow]:
        """Every claim with a number, of the latest report versions (a lede's figure restated in the body of
        the same report counts once; hypothetical figures only with ``include_conditional``), in id order;
        with ``docs``, of the reports in that rowid window only."""
        latest, params = self._latest("c.doc_id", docs)
        sql = ("SELECT c.id, c.doc_id, c.value, c.low, c.high, c.qualifier, c.unit, c.counted, c.measure, c.subject,"
               " c.source, c.attribution, c.hedge, c.conditional, c.as_of, c.location, c.trend, c.span,"
               + self._around_span() + ", d.publisher, d.published, c.flags"
               f" FROM claims c JOIN documents d ON d.id = c.doc_id WHERE {latest}"
               " AND (c.value IS NOT NULL OR c.low IS NOT NULL OR c.high IS NOT NULL)"
               " AND c.flags NOT LIKE '%repeat-in-report%' AND c.dismissed = 0"
               + ("" if include_conditional else " AND c.conditional = 0") + " ORDER BY c.id")
        yield from self._plain().execute(sql, params)

    @mapped
    def claim_texts(self, claim_ids: Iterable[int]) -> dict[int, ClaimText]:
        """span, sentence, start, end and conditional of these claims, by id."""
        ids = list(claim_ids)
        out: dict[int, ClaimText] = {}
        for chunk in chunks(ids):
            sql = ('SELECT id, span, sentence, start, "end", conditional FROM claims'
                   f" WHERE id IN ({','.join('?' * len(chunk))})")  # noqa: S608
            for r in self._plain().execute(sql, chunk):
                out[r[0]] = ClaimText(span=r[1], sentence=r[2], start=r[3], end=r[4], conditional=bool(r[5]))
        return out

    # -- entities -------------------------------------------------------------------------------
    @mapped
    def entity_rows(self, docs: DocWindow | None = None) -> list[EntityRow]:
        latest, params = self._latest("doc_id", docs)
        sql = (f"SELECT doc_id, name, type, kb_id, mentions, count FROM entities WHERE {latest}"
               " AND type != 'OTHER' ORDER BY rowid")
        out = []
        for r in self._plain().execute(sql, params):
            mentions = json.loads(r[4]) if isinstance(r[4], str) else (r[4] or [])
            out.append(EntityRow(r[0], r[1], r[2], r[3] or None, [m for m in mentions if isinstance(m, str)],
                                 int(r[5] or 0)))
        return out

    @mapped
    def entity_edits(self, active: bool = True) -> list[EntityEdit]:
        """The user's merges and splits in the order made (``active``: those not undone)."""
        sql = ("SELECT id, action, target_key, target_name, other_key, other_name, created_at, undone_at"
               " FROM entity_edits" + (" WHERE undone_at IS NULL" if active else "") + " ORDER BY id")
        return [cast(EntityEdit, dict(r)) for r in self.conn.execute(sql)]

    @mapped_stream
    def claim_names(self, docs: DocWindow | None = None) -> Iterator[ClaimNamesRow]:
        """(id, subject, source, location, attribution JSON, as_of) of every claim of the latest report
        versions (in the window ``docs``)."""
        latest, params = self._latest("doc_id", docs)
        yield from self._plain().execute("SELECT id, subject, source, location, attribution, as_of FROM claims"
                                         f" WHERE {latest}", params)

    @mapped
    def speaker_and_publisher_names(self, docs: DocWindow | None = None) -> list[str | None]:
        q, qp = self._latest("doc_id", docs)
        d, dp = self._latest("id", docs)
        return [r[0] for r in self._plain().execute(f"SELECT DISTINCT speaker FROM quotes WHERE {q} UNION"
                                                    f" SELECT DISTINCT publisher FROM documents WHERE {d}", qp + dp)]

    @mapped
    def claims_by_id(self, ids: list[int]) -> list[EntityClaim]:
        """These claims as an entity page lists them (attribution chain decoded), in no particular order."""
        out: list[EntityClaim] = []
        for chunk in chunks(ids):
            for row in self.conn.execute(
                    "SELECT id, doc_id, value, low, high, qualifier, unit, measure, subject, source, location,"
                    f" attribution, as_of, span FROM claims WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                d: dict[str, Any] = dict(row)
                d["attribution"] = json.loads(d["attribution"] or "[]")
                out.append(cast(EntityClaim, d))
        return out

    @mapped
    def quotes_by_speakers(self, names: list[str]) -> list[SpeakerQuote]:
        """Quotes whose speaker is one of ``names``, by date said then id."""
        out: list[SpeakerQuote] = []
        for chunk in chunks(names):
            sql = ('SELECT id, doc_id, speaker, text, said_on, start, "end" FROM quotes WHERE speaker IN'
                   f" ({','.join('?' * len(chunk))})")
            out += [cast(SpeakerQuote, dict(row)) for row in self.conn.execute(sql, chunk)]
        out.sort(key=lambda q: (q["said_on"] is not None, q["said_on"] or "", q["id"]))
        return out

    # -- timeline -------------------------------------------------------------------------------
    @mapped_stream
    def timeline_quotes(self, docs: DocWindow | None = None) -> Iterator[TimelineQuoteRow]:
        """Quotes with the date they were said, of the latest report versions (in the window ``docs``)."""
        latest, params = self._latest("q.doc_id", docs)
        yield from self._plain().execute(
            "SELECT q.doc_id, q.speaker, q.text, q.said_on, q.start, q.\"end\", d.publisher, d.published"
            f" FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE {latest}"
            " AND q.said_on IS NOT NULL ORDER BY q.id", params)

    @mapped_stream
    def timeline_claims(self, docs: DocWindow | None = None) -> Iterator[TimelineClaimRow]:
        """Claims with an as-of date, of the latest report versions (in the window ``docs``)."""
        latest, params = self._latest("c.doc_id", docs)
        yield from self._plain().execute(
            "SELECT c.id, c.doc_id, c.as_of, c.sentence, c.span, c.start, c.\"end\", c.source, c.value, c.low,"
            " c.high, c.qualifier, c.unit, c.measure, c.subject, c.conditional, d.publisher, d.published"
            f" FROM claims c JOIN documents d ON d.id = c.doc_id WHERE {latest}"
            " AND c.as_of IS NOT NULL AND c.dismissed = 0 ORDER BY c.id", params)

    @mapped_stream
    def timeline_times(self, docs: DocWindow | None = None) -> Iterator[TimelineTimeRow]:
        """DATE and TIME expressions with their place, and 200 characters of clean text either side (of the
        latest report versions, in the window ``docs``)."""
        latest, params = self._latest("t.doc_id", docs)
        yield from self._plain().execute(
            "SELECT t.doc_id, t.text, t.value, t.start, t.\"end\", d.publisher, d.published,"
            f" substr(d.text, max(1, t.start + 1 - {_CTX}), min(t.start, {_CTX}) + (t.\"end\" - t.start) + {_CTX}),"
            f" max(0, t.start - {_CTX})"
            f" FROM times t JOIN documents d ON d.id = t.doc_id WHERE {latest}"
            " AND coalesce(t.type, 'DATE') IN ('DATE', 'TIME') AND t.start IS NOT NULL ORDER BY t.rowid", params)

    # -- entity edits (writes) ------------------------------------------------------------------
    def add_entity_edit(self, action: str, target_key: str, target_name: str, other_key: str,
                        other_name: str, at: str) -> int:
        """Record a merge or split (in its own transaction); its id."""
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO entity_edits (action, target_key, target_name, other_key, other_name,"
                               " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                               (action, target_key, target_name, other_key, other_name, at))
        return int(cur.lastrowid or 0)

    def undo_entity_edits(self, ids: list[int], at: str) -> list[int]:
        with self.transaction() as conn:
            for i in ids:
                conn.execute("UPDATE entity_edits SET undone_at = ? WHERE id = ? AND undone_at IS NULL", (at, i))
        return ids
