"""The reviewed ledger as tables: claims (the analyst's corrections applied), series points, conflicts, reviews.

    tables = ledger_tables(engine)        # name -> (columns, rows), rows streamed
    write_ledger_csv(engine, folder)      # ledger.csv, series.csv, conflicts.csv, reviews.csv
    write_xlsx(engine, "ledger.xlsx")     # one workbook, one sheet per table

Each claim row carries its review: whether it is dismissed, who reviewed it last and when, the reason,
and what extraction said of each corrected field (``extracted``). Conflicts carry their status (open or
dismissed, by whom, why). Series rows are the points of every series the engine shows (``cw.figures()``),
so they are the reviewed figures too.

Spreadsheets run text that starts with ``=``, ``+``, ``-`` or ``@`` as a formula. CSV cells go through
``cells.spreadsheet_safe`` (a leading single quote); XLSX cells are written as text cells with Excel's
own "quote prefix" style (the cell shows the text as it is, and editing it does not turn it into a
formula), never as formulas. Characters XML cannot hold are dropped and a cell is cut at Excel's limit.
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..fuse.rules import figure_text
from .cells import FORMULA_START, spreadsheet_safe

Table = tuple[list[str], Iterable[list[Any]]]
LEDGER = ("claim_id", "ref", "doc_id", "published", "publisher", "title", "url", "span", "figure", "value", "low",
          "high", "qualifier", "unit", "counted", "measure", "subject", "source", "chain", "hedge", "conditional",
          "as_of", "as_of_rule", "location", "sentence", "status", "reviewed_by", "reviewed_at", "review_reason",
          "extracted", "series")
SERIES = ("series_id", "label", "measure", "subject", "unit", "date", "dated_by", "figure", "value", "low", "high",
          "qualifier", "source", "origin", "publisher", "published", "claim_id", "latest")
CONFLICTS = ("conflict_id", "kind", "check", "series_id", "label", "period", "ratio", "claim_ids", "reason", "status",
             "dismissed_by", "dismissed_at", "dismiss_reason")
REVIEWS = ("review_id", "of", "target", "span", "analyst", "created_at", "change", "reason")
XLSX_MAX_ROWS = 1_048_576  # rows of one sheet (Excel's limit); more go on a continuation sheet
XLSX_MAX_CHARS = 32_767  # characters of one cell
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def ledger_tables(engine: Any) -> dict[str, Table]:
    """The four tables of the reviewed ledger, each as (columns, rows)."""
    return {"ledger": (list(LEDGER), _claims(engine)), "series": (list(SERIES), _points(engine)),
            "conflicts": (list(CONFLICTS), _conflicts(engine)), "reviews": (list(REVIEWS), _reviews(engine))}


def _claims(engine: Any) -> Iterator[list[Any]]:
    store = engine.store
    last: dict[tuple[str, int, int], dict[str, Any]] = {}
    for r in store.claim_reviews():
        last[(r["doc_id"], r["start"], r["end"])] = r
    by_claim = engine.cached(("claim-series",), engine.fusion.claim_series)
    for c in store.ledger_claims():
        review = last.get((c["doc_id"], c["start"], c["end"]))
        chain = json.loads(c["attribution"] or "[]") if isinstance(c["attribution"], str) else c["attribution"] or []
        yield [c["id"], f"{c['doc_id'][:12]}:{c['start']}-{c['end']}", c["doc_id"], c["published"], c["publisher"],
               c["title"], c["url"], c["span"], figure_text(c["value"], c["low"], c["high"], c["qualifier"], c["unit"]),
               c["value"], c["low"], c["high"], c["qualifier"], c["unit"], c["counted"], c["measure"], c["subject"],
               c["source"], " → ".join(chain), c["hedge"], bool(c["conditional"]), c["as_of"], c["as_of_rule"],
               c["location"], c["sentence"], "dismissed" if c["dismissed"] else "reviewed" if review or c["extracted"] else "extracted",
               review["analyst"] if review else None, review["created_at"] if review else None,
               review["reason"] if review else None, c["extracted"], " ".join(by_claim.get(c["id"], []))]


def _points(engine: Any) -> Iterator[list[Any]]:
    for s in engine.figures():
        latest = (s.get("latest") or {}).get("claim_id")
        for p in s.get("points") or []:
            yield [s["id"], s.get("label"), s.get("measure"), s.get("subject"), s.get("unit"), p.get("date"),
                   p.get("dated_by"), p.get("figure"), p.get("value"), p.get("low"), p.get("high"), p.get("qualifier"),
                   p.get("source"), p.get("origin"), p.get("publisher"), p.get("published"), p.get("claim_id"),
                   p.get("claim_id") == latest]


def _conflicts(engine: Any) -> Iterator[list[Any]]:
    for c in [*engine.conflicts(), *engine.dismissed_conflicts()]:
        review = c.get("review") or {}
        yield [c["id"], c.get("kind"), c.get("check"), c.get("series_id"), c.get("label"), c.get("period"), c.get("ratio"),
               " ".join(str(i) for i in c.get("claim_ids") or []), c.get("reason"),
               "dismissed" if review else "open", review.get("analyst"), review.get("created_at"), review.get("reason")]


def _reviews(engine: Any) -> Iterator[list[Any]]:
    for r in engine.store.claim_reviews():
        change = [f"{k}={v}" for k, v in r["changes"].items() if k not in ("attribution", "as_of_rule")]
        change += [f"unset {k}" for k in r["unset"] if k not in ("attribution", "as_of_rule")]
        change += ["dismissed" if r["dismiss"] else "restored"] if r["dismiss"] is not None else []
        yield [r["id"], "claim", f"{r['doc_id'][:12]}:{r['start']}-{r['end']}", r["span"], r["analyst"],
               r["created_at"], "; ".join(change), r["reason"]]
    for r in engine.store.all_conflict_reviews():
        yield [r["id"], "conflict", r["conflict_id"], None, r["analyst"], r["created_at"],
               "dismissed" if r["dismiss"] else "restored", r["reason"]]


# -- writers -----------------------------------------------------------------------------------
def write_ledger_csv(engine: Any, folder: Path) -> list[Path]:
    """One CSV per ledger table in ``folder``; cells made spreadsheet-safe."""
    out = []
    for name, (columns, rows) in ledger_tables(engine).items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows([spreadsheet_safe(v) for v in row] for row in rows)
        out.append(path)
    return out


def write_xlsx(engine: Any, path: Path) -> Path:
    """One workbook: a sheet per ledger table (header row frozen), streamed (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, (columns, rows) in ledger_tables(engine).items():
        part, n = 1, 0
        ws = _sheet(wb, name, columns)
        for row in rows:
            if n == XLSX_MAX_ROWS - 1:
                part, n = part + 1, 0
                ws = _sheet(wb, f"{name} ({part})", columns)
            ws.append([xlsx_cell(ws, v) for v in row])
            n += 1
    wb.save(path)
    return path


def _sheet(wb: Any, title: str, columns: list[str]) -> Any:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.append([xlsx_cell(ws, c, Font(bold=True)) for c in columns])
    return ws


def xlsx_cell(ws: Any, value: Any, font: Any = None) -> Any:
    """A write-only cell that is never a formula: numbers and booleans as they are, text as a text cell
    (quote-prefixed when it starts like a formula), without XML-illegal characters, cut at Excel's limit."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, (bool, int, float)):
        cell = WriteOnlyCell(ws, value=value)
    else:
        text = _XML_ILLEGAL.sub("", str(value))[:XLSX_MAX_CHARS]
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl makes a cell starting with '=' a formula: never
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell
