"""The metadata cascade, written down in one ordered function per field (principle 5).

Public functions: ``apply_metadata(doc, fields, clues)``, ``explicit_fields(...)`` (the checked
``--publisher/--published/--title`` options), ``canonical_publisher``, ``iso_date``.

Layers, first that answers wins; each field records the layer that set it in ``meta_sources``:
- title:     explicit (option / JSONL / feed / meta tags) -> headline-line; a title that only names the
             site ("Home | Example News", the outlet's name) is no title; " | Example News" is cut off;
- publisher: explicit -> sign-off -> byline -> copyright-footer -> tip-line-footer -> provenance ->
             masthead (a line that is an outlet's name) -> dateline ("(Reuters)"); names of known
             outlets (gazetteer outlets + data/layouts.toml) are given as the outlet's canonical name;
- published: explicit -> header (a portal header's entry time beats its edit time) -> dateline (its
             month and day, the year from the report's own dates, never a future date) -> wire-tail
             (a timestamp after an end-of-story marker);
- authors:   every layer's names together (explicit, byline, byline-in-text, credit-line, sign-off),
             the spelling of the first layer kept; a credit line's editors are not authors.
- place:     no Document field yet: the dateline's place is recorded as ``meta_sources["place"]``
             ("dateline:Brussels").
Options given on the command line (``fields["explicit_options"]``) are used exactly as given.
Nothing left empty is silent: ``meta_sources[field]`` is "missing" (or the error of a broken layer).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from ..errors import SettingsError
from ..models import Document, RemovedLine
from ..names import name_key  # one key for romanisation variants, shared with entity grouping
from ..dates import EXPECTED_DATE, date_evidence, dateline_date, iso_date, parse_date
from .layouts import Clues, headline_of, layout_data, outlet_name, outlet_prefix

_COPYRIGHT_MARK = re.compile(r"(?:\(c\)|ⓒ|©|copyright(?: holder)?)\s*(?:\(c\)|ⓒ|©|copyright)?\s*(?:(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\s*[,.]?\s*)?(?:by\s+)?",
                            re.I)
_OWNER_WORD = re.compile(r"^(?:[A-Z][\w.&'’-]*|of|and|&|the|für|de)$")
_TIP_OWNER = re.compile(r"'(?P<pub>[A-Z]{2,6})\s*제보'|(?P<pub2>[A-Z]{2,6})\s?뉴스를 구독")
_NEWS_SUFFIX = re.compile(r"^(?P<acr>[A-Z][A-Z0-9&]{1,7})\s+(?:News|NEWS|뉴스)$")
# Layer order for authors: an explicit byline beats the anchor's intro, which beats the sign-off.
AUTHOR_LAYERS = ("explicit", "byline", "byline-in-text", "credit-line", "sign-off")
PUBLISHER_LAYERS = ("explicit", "sign-off", "byline", "copyright-footer", "tip-line-footer", "provenance",
                    "masthead", "dateline")
OPTION_FIELDS = ("publisher", "published", "title")


def canonical_publisher(name: str) -> str:
    """A known outlet's canonical name ('AP' -> 'Associated Press'); 'KBS News' -> 'KBS'; else as written."""
    name = re.sub(r"\s+", " ", name).strip(" .,'\"")
    known = outlet_name(name) or outlet_name(re.sub(r"\s+(?:News|NEWS|Online|뉴스)$", "", name))
    if known:
        return known
    m = _NEWS_SUFFIX.match(name)
    return m.group("acr") if m else name


def explicit_fields(publisher: str | None = None, published: str | None = None,
                    title: str | None = None) -> dict[str, object]:
    """Checked metadata options (``--publisher/--published/--title``) as explicit fields.

    Raises SettingsError naming what was expected when ``published`` is not a readable date.
    """
    fields: dict[str, object] = {}
    for name, value in (("publisher", publisher), ("title", title)):
        if value is not None and value.strip():
            fields[name] = value.strip()
    if published is not None and published.strip():
        iso = iso_date(published)
        if iso is None:
            raise SettingsError(f"published: cannot read {published!r} as a date; expected {EXPECTED_DATE}")
        fields["published"] = iso
    if fields:
        fields["explicit_options"] = tuple(k for k in OPTION_FIELDS if k in fields)
    return fields


