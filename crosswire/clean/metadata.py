"""The metadata cascade, written down in one ordered function per field (principle 5).

explicit field (JSONL / feed / meta tags) -> header line -> sign-off / byline -> footer / provenance
-> leave empty and say so. Each field records the layer that set it in ``meta_sources``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from ..models import Document, RemovedLine
from ..nlp.gazetteer import name_key  # one key for romanisation variants, shared with entity grouping
from .cleaner import Clues
from .dates import parse_date

_COPYRIGHT_OWNER = re.compile(r"(?:\(c\)|ⓒ|©)\s*(?:\d{4}\s*)?(?P<pub>[A-Z][\w.&-]+(?: (?:News|Media|Broadcasting|Corp\.?|Co\.?|Inc\.?))?)")
_TIP_OWNER = re.compile(r"'(?P<pub>[A-Z]{2,6})\s*제보'|(?P<pub2>[A-Z]{2,6})\s?뉴스를 구독")
_NEWS_SUFFIX = re.compile(r"^(?P<acr>[A-Z][A-Z0-9&]{1,7})\s+(?:News|NEWS|뉴스)$")
# Layer order for authors: an explicit byline beats the anchor's intro, which beats the sign-off.
AUTHOR_LAYERS = ("explicit", "byline", "byline-in-text", "sign-off")
PUBLISHER_LAYERS = ("explicit", "sign-off", "byline", "copyright-footer", "tip-line-footer", "provenance",
                    "dateline")


def canonical_publisher(name: str) -> str:
    """'KBS News' -> 'KBS'; other names as written."""
    name = re.sub(r"\s+", " ", name).strip(" .,'\"")
    m = _NEWS_SUFFIX.match(name)
    return m.group("acr") if m else name


def iso_date(value: object) -> str | None:
    """An explicit date field (ISO string, RFC date, datetime) -> ISO; None when unreadable."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:16]
    text = str(value or "").strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()[:16]
    except ValueError:
        pass
    if re.fullmatch(r"\d{4}(-\d{2})?", text):
        return text
    found = parse_date(text)
    return found[0] if found else None


def _footer_publishers(removed: list[RemovedLine]) -> list[tuple[str, str]]:
    out = []
    for r in removed:
        if r.rule == "copyright" and (m := _COPYRIGHT_OWNER.search(r.text)):
            out.append(("copyright-footer", m.group("pub")))
        elif r.rule == "tip-line" and (m := _TIP_OWNER.search(r.text)):
            out.append(("tip-line-footer", m.group("pub") or m.group("pub2")))
    return out


def _first(layers: tuple[str, ...], found: list[tuple[str, str]]) -> tuple[str, str] | None:
    for layer in layers:
        for got_layer, value in found:
            if got_layer == layer and value:
                return layer, value
    return None


def _publisher(fields: dict[str, object], clues: Clues, removed: list[RemovedLine]) -> tuple[str, str] | None:
    found = [("explicit", str(fields["publisher"]))] if fields.get("publisher") else []
    found += clues.publishers + _footer_publishers(removed)
    hit = _first(PUBLISHER_LAYERS, found)
    return (hit[0], canonical_publisher(hit[1])) if hit else None


def _authors(fields: dict[str, object], clues: Clues) -> tuple[str, list[str]] | None:
    explicit = fields.get("authors") or []
    found: list[tuple[str, str]] = [("explicit", str(a)) for a in (explicit if isinstance(explicit, list) else [explicit])]
    found += clues.authors
    names: dict[str, str] = {}
    layer_used = None
    for layer in AUTHOR_LAYERS:
        for got_layer, name in found:
            if got_layer == layer:
                names.setdefault(name_key(name), name.strip())
                layer_used = layer_used or layer
    return (layer_used, list(names.values())) if layer_used else None


def _published(fields: dict[str, object], clues: Clues) -> tuple[str, str] | None:
    explicit = iso_date(fields.get("published"))
    if explicit:
        return "explicit", explicit
    if clues.header_date:
        return "header", clues.header_date
    return None


def _title(fields: dict[str, object], clues: Clues) -> tuple[str, str] | None:
    if fields.get("title"):
        return "explicit", str(fields["title"]).strip()
    if clues.title:
        return "headline-line", clues.title
    return None


def _guarded(doc: Document, name: str, layer_fn: Callable[[], tuple[str, object] | None]) -> object | None:
    """Run one cascade; a broken layer leaves the field empty with the reason, never loses the document."""
    try:
        hit = layer_fn()
    except Exception as exc:  # noqa: BLE001 - principle 5: one broken layer cannot lose the document
        doc.meta_sources[name] = f"error: {type(exc).__name__}: {exc}"
        return None
    doc.meta_sources[name] = hit[0] if hit else "missing"
    return hit[1] if hit else None


def apply_metadata(doc: Document, fields: dict[str, object], clues: Clues) -> None:
    """Fill title, publisher, published, authors, url and language of ``doc`` from the cascade."""
    doc.title = _guarded(doc, "title", lambda: _title(fields, clues))  # type: ignore[assignment]
    doc.publisher = _guarded(doc, "publisher", lambda: _publisher(fields, clues, doc.removed))  # type: ignore[assignment]
    doc.published = _guarded(doc, "published", lambda: _published(fields, clues))  # type: ignore[assignment]
    doc.authors = _guarded(doc, "authors", lambda: _authors(fields, clues)) or []  # type: ignore[assignment]
    doc.url = str(fields["url"]) if fields.get("url") else None
    doc.language = _guarded(doc, "language", lambda: _language(fields, doc.text))  # type: ignore[assignment]


def _language(fields: dict[str, object], text: str) -> tuple[str, str] | None:
    if fields.get("language"):
        return "explicit", str(fields["language"])[:2].lower()
    if not text.strip():
        return None
    import py3langid

    lang, _score = py3langid.classify(text[:3000])
    return "detected", lang
