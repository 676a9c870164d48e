"""SQLite's SQL, as the store writes it, in PostgreSQL's dialect.

The store's statements are written once, for SQLite (qmark parameters, ``INSERT OR IGNORE``,
``instr`` ...). ``to_postgres`` rewrites one statement for PostgreSQL; ``ddl_to_postgres`` rewrites a
migration (types, rowids). What it knows, and nothing more:

=============================================  ================================================
SQLite                                         PostgreSQL
=============================================  ================================================
``?`` (outside string literals)                ``%s`` (and ``%`` doubled, psycopg's format)
``INSERT OR IGNORE INTO t ...``                ``INSERT INTO t ... ON CONFLICT DO NOTHING``
``INSERT OR REPLACE INTO t ...``               ``... ON CONFLICT (key) DO UPDATE SET`` every column
``BEGIN IMMEDIATE``                            ``BEGIN`` + a transaction advisory lock (one writer)
``instr(a, b)``                                ``strpos(a, b)``
``max(a, b)`` / ``min(a, b)`` (two arguments)  ``GREATEST`` / ``LEAST``
``length(CAST(x AS BLOB))``                    ``octet_length(x)``
``CAST(x AS REAL)`` / ``AS INTEGER``           ``DOUBLE PRECISION`` / ``BIGINT``
``ifnull(a, b)``                               ``coalesce(a, b)``
``substr(s, a, b)``                            ``substr(s, CAST(a AS INTEGER), CAST(b AS INTEGER))``
``group_concat(x[, sep])``                     ``string_agg(CAST(x AS TEXT), sep)``
``x LIKE y``                                   ``x ILIKE y`` (SQLite's LIKE ignores case)
``COLLATE NOCASE``                             ``COLLATE nocase`` (an ICU collation, migration 001)
``LIMIT -1``                                   ``LIMIT ALL``
implicit ``rowid``                             a real ``rowid`` identity column (``ddl_to_postgres``)
=============================================  ================================================

PRAGMAs are answered by the connection adapter (store/postgres.py), not here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

WRITER_LOCK = 0x63727377  # "crsw": the advisory lock BEGIN IMMEDIATE takes, so there is one writer at a time


@dataclass
class Schema:
    """What the rewriting needs to know about the tables: their columns and their conflict keys."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    keys: dict[str, list[str]] = field(default_factory=dict)     # primary key (or first unique) columns
    rowid: dict[str, str] = field(default_factory=dict)          # integer key: "rowid" or "id"


def _split_literals(sql: str) -> list[tuple[bool, str]]:
    """(is_literal, text) pieces: single-quoted strings and double-quoted identifiers are literal."""
    out: list[tuple[bool, str]] = []
    i, start, n = 0, 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            if i > start:
                out.append((False, sql[start:i]))
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append((True, sql[i:j + 1]))
            i = start = j + 1
            continue
        i += 1
    if start < n:
        out.append((False, sql[start:]))
    return out


