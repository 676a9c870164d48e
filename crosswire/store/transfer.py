"""`crosswire migrate SRC DST`: copy a knowledge base between backends (SQLite ↔ PostgreSQL, or the same).

    report = copy_knowledge_base(open_store("kb.db", read_only=True), open_store("postgresql://…/kb"))

DST gets the numbered migrations first and must hold no data. Every table but the machinery
(schema_migrations, the change counter, the full-text index, which DST's triggers rebuild, and fusion's saved
state, which DST's next ingest saves again) is copied in
one transaction, rows in key order with their keys (ids and SQLite's rowids) kept, so every id a user saw
still names the same row. Then each table is checked: the row count and a SHA-256 over its rows in key
order (values written canonically: NULL, numbers by value, text, bytes) must be equal on both sides,
or the copy is reported as failed with the tables that differ.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import StoreError
from .sqlite import Store

BATCH = 5000
FIRST = ("raw_inputs", "documents")  # referenced by the others' foreign keys
DERIVED = ("fusion_snapshot", "fusion_snapshot_parts")  # fusion's saved state: the target's next ingest saves its own


@dataclass(slots=True)
class TableCopy:
    table: str
    rows: int
    sha256: str


@dataclass(slots=True)
class CopyReport:
    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target,
                "tables": {t.table: {"rows": t.rows, "sha256": t.sha256} for t in self.tables}}


def data_tables(store: Store) -> list[str]:
    """The tables holding knowledge, in an order their foreign keys allow (not fusion's saved state: DERIVED)."""
    names = [t for t in store.tables() if t not in DERIVED]
    first = [t for t in FIRST if t in names]
    return first + sorted(t for t in names if t not in first)


def table_key(store: Store, table: str) -> tuple[str, list[str]]:
    """(key column, the other columns) of ``table``: its INTEGER PRIMARY KEY, else SQLite's rowid (a hidden
    ``rowid`` column on PostgreSQL)."""
    info = [tuple(r) for r in store.conn.execute(f"PRAGMA table_info({table})")]
    pk = [r for r in info if r[5]]
    if len(pk) == 1 and str(pk[0][2]).upper() == "INTEGER":
        key = str(pk[0][1])
        return key, [str(r[1]) for r in info if r[1] != key]
    return "rowid", [str(r[1]) for r in info]


def _rows(store: Store, table: str, key: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    cols = ", ".join(f'"{c}"' for c in [key, *columns])
    cur = store.conn.cursor()
    cur.row_factory = None
    yield from cur.execute(f'SELECT {cols} FROM "{table}" ORDER BY "{key}"')  # noqa: S608 - names from the schema


def _count(store: Store, table: str) -> int:
    return int(store.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - schema names


def _canonical(value: Any) -> bytes:
    if value is None:
        return b"N"
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        f = float(value)
        if isinstance(value, int) and abs(value) >= 2 ** 53:
            return b"n" + str(value).encode()
        return b"n" + (str(int(f)) if f.is_integer() else repr(f)).encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return b"b" + bytes(value)
    return b"s" + str(value).encode("utf-8", "surrogatepass")


def table_digest(store: Store, table: str, key: str, columns: list[str]) -> tuple[int, str]:
    """(rows, SHA-256 of the rows in key order) of one table."""
    h = hashlib.sha256()
    n = 0
    for row in _rows(store, table, key, columns):
        for v in row:
            c = _canonical(v)
            h.update(len(c).to_bytes(8, "little"))
            h.update(c)
        n += 1
    return n, h.hexdigest()


def copy_knowledge_base(src: Store, dst: Store) -> CopyReport:
    """Copy every table of ``src`` into the empty knowledge base ``dst``, then check counts and hashes."""
    report = CopyReport(src.path, dst.path)
    tables = data_tables(src)
    missing = [t for t in tables if t not in dst.tables()]
    if missing:
        raise StoreError(f"{dst.path} lacks the tables {', '.join(missing)} of {src.path}: are both at the same "
                         "crosswire version? (run any crosswire command on each to apply its migrations)")
    held = {t: _count(dst, t) for t in data_tables(dst)}
    if any(held.values()):
        listed = ", ".join(f"{n:,} {t}" for t, n in held.items() if n)
        raise StoreError(f"{dst.path} is not empty ({listed}): `crosswire migrate` copies into an empty knowledge "
                         "base — give a new file or database")
    plan = []
    for table in tables:
        key, columns = table_key(src, table)
        dst_key, dst_columns = table_key(dst, table)
        if (key, sorted(columns)) != (dst_key, sorted(dst_columns)):
            raise StoreError(f"table {table} differs between {src.path} ({[key, *columns]}) and {dst.path} "
                             f"({[dst_key, *dst_columns]})")
        plan.append((table, key, columns))
    with dst.transaction():
        for table, key, columns in plan:
            dst.bulk_insert(table, [key, *columns], _rows(src, table, key, columns))
    for table, key, columns in plan:
        n_src, h_src = table_digest(src, table, key, columns)
        n_dst, h_dst = table_digest(dst, table, key, columns)
        if (n_src, h_src) != (n_dst, h_dst):
            raise StoreError(f"copy check failed for table {table}: {src.path} has {n_src:,} rows (sha256 "
                             f"{h_src[:12]}), {dst.path} has {n_dst:,} (sha256 {h_dst[:12]})")
        report.tables.append(TableCopy(table, n_src, h_src))
    return report
