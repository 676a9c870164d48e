"""RSS / Atom feed files -> one item per entry (feedparser).

Public function: ``feed_items``. Steps: character references that name no character (surrogates
such as ``&#55296;``, NUL, beyond U+10FFFF) become U+FFFD before parsing, since feedparser raises
on them; the parse is guarded (a crash is a BadFormat naming the file); each entry is read alone,
so one odd entry is a Rejection naming the entry; lone surrogates left in any string are replaced.
"""
from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import feedparser

from ..errors import BadFormat
from ..dates import iso_date
from ..models import Rejection
from .html import html_to_text
from .items import RawItem
from .safe import safe_text, safe_value

_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")


def _no_char(m: re.Match[bytes]) -> bytes:
    value = int(m.group(1), 16) if m.group(1) else int(m.group(2))
    bad = value == 0 or 0xD800 <= value <= 0xDFFF or value > 0x10FFFF
    return b"&#65533;" if bad else m.group(0)


def _parse(source: str, raw: bytes) -> Any:
    fixed = _CHARREF.sub(_no_char, raw)
    try:
        parsed = feedparser.parse(fixed)
    except Exception as exc:  # noqa: BLE001 - feedparser raises odd types on hostile markup
        raise BadFormat(source, f"the feed could not be parsed ({type(exc).__name__}: {exc}); "
                                "expected RSS or Atom XML") from exc
    parsed["crosswire_replaced"] = fixed != raw
    return parsed


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
    parsed = _parse(source, raw)
    has_text = any(_entry_text(e).strip() or e.get("title") for e in parsed.entries)
    if parsed.bozo and not has_text:
        reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: str(parsed.get("bozo_exception")))()
        raise BadFormat(source, f"not a valid RSS/Atom feed (expected XML with <rss> or <feed>): {reason}")
    if not parsed.entries:
        raise BadFormat(source, "the feed has no entries")
    site = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, 1):
        where = f"{source} entry {n}"
        try:
            yield _entry_item(source, n, entry, site, bool(parsed.get("crosswire_replaced")))
        except Exception as exc:  # noqa: BLE001 - one odd entry must not lose the others
            reason, _ = safe_text(f"could not read this entry ({type(exc).__name__}: {exc})")
            yield Rejection(where, reason)


def _entry_item(source: str, n: int, entry: Any, site: Any, replaced_refs: bool) -> Any:
    body = _entry_text(entry)
    text, repaired = safe_text(html_to_text(body) if "<" in body else body)
    if not text.strip():
        return Rejection(f"{source} entry {n}", "the entry has no text (expected content or description)")
    fields = {"title": entry.get("title"), "url": entry.get("link"), "publisher": site,
              "published": _iso(entry), "authors": _authors(entry),
              "id": entry.get("id")}
    fields, repaired_fields = safe_value({k: v for k, v in fields.items() if v})
    raw_entry = json.dumps({k: entry.get(k) for k in ("id", "title", "link", "published", "summary",
                                                      "content", "author")}, default=str).encode("utf-8", "replace")
    item = RawItem(source, raw_entry, "feed", locator=f"entry {n}", text=text, fields=fields)
    if replaced_refs and "\ufffd" in text + json.dumps(fields, ensure_ascii=False):
        repaired = True
    if repaired or repaired_fields:
        item.notes["repairs"] = "character reference(s) or lone surrogate(s) naming no character replaced with U+FFFD"
        item.warnings.append(item.notes["repairs"])
    return item
