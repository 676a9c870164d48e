"""Storage: the only package that reads or writes the knowledge base (every SQL statement lives here).

``Store`` (SQLite by default) writes in ``store/sqlite.py`` and reads through ``store/reads.py`` (reports,
search, exports) and ``store/fusion_reads.py`` (what fusion needs); the rows it returns are typed in
``store/rows.py``, which also states the one since/until rule.
"""
from .reads import fts_query
from .rows import DocFilter
from .sqlite import Store

__all__ = ["DocFilter", "Store", "fts_query"]
