"""Storage: the only package that writes. SQLite by default."""
from .sqlite import Store, fts_query

__all__ = ["Store", "fts_query"]
