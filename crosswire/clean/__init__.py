"""Cleaning stage: RawItem -> Document with clean body, removed lines, segments and metadata."""
from __future__ import annotations

import hashlib
import re

from ..ingest.html import boilerplate as html_left_out, read_page
from ..ingest.readers import RawItem
from ..models import Document, RemovedLine
from .cleaner import Cleaned, clean_text
from .layouts import dateline_span
from .metadata import apply_metadata

VERSION = "clean-1"
# Inputs that may carry page furniture (pasted pages); JSONL and feed texts are article bodies already.
FURNITURE_KINDS = frozenset({"text"})


def content_id(text: str) -> str:
    """Content-hash id: the same text (whatever its encoding or line ends) gets the same id."""
    norm = re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def clean_document(item: RawItem) -> Document:
    fields = dict(item.fields)
    body = item.text
    if item.kind == "html":
        body, page_fields = read_page(item.text, url=fields.get("url"))
        for k, v in page_fields.items():
            fields.setdefault(k, v)
    cleaned: Cleaned = clean_text(body, detect_title=not fields.get("title"),
                                  drop_furniture=item.kind in FURNITURE_KINDS)
    source = item.source + (f" ({item.locator})" if item.locator else "")
    doc = Document(id=content_id(item.text), source=source, raw=item.raw, encoding=item.encoding,
                   input_kind=item.kind, decoded=item.text, text=cleaned.text, removed=cleaned.removed,
                   segments=cleaned.segments, external_id=fields.get("id"), dateline=dateline_span(cleaned.text))
    if item.kind == "html":  # what trafilatura left out of the page is kept too, with its reason
        doc.removed = [RemovedLine(line, "html-boilerplate", n) for n, line in html_left_out(item.text, body)] + doc.removed
    apply_metadata(doc, fields, cleaned.clues)
    return doc
