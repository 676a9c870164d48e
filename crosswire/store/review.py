"""The analyst's review, stored: corrections and dismissals of claims, dismissals of conflicts.

    store.add_claim_review(claim_id, {"as_of": "2025-01"}, analyst="kim")   # applied at once
    store.add_claim_review(claim_id, {}, dismiss=True, reason="a calibre", analyst="kim")
    store.apply_claim_reviews([doc_id])    # after a report's claims are extracted again (save_extraction)
    store.add_conflict_review("divergence:north-korea.killed.person@2025-01", True, "one origin", "kim")

A claim review is keyed by the report's content-hash id and the figure's offsets in its clean text
(``doc_id``, ``start``, ``end``) with the figure as written (``span``): the same report always has the
same id and the same offsets, whatever extraction does to the claims rows. If a later extraction moves
the offsets, the nearest claim of the same report with the same figure text takes the review.

Reviews are applied to the claims rows themselves: each reviewed field gets its reviewed value, the
value extraction gave is kept in ``extracted`` (JSON), and ``dismissed`` is set. So every reader (series,
conflicts, timeline, entity pages, exports) sees the reviewed ledger without knowing about reviews.
Applying is idempotent: it always starts from what extraction said.

Portable SQL only (qmark parameters, no JSON functions): the JSON columns are read and written in Python.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from ..errors import NotFound
from .base import StoreMixin
from .reads import mapped, mapped_stream

# Claim columns a review may change. "attribution" follows "source"; "as_of_rule" follows "as_of".
REVIEWED_COLUMNS = ("value", "low", "high", "qualifier", "unit", "counted", "measure", "subject", "source",
                    "attribution", "hedge", "conditional", "as_of", "as_of_rule", "location")
_CLAIM = ", ".join(f'"{c}"' for c in ("id", "doc_id", "start", "end", "span", "extracted", *REVIEWED_COLUMNS))
NEAR = 400  # characters: how far a figure may have moved for its review to follow it


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def fold(base: dict[str, Any], reviews: list[dict[str, Any]]) -> tuple[dict[str, Any], bool]:
    """The fields and the dismissal after ``reviews`` (in order) are applied to what extraction said."""
    out = dict(base)
    dismissed = False
    for r in reviews:
        for name in r["unset"]:
            out[name] = base.get(name)
        out.update(r["changes"])
        if r["dismiss"] is not None:
            dismissed = bool(r["dismiss"])
    return out, dismissed


class ReviewStore(StoreMixin):
    """Review reads and writes; mixed into ``Store`` (store/base.py: what it uses of it)."""

    # -- one claim ------------------------------------------------------------------------------
    @mapped
    def claim_row(self, claim_id: int) -> dict[str, Any]:
        """One claim as stored (reviews applied), with its report's publisher, date, title and URL."""
        row = self.conn.execute(
            "SELECT c.*, d.publisher, d.published, d.title, d.url, d.source AS doc_source, d.key AS doc_key"
            " FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.id = ?", (claim_id,)).fetchone()
        if row is None:
            raise NotFound(f"no claim {claim_id} (claim ids are listed by `crosswire series ID`, `crosswire conflicts`"
                           " and `crosswire show DOC`; a claim can also be named DOC:START-END)")
        out = dict(row)
        for name in ("attribution", "flags", "extracted"):
            if isinstance(out.get(name), str):
                out[name] = json.loads(out[name])
        return out

    @mapped
    def claim_at(self, doc_id: str, start: int, end: int) -> int:
        """The id of the claim of report ``doc_id`` at these offsets."""
        row = self.conn.execute('SELECT id FROM claims WHERE doc_id = ? AND start = ? AND "end" = ?',
                                (doc_id, start, end)).fetchone()
        if row is None:
            spans = [f"{r[0]}-{r[1]} {r[2]!r}" for r in self.conn.execute(
                'SELECT start, "end", span FROM claims WHERE doc_id = ? ORDER BY start', (doc_id,))]
            raise NotFound(f"no claim at {start}-{end} of report {doc_id[:12]}; its claims are at: "
                           + ("; ".join(spans[:40]) or "(none)"))
        return int(row[0])

    @mapped
    def statements_around(self, doc_id: str, start: int, end: int) -> list[dict[str, Any]]:
        """The statements (quotes) of a report whose text contains the span ``start``-``end``."""
        rows = self.conn.execute('SELECT * FROM quotes WHERE doc_id = ? AND start <= ? AND "end" >= ? ORDER BY start',
                                 (doc_id, start, end)).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            for name in ("chain", "parts"):
                if isinstance(d.get(name), str):
                    d[name] = json.loads(d[name])
            out.append(d)
        return out

    @mapped
    def claim_reviews(self, doc_id: str | None = None, start: int | None = None,
                      end: int | None = None) -> list[dict[str, Any]]:
        """Reviews in the order made: all of them, one report's, or one figure's (``start``/``end``)."""
        sql = 'SELECT id, doc_id, start, "end", span, changes, unset, dismiss, reason, analyst, created_at FROM claim_reviews'
        args: list[Any] = []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            args.append(doc_id)
            if start is not None and end is not None:
                sql += ' AND start = ? AND "end" = ?'
                args += [start, end]
        out = []
        for r in self.conn.execute(sql + " ORDER BY id", args):
            d = dict(r)
            d["changes"] = json.loads(d["changes"] or "{}")
            d["unset"] = json.loads(d["unset"] or "[]")
            d["dismiss"] = None if d["dismiss"] is None else bool(d["dismiss"])
            out.append(d)
        return out

    # -- writing --------------------------------------------------------------------------------
    def add_claim_review(self, claim_id: int, changes: dict[str, Any], unset: Iterable[str] = (),
                         dismiss: bool | None = None, reason: str | None = None, analyst: str = "",
                         at: str | None = None) -> int:
        """Record one review of a claim and apply it (one transaction); the review's id."""
        claim = self.claim_row(claim_id)
        with self.transaction() as conn:
            cur = conn.execute(
                'INSERT INTO claim_reviews (doc_id, start, "end", span, changes, unset, dismiss, reason, analyst,'
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (claim["doc_id"], claim["start"], claim["end"], claim["span"] or "",
                 json.dumps(changes, ensure_ascii=False), json.dumps(list(unset)),
                 None if dismiss is None else int(dismiss), reason, analyst, at or _now()))
            self.apply_claim_reviews([claim["doc_id"]])
        return int(cur.lastrowid or 0)

    def apply_claim_reviews(self, doc_ids: Iterable[str]) -> int:
        """Apply every review of these reports (and of their earlier versions) to their claims rows, starting
        from what extraction said; call inside a transaction. How many claims were reviewed."""
        targets: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
        for doc_id in doc_ids:
            for row, review in self._targets(doc_id):
                targets.setdefault(row["id"], (row, []))[1].append(review)
        for row, items in targets.values():
            self._apply(row, sorted(items, key=lambda r: r["id"]))
        return len(targets)

    def apply_claim_reviews_if_any(self, doc_ids: list[str]) -> int:
        """``apply_claim_reviews`` for those of these reports that have a review (of their own, or of another
        version of them): one query to find them, so a batch of new reports with none costs one round trip."""
        from .writes import chunks, marks

        reviewed: list[str] = []
        for part in chunks(doc_ids):
            found = {r[0] for r in self.conn.execute(
                "SELECT DISTINCT n.id FROM documents n JOIN documents o ON o.key = n.key"  # noqa: S608
                f" JOIN claim_reviews r ON r.doc_id = o.id WHERE n.id IN ({marks(len(part))})", list(part))}
            reviewed.extend(d for d in part if d in found)
        return self.apply_claim_reviews(reviewed) if reviewed else 0

    @mapped
    def reviews_of_claim(self, claim_id: int) -> list[dict[str, Any]]:
        """The reviews that apply to one claim (its own, and those carried from earlier versions of its
        report), in the order made."""
        row = self.conn.execute("SELECT doc_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            return []
        return sorted((r for target, r in self._targets(row[0]) if target["id"] == claim_id), key=lambda r: r["id"])

    def _targets(self, doc_id: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(claims row, review) for each review of report ``doc_id`` whose figure is found, then for each
        review of an earlier version of it (same key) whose figure is in this version: the same figure text
        in the same sentence."""
        out: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for r in self.claim_reviews(doc_id):
            row = self._claim_for(doc_id, r["start"], r["end"], r["span"])
            if row is not None:
                out.append((row, r))
        older = [r[0] for r in self.conn.execute(
            "SELECT o.id FROM documents o JOIN documents n ON n.key = o.key WHERE n.id = ? AND o.version < n.version",
            (doc_id,))]
        for old in older:
            for r in self.claim_reviews(old):
                sentence = self.conn.execute('SELECT sentence FROM claims WHERE doc_id = ? AND start = ? AND "end" = ?',
                                             (old, r["start"], r["end"])).fetchone()
                if sentence is None:
                    continue
                row = self.conn.execute(f"SELECT {_CLAIM} FROM claims WHERE doc_id = ? AND span = ? AND sentence = ?"  # noqa: S608
                                        " ORDER BY id LIMIT 1", (doc_id, r["span"], sentence[0])).fetchone()
                if row is not None:
                    out.append((dict(row), r))
        return out

    def _claim_for(self, doc_id: str, start: int, end: int, span: str) -> dict[str, Any] | None:
        row = self.conn.execute(f'SELECT {_CLAIM} FROM claims WHERE doc_id = ? AND start = ? AND "end" = ?',  # noqa: S608
                                (doc_id, start, end)).fetchone()
        if row is None and span:  # the offsets moved: the nearest claim with the same figure text
            row = self.conn.execute(
                f'SELECT {_CLAIM} FROM claims WHERE doc_id = ? AND span = ? AND start > ? AND start < ?'  # noqa: S608
                " ORDER BY abs(start - ?), id LIMIT 1", (doc_id, span, start - NEAR, start + NEAR, start)).fetchone()
        return dict(row) if row is not None else None

    def _apply(self, row: dict[str, Any], reviews: list[dict[str, Any]]) -> None:
        before = json.loads(row["extracted"]) if row["extracted"] else {}
        base = {c: before.get(c, row[c]) for c in REVIEWED_COLUMNS}  # what extraction said
        final, dismissed = fold(base, reviews)
        changed = {c: base[c] for c in REVIEWED_COLUMNS if final[c] != base[c]}
        sets = ", ".join(f'"{c}" = ?' for c in REVIEWED_COLUMNS)
        values = [json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                  for v in (final[c] for c in REVIEWED_COLUMNS)]
        self.conn.execute(f"UPDATE claims SET {sets}, dismissed = ?, extracted = ? WHERE id = ?",  # noqa: S608
                          [*values, int(dismissed), json.dumps(changed, ensure_ascii=False) if changed else None,
                           row["id"]])

    # -- conflicts ------------------------------------------------------------------------------
    def add_conflict_review(self, conflict_id: str, dismiss: bool, reason: str | None, analyst: str,
                            at: str | None = None) -> int:
        with self.transaction() as conn:
            cur = conn.execute("INSERT INTO conflict_reviews (conflict_id, dismiss, reason, analyst, created_at)"
                               " VALUES (?, ?, ?, ?, ?)", (conflict_id, int(dismiss), reason, analyst, at or _now()))
        return int(cur.lastrowid or 0)

    @mapped
    def conflict_reviews(self) -> dict[str, dict[str, Any]]:
        """The latest review of each reviewed conflict, by conflict id."""
        out: dict[str, dict[str, Any]] = {}
        for r in self.conn.execute("SELECT id, conflict_id, dismiss, reason, analyst, created_at FROM conflict_reviews"
                                   " ORDER BY id"):
            out[r["conflict_id"]] = {**dict(r), "dismiss": bool(r["dismiss"])}
        return out

    # -- the reviewed ledger (exports) ----------------------------------------------------------
    @mapped_stream
    def ledger_claims(self) -> Iterator[dict[str, Any]]:
        """Every claim of the latest report versions, reviews applied, with its report; by report date,
        report and place in the text. ``extracted`` stays JSON text."""
        from .fusion_reads import LATEST_DOCS

        cur = self.conn.cursor()
        cur.row_factory = None
        cur.execute(
            'SELECT c.id, c.doc_id, c.start, c."end", c.span, c.value, c.low, c.high, c.qualifier, c.unit, c.counted,'
            " c.measure, c.subject, c.source, c.attribution, c.hedge, c.conditional, c.as_of, c.as_of_rule,"
            " c.location, c.sentence, c.dismissed, c.extracted, d.publisher, d.published, d.title, d.url"
            f" FROM claims c JOIN documents d ON d.id = c.doc_id WHERE c.doc_id IN ({LATEST_DOCS})"  # noqa: S608
            " ORDER BY d.published, c.doc_id, c.start, c.id")
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    @mapped
    def all_conflict_reviews(self) -> list[dict[str, Any]]:
        """Every conflict review in the order made."""
        return [{**dict(r), "dismiss": bool(r["dismiss"])} for r in self.conn.execute(
            "SELECT id, conflict_id, dismiss, reason, analyst, created_at FROM conflict_reviews ORDER BY id")]