def copyright_owner(line: str) -> str | None:
    """'© 2024 The Washington Post. All rights reserved.' -> 'The Washington Post' (a known outlet
    first, else the run of capitalised words after the mark and year)."""
    m = _COPYRIGHT_MARK.search(line)
    if not m:
        return None
    rest = line[m.end():].strip(" [](),")
    known = outlet_prefix(rest)
    if known:
        return known
    stop = {w.lower() for w in layout_data()["copyright"]["stop_words"]}
    words: list[str] = []
    for raw in rest.split():
        word = raw.rstrip(".,;:]")
        if word.lower() in stop or not _OWNER_WORD.match(word) or (not words and word.islower()):
            break
        words.append(word)
        if word != raw and not re.fullmatch(r"(?:[A-Z]\.)+|Inc\.|Co\.|Corp\.|Ltd\.", raw):
            break
    while words and words[-1].lower() in ("of", "and", "&", "the", "für", "de"):
        words.pop()
    return " ".join(words) or None


def _footer_publishers(removed: list[RemovedLine]) -> list[tuple[str, str]]:
    out = []
    for r in removed:
        if r.rule == "copyright" and (owner := copyright_owner(r.text)):
            out.append(("copyright-footer", owner))
        elif r.rule == "tip-line" and (m := _TIP_OWNER.search(r.text)):
            out.append(("tip-line-footer", m.group("pub") or m.group("pub2")))
    return out


def _first(layers: tuple[str, ...], found: list[tuple[str, str]]) -> tuple[str, str] | None:
    for layer in layers:
        for got_layer, value in found:
            if got_layer == layer and value:
                return layer, value
    return None


def _options(fields: dict[str, object]) -> tuple[str, ...]:
    given = fields.get("explicit_options") or ()
    return tuple(str(g) for g in given) if isinstance(given, (list, tuple)) else ()


def _publisher(fields: dict[str, object], clues: Clues, removed: list[RemovedLine]) -> tuple[str, str] | None:
    if "publisher" in _options(fields):
        return "explicit", str(fields["publisher"])
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


def _published(fields: dict[str, object], clues: Clues, doc: Document) -> tuple[str, str] | None:
    explicit = iso_date(fields.get("published"))
    if explicit:
        return "explicit", explicit
    if clues.header_date:
        return "header", clues.header_date
    dl = clues.dateline
    if dl and dl.month and dl.day:
        if dl.year:
            return "dateline", date(dl.year, dl.month, dl.day).isoformat()
        evidence = date_evidence("\n".join([doc.text, *(r.text for r in doc.removed if r.rule != "title")]))
        found = dateline_date(dl.month, dl.day, evidence, date.today())
        if found:
            return "dateline", found
    return _wire_tail_date(doc.removed)


def _wire_tail_date(removed: list[RemovedLine]) -> tuple[str, str] | None:
    """A timestamp line after an end-of-story marker ("(END)" then "2024/11/02 15:30 KST")."""
    ended = False
    for r in sorted(removed, key=lambda r: r.lineno):
        ended = ended or r.rule == "end-marker"
        if ended and r.rule == "timestamp":
            found = parse_date(r.text)
            if found and found[0][:10] <= date.today().isoformat():
                return "wire-tail", found[0]
    return None


def _title(fields: dict[str, object], clues: Clues, publisher: str | None) -> tuple[str, str] | None:
    if "title" in _options(fields):
        return "explicit", str(fields["title"]).strip()
    for layer, value in (("explicit", fields.get("title")), ("headline-line", clues.title)):
        if value and str(value).strip():
            headline = headline_of(str(value).strip(), publisher)
            if headline:
                return layer, headline
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
    doc.publisher = _guarded(doc, "publisher", lambda: _publisher(fields, clues, doc.removed))  # type: ignore[assignment]
    doc.title = _guarded(doc, "title", lambda: _title(fields, clues, doc.publisher))  # type: ignore[assignment]
    doc.published = _guarded(doc, "published", lambda: _published(fields, clues, doc))  # type: ignore[assignment]
    if clues.dateline and clues.dateline.place:
        doc.meta_sources["place"] = f"dateline:{clues.dateline.place}"
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
