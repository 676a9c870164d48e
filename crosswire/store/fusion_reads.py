"""What fusion (series, entities, timeline) reads from the knowledge base, and the entity edits it writes.

Only the latest version of each report counts (``LATEST_DOCS``). The bulk reads yield plain tuples
typed in ``store/rows.py``. SQLite-only: ``instr`` in the series read (``_around_span``) and
``PRAGMA data_version`` in ``version``.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, cast

from .reads import mapped, mapped_stream
from .rows import (ClaimNamesRow, ClaimText, EntityClaim, EntityEdit, EntityRow, SeriesClaimRow, SpeakerQuote,
                   TimelineClaimRow, TimelineQuoteRow, TimelineTimeRow)

LATEST_DOCS = ("SELECT d.id FROM documents d JOIN (SELECT key, MAX(version) AS v FROM documents GROUP BY key) lv"
               " ON lv.key = d.key AND lv.v = d.version")
CHUNK = 500  # ids per IN (...) list (SQLite allows 999 parameters by default)
_CTX = 200  # characters of clean text read around a time expression for its sentence


class FusionReads:
    """Fusion's reads; mixed into ``Store`` (which sets ``conn`` and ``path``)."""

    conn: sqlite3.Connection
    path: str

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

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

    # -- series ---------------------------------------------------------------------------------
    @mapped_stream
    def series_claims(self, include_conditional: bool = False) -> Iterator[SeriesClaimRow]:
        """Every claim with a number, of the latest report versions (a lede's figure restated in the body of
        the same report counts once; hypothetical figures only with ``include_conditional``)."""
        sql = ("SELECT c.id, c.doc_id, c.value, c.low, c.high, c.qualifier, c.unit, c.counted, c.measure, c.subject,"
               " c.source, c.attribution, c.hedge, c.conditional, c.as_of, c.location, c.trend, c.span,"
               + self._around_span() + ", d.publisher, d.published, c.flags"
               f" FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id IN ({LATEST_DOCS})"
               " AND (c.value IS NOT NULL OR c.low IS NOT NULL OR c.high IS NOT NULL)"
               " AND c.flags NOT LIKE '%repeat-in-report%' AND c.dismissed = 0"
               + ("" if include_conditional else " AND c.conditional = 0"))
        yield from self._plain().execute(sql)

    @mapped
    def claim_texts(self, claim_ids: Iterable[int]) -> dict[int, ClaimText]:
        """span, sentence, start, end and conditional of these claims, by id."""
        ids = list(claim_ids)
        out: dict[int, ClaimText] = {}
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i:i + CHUNK]
            sql = ('SELECT id, span, sentence, start, "end", conditional FROM claims'
                   f" WHERE id IN ({','.join('?' * len(chunk))})")  # noqa: S608
            for r in self._plain().execute(sql, chunk):
                out[r[0]] = ClaimText(span=r[1], sentence=r[2], start=r[3], end=r[4], conditional=bool(r[5]))
        return out

    # -- entities -------------------------------------------------------------------------------
    @mapped
    def entity_rows(self) -> list[EntityRow]:
        sql = (f"SELECT doc_id, name, type, kb_id, mentions, count FROM entities WHERE doc_id IN ({LATEST_DOCS})"
               " AND type != 'OTHER'")
        out = []
        for r in self._plain().execute(sql):
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
    def claim_names(self) -> Iterator[ClaimNamesRow]:
        """(id, subject, source, location, attribution JSON, as_of) of every claim."""
        yield from self._plain().execute("SELECT id, subject, source, location, attribution, as_of FROM claims")

    @mapped
    def speaker_and_publisher_names(self) -> list[str | None]:
        return [r[0] for r in self._plain().execute("SELECT DISTINCT speaker FROM quotes UNION"
                                                    " SELECT DISTINCT publisher FROM documents")]

    @mapped
    def claims_by_id(self, ids: list[int]) -> list[EntityClaim]:
        """These claims as an entity page lists them (attribution chain decoded), in no particular order."""
        out: list[EntityClaim] = []
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
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
        for start in range(0, len(names), CHUNK):
            chunk = names[start:start + CHUNK]
            sql = ('SELECT id, doc_id, speaker, text, said_on, start, "end" FROM quotes WHERE speaker IN'
                   f" ({','.join('?' * len(chunk))})")
            out += [cast(SpeakerQuote, dict(row)) for row in self.conn.execute(sql, chunk)]
        out.sort(key=lambda q: (q["said_on"] is not None, q["said_on"] or "", q["id"]))
        return out

    # -- timeline -------------------------------------------------------------------------------
    @mapped_stream
    def timeline_quotes(self) -> Iterator[TimelineQuoteRow]:
        """Quotes with the date they were said, of the latest report versions."""
        yield from self._plain().execute(
            "SELECT q.doc_id, q.speaker, q.text, q.said_on, q.start, q.\"end\", d.publisher, d.published"
            f" FROM quotes q JOIN documents d ON d.id = q.doc_id WHERE q.doc_id IN ({LATEST_DOCS})"
            " AND q.said_on IS NOT NULL")

    @mapped_stream
    def timeline_claims(self) -> Iterator[TimelineClaimRow]:
        """Claims with an as-of date, of the latest report versions."""
        yield from self._plain().execute(
            "SELECT c.id, c.doc_id, c.as_of, c.sentence, c.span, c.start, c.\"end\", c.source, c.value, c.low,"
            " c.high, c.qualifier, c.unit, c.measure, c.subject, c.conditional, d.publisher, d.published"
            f" FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id IN ({LATEST_DOCS})"
            " AND c.as_of IS NOT NULL AND c.dismissed = 0")

    @mapped_stream
    def timeline_times(self) -> Iterator[TimelineTimeRow]:
        """DATE and TIME expressions with their place, and 200 characters of clean text either side."""
        yield from self._plain().execute(
            "SELECT t.doc_id, t.text, t.value, t.start, t.\"end\", d.publisher, d.published,"
            f" substr(d.text, max(1, t.start + 1 - {_CTX}), min(t.start, {_CTX}) + (t.\"end\" - t.start) + {_CTX}),"
            f" max(0, t.start - {_CTX})"
            f" FROM times t JOIN documents d ON d.id = t.doc_id WHERE t.doc_id IN ({LATEST_DOCS})"
            " AND coalesce(t.type, 'DATE') IN ('DATE', 'TIME') AND t.start IS NOT NULL")

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