def _args_end(code: str, open_at: int) -> tuple[int, list[int]]:
    """Index of the parenthesis closing the one at ``open_at`` and the positions of its top-level commas."""
    depth, commas = 0, list[int]()
    for i in range(open_at, len(code)):
        ch = code[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i, commas
        elif ch == "," and depth == 1:
            commas.append(i)
    return len(code), commas


_FUNC = re.compile(r"\b(max|min|group_concat|substr)\s*\(", re.I)


def _functions(code: str) -> str:
    """Two-argument max/min → GREATEST/LEAST; group_concat → string_agg (literals masked in ``code``)."""
    pos = 0
    while True:
        m = _FUNC.search(code, pos)
        if not m:
            return code
        name = m.group(1).lower()
        open_at = m.end() - 1
        close, commas = _args_end(code, open_at)
        if name == "substr":  # positions as integer: bigint sums and smallint parameters have no substr
            parts = [code[a + 1:b] for a, b in zip([open_at, *commas], [*commas, close])]
            args = [parts[0], *(f"CAST({p.strip()} AS INTEGER)" for p in parts[1:])]
            code = code[:m.start()] + "substr(" + ", ".join(args) + ")" + code[close + 1:]
        elif name in ("max", "min"):
            if commas:
                code = code[:m.start()] + ("GREATEST" if name == "max" else "LEAST") + code[open_at:]
        else:
            inner = code[open_at + 1:close]
            if commas:
                cut = commas[0] - open_at - 1
                arg, sep = inner[:cut], inner[cut + 1:]
            else:
                arg, sep = inner, "','"
            code = code[:m.start()] + f"string_agg(CAST({arg} AS TEXT), {sep})" + code[close + 1:]
        pos = m.start() + 1


_SIMPLE = [
    (re.compile(r"\bBEGIN\s+(IMMEDIATE|EXCLUSIVE|DEFERRED)\b", re.I), "BEGIN"),
    (re.compile(r"\binstr\s*\(", re.I), "strpos("),
    (re.compile(r"\bifnull\s*\(", re.I), "coalesce("),
    (re.compile(r"\blength\s*\(\s*CAST\s*\(([^()]+?)\s+AS\s+BLOB\s*\)\s*\)", re.I), r"octet_length(\1)"),
    (re.compile(r"\bAS\s+REAL\b", re.I), "AS DOUBLE PRECISION"),
    (re.compile(r"\bAS\s+INTEGER\b", re.I), "AS BIGINT"),
    (re.compile(r"\bLIKE\b", re.I), "ILIKE"),
    (re.compile(r"\bCOLLATE\s+NOCASE\b", re.I), "COLLATE nocase"),
    (re.compile(r"\bLIMIT\s+-1\b", re.I), "LIMIT ALL"),
]
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+(IGNORE|REPLACE)\s+)?INTO\s+(\w+)\s*(\(([^)]*)\))?", re.I)


def to_postgres(sql: str, schema: Schema, has_params: bool, returning: bool = False) -> str:
    """One SQLite statement of the store as PostgreSQL (``returning``: add ``RETURNING`` the integer key of an
    INSERT's table, so the adapter can give ``lastrowid``)."""
    pieces = _split_literals(sql)
    # functions and keywords are rewritten on the code with literals masked, so a literal is never touched
    masks: list[str] = []
    code_parts = []
    for is_lit, text in pieces:
        if is_lit:
            masks.append(text)
            code_parts.append(f"\x00{len(masks) - 1}\x00")
        else:
            code_parts.append(text)
    code = "".join(code_parts)
    for pattern, repl in _SIMPLE:
        code = pattern.sub(repl, code)
    code = _functions(code)
    code = _rowid_aliases(code, schema)
    suffix = ""
    m = _INSERT.match(code)
    if m:  # no column list: name the columns (PostgreSQL's rowid column is not one of SQLite's)
        kind, table = (m.group(1) or "").upper(), m.group(2)
        cols = [c.strip().strip('"') for c in m.group(4).split(",")] if m.group(4) else schema.columns.get(table, [])
        listed = m.group(4) if m.group(4) else ", ".join(f'"{c}"' for c in cols)
        code = code[:m.start()] + f"INSERT INTO {table} ({listed}) " + code[m.end():].lstrip()
        keys = schema.keys.get(table, [])
        if not kind:
            pass
        elif kind == "IGNORE" or not keys:
            suffix = " ON CONFLICT DO NOTHING"
        else:
            sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in cols if c not in keys)
            target = ", ".join(f'"{k}"' for k in keys)
            suffix = f" ON CONFLICT ({target}) DO " + (f"UPDATE SET {sets}" if sets else "NOTHING")
    if suffix or returning:
        code = code.rstrip().rstrip(";")
        code += suffix
        if returning:
            table_m = re.match(r"^\s*INSERT\s+INTO\s+(\w+)", code, re.I)
            key = schema.rowid.get(table_m.group(1)) if table_m else None
            if key and not re.search(r"\bRETURNING\b", code, re.I):
                code += f' RETURNING "{key}"'
    if has_params:
        code = code.replace("%", "%%").replace("?", "%s")
        masks = [t.replace("%", "%%") for t in masks]
    return re.sub(r"\x00(\d+)\x00", lambda mm: masks[int(mm.group(1))], code)


