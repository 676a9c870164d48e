"""Timeline: dated events (time expressions in their sentence), statements (quotes with said_on)
and claims with an explicit as_of, each traced to its document and offsets.

A time expression inside a dated quote, or in the sentence of a claim with the same date, is not
listed twice: the statement or the claim stands for it.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from ..store.rows import DocWindow
from ..store.sqlite import Store
from .entities import Resolver
from .rules import date_key, figure_text, in_window

_BOUNDARY = re.compile(r"[.!?]\s|\n")


def sentence_around(ctx: str, ctx_start: int, start: int, end: int) -> str:
    """The sentence of ``ctx`` (a window of the clean text) holding [start, end)."""
    a, b = start - ctx_start, end - ctx_start
    left = max((m.end() for m in _BOUNDARY.finditer(ctx, 0, max(a, 0))), default=0)
    right = next((m.start() + 1 for m in _BOUNDARY.finditer(ctx, max(b, 0))), len(ctx))
    return " ".join(ctx[left:right].split())


class TimelineBuilder:
    def __init__(self, store: Store, resolver: Resolver) -> None:
        self.store = store
        self.resolver = resolver
        self.quote_spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        self.claim_sentences: set[tuple[str, str, str]] = set()

    def build(self, since: str | None = None, until: str | None = None,
              docs: DocWindow | None = None) -> list[dict[str, Any]]:
        """The entries of the reports in the rowid window ``docs`` (all with None) that fall in the window
        since/until. Each entry depends on its own report only, so windows can be built apart and merged."""
        items = self._statements(docs) + self._claims(docs)
        items += self._events(docs)
        items = [i for i in items if in_window(i["date"], since, until)]
        items.sort(key=order_key)
        return items

    def _name(self, name: str | None) -> str | None:
        c = self.resolver.resolve(name)
        return c.name if c else None

    def _statements(self, docs: DocWindow | None) -> list[dict[str, Any]]:
        out = []
        for doc_id, speaker, text, said_on, start, end, publisher, published in self.store.timeline_quotes(docs):
            date = date_key(said_on)
            if date is None:
                continue
            self.quote_spans[doc_id].append((start or 0, end or 0, date))
            who = self._name(speaker) or "unnamed speaker"
            out.append(_item(date, "statement", f"{who}: “{text}”", doc_id, start, end, who, publisher, published))
        return out

    def _claims(self, docs: DocWindow | None) -> list[dict[str, Any]]:
        out = []
        for row in self.store.timeline_claims(docs):
            (cid, doc_id, as_of, sentence, span, start, end, source, value, low, high, qualifier, unit, measure,
             subject, conditional, publisher, published) = row
            date = date_key(as_of)
            if date is None:
                continue
            sentence = " ".join((sentence or span or "").split())
            self.claim_sentences.add((doc_id, date, sentence))
            if conditional:
                continue  # a hypothetical figure is not an event; its sentence still hides the time
            figure = figure_text(value, low, high, qualifier or "exact", unit)
            subject = self._name(subject)
            text = f"{figure} — {measure or 'other'}" + (f", {subject}" if subject else "")
            item = _item(date, "claim", text, doc_id, start, end, self._name(source) or publisher, publisher, published)
            item.update({"claim_id": cid, "figure": figure, "measure": measure, "subject": subject,
                         "sentence": sentence})
            out.append(item)
        return out

    def _events(self, docs: DocWindow | None) -> list[dict[str, Any]]:
        out = []
        for doc_id, text, value, start, end, publisher, published, ctx, ctx_start in self.store.timeline_times(docs):
            date = date_key(value)
            if date is None or self._inside_quote(doc_id, start, end, date):
                continue
            sentence = sentence_around(ctx or "", int(ctx_start or 0), int(start), int(end or start))
            if (doc_id, date, sentence) in self.claim_sentences:
                continue
            item = _item(date, "event", sentence or text, doc_id, start, end, publisher, publisher, published)
            item["time_text"] = text
            out.append(item)
        return out

    def _inside_quote(self, doc_id: str, start: int, end: int | None, date: str) -> bool:
        stop = start if end is None else end
        return any(a <= start and stop <= b and d == date for a, b, d in self.quote_spans.get(doc_id, ()))


ORDER = {"event": 0, "statement": 1, "claim": 2}


def order_key(item: dict[str, Any]) -> tuple[Any, ...]:
    """Timeline order: date, then published, events before statements before claims, report, offset."""
    return (item["date"], item["published"] or "", ORDER[item["kind"]], item["doc_id"], item["start"] or 0)


def _item(date: str, kind: str, text: str, doc_id: str, start: int | None, end: int | None, source: str | None,
          publisher: str | None, published: str | None) -> dict[str, Any]:
    return {"date": date, "kind": kind, "text": text, "doc_id": doc_id, "start": start, "end": end, "source": source,
            "publisher": publisher, "published": published}
