"""Cleaning and metadata on project fixtures: must-contain / must-not-contain and golden metadata."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixture_checks import check_snippets, clean_fixture

from crosswire.clean import clean_document
from crosswire.clean.cleaner import clean_text
from crosswire.clean.metadata import canonical_publisher, name_key
from crosswire.ingest.readers import Input, read_items
from crosswire.models import Rejection

CLEAN = Path(__file__).parent / "fixtures" / "clean"
HTML = Path(__file__).parent / "fixtures" / "html"




def cases(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*") if p.suffix in (".txt", ".html"))


@pytest.mark.parametrize("path", cases(CLEAN) + cases(HTML), ids=lambda p: p.name)
def test_fixture_cleaning_and_metadata(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    doc = clean_fixture(path)
    check_snippets(doc.text, expected)
    assert doc.publisher == expected["publisher"]
    if expected["published"] is None:
        assert doc.published is None
    else:
        assert (doc.published or "")[:len(expected["published"])] == expected["published"]
    assert [name_key(a) for a in doc.authors] == [name_key(a) for a in expected["authors"]]
    if expected.get("title") is None:
        assert doc.title is None
    else:
        assert expected["title"] in (doc.title or "")
    assert doc.language == expected.get("language", "en")


def test_every_removed_line_names_its_rule() -> None:
    text = "date 2024-11-02\n[Anchor]\nTroops moved.\nThis is KBS News, Park Ji-won.\n■ 제보하기\n▷ 전화 : 02-781-1234\n"
    cleaned = clean_text(text)
    rules = {r.text: r.rule for r in cleaned.removed}
    assert rules == {"date 2024-11-02": "date-header", "[Anchor]": "transcript-furniture",
                     "This is KBS News, Park Ji-won.": "sign-off", "■ 제보하기": "tip-line",
                     "▷ 전화 : 02-781-1234": "tip-line"}
    assert cleaned.text == "Troops moved."


def test_broken_line_joined_and_run_together_split() -> None:
    cleaned = clean_text("Losses mounted near the river.Analysts in the\nregion doubt the figures.\n")
    assert cleaned.text == "Losses mounted near the river. Analysts in the region doubt the figures."


def test_soundbites_are_kept_as_body_with_their_role() -> None:
    cleaned = clean_text('[Anchor]\nTalks resumed.\n[Reporter]\nThe envoy spoke.\n[Kim Min-su/Analyst: "It will last."]\n')
    assert '[Kim Min-su/Analyst: "It will last."]' in cleaned.text
    assert [s.role for s in cleaned.segments] == ["anchor", "reporter", "soundbite"]


def test_no_date_means_null_never_today() -> None:
    doc_text = "[Anchor]\nTroops moved last week.\nI'm YTN's Lee Min-jun.\n"
    items = read_items(Input("x.txt", doc_text.encode()))
    doc = clean_document(items[0])
    assert doc.published is None and doc.meta_sources["published"] == "missing"


def test_publisher_and_name_helpers() -> None:
    assert canonical_publisher("KBS News") == "KBS"
    assert canonical_publisher("Fox News") == "Fox News"
    assert name_key("Kwon Young-hee") == name_key("Kwon Younghee") == name_key("Kwon Young Hee")


JSONL = Path(__file__).parent / "fixtures" / "jsonl"
FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def _check(doc, expected: dict) -> None:
    check_snippets(doc.text, expected)
    for key in ("publisher", "title", "url", "language"):
        if key in expected:
            assert getattr(doc, key) == expected[key], key
    assert (doc.published or None) == expected["published"] or (doc.published or "").startswith(expected["published"] or "~")
    assert [name_key(a) for a in doc.authors] == [name_key(a) for a in expected["authors"]]


def test_jsonl_fixture_documents() -> None:
    expected = json.loads((JSONL / "docs.expected.json").read_text(encoding="utf-8"))
    items = read_items(Input(str(JSONL / "docs.jsonl"), (JSONL / "docs.jsonl").read_bytes()))
    docs = {i.fields["id"]: clean_document(i) for i in items}
    assert set(docs) == set(expected)
    for doc_id, exp in expected.items():
        _check(docs[doc_id], exp)


def test_jsonl_bad_lines_become_rejections_and_good_lines_are_read() -> None:
    expected = json.loads((JSONL / "bad_line.expected.json").read_text(encoding="utf-8"))
    items = read_items(Input("bad_line.jsonl", (JSONL / "bad_line.jsonl").read_bytes()))
    good = [i.fields["id"] for i in items if not isinstance(i, Rejection)]
    bad = [i for i in items if isinstance(i, Rejection)]
    assert good == expected["documents"]
    assert [r.source for r in bad] == [f"bad_line.jsonl line {e['line']}" for e in expected["rejected"]]
    assert "invalid JSON" in bad[0].reason and "'text'" in bad[1].reason


@pytest.mark.parametrize("name", ["feed.rss", "feed.atom", "not_xml.rss"])
def test_feed_fixtures(name: str) -> None:
    expected = json.loads((FEEDS / "feeds.expected.json").read_text(encoding="utf-8"))[name]
    items = read_items(Input(name, (FEEDS / name).read_bytes()))
    docs = [clean_document(i) for i in items if not isinstance(i, Rejection)]
    assert len(docs) == len(expected["documents"])
    if expected.get("rejected"):
        assert any(isinstance(i, Rejection) and "not a valid RSS/Atom feed" in i.reason for i in items)
    for doc, exp in zip(docs, expected["documents"]):
        _check(doc, exp)


def test_a_table_inside_the_article_is_body_text() -> None:
    """Figures set out in a table are part of the report (trafilatura's include_tables)."""
    from crosswire.ingest.html import read_page

    rows = "".join(f"<tr><td>Region {n}</td><td>{n * 120} troops</td></tr>" for n in range(1, 6))
    para = "<p>" + "The ministry published its count of deployed units for each region on Tuesday. " * 3 + "</p>"
    page = (f"<html><head><title>Deployment count by region</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Deployment count by region</h1>{para}<table>{rows}</table>{para}</article>"
            f"<footer>Copyright Example News</footer></body></html>")
    body, _ = read_page(page)
    assert "Region 3" in body and "360 troops" in body
    assert "Copyright Example News" not in body