_TABLE_REF = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.I)
_NOT_ALIAS = frozenset({"WHERE", "JOIN", "ON", "ORDER", "GROUP", "LIMIT", "LEFT", "INNER", "CROSS", "USING", "SET",
                        "VALUES", "OFFSET", "UNION", "HAVING", "NATURAL", "OUTER", "FULL", "RIGHT"})


def _rowid_aliases(code: str, schema: Schema) -> str:
    """``rowid`` of a table whose INTEGER PRIMARY KEY is ``id`` (SQLite's alias of rowid) is that ``id``."""
    if "rowid" not in code.lower():
        return code
    refs = [(m.group(1), m.group(2) if m.group(2) and m.group(2).upper() not in _NOT_ALIAS else None)
            for m in _TABLE_REF.finditer(code)]
    tables = {t for t, _ in refs}
    for table, alias in refs:
        if schema.rowid.get(table) != "id":
            continue
        code = re.sub(rf"\b{alias or table}\.rowid\b", f"{alias or table}.id", code, flags=re.I)
        if len(tables) == 1:
            code = re.sub(r"(?<![.\w])rowid\b", "id", code, flags=re.I)
    return code


# -- migrations ----------------------------------------------------------------------------------------
_CREATE = re.compile(r"^\s*CREATE\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(", re.I)


def ddl_to_postgres(sql: str) -> str:
    """A migration written for SQLite, for PostgreSQL: REAL → DOUBLE PRECISION, BLOB → BYTEA (INTEGER stays: the
    offsets, counts and flags fit in 32 bits, and PostgreSQL's substr wants them),
    TEXT compared bytewise like SQLite (``COLLATE "C"``), ``INTEGER PRIMARY KEY`` → an identity key, and a
    ``rowid`` identity column on every other table (SQLite gives each table one). Virtual tables and
    triggers have no translation: a migration with them needs its own ``NNN_name.postgresql.sql``."""
    out = []
    for statement in _split_statements(sql):
        if re.search(r"\bCREATE\s+(VIRTUAL\s+TABLE|TRIGGER)\b", statement, re.I):
            raise ValueError("a migration with a virtual table or a trigger needs a .postgresql.sql variant")
        s = re.sub(r"\bINTEGER\s+PRIMARY\s+KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", statement)
        s = re.sub(r"\bREAL\b", "DOUBLE PRECISION", s)
        s = re.sub(r"\bBLOB\b", "BYTEA", s)
        s = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', s)
        m = _CREATE.match(s)
        if m and not re.search(r"IDENTITY PRIMARY KEY", s):
            s = s[:m.end()] + "\n    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY," + s[m.end():]
        out.append(s)
    return "\n".join(out)


def _split_statements(sql: str) -> list[str]:
    """Statements of a migration without triggers (``;`` outside literals ends one); comments dropped."""
    lines = [ln for ln in sql.splitlines() if not ln.strip().startswith("--")]
    text = "\n".join(re.sub(r"\s--\s.*$", "", ln) for ln in lines)
    out, buf = [], []
    for is_lit, piece in _split_literals(text):
        if is_lit:
            buf.append(piece)
            continue
        parts = piece.split(";")
        for k, part in enumerate(parts):
            buf.append(part)
            if k < len(parts) - 1:
                stmt = "".join(buf).strip()
                if stmt:
                    out.append(stmt + ";")
                buf = []
    rest = "".join(buf).strip()
    if rest:
        out.append(rest + ";")
    return out
