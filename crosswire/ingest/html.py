"""Saved web pages: main text and metadata through trafilatura (og:, article:, JSON-LD).

Public functions: ``read_page`` (main text and metadata), ``page_body`` (main text and which layer
found it), ``html_to_text``, ``visible_lines``, ``boilerplate``.
The body cascade, first that yields text wins: trafilatura favouring precision -> trafilatura
favouring recall -> the visible text (a streaming parser with no depth limit, so a page of
10,000 nested <div>s still yields its words) -> nothing, and the caller rejects the page.
"""
from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from lxml import html as lxml_html

_HIDDEN = {"script", "style", "noscript", "template", "head", "title"}
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "blockquote"}


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), paragraphs on their own lines."""
    try:
        tree = lxml_html.fromstring(fragment)
    except Exception:  # noqa: BLE001 - lxml raises several types on junk; fall back to the input
        return fragment
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in tree.iter("p", "div", "li", "h1", "h2", "h3"):
        el.tail = "\n\n" + (el.tail or "")
    return tree.text_content().strip()


def visible_lines(page: str) -> list[str]:
    """The page's visible text, line by line (scripts, styles and the head left out)."""
    try:
        tree = lxml_html.fromstring(page)
    except Exception:  # noqa: BLE001 - junk markup: nothing visible to report
        return []
    for el in tree.xpath("//script|//style|//noscript|//template|//head"):
        el.drop_tree()
    text = html_to_text(lxml_html.tostring(tree, encoding="unicode"))
    return [line.strip() for line in text.split("\n") if line.strip()]


def boilerplate(page: str, main_text: str) -> list[tuple[int, str]]:
    """Visible lines that the main-text extraction left out (menus, banners, footers), numbered."""
    kept = " ".join(main_text.split())
    return [(n, line) for n, line in enumerate(visible_lines(page), 1) if " ".join(line.split()) not in kept]


class _VisibleText(HTMLParser):
    """Text outside scripts, styles and the head; block elements end a paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The visible words of a page, paragraphs separated by blank lines (no nesting limit)."""
    parser = _VisibleText()
    try:
        parser.feed(page)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; keep whatever it collected
        pass
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@lru_cache(maxsize=4)
def _extract(page: str, url: str | None, precision: bool) -> dict[str, Any]:
    import trafilatura  # here, not at the top: a process that reads no page (a Ray worker on text files) never loads it

    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True, favor_precision=precision, favor_recall=not precision,
                                          date_extraction_params={"extensive_search": False, "original_date": True})
    except (RecursionError, ValueError, TypeError, AttributeError):  # odd markup: the next layer decides
        return {}
    if doc is None:
        return {}
    return doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)


def page_body(page: str, url: str | None = None) -> tuple[str, str]:
    """(main text, the layer that found it): trafilatura, trafilatura-recall or visible-text."""
    for precision, how in ((True, "trafilatura"), (False, "trafilatura-recall")):
        text = str(_extract(page, url, precision).get("text") or "")
        if text.strip():
            return text, how
    text = visible_text(page)
    return text, ("visible-text" if text else "no text in the page, not even outside the markup")


def read_page(page: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """(main text, metadata fields) of a saved page. Metadata keys as in RawItem.fields."""
    body, how = page_body(page, url)
    data = _extract(page, url, how != "trafilatura-recall")
    fields: dict[str, Any] = {}
    for ours, theirs in (("title", "title"), ("published", "date"), ("publisher", "sitename"), ("url", "url"),
                         ("language", "language")):
        if data.get(theirs):
            fields[ours] = data[theirs]
    if data.get("author"):
        fields["authors"] = [a.strip() for a in str(data["author"]).split(";") if a.strip()]
    return body, fields
