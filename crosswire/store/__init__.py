"""Storage: the only package that reads or writes the knowledge base (every SQL statement lives here).

``Store`` (SQLite by default) writes in ``store/sqlite.py`` and reads through ``store/reads.py`` (reports,
search, exports) and ``store/fusion_reads.py`` (what fusion needs); the rows it returns are typed in
``store/rows.py``, which also states the one since/until rule. ``PgStore`` (``store/postgres.py``) is the
same store on PostgreSQL, its statements rewritten by ``store/dialect.py``; ``open_store`` picks by URL:

    store = open_store("kb.db")                              # SQLite file (or sqlite:///kb.db)
    store = open_store("postgresql://user@host/crosswire")   # PostgreSQL database (psycopg 3)
"""
from __future__ import annotations

from .reads import fts_query
from .rows import DocFilter
from .sqlite import Store


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def sqlite_path(url: str) -> str:
    """The file of a SQLite location: a path, or a ``sqlite:///path`` URL."""
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else url


def open_store(url: str, read_only: bool = False, as_found: bool = False) -> Store:
    """The knowledge base at ``url``: a SQLite file path (or ``sqlite:///path``), or a ``postgresql://`` URL."""
    url = str(url)
    if is_postgres(url):
        from .postgres import PgStore

        return PgStore(url, read_only=read_only, as_found=as_found)
    if "://" in url and not url.startswith("sqlite:///") and not url.startswith("file:"):
        from ..errors import SettingsError

        raise SettingsError(f"cannot use {url.split('://')[0]}:// as a knowledge base: expected a SQLite file path, "
                            "sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
    return Store(sqlite_path(url), read_only=read_only, as_found=as_found)


__all__ = ["DocFilter", "Store", "fts_query", "open_store", "is_postgres", "sqlite_path"]
