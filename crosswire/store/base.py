"""What the parts of ``Store`` mixed in from reads.py, fusion_reads.py and review.py use of it, declared once.

``Store`` (store/sqlite.py) sets ``conn`` and ``path`` and defines ``transaction``; ``PgStore`` the same on
PostgreSQL. The mixins derive from :class:`StoreMixin` so that mypy knows these three in each of them.
"""
from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING


class StoreMixin:
    """Base of the store's mixins: the connection and file ``Store`` sets, and its write transaction."""

    conn: sqlite3.Connection
    path: str

    if TYPE_CHECKING:
        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...
