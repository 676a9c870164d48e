"""The dashboard's reads, shaped for its pages; the SQL is the store's (``crosswire.store``).

Every listing the store makes for the dashboard uses an index and a LIMIT, so a page costs the same
on eleven reports as on a hundred thousand.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import DocFilter
from ..store.rows import SearchPage

if TYPE_CHECKING:
    from ..engine import Crosswire

__all__ = ["DocFilter", "search", "snippet_parts"]


def search(engine: Crosswire, query: str, limit: int = 20, offset: int = 0) -> SearchPage:
    """The engine's full-text search, each snippet also split into plain and matched parts."""
    out = engine.search_page(query, limit, offset)
    for it in out["items"]:
        it["snippet_parts"] = snippet_parts(it.pop("snippet") or "")
        it["snippet"] = "".join(p["text"] for p in it["snippet_parts"])
    return out


def snippet_parts(snippet: str) -> list[dict[str, Any]]:
    """Split an FTS snippet marked with control characters into plain and matched parts (escaped later)."""
    parts, hit, buf = [], False, ""
    for ch in snippet:
        if ch in "\x02\x03":
            if buf:
                parts.append({"text": buf, "hit": hit})
            buf, hit = "", ch == "\x02"
        else:
            buf += ch
    if buf:
        parts.append({"text": buf, "hit": hit})
    return parts
