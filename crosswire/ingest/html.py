"""Saved web pages: main text and metadata through trafilatura (og:, article:, JSON-LD)."""
from __future__ import annotations

from typing import Any

import trafilatura
from lxml import html as lxml_html


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


def read_page(page: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """(main text, metadata fields) of a saved page. Metadata keys as in RawItem.fields."""
    doc = trafilatura.bare_extraction(page, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True,
                                      date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    fields: dict[str, Any] = {}
    for ours, theirs in (("title", "title"), ("published", "date"), ("publisher", "sitename"), ("url", "url"),
                         ("language", "language")):
        if data.get(theirs):
            fields[ours] = data[theirs]
    if data.get("author"):
        fields["authors"] = [a.strip() for a in str(data["author"]).split(";") if a.strip()]
    return str(data.get("text") or ""), fields
