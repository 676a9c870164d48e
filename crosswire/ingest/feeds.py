"""RSS / Atom feed files -> one item per entry (feedparser)."""
from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import BadFormat
from ..clean.metadata import iso_date
from ..models import Rejection
from .html import html_to_text


def _iso(entry: Any) -> str | None:
    """The entry's date as written in its own offset (feedparser's *_parsed is UTC)."""
    for key in ("published", "updated"):
        text = entry.get(key)
        if not text:
            continue
        try:
            return email.utils.parsedate_to_datetime(text).date().isoformat()
        except (TypeError, ValueError):
            pass
        found = iso_date(text)
        if found:
            return found[:10]
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return time.strftime("%Y-%m-%d", parsed) if parsed else None


def _authors(entry: Any) -> list[str]:
    """Author names; 'desk@example.com (Lee Gun-woo)' gives 'Lee Gun-woo'."""
    out = []
    for a in entry.get("authors", []) or [{"name": entry.get("author")}]:
        name = str(a.get("name") or "").strip()
        m = re.search(r"\(([^()@]+)\)", name)
        if m:
            name = m.group(1).strip()
        if name and "@" not in name:
            out.append(name)
    return out


def _entry_text(entry: Any) -> str:
    if entry.get("content"):
        return str(entry["content"][0].get("value", ""))
    return str(entry.get("summary", "") or entry.get("description", ""))


def feed_items(source: str, raw: bytes) -> Iterator[Any]:
    from .readers import RawItem

    parsed = feedparser.parse(raw)
    has_text = any(_entry_text(e).strip() or e.get("title") for e in parsed.entries)
    if parsed.bozo and not has_text:
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: str(parsed.get("bozo_exception")))()
        raise BadFormat(source, f"not a valid RSS/Atom feed (expected XML with <rss> or <feed>): {reason}")
    if not parsed.entries:
        raise BadFormat(source, "the feed has no entries")
    site = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        body = _entry_text(entry)
        text = html_to_text(body) if "<" in body else body
        where = f"{source} entry {n}"
        if not text.strip():
            yield Rejection(where, "the entry has no text (expected content or description)")
            continue
        fields = {"title": entry.get("title"), "url": entry.get("link"), "publisher": site,
                  "published": _iso(entry), "authors": _authors(entry),
                  "id": entry.get("id")}
        raw_entry = json.dumps({k: entry.get(k) for k in ("id", "title", "link", "published", "summary",
                                                          "content", "author")}, default=str).encode()
        yield RawItem(source, raw_entry, "feed", locator=f"entry {n}", text=text,
                      fields={k: v for k, v in fields.items() if v})
