"""The long parts of a report's page, rendered in Python: the record lists under the highlighted text;
and a small cache of long rendered pages.

    parts = record_lists(doc)      # {"removed", "claims", "quotes", "entities", "mentions", "times"} -> Markup
    cache = PageCache()            # app.state.page_cache: page bytes per (knowledge-base version, address)

A 300 KB report holds some 12,000 records; a Jinja loop over them (an escape and a Markup object for
every value) takes longer than the page's 300 ms budget, so the rows are built here with f-strings.
Every value from the report is escaped with ``esc`` (the five characters markupsafe escapes, with the
same entities), every value in a link is percent-quoted first; ``document.html`` places the lists.
The markup is the one the template had: the ids (``rec-claim-ID`` ...) are the targets of the
highlighted text's links.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any
from urllib.parse import quote

from markupsafe import Markup


def esc(value: Any) -> str:
    """``value`` as HTML text (None as the empty string)."""
    text = "" if value is None else str(value)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
            .replace("'", "&#39;"))


def _q(value: Any) -> str:
    return esc(quote(str(value), safe=""))


def _num(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "—" if value is None else esc(value)
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _removed(r: dict[str, Any]) -> str:
    return f"<tr><td>{esc(r.get('lineno'))}</td><td><code>{esc(r.get('rule'))}</code></td><td>{esc(r.get('text'))}</td></tr>"


def _claim(c: dict[str, Any]) -> str:
    cid = esc(c.get("id"))
    value = _num(c.get("value")) if c.get("value") is not None else f"{_num(c.get('low'))}–{_num(c.get('high'))}"
    chain = c.get("attribution")
    via = (f' <span class="muted">via {esc(" → ".join(map(str, chain[1:])))}</span>'
           if isinstance(chain, list) and len(chain) > 1 else "")
    conditional = ' <span class="tag">conditional</span>' if c.get("conditional") else ""
    dismissed = ' <span class="tag bad">dismissed</span>' if c.get("dismissed") else ""
    return (f'<tr id="rec-claim-{cid}"><td><a href="#claim-{cid}">{esc(c.get("span"))}</a></td>\n'
            f'<td>{value} {esc(c.get("unit") or "")} <span class="muted">{esc((c.get("qualifier") or "").replace("_", " "))}'
            f"</span></td>\n<td>{esc(c.get('measure'))}</td><td>{esc(c.get('subject') or '—')}</td>"
            f"<td>{esc(c.get('source') or '—')}{via}</td>\n<td>{esc(c.get('hedge') or '')}{conditional}</td>"
            f"<td>{esc(c.get('as_of') or '—')}{dismissed}</td>"
            f'<td><a href="/claims/{cid}" title="see and review this claim">review</a></td></tr>')


def _quote(q: dict[str, Any]) -> str:
    qid = esc(q.get("id"))
    title = f' <span class="muted">{esc(q["speaker_title"])}</span>' if q.get("speaker_title") else ""
    written = q.get("speaker_surface")
    speaker = q.get("speaker") or (f"[{written}]" if written else "no named source")
    cue = f' · {esc(q["cue"])}' if q.get("cue") else ""
    return (f'<li id="rec-quote-{qid}"><span class="kind">{esc(q.get("kind") or "direct")}</span> '
            f'<a href="#quote-{qid}"><b>{esc(speaker)}</b></a>'
            f'{title}: “{esc(q.get("text"))}” <span class="muted">{cue} '
            f'{esc(q.get("said_on") or "")}</span></li>')


def _entity(e: dict[str, Any]) -> str:
    return (f'<li><a href="/entities/{_q(e.get("name"))}">{esc(e.get("name"))}</a> '
            f'<span class="muted">{esc(e.get("type"))} ×{esc(e.get("count"))}</span></li>')


def _mention(m: dict[str, Any]) -> str:
    mid = esc(m.get("id"))
    return (f'<li id="rec-mention-{mid}"><a href="#mention-{mid}">{esc(m.get("text"))}</a> → '
            f'<a href="/entities/{_q(m.get("canonical"))}">{esc(m.get("canonical"))}</a> '
            f'<span class="muted">{esc(m.get("label"))}</span></li>')


def _time(t: dict[str, Any]) -> str:
    tid = esc(t.get("id"))
    return (f'<li id="rec-time-{tid}"><a href="#time-{tid}">{esc(t.get("text"))}</a> → '
            f'<code>{esc(t.get("value"))}</code> <span class="muted">{esc(t.get("type"))}</span></li>')


# list -> (one row, the row shown when the list is empty, what goes between rows)
ROWS: dict[str, tuple[Callable[[dict[str, Any]], str], str, str]] = {
    "removed": (_removed, "", ""),
    "claims": (_claim, '<tr><td colspan="8" class="muted">none</td></tr>', "\n"),
    "quotes": (_quote, '<li class="muted">none</li>', "\n"),
    "entities": (_entity, '<li class="muted">none</li>', ""),
    "mentions": (_mention, "", ""),
    "times": (_time, '<li class="muted">none</li>', ""),
}


def record_lists(doc: dict[str, Any]) -> dict[str, Markup]:
    """Each record list of ``doc`` as HTML rows (or the 'none' row when it is empty)."""
    out = {}
    for name, (row, empty, between) in ROWS.items():
        records = doc.get(name) or []
        out[name] = Markup(between.join(row(r) for r in records) if records else empty)
    return out


class PageCache:
    """Rendered pages of long reports, kept while the knowledge base does not change.

    Only pages over ``min_bytes`` are kept (a short report's page costs a few milliseconds), at most
    ``max_pages`` and ``max_bytes`` in all, least recently used out first; a new knowledge-base version
    (anything written) empties it. Four readers of the same 300 KB report then cost one rendering,
    not four (the adversarial run's "parallel views of the big report").
    """

    def __init__(self, min_bytes: int = 256_000, max_bytes: int = 64_000_000, max_pages: int = 16) -> None:
        self.min_bytes, self.max_bytes, self.max_pages = min_bytes, max_bytes, max_pages
        self.lock = threading.Lock()
        self.pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self.version: Hashable = None
        self.size = 0

    def get(self, version: Hashable, key: Hashable) -> bytes | None:
        with self.lock:
            if version != self.version:
                self.pages.clear()
                self.version, self.size = version, 0
                return None
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, version: Hashable, key: Hashable, page: bytes) -> None:
        if not self.min_bytes <= len(page) <= self.max_bytes:
            return
        with self.lock:
            if version != self.version or key in self.pages:
                return
            self.pages[key] = page
            self.size += len(page)
            while self.size > self.max_bytes or len(self.pages) > self.max_pages:
                _, old = self.pages.popitem(last=False)
                self.size -= len(old)
